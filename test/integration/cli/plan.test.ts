import type { Sandbox, SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

interface PlanJson {
  ok: boolean;
  exitCode: number;
  secrets: {
    name: string;
    strategy: string | null;
    nextRotation: string | null;
    regenerates: string | null;
    stopsWorking: string;
    drain: { verdict: string; requests: number | null };
    admin: { ok: boolean };
    parity: { ok: boolean | null };
    cutsOffClientInUse: boolean;
    ok: boolean;
  }[];
}

describe('CLI plan', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    clock.daysAgo(3);
    org = await sandbox.createOrg('Acme');
    await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    await sandbox.scheduleRotation(jobs.secretArn);
    clock.present();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('plans every secret without changing anything; idle when only the rotator called (exit 0)', async () => {
    // Prepare: the rotator's own calls (a verify) on every client.
    expect((await runAgainst(sandbox, ['verify'])).code).toBe(0);
    sandbox.aws.resetCounts();

    // Act
    const run = await runAgainst(sandbox, ['plan', '--json']);

    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as PlanJson;
    expect(result.secrets.map((s) => s.name)).toEqual(['genesys-rotator/acme/admin', 'genesys-rotator/acme/crm', 'genesys-rotator/acme/jobs']);
    const jobs = result.secrets.find((s) => s.name.endsWith('/jobs'))!;
    expect(jobs).toMatchObject({ strategy: 'alternating', drain: { verdict: 'idle', requests: 0 }, admin: { ok: true }, parity: { ok: true }, cutsOffClientInUse: false, ok: true });
    expect(jobs.nextRotation).not.toBeNull();
    const admin = result.secrets.find((s) => s.name.endsWith('/admin'))!;
    expect(admin.drain.verdict).toBe('idle');
    const crm = result.secrets.find((s) => s.name.endsWith('/crm'))!;
    expect(crm).toMatchObject({ drain: { verdict: 'not-applicable' }, parity: { ok: null } });
    const writes = ['PutSecretValue', 'UpdateSecretVersionStage', 'TagResource', 'UntagResource', 'RotateSecret'];
    expect(writes.map((op) => sandbox.aws.requestCounts()[op] ?? 0)).toEqual([0, 0, 0, 0, 0]);
    for (const secret of sandbox.genesys.issuedSecrets()) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('exits 1 when the next rotation would cut off a client still in use, and says so in the table', async () => {
    // Prepare: a dependent still calls the standby of "jobs".
    const doc = planOf(await runAgainst(sandbox, ['plan', 'genesys-rotator/acme/jobs', '--json'])).secrets[0]!;
    sandbox.genesys.recordUsage(doc.regenerates!, { requests: 9 });

    // Act
    const run = await runAgainst(sandbox, ['plan', 'genesys-rotator/acme/jobs']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/IN USE \(9 req/);
    expect(run.stdout).toContain('would cut off a client still in use');
  });

  it('refuses an unknown secret as a usage error (exit 2)', async () => {
    // Act
    const run = await runAgainst(sandbox, ['plan', 'genesys-rotator/acme/nope', '--json']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown secret');
  });

  it('refuses a second positional (exit 2)', async () => {
    expect((await runAgainst(sandbox, ['plan', 'a', 'b'])).code).toBe(2);
  });
});

function planOf(run: { stdout: string }): PlanJson {
  return JSON.parse(run.stdout) as PlanJson;
}
