import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import type { Sandbox, SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

interface StatusJson {
  summary: { total: number; ok: number; dueSoon: number; overdue: number; stuck: number; broken: number; failing: number };
  secrets: {
    name: string;
    strategy: string;
    clientId: string;
    alternateClientId: string | null;
    lastRotatedDate: string | null;
    age: { state: string; since: string; maxRotationDays: number };
    rotation: { state: string; pendingHasValue: boolean | null; reason: string | null };
    previousClientUsage: { verdict?: string; clientId?: string; error?: string } | null;
    credentials: { state: string; current: string | null; pending: string | null; reason: string | null };
    failing: boolean;
  }[];
  exitCode: number;
}

jest.setTimeout(30_000);

describe('CLI status', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let json: StatusJson;
  let tableRun: { code: number; stdout: string; stderr: string };
  let jsonCode: number;
  let inUseStandby: string;

  /** A regenerate Genesys applied late (its answer lost): the client gets a secret nobody stored. */
  async function lateRegenerate(org: SandboxOrg, clientId: string): Promise<void> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: org.adminSecretArn }));
    const admin = parseSecretDocument(out.SecretString);
    const genesys = createGenesysClient({ environment: admin.environment, baseUrl: sandbox.genesys.baseUrl });
    await genesys.regenerateSecret(await genesys.getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret }), clientId);
  }

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    clock.daysAgo(1);
    const org = await sandbox.createOrg('Acme'); // its admin pair: ok (1 day old)

    clock.daysAgo(100);
    await sandbox.addManagedClient(org, { name: 'overdue', strategy: 'single' });
    clock.daysAgo(86);
    await sandbox.addManagedClient(org, { name: 'due-soon', strategy: 'single' });

    // Rotated 3 days ago; its previous client is used yesterday: still in use.
    clock.daysAgo(10);
    const busy = await sandbox.addManagedClient(org, { name: 'busy', strategy: 'alternating' });
    clock.daysAgo(3);
    await sandbox.rotate(busy.secretArn);
    inUseStandby = busy.clientIds[0]!;
    sandbox.genesys.recordUsage(inUseStandby, { requests: 12, date: new Date(Date.now() - 86_400_000).toISOString() });

    // Rotated 3 days ago, previous client silent since.
    clock.daysAgo(10);
    const quiet = await sandbox.addManagedClient(org, { name: 'quiet', strategy: 'alternating' });
    clock.daysAgo(3);
    await sandbox.rotate(quiet.secretArn);

    // A rotation that failed in createSecret two hours ago: AWSPENDING without a value, never current.
    clock.daysAgo(5);
    const stuck = await sandbox.addManagedClient(org, { name: 'stuck', strategy: 'single' });
    await sandbox.rotate(stuck.secretArn); // configures the rotation function, as the stack does
    clock.minutesAgo(120);
    sandbox.genesys.faults.failNext(10, { method: 'POST', path: /\/secret$/, status: 403 });
    expect((await sandbox.rotate(stuck.secretArn)).ok).toBe(false);
    sandbox.genesys.faults.reset();

    // A rotation 10 minutes ago whose new secret was stored but not yet accepted: in progress, not failing.
    clock.daysAgo(5);
    const slow = await sandbox.addManagedClient(org, { name: 'slow', strategy: 'single' });
    await sandbox.rotate(slow.secretArn);
    clock.minutesAgo(10);
    sandbox.genesys.faults.freshSecretDelayMs = 3_600_000;
    expect((await sandbox.rotate(slow.secretArn)).ok).toBe(false);
    sandbox.genesys.faults.reset();

    // A single client 30 minutes into a rotation whose stored secret died (a regenerate applied after
    // the one createSecret stored): neither AWSCURRENT nor AWSPENDING works. Broken, and stuck.
    clock.daysAgo(5);
    const broken = await sandbox.addManagedClient(org, { name: 'broken', strategy: 'single' });
    await sandbox.rotate(broken.secretArn);
    clock.minutesAgo(30);
    const token = sandbox.aws.secretsManager.stageToken(broken.secretArn);
    await sandbox.aws.secretsManager.runStep(broken.secretArn, token, 'createSecret');
    await lateRegenerate(org, broken.clientIds[0]!);

    // Not managed: never listed.
    clock.present();
    await sandbox.secretsManager.send(new CreateSecretCommand({ Name: 'someone-else/db', SecretString: '{"password":"x"}', Tags: [{ Key: 'team', Value: 'db' }] }));
    await sandbox.secretsManager.send(new CreateSecretCommand({ Name: 'half-managed', SecretString: '{}', Tags: [{ Key: 'genesys-rotator:managed', Value: 'true-ish' }] }));

    tableRun = await runAgainst(sandbox, ['status']);
    const jsonRun = await runAgainst(sandbox, ['status', '--json']);
    jsonCode = jsonRun.code;
    json = JSON.parse(jsonRun.stdout) as StatusJson;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const secret = (suffix: string): StatusJson['secrets'][number] => {
    const found = json.secrets.find((s) => s.name.endsWith(`/${suffix}`));
    if (found === undefined) throw new Error(`no ${suffix} in status`);
    return found;
  };

  it('lists every managed secret and nothing else', () => {
    expect(json.secrets.map((s) => s.name).sort()).toEqual(
      ['admin', 'broken', 'busy', 'due-soon', 'overdue', 'quiet', 'slow', 'stuck'].map((n) => `genesys-rotator/acme/${n}`).sort(),
    );
  });

  it('classifies age against the policy: ok, due soon, overdue', () => {
    expect(secret('admin').age.state).toBe('ok');
    expect(secret('due-soon').age).toMatchObject({ state: 'due-soon', since: 'created', maxRotationDays: 90 });
    expect(secret('overdue').age).toMatchObject({ state: 'overdue', since: 'created' });
    expect(secret('busy').age).toMatchObject({ state: 'ok', since: 'last-rotated' });
  });

  it('reports a rotation stuck without a value as failed, and a young one as in progress', () => {
    expect(secret('stuck').rotation).toMatchObject({ state: 'stuck', pendingHasValue: false, reason: expect.stringContaining('never became AWSCURRENT') });
    expect(secret('stuck').failing).toBe(true);
    expect(secret('slow').rotation).toMatchObject({ state: 'in-progress', pendingHasValue: true });
    expect(secret('slow').failing).toBe(false);
  });

  it('reports a client none of whose stored credentials work as broken, and its rotation as stuck', () => {
    expect(secret('broken').credentials).toMatchObject({ state: 'broken', current: 'refused', pending: 'refused', reason: expect.stringContaining('no working stored secret') });
    expect(secret('broken').rotation).toMatchObject({ state: 'stuck', pendingHasValue: true, reason: expect.stringContaining('credentials are still refused') });
    expect(secret('broken').failing).toBe(true);
    // A fresh secret that is not accepted yet is settling, not broken; working ones are ok.
    expect(secret('slow').credentials.state).toBe('settling');
    for (const name of ['admin', 'busy', 'quiet', 'overdue', 'due-soon', 'stuck']) expect(secret(name).credentials).toMatchObject({ state: 'ok', current: 'accepted' });
  });

  it("shows whether an alternating pair's previous client is still in use", () => {
    expect(secret('busy').previousClientUsage).toMatchObject({ verdict: 'in-use', clientId: inUseStandby });
    expect(secret('quiet').previousClientUsage).toMatchObject({ verdict: 'idle' });
    expect(secret('overdue').previousClientUsage).toBeNull();
  });

  it('exits 1 because something is overdue or stuck, in both output modes', () => {
    expect(tableRun.code).toBe(1);
    expect(jsonCode).toBe(1);
    expect(json.exitCode).toBe(1);
    expect(json.summary).toMatchObject({ total: 8, overdue: 1, dueSoon: 1, stuck: 2, broken: 1, failing: 3 });
  });

  it('prints a readable table with the classification and says when age counts from creation', () => {
    const lines = tableRun.stdout.split('\n');
    expect(lines[0]).toMatch(/^SECRET\s+STRATEGY\s+CLIENT\s+LAST ROTATED\s+NEXT ROTATION\s+AGE\/POLICY\s+STATE\s+ROTATION\s+PREVIOUS CLIENT$/);
    expect(lines.find((l) => l.startsWith('genesys-rotator/acme/overdue '))).toMatch(/OVERDUE/);
    expect(lines.find((l) => l.startsWith('genesys-rotator/acme/due-soon '))).toMatch(/DUE SOON/);
    expect(lines.find((l) => l.startsWith('genesys-rotator/acme/stuck '))).toMatch(/STUCK/);
    expect(lines.find((l) => l.startsWith('genesys-rotator/acme/busy '))).toMatch(/IN USE \(12 req/);
    expect(lines.find((l) => l.startsWith('genesys-rotator/acme/broken '))).toMatch(/BROKEN\s+STUCK/);
    expect(tableRun.stdout).toMatch(/genesys-rotator\/acme\/broken: credentials broken: the AWSCURRENT and AWSPENDING credentials are refused/);
    expect(tableRun.stdout).toContain("never rotated: age counts from the secret's creation date");
    expect(tableRun.stdout).toMatch(/-> FAIL/);
    expect(tableRun.stderr).toBe('');
  });

  it('exits 0 once nothing is overdue or stuck (due soon and in progress do not fail)', async () => {
    // Prepare: a policy long enough for the old secret; the stuck rotation reattempted by RotateSecret (now that Genesys works).
    await sandbox.secretsManager.send(
      new TagResourceCommand({ SecretId: 'genesys-rotator/acme/overdue', Tags: [{ Key: 'genesys-rotator:max-rotation-days', Value: '105' }] }),
    );
    await expect(sandbox.secretsManager.send(new RotateSecretCommand({ SecretId: 'genesys-rotator/acme/stuck' }))).rejects.toThrow(/previous rotation/);
    expect((await sandbox.aws.secretsManager.waitForRotation('genesys-rotator/acme/stuck')).ok).toBe(true);
    // The broken one recovers by itself on the reattempt: its rotation fails (recovered), its client works again.
    await expect(sandbox.secretsManager.send(new RotateSecretCommand({ SecretId: 'genesys-rotator/acme/broken' }))).rejects.toThrow(/previous rotation/);
    expect((await sandbox.aws.secretsManager.waitForRotation('genesys-rotator/acme/broken')).ok).toBe(false);
    // Act
    const run = await runAgainst(sandbox, ['status', '--json', '--skip-usage']);
    // Assess
    const result = JSON.parse(run.stdout) as StatusJson;
    expect(result.summary).toMatchObject({ overdue: 0, stuck: 0, broken: 0, failing: 0, dueSoon: 2 });
    expect(result.secrets.find((s) => s.name.endsWith('/broken'))).toMatchObject({ credentials: { state: 'ok' }, rotation: { state: 'idle' } });
    expect(result.secrets.find((s) => s.name.endsWith('/slow'))?.rotation.state).toBe('in-progress');
    expect(result.secrets.every((s) => s.previousClientUsage === null)).toBe(true);
    expect(run.code).toBe(0);
  });

  it('--skip-credentials asks Genesys Cloud for no token', async () => {
    // Prepare
    sandbox.genesys.resetRequests();
    // Act
    const run = await runAgainst(sandbox, ['status', '--json', '--skip-usage', '--skip-credentials']);
    // Assess
    const result = JSON.parse(run.stdout) as StatusJson;
    expect(result.secrets.every((s) => s.credentials.state === 'not-checked' && s.credentials.current === null)).toBe(true);
    expect(sandbox.genesys.requests()).toEqual([]);
  });

  it('never prints a secret or token', () => {
    const output = tableRun.stdout + tableRun.stderr + JSON.stringify(json);
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) expect(output).not.toContain(value);
  });
});
