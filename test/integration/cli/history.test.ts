/**
 * `history <secret>` against the Secrets Manager and Genesys stand-ins, with a ledger in dynalite (an
 * independent DynamoDB implementation) seeded with the records the rotate function and the CLI write.
 */
import { randomUUID } from 'node:crypto';
import { TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { LEDGER_TABLE_TAG } from '../../../lambdas/core/ledger/record';
import { Sandbox, type ManagedClient } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox, type CliRun } from './harness';
import { rotationRecords, startLedger, type TestLedger } from './ledger-fixture';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/SecOps/alice';

interface HistoryJson {
  secret: { name: string; arn: string };
  table: string;
  since: string | null;
  counts: { total: number; succeeded: number; failed: number; inProgress: number; emergency: number; manual: number; scheduled: number; retries: number };
  attempts: { versionId: string; kind: string; outcome: string; reason: string | null; requestedBy: string | null; retries: number; failure: { step: string; errorType: string } | null; steps: unknown[] }[];
  exitCode: number;
}

describe('CLI history', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let ledger: TestLedger;
  let jobs: ManagedClient;
  let crm: ManagedClient;
  let untagged: ManagedClient;
  const versions = { scheduled: randomUUID(), emergency: randomUUID(), failed: randomUUID(), retried: randomUUID(), crmFailed: randomUUID() };

  const run = async (argv: readonly string[]): Promise<CliRun> =>
    await runAgainst(sandbox, argv, {
      noEndpointFlags: true,
      env: {
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
        GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
      },
    });

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { now: clock.now }, ledger: false });
    ledger = await startLedger();
    const org = await sandbox.createOrg('Acme');
    jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    untagged = await sandbox.addManagedClient(org, { name: 'untagged', strategy: 'single' });
    for (const secret of [jobs, crm]) {
      await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: secret.secretArn, Tags: [{ Key: LEDGER_TABLE_TAG, Value: ledger.table }] }));
    }
    const now = Date.now();
    const [a, b] = jobs.clientIds;
    await ledger.put([
      ...rotationRecords({ secretArn: jobs.secretArn, versionId: versions.scheduled, startedAt: new Date(now - 200 * DAY), targetClientId: a, organizationId: org.orgId }),
      ...rotationRecords({
        secretArn: jobs.secretArn,
        versionId: versions.failed,
        startedAt: new Date(now - 120 * DAY),
        targetClientId: b,
        retries: { testSecret: 2 },
        failAt: { step: 'testSecret', errorType: 'VerificationError', errorMessage: 'the new credentials were refused' },
      }),
      ...rotationRecords({ secretArn: jobs.secretArn, versionId: versions.retried, startedAt: new Date(now - 119 * DAY), targetClientId: b, organizationId: org.orgId, retries: { createSecret: 1 } }),
      ...rotationRecords({
        secretArn: jobs.secretArn,
        versionId: versions.emergency,
        startedAt: new Date(now - 30 * DAY),
        targetClientId: a,
        organizationId: org.orgId,
        revokedClientId: b,
        emergency: { reason: 'secret pasted in ticket 4711', requestedAt: new Date(now - 30 * DAY) },
        request: { rotationKind: 'emergency', requestedBy: OPERATOR, command: 'emergency', reason: 'secret pasted in ticket 4711' },
      }),
      ...rotationRecords({
        secretArn: crm.secretArn,
        versionId: versions.crmFailed,
        startedAt: new Date(now - 2 * DAY),
        targetClientId: crm.clientIds[0],
        failAt: { step: 'createSecret', errorType: 'GenesysPermissionError', errorMessage: 'POST /api/v2/oauth/clients/{id}/secret: 403' },
      }),
    ]);
  });

  afterAll(async () => {
    await ledger.close();
    await sandbox.close();
  });

  it('lists every attempt newest first: kind, outcome, failing step, retries, the emergency with its reason and requester', async () => {
    // Act
    const result = await run(['history', 'genesys-rotator/acme/jobs']);

    // Assess
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z {2}/.test(line)); // table rows, not the notes
    expect(rows.map((row) => [versions.emergency, versions.retried, versions.failed, versions.scheduled].findIndex((v) => row.includes(v)))).toEqual([0, 1, 2, 3]);
    expect(rows[0]).toMatch(new RegExp(`EMERGENCY +ok +${versions.emergency} .* by ${OPERATOR} \\(emergency\\); reason: secret pasted in ticket 4711$`));
    expect(rows[0]).toContain(jobs.clientIds[1]); // revoked
    expect(rows[2]).toMatch(/scheduled +FAILED .* no +- +testSecret: VerificationError +2 /);
    expect(rows[1]).toMatch(/scheduled +ok .* yes +- +- +1 /);
    expect(result.stdout).toContain('testSecret failed: VerificationError: the new credentials were refused');
    expect(result.stdout).toContain('4 rotation attempts: 3 succeeded, 1 failed, 0 in progress (3 scheduled, 0 manual, 1 emergency); 3 step retries');
  });

  it('--json: the attempts with their steps, counts and the exit code; a retried step is one step', async () => {
    // Act
    const result = await run(['history', jobs.secretArn, '--json']);

    // Assess
    const json = JSON.parse(result.stdout) as HistoryJson;
    expect(json).toMatchObject({ secret: { name: 'genesys-rotator/acme/jobs', arn: jobs.secretArn }, table: ledger.table, since: null, exitCode: 0 });
    expect(json.counts).toEqual({ total: 4, succeeded: 3, failed: 1, inProgress: 0, scheduled: 3, manual: 0, emergency: 1, retries: 3 });
    const failed = json.attempts.find((a) => a.versionId === versions.failed);
    expect(failed).toMatchObject({ outcome: 'failed', retries: 2, failure: { step: 'testSecret', errorType: 'VerificationError' } });
    expect(failed?.steps).toHaveLength(3);
    expect(json.attempts.find((a) => a.versionId === versions.emergency)).toMatchObject({ kind: 'emergency', reason: 'secret pasted in ticket 4711', requestedBy: OPERATOR });
  });

  it('--since keeps the attempts of the period, as a duration or a date', async () => {
    // Act
    const recent = JSON.parse((await run(['history', 'genesys-rotator/acme/jobs', '--since', '90d', '--json'])).stdout) as HistoryJson;
    const fromDate = JSON.parse((await run(['history', 'genesys-rotator/acme/jobs', '--since', new Date(Date.now() - 150 * DAY).toISOString().slice(0, 10), '--json'])).stdout) as HistoryJson;

    // Assess
    expect(recent.attempts.map((a) => a.versionId)).toEqual([versions.emergency]);
    expect(fromDate.attempts.map((a) => a.versionId)).toEqual([versions.emergency, versions.retried, versions.failed]);
  });

  it('exits 1 when the newest attempt failed, and says so', async () => {
    // Act
    const table = await run(['history', 'genesys-rotator/acme/crm']);
    const json = JSON.parse((await run(['history', 'genesys-rotator/acme/crm', '--json'])).stdout) as HistoryJson;

    // Assess
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/-> newest attempt FAILED$/m);
    expect(table.stdout).toContain('createSecret failed: GenesysPermissionError');
    expect(json.exitCode).toBe(1);
  });

  it.each([
    ['a bad --since', ['history', 'genesys-rotator/acme/jobs', '--since', 'last week'], /field "--since": expected an ISO-8601 date/],
    ['a --since in the future', ['history', 'genesys-rotator/acme/jobs', '--since', '2999-01-01'], /field "--since": expected a date not in the future/],
    ['an unknown secret', ['history', 'genesys-rotator/acme/nope'], /Unknown secret "genesys-rotator\/acme\/nope"/],
    ['no secret', ['history'], /history <secret> .*missing argument/],
    ['a secret without a ledger', ['history', 'genesys-rotator/acme/untagged'], /No rotation ledger is known for genesys-rotator\/acme\/untagged: field "--ledger-table": expected .*pass --ledger-table NAME/],
    ['a ledger table that does not exist', ['history', 'genesys-rotator/acme/jobs', '--ledger-table', 'no-such-table'], /No ledger table "no-such-table" in this account and Region: field "--ledger-table"/],
    ['an empty --ledger-table', ['history', 'genesys-rotator/acme/jobs', '--ledger-table='], /field "--ledger-table": expected the name of the rotation ledger table/],
  ])('exits 2 on %s, saying what was expected', async (_what, argv, message) => {
    // Act
    const result = await run(argv);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('reads the table --ledger-table names for a secret without the tag', async () => {
    // Prepare
    await ledger.put(rotationRecords({ secretArn: untagged.secretArn, versionId: randomUUID(), startedAt: new Date(Date.now() - DAY) }));

    // Act
    const result = await run(['history', 'genesys-rotator/acme/untagged', '--ledger-table', ledger.table, '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as HistoryJson).counts.total).toBe(1);
  });

  it('refuses a malformed ledger item with a typed error naming the item and the field (exit 1)', async () => {
    // Prepare: a version whose createSecret record lost its attempt count
    const bad = rotationRecords({ secretArn: crm.secretArn, versionId: 'bad-version', startedAt: new Date() })[0];
    await ledger.putRaw({ ...bad, attempts: 'many' });

    // Act
    const result = await run(['history', 'genesys-rotator/acme/crm', '--json']);

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { type: 'LedgerRecordError' }, exitCode: 1 });
    expect(result.stderr).toContain('Malformed ledger item (table rotation-ledger, secret genesys-rotator/acme/crm, entry bad-version#createSecret): field "attempts": expected a whole number >= 1');
  });

  it('never prints a secret or a token', async () => {
    // Act
    const outputs = [await run(['history', 'genesys-rotator/acme/jobs']), await run(['history', 'genesys-rotator/acme/jobs', '--json'])];

    // Assess
    const secrets = [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()];
    expect(secrets.length).toBeGreaterThan(0);
    for (const output of outputs) for (const value of secrets) expect(output.stdout + output.stderr).not.toContain(value);
  });
});

/** The whole path on the stand-ins: the rotate function and the CLI write the sandbox's ledger, `history` reads it. */
describe('CLI history end to end', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('shows a rotation the CLI started: manual, who asked, every step, the client verified', async () => {
    // Prepare
    const org = await sandbox.createOrg('Acme');
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    await sandbox.scheduleRotation(crm.secretArn);
    expect((await runAgainst(sandbox, ['rotate', 'genesys-rotator/acme/crm', '--skip-usage'])).code).toBe(0);

    // Act
    const result = await runAgainst(sandbox, ['history', 'genesys-rotator/acme/crm', '--json']);

    // Assess
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as HistoryJson & { attempts: { regeneratedClientId: string | null; verifiedClientId: string | null }[] };
    const manual = json.attempts.find((a) => a.kind === 'manual');
    expect(manual).toMatchObject({ outcome: 'succeeded', regeneratedClientId: crm.clientIds[0], verifiedClientId: crm.clientIds[0] });
    expect(manual?.requestedBy).not.toBeNull();
    expect(manual?.steps).toHaveLength(4);
  });
});
