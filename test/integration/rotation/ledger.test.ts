/**
 * The rotation ledger, written by the real rotate handler and the real CLI into the DynamoDB stand-in
 * through the real SDK: one record per step of each rotation (a retried step is one record), the
 * facts an auditor needs, errors by name and redacted message, the CLI's request records with the
 * caller's identity from STS, and a ledger that fails or stalls never failing the rotation.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { LEDGER_STEPS, LEDGER_WRITE_FAILED_METRIC, type LedgerRecord, type RequestRecord, type StepRecord } from '../../../lambdas/core/ledger/record';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import type { RotationStep } from '../../../local/aws';
import { LEDGER_RETENTION_DAYS, Sandbox, type SandboxOrg } from '../../../local/sandbox';
import { runAgainst } from '../cli/harness';

const OPERATOR_KEY = 'AKIDOPERATORALICE';
const OPERATOR_ARN = 'arn:aws:sts::123456789012:assumed-role/RotatorOperators/alice';

function stepRecords(records: readonly LedgerRecord[], versionId: string | undefined): StepRecord[] {
  return records.filter((r): r is StepRecord => r.kind === 'step' && r.versionId === versionId);
}

function requestRecord(records: readonly LedgerRecord[], versionId: string | undefined): RequestRecord | undefined {
  return records.find((r): r is RequestRecord => r.kind === 'request' && r.versionId === versionId);
}

function byStep(records: readonly StepRecord[]): Partial<Record<RotationStep, StepRecord>> {
  return Object.fromEntries(records.map((r) => [r.step, r]));
}

describe('rotation ledger', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let clock = Date.now();

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      genesys: { now: () => clock },
      aws: { stepRetry: { attempts: 2, delayMs: 0 } },
      rotate: {
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
        propagation: { maxWaitMs: 1, initialDelayMs: 1, maxDelayMs: 1 },
        // A stalled ledger holds each step this long at most (LEDGER_WRITE_TIMEOUT_MS in production).
        ledgerWriteTimeoutMs: 200,
      },
    });
    sandbox.aws.sts.setIdentity(OPERATOR_KEY, OPERATOR_ARN);
    org = await sandbox.createOrg('Ledger');
  });

  afterEach(() => {
    sandbox.aws.dynamoDb.faults.clear();
    sandbox.aws.secretsManager.faults.clear();
    sandbox.afterStep = undefined;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function current(secretArn: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
    return parseSecretDocument(out.SecretString);
  }

  /** Every DescribeSecret of the step's invocations fails (each step starts with one; the SDK tries 3 times per invocation). */
  function failStep(step: RotationStep, invocations: number): void {
    const failEveryAttempt = () => sandbox.aws.secretsManager.faults.failNext('DescribeSecret', 3 * invocations, 'InternalServiceError');
    const index = LEDGER_STEPS.indexOf(step);
    if (index === 0) failEveryAttempt();
    else
      sandbox.afterStep = (done) => {
        if (done === LEDGER_STEPS[index - 1]) failEveryAttempt();
        return Promise.resolve();
      };
  }

  it('records the four steps of a rotation with their outcomes and facts', async () => {
    // Prepare
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    const before = await current(jobs.secretArn);

    // Act
    const outcome = await sandbox.rotate(jobs.secretArn);

    // Assess
    expect(outcome.ok).toBe(true);
    const records = await sandbox.ledgerRecords(jobs.secretArn);
    const steps = stepRecords(records, outcome.versionId);
    expect(steps.map((r) => r.step).sort()).toEqual([...LEDGER_STEPS].sort());
    for (const record of steps) {
      expect(record).toMatchObject({
        secret: 'genesys-rotator/ledger/jobs',
        entry: `${outcome.versionId}#${record.step}`,
        secretArn: jobs.secretArn,
        outcome: 'succeeded',
        attempts: 1,
        failures: 0,
        firstAttemptAt: record.lastAttemptAt,
      });
      expect(record.durationMs).toBeGreaterThanOrEqual(0);
      expect(record.errorType).toBeUndefined();
      // TTL: the retention counted from the end of the attempt, in epoch seconds.
      expect(record.expiresAt).toBe(Math.floor((Date.parse(record.lastAttemptAt) + record.durationMs) / 1000) + LEDGER_RETENTION_DAYS * 86_400);
    }
    const standby = before.alternateClientId;
    expect(byStep(steps).createSecret).toMatchObject({ result: 'created', targetClientId: standby });
    expect(byStep(steps).setSecret).toMatchObject({ result: 'nothing-to-do' });
    expect(byStep(steps).testSecret).toMatchObject({ result: 'verified', verifiedClientId: standby, organizationId: org.orgId });
    expect(byStep(steps).finishSecret).toMatchObject({ result: 'finished', currentClientId: standby });
    expect(byStep(steps).finishSecret?.revokedClientId).toBeUndefined();
    expect(steps.some((r) => r.emergency === true)).toBe(false);
    // Secrets Manager started it on its schedule: no request record.
    expect(requestRecord(records, outcome.versionId)).toBeUndefined();
  });

  it.each(LEDGER_STEPS)('records a failure in %s by error name and message, with no value, and no later step', async (step) => {
    // Prepare
    const svc = await sandbox.addManagedClient(org, { name: `fail-${step}`, strategy: 'single' });
    const secret = (await current(svc.secretArn)).clientSecret;
    failStep(step, 2);

    // Act
    const outcome = await sandbox.rotate(svc.secretArn);

    // Assess
    expect(outcome).toMatchObject({ ok: false, failedStep: step });
    const steps = byStep(stepRecords(await sandbox.ledgerRecords(svc.secretArn), outcome.versionId));
    const failed = steps[step];
    expect(failed).toMatchObject({ outcome: 'failed', attempts: 2, failures: 2, errorType: 'SecretsManagerError' });
    expect(failed?.errorMessage).toContain('DescribeSecret');
    expect(failed?.errorMessage).not.toContain(secret);
    expect(failed?.result).toBeUndefined();
    for (const earlier of LEDGER_STEPS.slice(0, LEDGER_STEPS.indexOf(step))) expect(steps[earlier]).toMatchObject({ outcome: 'succeeded', attempts: 1 });
    for (const later of LEDGER_STEPS.slice(LEDGER_STEPS.indexOf(step) + 1)) expect(steps[later]).toBeUndefined();
  });

  it('records a retried step once, with its attempts and the error of the failed one', async () => {
    // Prepare
    const crm = await sandbox.addManagedClient(org, { name: 'retried', strategy: 'single' });
    failStep('testSecret', 1);

    // Act
    const outcome = await sandbox.rotate(crm.secretArn);

    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: { testSecret: 2 } });
    const steps = stepRecords(await sandbox.ledgerRecords(crm.secretArn), outcome.versionId);
    expect(steps.filter((r) => r.step === 'testSecret')).toHaveLength(1);
    const retried = byStep(steps).testSecret;
    expect(retried).toMatchObject({ outcome: 'succeeded', result: 'verified', attempts: 2, failures: 1, errorType: 'SecretsManagerError' });
    expect(retried!.firstAttemptAt <= retried!.lastAttemptAt).toBe(true);
    expect(retried!.firstAttemptAt).not.toBe(retried!.lastAttemptAt);
  });

  it('records a manual rotation the CLI started: who asked, and the steps under the same version', async () => {
    // Prepare
    const ops = await sandbox.addManagedClient(org, { name: 'manual', strategy: 'single' });
    expect((await sandbox.scheduleRotation(ops.secretArn)).ok).toBe(true);

    // Act
    const run = await runAgainst(sandbox, ['rotate', ops.secretArn, '--json'], { env: { AWS_ACCESS_KEY_ID: OPERATOR_KEY, AWS_SECRET_ACCESS_KEY: 'x' } });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const { versionId } = JSON.parse(run.stdout) as { versionId: string };
    const records = await sandbox.ledgerRecords(ops.secretArn);
    expect(requestRecord(records, versionId)).toEqual({
      secret: 'request#genesys-rotator/ledger/manual',
      entry: `${versionId}#request`,
      kind: 'request',
      secretArn: ops.secretArn,
      versionId,
      rotationKind: 'manual',
      requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      requestedBy: OPERATOR_ARN,
      command: 'rotate',
    });
    expect(stepRecords(records, versionId)).toHaveLength(4);
  });

  it('records an emergency: the reason and request time on the steps, the revoked client, and who asked', async () => {
    // Prepare
    const pay = await sandbox.addManagedClient(org, { name: 'pay', strategy: 'alternating' });
    expect((await sandbox.rotate(pay.secretArn)).ok).toBe(true);
    const leaked = await current(pay.secretArn);

    // Act
    const run = await runAgainst(sandbox, ['emergency', pay.secretArn, '--reason', 'pasted in ticket 4711', '--yes', '--skip-usage', '--json'], {
      env: { AWS_ACCESS_KEY_ID: OPERATOR_KEY, AWS_SECRET_ACCESS_KEY: 'x' },
    });

    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { honouredByVersionId: string; requestedAt: string };
    const versionId = result.honouredByVersionId;
    const records = await sandbox.ledgerRecords(pay.secretArn);
    expect(requestRecord(records, versionId)).toMatchObject({
      rotationKind: 'emergency',
      reason: 'pasted in ticket 4711',
      requestedBy: OPERATOR_ARN,
      command: 'emergency',
      requestedAt: result.requestedAt,
    });
    const steps = byStep(stepRecords(records, versionId));
    const emergency = { emergency: true, emergencyReason: 'pasted in ticket 4711', emergencyRequestedAt: result.requestedAt };
    expect(steps.createSecret).toMatchObject({ result: 'created', ...emergency });
    expect(steps.finishSecret).toMatchObject({ result: 'finished', revokedClientId: leaked.clientId, currentClientId: leaked.alternateClientId, ...emergency });
  });

  it('warns and still rotates when the CLI cannot write its request record', async () => {
    // Prepare
    const hr = await sandbox.addManagedClient(org, { name: 'hr', strategy: 'single' });
    expect((await sandbox.scheduleRotation(hr.secretArn)).ok).toBe(true);
    sandbox.aws.dynamoDb.faults.failNext('PutItem', 1, 'AccessDeniedException', 'not authorized to perform: dynamodb:PutItem');

    // Act
    const run = await runAgainst(sandbox, ['rotate', hr.secretArn]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Warning: the rotation ledger \(genesys-oauth-rotator-ledger\) did not record this request \(AccessDeniedException: .*\); the rotation goes on/);
    expect(run.stdout).toMatch(/Rotated: version \S+ is AWSCURRENT/);
    const records = await sandbox.ledgerRecords(hr.secretArn);
    expect(records.filter((r) => r.kind === 'request')).toEqual([]);
  });

  it.each([
    ['fails', () => sandbox.aws.dynamoDb.faults.failNext('UpdateItem', 100, 'AccessDeniedException')],
    ['stalls', () => sandbox.aws.dynamoDb.faults.stall('UpdateItem')],
  ])('rotates when every ledger write %s, and counts each lost record in the metric', async (how, breakLedger) => {
    // Prepare
    const svc = await sandbox.addManagedClient(org, { name: `lost-${how}`, strategy: 'single' });
    const publishedBefore = sandbox.metrics.published.length;
    breakLedger();

    // Act
    const outcome = await sandbox.rotate(svc.secretArn);

    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 1, setSecret: 1, testSecret: 1, finishSecret: 1 } });
    const lost = sandbox.metrics.published.slice(publishedBefore).filter((p) => p.metrics[LEDGER_WRITE_FAILED_METRIC] !== undefined);
    expect(lost).toEqual(LEDGER_STEPS.map(() => ({ dimensions: { SecretName: `genesys-rotator/ledger/lost-${how}` }, metrics: { [LEDGER_WRITE_FAILED_METRIC]: 1 } })));
    sandbox.aws.dynamoDb.faults.clear();
    expect(stepRecords(await sandbox.ledgerRecords(svc.secretArn), outcome.versionId)).toEqual([]);
  });
});

describe('rotation without a ledger', () => {
  it('makes no DynamoDB call and tags no ledger table', async () => {
    // Prepare
    const sandbox = await Sandbox.start({ ledger: false, aws: { stepRetry: { attempts: 1, delayMs: 0 } } });
    try {
      const org = await sandbox.createOrg('Plain');
      const svc = await sandbox.addManagedClient(org, { name: 'svc', strategy: 'single' });

      // Act
      const outcome = await sandbox.rotate(svc.secretArn);

      // Assess
      expect(outcome.ok).toBe(true);
      expect(sandbox.ledgerTableName).toBeUndefined();
      expect(sandbox.aws.requestLog().filter((entry) => entry.service === 'dynamodb')).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
