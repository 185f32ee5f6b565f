import { attemptsSince, groupAttempts } from '../../../../cli/ledger/attempts';
import type { LedgerRecord } from '../../../../lambdas/core/ledger/record';
import { rotationRecords } from '../../../integration/cli/ledger-fixture';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-rotator/acme/jobs-AbCdEf';
const at = (iso: string): Date => new Date(iso);

describe('Function: groupAttempts', () => {
  it('makes one attempt per version, newest first, with its steps in rotation order', () => {
    // Prepare: two rotations, records shuffled as a Query by sort key would not return them
    const older = rotationRecords({ secretArn: ARN, versionId: 'v-old', startedAt: at('2026-01-01T00:00:00Z'), targetClientId: 'c1', organizationId: 'o1' });
    const newer = rotationRecords({ secretArn: ARN, versionId: 'v-new', startedAt: at('2026-02-01T00:00:00Z'), targetClientId: 'c2', organizationId: 'o1' });

    // Act
    const attempts = groupAttempts([...newer.reverse(), ...older]);

    // Assess
    expect(attempts.map((a) => a.versionId)).toEqual(['v-new', 'v-old']);
    expect(attempts[0]?.steps.map((s) => s.step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(attempts[0]).toMatchObject({ kind: 'scheduled', outcome: 'succeeded', regeneratedClientId: 'c2', verifiedClientId: 'c2', organizationId: 'o1', currentClientId: 'c2', startedAt: '2026-02-01T00:00:00.000Z' });
  });

  it('counts a retried step once, with its retries, and ends the attempt when finishSecret ended', () => {
    // Prepare: testSecret ran three times (two retries), createSecret twice
    const records = rotationRecords({ secretArn: ARN, versionId: 'v1', startedAt: at('2026-03-01T00:00:00Z'), retries: { testSecret: 2, createSecret: 1 } });

    // Act
    const [attempt] = groupAttempts(records);

    // Assess
    expect(attempt?.steps).toHaveLength(4);
    expect(attempt?.steps.find((s) => s.step === 'testSecret')).toMatchObject({ attempts: 3, failures: 2, outcome: 'succeeded' });
    expect(attempt?.retries).toBe(3);
    expect(attempt?.outcome).toBe('succeeded');
    const finish = records.find((r) => r.kind === 'step' && r.step === 'finishSecret');
    expect(finish?.kind === 'step' && attempt?.finishedAt).toBe(new Date(Date.parse(finish?.kind === 'step' ? finish.lastAttemptAt : '') + 800).toISOString());
  });

  it.each([
    ['createSecret', 'GenesysPermissionError'],
    ['setSecret', 'SecretsManagerError'],
    ['testSecret', 'VerificationError'],
    ['finishSecret', 'SecretsManagerError'],
  ] as const)('is failed when %s failed, naming the step and the error', (step, errorType) => {
    // Prepare
    const records = rotationRecords({ secretArn: ARN, versionId: 'v1', startedAt: at('2026-03-01T00:00:00Z'), failAt: { step, errorType, errorMessage: `${step} went wrong` } });

    // Act
    const [attempt] = groupAttempts(records);

    // Assess
    expect(attempt).toMatchObject({ outcome: 'failed', failure: { step, errorType, errorMessage: `${step} went wrong` }, finishedAt: null });
    expect(attempt?.steps.at(-1)?.step).toBe(step);
  });

  it('is in progress while no step failed and finishSecret has not run', () => {
    const [attempt] = groupAttempts(rotationRecords({ secretArn: ARN, versionId: 'v1', startedAt: at('2026-03-01T00:00:00Z'), stopBefore: 'testSecret' }));
    expect(attempt).toMatchObject({ outcome: 'in-progress', failure: null, verifiedClientId: null });
  });

  it('takes kind, requester and reason from the CLI request, and the start from the request when no step ran', () => {
    // Prepare
    const manual = rotationRecords({
      secretArn: ARN,
      versionId: 'v-manual',
      startedAt: at('2026-04-01T00:00:00Z'),
      request: { rotationKind: 'manual', requestedBy: 'arn:aws:iam::123456789012:user/ops', command: 'rotate', reason: 'quarterly drill' },
    });
    const waiting = rotationRecords({ secretArn: ARN, versionId: 'v-waiting', startedAt: at('2026-05-01T00:00:00Z'), stopBefore: 'createSecret', request: { rotationKind: 'manual', requestedBy: 'unknown', command: 'rotate' } });

    // Act
    const attempts = groupAttempts([...manual, ...waiting]);

    // Assess
    expect(attempts[1]).toMatchObject({ kind: 'manual', requestedBy: 'arn:aws:iam::123456789012:user/ops', command: 'rotate', reason: 'quarterly drill' });
    expect(attempts[0]).toMatchObject({ versionId: 'v-waiting', outcome: 'in-progress', steps: [], startedAt: waiting[0]?.kind === 'request' ? waiting[0].requestedAt : 'x' });
  });

  it('is an emergency when a step honoured one (reason from the step) or the request says so', () => {
    // Prepare: one emergency set by hand (tag only: no request record), one through the CLI
    const byTag = rotationRecords({ secretArn: ARN, versionId: 'v-tag', startedAt: at('2026-06-01T00:00:00Z'), emergency: { reason: 'leaked in a log', requestedAt: at('2026-06-01T00:00:00Z') }, revokedClientId: 'c-old' });
    const byCli = rotationRecords({ secretArn: ARN, versionId: 'v-cli', startedAt: at('2026-07-01T00:00:00Z'), request: { rotationKind: 'emergency', requestedBy: 'arn:aws:sts::123456789012:assumed-role/SecOps/alice', command: 'emergency', reason: 'laptop stolen' } });

    // Act
    const [cli, tag] = groupAttempts([...byTag, ...byCli]);

    // Assess
    expect(tag).toMatchObject({ kind: 'emergency', reason: 'leaked in a log', requestedBy: null, revokedClientId: 'c-old' });
    expect(cli).toMatchObject({ kind: 'emergency', reason: 'laptop stolen', requestedBy: 'arn:aws:sts::123456789012:assumed-role/SecOps/alice' });
  });
});

describe('Function: attemptsSince', () => {
  it('keeps the attempts that started at or after the instant', () => {
    const records: LedgerRecord[] = ['2026-01-01', '2026-02-01', '2026-03-01'].flatMap((day, i) => rotationRecords({ secretArn: ARN, versionId: `v${i}`, startedAt: at(`${day}T00:00:00Z`) }));
    const attempts = groupAttempts(records);

    expect(attemptsSince(attempts, at('2026-02-01T00:00:00Z')).map((a) => a.versionId)).toEqual(['v2', 'v1']);
    expect(attemptsSince(attempts, undefined)).toHaveLength(3);
  });
});
