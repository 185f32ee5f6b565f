import { LedgerRecordError, parseLedgerItem } from '../../../../cli/ledger/records';
import { rotationRecords } from '../../../integration/cli/ledger-fixture';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-rotator/acme/jobs-AbCdEf';
const NAME = 'genesys-rotator/acme/jobs';
const [request, create] = rotationRecords({
  secretArn: ARN,
  versionId: 'v1',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  targetClientId: 'c1',
  disabledClientIds: ['d1'],
  request: { rotationKind: 'emergency', requestedBy: 'arn:aws:iam::123456789012:user/ops', command: 'emergency', reason: 'leak' },
});
const finish = rotationRecords({ secretArn: ARN, versionId: 'v1', startedAt: new Date('2026-01-01T00:00:00Z'), disabledClientIds: ['d1', 'd2'] }).at(-1);

describe('Function: parseLedgerItem', () => {
  it('reads step and request records as the contract writes them, a string set of client ids as a list', () => {
    expect(parseLedgerItem({ ...create }, NAME, 't')).toEqual(create);
    expect(parseLedgerItem({ ...request }, NAME, 't')).toEqual(request);
    expect(parseLedgerItem({ ...finish, disabledClientIds: new Set(['d1', 'd2']) }, NAME, 't')).toMatchObject({ disabledClientIds: ['d1', 'd2'] });
  });

  it('drops attributes the contract does not name', () => {
    expect(parseLedgerItem({ ...create, clientSecret: 'must-not-survive' }, NAME, 't')).not.toHaveProperty('clientSecret');
  });

  it.each([
    ['a missing field', { attempts: undefined }, 'attempts', 'a whole number >= 1'],
    ['a fractional count', { attempts: 1.5 }, 'attempts', 'a whole number >= 1'],
    ['an unknown step', { step: 'rotateSecret' }, 'step', 'one of createSecret, setSecret, testSecret, finishSecret'],
    ['an unknown outcome', { outcome: 'maybe' }, 'outcome', '"succeeded" or "failed"'],
    ['a date that is not ISO-8601', { firstAttemptAt: 'yesterday' }, 'firstAttemptAt', 'an ISO-8601 date-time'],
    ['an unknown kind', { kind: 'note' }, 'kind', '"step" or "request"'],
    ['more failures than attempts', { failures: 3 }, 'failures', 'at most attempts (1)'],
    ['a sort key that disagrees with the record', { entry: 'v2#createSecret' }, 'entry', '"v1#createSecret" (its versionId and step)'],
    ['another partition', { secret: 'other' }, 'secret', `"${NAME}", the partition of the secret's step records`],
    ['a step record in the request partition (operators may write there)', { secret: `request#${NAME}` }, 'secret', `"${NAME}", the partition of the secret's step records`],
  ])('refuses %s with a typed error naming the field and what was expected', (_what, change, field, expected) => {
    // Act
    let caught: unknown;
    try {
      parseLedgerItem({ ...create, ...change }, NAME, 'ledger');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(LedgerRecordError);
    expect(caught).toMatchObject({ field, expected });
    expect((caught as Error).message).toContain('(table ledger, secret genesys-rotator/acme/jobs, entry ');
  });
});
