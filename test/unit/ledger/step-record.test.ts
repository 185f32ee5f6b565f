import { ConfigurationError, GenesysAuthError, SecretsManagerError } from '../../../lambdas/core/errors';
import { MAX_ERROR_MESSAGE_LENGTH, outcomeFacts, recordedError, stepUpdate, type StepAttempt } from '../../../lambdas/core/ledger/step-record';
import type { StepOutcome } from '../../../lambdas/core/rotation/engine';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-rotator/acme/crm-AbCdEf';
const VERSION = '3f0c8f2e-1d2b-4c5d-8e9f-0a1b2c3d4e5f';
const STARTED = new Date('2026-03-01T10:00:00.000Z');
const ENDED = new Date('2026-03-01T10:00:01.250Z');

function attempt(result: StepAttempt['result'], step: StepAttempt['request']['step'] = 'createSecret'): StepAttempt {
  return { request: { secretId: ARN, token: VERSION, step }, startedAt: STARTED, endedAt: ENDED, result };
}

describe('Function: stepUpdate', () => {
  it('keys the record by secret name and version#step, and counts the attempt', () => {
    // Act
    const input = stepUpdate('ledger', attempt({ outcome: { step: 'createSecret', result: 'created', targetClientId: 'client-b' } }), 30);

    // Assess
    expect(input.TableName).toBe('ledger');
    expect(input.Key).toEqual({ secret: { S: 'genesys-rotator/acme/crm' }, entry: { S: `${VERSION}#createSecret` } });
    expect(input.UpdateExpression).toMatch(/ ADD #attempts :one$/);
    expect(input.UpdateExpression).toContain('#first = if_not_exists(#first, :started)');
    expect(input.UpdateExpression).toContain('#failures = if_not_exists(#failures, :zero)');
    const set = Object.fromEntries(
      Object.entries(input.ExpressionAttributeNames ?? {})
        .filter(([placeholder]) => placeholder.startsWith('#a'))
        .map(([placeholder, name]) => [name, input.ExpressionAttributeValues?.[`:v${placeholder.slice(2)}`]]),
    );
    expect(set).toEqual({
      kind: { S: 'step' },
      secretArn: { S: ARN },
      versionId: { S: VERSION },
      step: { S: 'createSecret' },
      outcome: { S: 'succeeded' },
      lastAttemptAt: { S: '2026-03-01T10:00:00.000Z' },
      durationMs: { N: '1250' },
      result: { S: 'created' },
      targetClientId: { S: 'client-b' },
      expiresAt: { N: String(Math.floor(ENDED.getTime() / 1000) + 30 * 86_400) },
    });
  });

  it('adds a failure, removes the result word and records the error when the attempt failed', () => {
    // Act
    const input = stepUpdate('ledger', attempt({ error: new SecretsManagerError('DescribeSecret', ARN, 'InternalServiceError') }, 'testSecret'), undefined);

    // Assess
    expect(input.UpdateExpression).toMatch(/ ADD #attempts :one, #failures :one REMOVE #result$/);
    const values = JSON.stringify(input.ExpressionAttributeValues);
    expect(values).toContain('"failed"');
    expect(values).toContain('"SecretsManagerError"');
    expect(values).not.toContain('expiresAt');
    expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('expiresAt');
  });
});

describe('Function: outcomeFacts', () => {
  it.each<[string, StepOutcome, Record<string, unknown>]>([
    ['an emergency createSecret', { step: 'createSecret', result: 'created', targetClientId: 'b', emergency: { reason: 'leak', requestedAt: '2026-03-01T09:00:00Z' } }, { result: 'created', targetClientId: 'b', emergency: true, emergencyReason: 'leak', emergencyRequestedAt: '2026-03-01T09:00:00Z' }],
    ['a verified testSecret', { step: 'testSecret', result: 'verified', clientId: 'b', organizationId: 'org', attempts: 3 }, { result: 'verified', verifiedClientId: 'b', organizationId: 'org' }],
    [
      'an emergency finishSecret',
      { step: 'finishSecret', result: 'finished', secretName: 'n', clientId: 'b', revokedClientId: 'a', emergency: true, emergencyRequest: { reason: 'leak' } },
      { result: 'finished', currentClientId: 'b', revokedClientId: 'a', emergency: true, emergencyReason: 'leak' },
    ],
    ['a repeated step', { step: 'finishSecret', result: 'already-current' }, { result: 'already-current' }],
  ])('maps %s', (_what, outcome, facts) => {
    expect(outcomeFacts(outcome)).toEqual(facts);
  });

  it('keeps the clients a finishSecret disabled and whether their tokens ended, when the outcome carries them', () => {
    // Prepare
    const outcome = { step: 'finishSecret', result: 'finished', secretName: 'n', clientId: 'b', emergency: false, disabledClientIds: ['a'], tokensEnded: true } as StepOutcome;

    // Act / Assess
    expect(outcomeFacts(outcome)).toEqual({ result: 'finished', currentClientId: 'b', disabledClientIds: ['a'], tokensEnded: true });
  });
});

describe('Function: recordedError', () => {
  it('keeps the name and message of our errors', () => {
    const error = new ConfigurationError('Invalid rotate function configuration', 'EVENT_BUS_NAME', 'the bus name');
    expect(recordedError(error)).toEqual({ errorType: 'ConfigurationError', errorMessage: error.message });
  });

  it('withholds the message of a foreign error, which may quote its input', () => {
    // Prepare: JSON.parse quotes what it could not parse
    let parseError: unknown;
    try {
      JSON.parse('{"clientSecret": "s3cr3t-value-that-must-not-leak"');
    } catch (error) {
      parseError = error;
    }

    // Act
    const recorded = recordedError(parseError);

    // Assess
    expect(recorded.errorType).toBe('SyntaxError');
    expect(recorded.errorMessage).not.toContain('s3cr3t');
  });

  it('redacts secret-like runs but keeps UUIDs and secret names', () => {
    // Prepare
    const secretLike = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
    const clientId = '8b5d6e5e-e088-4768-a52e-759c5c7c0246';
    const error = new GenesysAuthError(`token for client ${clientId} refused near ${secretLike} in genesys-rotator/acme/crm-AbCdEf`, { method: 'POST', path: '/oauth/token', status: 401 });

    // Act
    const { errorMessage } = recordedError(error);

    // Assess
    expect(errorMessage).not.toContain(secretLike);
    expect(errorMessage).toContain('[redacted]');
    expect(errorMessage).toContain(clientId);
    expect(errorMessage).toContain('genesys-rotator/acme/crm-AbCdEf');
  });

  it('caps a long message', () => {
    const error = new ConfigurationError('x'.repeat(40).split('').join(' '), 'f', 'y '.repeat(400));
    expect(recordedError(error).errorMessage.length).toBe(MAX_ERROR_MESSAGE_LENGTH);
  });

  it('names a thrown non-error by its type only', () => {
    expect(recordedError('secret-string')).toEqual({ errorType: 'NonError', errorMessage: '(a thrown string)' });
  });
});
