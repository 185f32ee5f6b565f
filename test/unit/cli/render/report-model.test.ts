import type { SecretStatus } from '../../../../cli/gather-status';
import { groupAttempts } from '../../../../cli/ledger/attempts';
import { classifyForReport, countStates, type ReportHistory } from '../../../../cli/render/report-model';
import { rotationRecords } from '../../../integration/cli/ledger-fixture';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-rotator/acme/jobs-AbCdEf';

function status(change: { age?: Partial<SecretStatus['age']>; rotation?: Partial<SecretStatus['rotation']>; credentials?: Partial<SecretStatus['credentials']>; documentError?: string | null } = {}): SecretStatus {
  const base = {
    name: 'genesys-rotator/acme/jobs',
    arn: ARN,
    strategy: 'alternating',
    environment: 'mypurecloud.com',
    clientId: 'c1',
    alternateClientId: 'c2',
    adminSecretId: null,
    rotationEnabled: true,
    hasRotationFunction: true,
    createdDate: '2026-01-01T00:00:00.000Z',
    lastRotatedDate: null,
    nextRotationDate: null,
    age: { state: 'ok', since: 'created', sinceDate: '2026-01-01T00:00:00.000Z', days: 1, maxRotationDays: 90, dueDate: '2026-04-01T00:00:00.000Z' },
    rotation: { state: 'idle', pendingVersionId: null, pendingCreatedDate: null, pendingHasValue: null, reason: null },
    credentials: { state: 'ok', current: 'accepted', pending: null, reason: null },
    previousClientUsage: null,
    documentError: null,
    failing: false,
  } satisfies SecretStatus;
  return { ...base, ...change, age: { ...base.age, ...change.age }, rotation: { ...base.rotation, ...change.rotation }, credentials: { ...base.credentials, ...change.credentials } };
}

const NO_LEDGER: ReportHistory = { source: 'versions', reason: 'none' };
const ledgerWith = (newest: 'ok' | 'failed'): ReportHistory => ({
  source: 'ledger',
  table: 't',
  rotatedBefore: null,
  attempts: groupAttempts([
    ...rotationRecords({ secretArn: ARN, versionId: 'v1', startedAt: new Date('2026-02-01T00:00:00Z') }),
    ...rotationRecords({ secretArn: ARN, versionId: 'v2', startedAt: new Date('2026-03-01T00:00:00Z'), ...(newest === 'failed' ? { failAt: { step: 'testSecret', errorType: 'VerificationError', errorMessage: 'refused' } } : {}) }),
  ]),
});

describe('Function: classifyForReport', () => {
  it.each([
    ['an unusable document', status({ documentError: 'bad region' }), NO_LEDGER, 'failed'],
    ['credentials nobody accepts', status({ credentials: { state: 'broken' } }), NO_LEDGER, 'failed'],
    ['a newest ledger attempt that failed, although the age is fine', status(), ledgerWith('failed'), 'failed'],
    ['a stuck rotation that is also overdue', status({ rotation: { state: 'stuck' }, age: { state: 'overdue' } }), NO_LEDGER, 'stuck'],
    ['an overdue age', status({ age: { state: 'overdue' } }), ledgerWith('ok'), 'overdue'],
    ['an age due soon', status({ age: { state: 'due-soon' } }), NO_LEDGER, 'due-soon'],
    ['no policy', status({ age: { state: 'no-policy', maxRotationDays: null } }), NO_LEDGER, 'no-policy'],
    ['a failure followed by a success', status(), ledgerWith('ok'), 'ok'],
  ])('puts a secret with %s in one bucket: the worst', (_what, secret, history, expected) => {
    expect(classifyForReport(secret, history).state).toBe(expected);
  });

  it('says why a failed secret failed: the step and the error type', () => {
    expect(classifyForReport(status(), ledgerWith('failed')).reason).toBe('the newest rotation attempt failed at testSecret (VerificationError)');
  });
});

describe('Function: countStates', () => {
  it('counts each secret once, so the counts add up to the total and a failed or stuck secret is never ok', () => {
    const counts = countStates([{ state: 'ok' }, { state: 'failed' }, { state: 'stuck' }, { state: 'overdue' }, { state: 'due-soon' }, { state: 'failed' }]);
    expect(counts).toEqual({ total: 6, ok: 1, dueSoon: 1, overdue: 1, stuck: 1, failed: 2, noPolicy: 0 });
  });
});
