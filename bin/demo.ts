/**
 * `npm run demo`: the main job, end to end, on the embedded stand-ins. Starts a Genesys Cloud and
 * an AWS (Secrets Manager + EventBridge + SQS) stand-in in this process, creates an organization with
 * an admin pair and two managed clients, rotates each twice through RotateSecret with the real rotate
 * handler, then runs an emergency rotation, and prints what happened. Meanwhile two integrations call
 * Genesys Cloud every 100 ms through the credential provider, and the real notify handler updates a
 * Data Actions credential and posts signed webhooks. Exits non-zero on any failure.
 * Prints no secret: at the end it checks its own output against every secret the stand-in issued.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { createCredentialProvider } from '../client';
import { GenesysAuthError } from '../lambdas/core/errors';
import { createGenesysClient } from '../lambdas/core/genesys/client';
import type { AccessToken } from '../lambdas/core/genesys/types';
import { parseSecretDocument, type SecretDocument } from '../lambdas/core/secret-document';
import { startDependent, type DependentReport } from '../local/dependent';
import { Sandbox, type ManagedClient } from '../local/sandbox';
import { startWebhookReceiver } from '../local/webhook-receiver';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const printed: string[] = [];
function print(line = ''): void {
  printed.push(line);
  process.stdout.write(`${line}\n`);
}

interface Row {
  readonly n: number;
  readonly secret: string;
  readonly strategy: string;
  readonly kind: 'scheduled' | 'emergency';
  readonly current: string;
  readonly oldCredentials: string;
  readonly verified: string;
  readonly ms: number;
  readonly ok: boolean;
}

function table(rows: readonly Row[]): string[] {
  const header = ['#', 'secret', 'strategy', 'rotation', 'client now current', 'old credentials', 'new token verified', 'took'];
  const cells = rows.map((r) => [String(r.n), r.secret, r.strategy, r.kind, r.current, r.oldCredentials, r.verified, `${r.ms} ms`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

async function main(): Promise<number> {
  const started = Date.now();
  const sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 3, delayMs: 50 } } });
  let failures = 0;
  try {
    print('genesys-oauth-rotator demo: the rotate Lambda on local stand-ins');
    print(`  Genesys Cloud stand-in:                 ${sandbox.genesys.baseUrl}`);
    print(`  Secrets Manager + EventBridge stand-in: ${sandbox.aws.endpoint}`);
    print();

    const genesys = createGenesysClient({ environment: 'mypurecloud.com', baseUrl: sandbox.genesys.baseUrl });
    const read = async (secretArn: string): Promise<SecretDocument> => {
      const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return parseSecretDocument(out.SecretString);
    };
    const org = await sandbox.createOrg('Acme');
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single', extra: { owner: 'crm-team' } });
    const jobs = await sandbox.addManagedClient(org, { name: 'nightly-jobs', strategy: 'alternating' });
    print(`Organization Acme (${org.environment}): admin pair ${org.adminClientIds.join(' / ')}`);
    print(`  crm           single       client ${crm.clientIds[0] ?? ''}`);
    print(`  nightly-jobs  alternating  clients ${jobs.clientIds.join(' / ')}`);
    print();

    // Dependents: a Data Actions credential holding the crm client, and a signed webhook for both.
    const credentialId = sandbox.genesys.createIntegrationCredential(org.orgId, {
      name: 'crm data actions',
      typeName: 'pureCloudOAuthClient',
      fields: { clientId: crm.clientIds[0] ?? '', clientSecret: (await read(crm.secretArn)).clientSecret },
    }).id;
    const signingKey = await sandbox.secretsManager.send(
      new CreateSecretCommand({ Name: 'genesys-rotator/acme/webhooks/data-platform/signing-key', SecretString: randomBytes(32).toString('base64url') }),
    );
    const key = (await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: signingKey.ARN }))).SecretString ?? '';
    const receiver = await startWebhookReceiver(() => key);
    const webhook = { name: 'data-platform', url: `${receiver.url}/rotated`, signingKeySecretArn: signingKey.ARN ?? '' };
    const notifier = await sandbox.attachNotifier([
      { secretArn: crm.secretArn, integrationCredentialIds: [credentialId], webhooks: [webhook] },
      { secretArn: jobs.secretArn, webhooks: [webhook] },
    ]);
    // Integrations reading their secret at run time, calling Genesys Cloud every 100 ms.
    const dependents = [crm, jobs].map((managed) => ({
      managed,
      running: startDependent({
        provider: createCredentialProvider({ secretId: managed.secretArn, secretsManager: sandbox.secretsManager, genesysBaseUrl: sandbox.genesys.baseUrl }),
        genesysBaseUrl: sandbox.genesys.baseUrl,
        intervalMs: 100,
      }),
    }));


    /** Whether Genesys refuses an access token on an API call (GET /api/v2/tokens/me). */
    const tokenRefused = async (token: AccessToken): Promise<boolean> => {
      try {
        await genesys.getTokenInfo(token);
        return false;
      } catch (error) {
        if (error instanceof GenesysAuthError) return true;
        throw error;
      }
    };

    /** Ask the token endpoint for real whether a pair still works. */
    const works = async (doc: SecretDocument): Promise<boolean> => {
      try {
        await genesys.getToken(doc);
        return true;
      } catch (error) {
        if (error instanceof GenesysAuthError) return false;
        throw error;
      }
    };

    const rows: Row[] = [];
    const run = async (managed: ManagedClient, kind: Row['kind']): Promise<void> => {
      const before = await read(managed.secretArn);
      // A token taken with the credentials the emergency replaces: a leak's stolen token (issue 14).
      const leakedToken = kind === 'emergency' ? await genesys.getToken(before) : undefined;
      const t0 = performance.now();
      const outcome = await sandbox.rotate(managed.secretArn, kind === 'emergency' ? { emergency: true, reason: 'demo: secret pasted in a ticket' } : {});
      const ms = Math.round(performance.now() - t0);
      const after = await read(managed.secretArn);
      let verified = 'no';
      if (outcome.ok) {
        const token = await genesys.getToken(after);
        const me = await genesys.getTokenInfo(token);
        verified = me.oauthClientId === after.clientId ? `yes (org ${me.organizationId.slice(0, 8)}…)` : `NO: token is for ${me.oauthClientId}`;
      }
      const oldWorks = await works(before);
      const expectedOld = managed.strategy === 'alternating' && kind === 'scheduled';
      const leakedTokenRefused = leakedToken === undefined ? undefined : await tokenRefused(leakedToken);
      const ok = outcome.ok && verified.startsWith('yes') && oldWorks === expectedOld && leakedTokenRefused !== false;
      if (!ok) failures++;
      rows.push({
        n: rows.length + 1,
        secret: managed.name,
        strategy: managed.strategy,
        kind,
        current: after.clientId,
        oldCredentials: `${oldWorks ? 'still working' : 'revoked'}${leakedTokenRefused === undefined ? '' : leakedTokenRefused ? ', its token refused' : ', its token STILL WORKS'} (${before.clientId.slice(0, 8)}…)`,
        verified: outcome.ok ? verified : `FAILED at ${outcome.failedStep ?? '?'}: ${outcome.error?.name ?? ''}`,
        ms,
        ok,
      });
    };

    // Rotations a few hundred ms apart, so the integrations keep calling through each of them.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 400));
    for (let round = 0; round < 2; round++) {
      await run(crm, 'scheduled');
      await pause();
      await run(jobs, 'scheduled');
      await pause();
    }
    await run(jobs, 'emergency');
    await pause();
    await notifier.idle();
    const reports: [ManagedClient, DependentReport][] = [];
    for (const d of dependents) reports.push([d.managed, await d.running.stop()]);
    await receiver.close();

    for (const line of table(rows)) print(line);
    print();
    print('Reading the table:');
    print('  single:      the old secret dies the moment Genesys regenerates it; consumers fall back to AWSPENDING until finishSecret.');
    print('  alternating: the standby gets the new secret, so the previous credentials keep working until the next rotation.');
    print('  emergency:   the credentials current before the rotation are revoked as well, the leaked client is disabled so a');
    print('               token taken with them before the emergency is refused, and the event is marked emergency.');
    print();
    const events = sandbox.aws.eventBridge.entries().filter((e) => e.source === 'genesys-oauth-rotator');
    print(`Rotated events published: ${events.length} (one per rotation, emergency flagged on ${events.filter((e) => e.detail.includes('"emergency":true')).length})`);
    // The rotation ledger (DynamoDB stand-in): what an auditor reads a year later with `history` and `report`.
    const ledger = [...(await sandbox.ledgerRecords(crm.secretArn)), ...(await sandbox.ledgerRecords(jobs.secretArn))].filter((r) => r.kind === 'step');
    const finished = ledger.filter((r) => r.step === 'finishSecret' && r.outcome === 'succeeded');
    print(
      `Rotation ledger: ${ledger.length} step records for ${finished.length} finished rotations, ` +
        `${finished.filter((r) => r.emergency === true).length} emergency with its reason ("${finished.find((r) => r.emergency === true)?.emergencyReason ?? ''}")`,
    );
    if (ledger.length !== rows.length * 4 || finished.length !== rows.length) failures++;
    print();

    print('Integrations calling GET /api/v2/tokens/me every 100 ms through the credential provider:');
    for (const [managed, report] of reports) {
      const reasons = Object.entries(report.reasons).map(([reason, n]) => `${reason} x${n}`).join(', ');
      print(`  ${managed.name.padEnd(12)}  ${managed.strategy.padEnd(11)}  ${report.calls} calls, ${report.failures} failed${reasons === '' ? '' : ` (${reasons})`}`);
      // Zero downtime is the promise of alternating; single must also end with no failure here,
      // since the provider falls back to AWSPENDING inside the rotation window.
      if (report.failures > 0 || report.calls === 0) failures++;
    }
    print('  single keeps working because tokens issued before a regenerate stay valid until they expire, and a');
    print('  fresh token request inside the rotation window falls back from the dead AWSCURRENT to AWSPENDING.');
    print();

    const crmDoc = await read(crm.secretArn);
    const credential = sandbox.genesys.integrationCredential(credentialId);
    const credentialCurrent = credential?.fields.clientId === crmDoc.clientId && credential.fields.clientSecret === crmDoc.clientSecret;
    const valid = receiver.received.filter((r) => r.valid && !r.duplicate);
    print('Notifications (the notify Lambda, on each rotated event):');
    print(`  Data Actions credential "${credential?.name ?? '?'}": ${credentialCurrent ? 'holds the current crm credentials' : 'STALE'} (updated ${credential?.modifiedCount ?? 0} times)`);
    print(`  webhook data-platform: ${valid.length} signed deliveries verified, ${receiver.received.length - valid.length} rejected or duplicate, ${notifier.deadLetters().length} dead-lettered`);
    if (!credentialCurrent || valid.length !== events.length || notifier.errors.length > 0) failures++;
    print();

    // Bindings: someone who may write one secret edits it to name another team's client. The
    // deployment's bindings, not the document, decide what the rotator may regenerate.
    const reportsClient = await sandbox.addManagedClient(org, { name: 'reports', strategy: 'single' });
    const jobsNow = await read(jobs.secretArn);
    const victimId = jobsNow.alternateClientId ?? jobsNow.clientId;
    await sandbox.secretsManager.send(
      new PutSecretValueCommand({ SecretId: reportsClient.secretArn, SecretString: JSON.stringify({ ...(await read(reportsClient.secretArn)), clientId: victimId }) }),
    );
    const regeneratesBefore = sandbox.genesys.regenerateCount(victimId);
    const attack = await sandbox.rotate(reportsClient.secretArn);
    const refused = !attack.ok && attack.error?.name === 'BindingMismatchError' && sandbox.genesys.regenerateCount(victimId) === regeneratesBefore;
    print('Bindings (only what the deployment binds can be rotated):');
    print(`  the "reports" secret edited to name nightly-jobs' client ${victimId.slice(0, 8)}…: rotation ${refused ? `refused (${attack.error?.name ?? ''}), the client untouched` : 'NOT REFUSED'}`);
    print(`  nightly-jobs credentials after the attempt: ${(await works(await read(jobs.secretArn))) ? 'still working' : 'BROKEN'}`);
    if (!refused) failures++;
    print();

    // The demo's own leak check: nothing printed may contain a secret or token the stand-in issued.
    const output = [...printed, ...receiver.received.map((r) => r.body), ...notifier.deadLetters()].join('\n');
    const leaked = [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()].filter((s) => output.includes(s));
    if (leaked.length > 0) {
      failures++;
      print(`LEAK: ${leaked.length} issued secret(s) or token(s) appear in the output above`);
    } else {
      print(`Leak check: none of the ${sandbox.genesys.issuedSecrets().length} secrets and ${sandbox.genesys.issuedTokens().length} tokens issued appears in this output.`);
    }
    print();
    print(failures === 0 ? `Demo passed in ${Date.now() - started} ms.` : `Demo FAILED: ${failures} problem(s).`);
  } finally {
    await sandbox.close();
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Demo crashed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error'}\n`);
    process.exitCode = 1;
  },
);
