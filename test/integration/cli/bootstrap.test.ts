import { existsSync, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { GetSecretValueCommand, ListSecretVersionIdsCommand } from '@aws-sdk/client-secrets-manager';
import { runCli } from '../../../cli/main';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { deployEmpty, type EmptyDeployment } from '../../../local/empty-deployment';
import { ADMIN_PERMISSIONS, type Sandbox } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox, type CliRun } from './harness';

jest.setTimeout(60_000);

const WITH_ADD = [...ADMIN_PERMISSIONS, 'oauth:client:add'];

interface BootstrapJson {
  adminSecret: string;
  complete: boolean;
  steps: { step: string; secret: string; status: 'done' | 'did now' | 'left' | 'failed'; detail: string }[];
  summary: string;
  exitCode: number;
}

function parse(run: CliRun): BootstrapJson {
  return JSON.parse(run.stdout) as BootstrapJson;
}

describe('CLI bootstrap', () => {
  let sandbox: Sandbox;

  async function documentAt(secretId: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseSecretDocument(out.SecretString);
  }

  async function versionCount(secretId: string): Promise<number> {
    const out = await sandbox.secretsManager.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true }));
    return out.Versions?.length ?? 0;
  }

  /** Every secret and token the Genesys stand-in issued, plus the typed one, found in `text`. */
  function leaks(text: string, typed: string): string[] {
    return [typed, ...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()].filter((value) => value !== '' && text.includes(value));
  }

  beforeEach(async () => {
    sandbox = await startSandbox(new ShiftableClock());
  });

  afterEach(async () => {
    await sandbox.close();
  });

  async function deploy(name: string, options: { adminPermissions?: readonly string[]; adminStandbyMissing?: boolean } = {}): Promise<EmptyDeployment> {
    return await deployEmpty(sandbox, {
      orgName: name,
      adminPermissions: options.adminPermissions ?? WITH_ADD,
      clients: [
        { name: 'crm', strategy: 'single' },
        { name: 'jobs', strategy: 'alternating' },
      ],
      ...(options.adminStandbyMissing !== undefined ? { adminStandbyMissing: options.adminStandbyMissing } : {}),
    });
  }

  it('takes an empty deployment to rotating from one typed secret, which Genesys then refuses; a second run is a no-op', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    const [adminA, adminB] = deployment.org.adminClientIds;
    // Act
    const first = await runAgainst(sandbox, ['bootstrap', '--json'], { stdin: `${deployment.adminSecret}\n` });
    // Assess
    expect(first.stderr).toBe('');
    const result = parse(first);
    expect(first.code).toBe(0);
    expect(result.complete).toBe(true);
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['load admin pair', 'did now'],
      ['rotate admin pair (1/2: standby)', 'did now'],
      ['rotate admin pair (2/2: seen client)', 'did now'],
      ['seen secret refused', 'did now'],
      ['rotate once', 'did now'],
      ['rotate once', 'did now'],
    ]);
    expect(sandbox.genesys.secretWorks(adminA, deployment.adminSecret)).toBe(false);
    expect(sandbox.genesys.regenerateCount(adminA)).toBe(1);
    expect(sandbox.genesys.regenerateCount(adminB)).toBe(1);
    const admin = await documentAt(deployment.org.adminSecretArn);
    expect(admin.clientId).toBe(adminA);
    expect(sandbox.genesys.secretWorks(admin.clientId, admin.clientSecret)).toBe(true);
    for (const client of deployment.clients) {
      const doc = await documentAt(client.secretArn);
      expect(doc.clientSecret).not.toBe('');
      expect(sandbox.genesys.secretWorks(doc.clientId, doc.clientSecret)).toBe(true);
    }
    expect(leaks(first.stdout + first.stderr, deployment.adminSecret)).toEqual([]);
    // The ledger says who asked for each rotation bootstrap started (two of the admin pair, one per client).
    const requests = async (secretArn: string) => (await sandbox.ledgerRecords(secretArn)).filter((r) => r.kind === 'request');
    const adminRequests = await requests(deployment.org.adminSecretArn);
    expect(adminRequests.map((r) => [r.command, r.rotationKind])).toEqual([
      ['bootstrap', 'manual'],
      ['bootstrap', 'manual'],
    ]);
    for (const client of deployment.clients) expect((await requests(client.secretArn)).length).toBe(1);
    expect(leaks(JSON.stringify(await sandbox.ledgerRecords(deployment.org.adminSecretArn)), deployment.adminSecret)).toEqual([]);

    // Act: again, with no input at all
    const versions = await versionCount(deployment.org.adminSecretArn);
    const second = await runAgainst(sandbox, ['bootstrap']);
    // Assess
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Bootstrap complete');
    expect(second.stdout).not.toContain('did now');
    expect(await versionCount(deployment.org.adminSecretArn)).toBe(versions);
    expect(sandbox.genesys.regenerateCount(adminA)).toBe(1);
    expect(leaks(second.stdout + second.stderr, deployment.adminSecret)).toEqual([]);
  });

  it('resumes after a rotation failed mid-way, without asking for the secret again', async () => {
    // Prepare: the admin pair's second rotation (regenerating the typed client) fails every attempt
    const deployment = await deploy('Acme');
    const [adminA] = deployment.org.adminClientIds;
    sandbox.genesys.faults.failNext(10, { method: 'POST', path: `/api/v2/oauth/clients/${adminA}/secret`, status: 403 });
    // Act
    const first = await runAgainst(sandbox, ['bootstrap', '--json', '--timeout', '1'], { stdin: `${deployment.adminSecret}\n` });
    // Assess: loaded and rotated once; the typed secret still works, and the rest is left
    expect(first.code).toBe(1);
    const interrupted = parse(first);
    expect(interrupted.complete).toBe(false);
    expect(interrupted.steps.map((s) => s.status)).toEqual(['did now', 'did now', 'left', 'left', 'left', 'left']);
    expect(interrupted.summary).toContain('run "genesys-rotator bootstrap" again');
    expect(sandbox.genesys.secretWorks(adminA, deployment.adminSecret)).toBe(true);
    for (const client of deployment.clients) expect((await documentAt(client.secretArn)).clientSecret).toBe('');

    // Act: run again with no input; the pending rotation is reattempted
    sandbox.genesys.faults.reset();
    const second = await runAgainst(sandbox, ['bootstrap', '--json']);
    // Assess
    expect(second.code).toBe(0);
    const resumed = parse(second);
    expect(resumed.steps.map((s) => [s.step, s.status])).toEqual([
      ['load admin pair', 'done'],
      ['rotate admin pair (1/2: standby)', 'done'],
      ['rotate admin pair (2/2: seen client)', 'did now'],
      ['seen secret refused', 'done'],
      ['rotate once', 'did now'],
      ['rotate once', 'did now'],
    ]);
    expect(resumed.steps[2]?.detail).toContain('finished the rotation an earlier run left pending');
    expect(resumed.steps[3]?.detail).toContain('refuses it');
    expect(sandbox.genesys.secretWorks(adminA, deployment.adminSecret)).toBe(false);
    expect(leaks(first.stdout + first.stderr + second.stdout + second.stderr, deployment.adminSecret)).toEqual([]);
  });

  it('status shows a freshly deployed stack as NOT LOADED (not as refused credentials), then ok after bootstrap', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    // Act
    const before = await runAgainst(sandbox, ['status']);
    await runAgainst(sandbox, ['bootstrap'], { stdin: `${deployment.adminSecret}\n` });
    const after = await runAgainst(sandbox, ['status']);
    // Assess
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('NOT LOADED');
    expect(before.stdout).toMatch(/3 NOT LOADED \(run bootstrap\)/);
    expect(before.stdout).not.toContain('settling');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('NOT LOADED');
  });

  it('refuses a wrong secret with a typed error and stores nothing', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    const wrong = `${deployment.adminSecret}x`;
    const versions = await versionCount(deployment.org.adminSecretArn);
    // Act
    const run = await runAgainst(sandbox, ['bootstrap', '--json'], { stdin: `${wrong}\n` });
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Genesys Cloud refused the secret typed for admin client');
    expect(run.stderr).toContain('field "admin client secret"');
    expect((await documentAt(deployment.org.adminSecretArn)).clientSecret).toBe('');
    expect(await versionCount(deployment.org.adminSecretArn)).toBe(versions);
    expect(leaks(run.stdout + run.stderr, wrong)).toEqual([]);
  });

  it('takes the secret of the other admin client with --admin-client-id, and refuses an id outside the pair before asking', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    const [adminA, adminB] = deployment.org.adminClientIds;
    const typed = deployment.adminStandbySecret!;
    // Act
    const outside = await runAgainst(sandbox, ['bootstrap', '--admin-client-id', 'someone-else'], { stdin: `${typed}\n` });
    const run = await runAgainst(sandbox, ['bootstrap', '--json', '--admin-client-id', adminB], { stdin: `${typed}\n` });
    // Assess
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`field "--admin-client-id": expected one of the admin pair's clients the deployment names: ${adminA} or ${adminB}`);
    expect(run.code).toBe(0);
    expect(parse(run).steps[1]?.detail).toContain(`regenerated client ${adminA}`);
    expect(parse(run).steps[3]?.detail).toContain(`the secret typed for client ${adminB}: Genesys Cloud refuses it`);
    expect(sandbox.genesys.secretWorks(adminB, typed)).toBe(false);
    expect(leaks(outside.stdout + outside.stderr + run.stdout + run.stderr, typed)).toEqual([]);
  });

  it('refuses the secret as an option or an argument, and no input at all, without repeating it', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    const typed = deployment.adminSecret;
    // Act
    const asOption = await runAgainst(sandbox, ['bootstrap', '--secret', typed]);
    const asOptionEquals = await runAgainst(sandbox, ['bootstrap', `--client-secret=${typed}`]);
    const asArgument = await runAgainst(sandbox, ['bootstrap', typed]);
    const asAdminSecret = await runAgainst(sandbox, ['bootstrap', '--admin-secret', typed]);
    const noInput = await runAgainst(sandbox, ['bootstrap']);
    // Assess
    for (const run of [asOption, asOptionEquals, asArgument, asAdminSecret, noInput]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('piped on standard input');
      expect(leaks(run.stdout + run.stderr, typed)).toEqual([]);
    }
    expect(asOption.stderr).toContain('"--secret"');
    expect((await documentAt(deployment.org.adminSecretArn)).clientSecret).toBe('');
  });

  it('names oauth:client:add when the deployment\'s admin standby is missing and the admin may not create it', async () => {
    // Prepare
    const deployment = await deploy('Acme', { adminPermissions: ADMIN_PERMISSIONS, adminStandbyMissing: true });
    // Act
    const run = await runAgainst(sandbox, ['bootstrap'], { stdin: `${deployment.adminSecret}\n` });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('oauth:client:add');
    expect((await documentAt(deployment.org.adminSecretArn)).clientSecret).toBe('');
    expect(leaks(run.stdout + run.stderr, deployment.adminSecret)).toEqual([]);
  });

  it('creates the missing admin standby as a twin, stores nothing, and says to name it in the deployment', async () => {
    // Prepare
    const deployment = await deploy('Acme', { adminStandbyMissing: true });
    // Act
    const run = await runAgainst(sandbox, ['bootstrap', '--json'], { stdin: `${deployment.adminSecret}\n` });
    const again = await runAgainst(sandbox, ['bootstrap', '--json'], { stdin: `${deployment.adminSecret}\n` });
    // Assess
    expect(run.code).toBe(1);
    const load = parse(run).steps[0];
    expect(load).toMatchObject({ step: 'load admin pair', status: 'left' });
    const twinId = /the twin ([0-9a-f-]{36})/.exec(load?.detail ?? '')?.[1];
    expect(twinId).toBeDefined();
    expect(load?.detail).toContain(`Set organisations[].admin.alternateClientId to ${twinId!}`);
    expect(parse(again).steps[0]?.detail).toContain(`found the twin ${twinId!}`);
    expect((await documentAt(deployment.org.adminSecretArn)).clientSecret).toBe('');
  });

  it('prints the steps as a table, and --dry-run changes nothing and asks for nothing', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    // Act
    const dry = await runAgainst(sandbox, ['bootstrap', '--dry-run']);
    const real = await runAgainst(sandbox, ['bootstrap'], { stdin: deployment.adminSecret });
    // Assess
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/^STEP\s+SECRET\s+STATUS\s+DETAIL/);
    expect(dry.stdout).toContain('Dry run:');
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/load admin pair\s+genesys-rotator\/acme\/admin\s+did now/);
    expect(real.stdout).toContain('Bootstrap complete');
    expect(leaks(dry.stdout + dry.stderr + real.stdout + real.stderr, deployment.adminSecret)).toEqual([]);
  });

  it('takes a stack whose values were loaded by hand the rest of the way, without asking for a secret', async () => {
    // Prepare: the old way: each secret loaded by hand with the client's current secret
    const org = await sandbox.createOrg('Acme', 'mypurecloud.com', { adminPermissions: WITH_ADD });
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    const handLoaded = await documentAt(org.adminSecretArn);
    const crmLoaded = await documentAt(crm.secretArn);
    for (const arn of [org.adminSecretArn, crm.secretArn]) await sandbox.scheduleRotation(arn);
    // Act
    const run = await runAgainst(sandbox, ['bootstrap', '--json']);
    const again = await runAgainst(sandbox, ['bootstrap', '--json']);
    // Assess
    expect(run.code).toBe(0);
    const result = parse(run);
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['load admin pair', 'done'],
      ['rotate admin pair (1/2: standby)', 'did now'],
      ['rotate admin pair (2/2: seen client)', 'did now'],
      ['seen secret refused', 'done'],
      ['rotate once', 'did now'],
    ]);
    expect(result.steps[3]?.detail).toContain('the secret a human saw');
    expect(sandbox.genesys.secretWorks(handLoaded.clientId, handLoaded.clientSecret)).toBe(false);
    expect(sandbox.genesys.secretWorks(crmLoaded.clientId, crmLoaded.clientSecret)).toBe(false);
    expect(again.code).toBe(0);
    expect(parse(again).steps.every((s) => s.status === 'done')).toBe(true);
    expect(leaks(run.stdout + run.stderr + again.stdout + again.stderr, handLoaded.clientSecret)).toEqual([]);
  });
  it('rotates the admin pair once more when a hand-loaded pair rotated once before bootstrap (its previous value may be one a human saw)', async () => {
    // Prepare
    const org = await sandbox.createOrg('Acme', 'mypurecloud.com', { adminPermissions: WITH_ADD });
    const handLoaded = await documentAt(org.adminSecretArn);
    await sandbox.scheduleRotation(org.adminSecretArn);
    expect((await sandbox.rotate(org.adminSecretArn)).ok).toBe(true);
    // Act
    const run = await runAgainst(sandbox, ['bootstrap', '--json']);
    // Assess
    expect(run.code).toBe(0);
    expect(parse(run).steps.map((s) => s.status)).toEqual(['done', 'done', 'did now', 'done']);
    expect(sandbox.genesys.secretWorks(handLoaded.clientId, handLoaded.clientSecret)).toBe(false);
  });

  it('leaves a managed pair whose standby does not exist, saying how to create it, and rotates the rest', async () => {
    // Prepare
    const deployment = await deploy('Acme');
    const grant = [{ roleId: deployment.org.appRoleId, divisionId: deployment.org.divisionId }];
    const lonely = sandbox.genesys.createClient(deployment.org.orgId, { name: 'lonely', roleDivisions: grant }).id;
    await sandbox.createSecret('genesys-rotator/acme/lonely', {
      environment: 'mypurecloud.com',
      clientId: lonely,
      clientSecret: '',
      strategy: 'alternating',
      alternateClientId: 'never-created',
      adminSecretId: deployment.org.adminSecretArn,
    });
    // Act
    const run = await runAgainst(sandbox, ['bootstrap', '--json'], { stdin: deployment.adminSecret });
    // Assess
    expect(run.code).toBe(1);
    const rows = parse(run).steps.filter((s) => s.step === 'rotate once');
    expect(rows.map((s) => [s.secret, s.status])).toEqual([
      ['genesys-rotator/acme/crm', 'did now'],
      ['genesys-rotator/acme/jobs', 'did now'],
      ['genesys-rotator/acme/lonely', 'left'],
    ]);
    expect(rows[2]?.detail).toContain(`create it with "genesys-rotator pair ${lonely}"`);
    expect(sandbox.genesys.regenerateCount(lonely)).toBe(0);
  });
});

describe('genesys-rotator local --empty, then bootstrap', () => {
  it('starts as a freshly deployed stack that bootstrap takes to rotating from the secret file it names', async () => {
    // Prepare: local --empty, stopped by us
    let stop: (signal: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    let stdout = '';
    const local = runCli(['local', '--empty'], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => undefined }, env: {}, untilStopped: async () => await stopped });
    while (!stdout.includes('Activity:')) await new Promise((resolve) => setTimeout(resolve, 20));
    const env = Object.fromEntries([...stdout.matchAll(/^ {2}export (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const file = /^ {2}genesys-rotator bootstrap < (\S+)$/m.exec(stdout)?.[1];
    expect(file).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const typed = readFileSync(file!, 'utf8').trim();
    // Act
    let out = '';
    let err = '';
    const code = await runCli(['bootstrap'], {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      stdin: Readable.from([readFileSync(file!)]),
      env,
      pollIntervalMs: 20,
    });
    stop('SIGINT');
    // Assess
    expect(await local).toBe(0);
    expect(code).toBe(0);
    expect(out).toContain('Bootstrap complete');
    expect(out + err + stdout).not.toContain(typed);
    expect(existsSync(file!)).toBe(false);
  });
});
