import { SecretDocumentError, UnknownRegionError } from '../../../lambdas/core/errors';
import { parseConsumerCredentials } from '../../../client/credential-fields';

const LABEL = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const SECRET = 'cs-VERY-SECRET-value-1234';

describe('Function: parseConsumerCredentials', () => {
  it('returns the three consumer fields and ignores every other one', () => {
    // Prepare: no strategy, no adminSecretId, user metadata (the rotator's rules are not the consumer's)
    const text = JSON.stringify({ environment: 'mypurecloud.ie', clientId: 'app', clientSecret: SECRET, owner: 'team-a' });

    // Act
    const fields = parseConsumerCredentials(text, LABEL);

    // Assess
    expect(fields).toEqual({ environment: 'mypurecloud.ie', clientId: 'app', clientSecret: SECRET });
  });

  it('accepts an empty clientSecret (a document before its first rotation)', () => {
    // Act / Assess
    expect(parseConsumerCredentials(JSON.stringify({ environment: 'usw2.pure.cloud', clientId: 'app', clientSecret: '' }), LABEL).clientSecret).toBe('');
  });

  it.each([
    ['no SecretString', undefined, '(root)', 'a JSON object in SecretString'],
    ['not JSON', `{"clientSecret":"${SECRET}"`, '(root)', 'a JSON object'],
    ['a JSON array', '[]', '(root)', 'a JSON object'],
    ['a missing clientId', JSON.stringify({ environment: 'mypurecloud.com', clientSecret: SECRET }), 'clientId', 'a non-empty string (field is missing)'],
    ['an empty clientId', JSON.stringify({ environment: 'mypurecloud.com', clientId: '', clientSecret: SECRET }), 'clientId', 'a non-empty string'],
    ['a numeric clientSecret', JSON.stringify({ environment: 'mypurecloud.com', clientId: 'app', clientSecret: 42 }), 'clientSecret', 'a string (empty only before the first rotation)'],
    ['a missing environment', JSON.stringify({ clientId: 'app', clientSecret: SECRET }), 'environment', 'a Genesys Cloud region domain such as "mypurecloud.com" (field is missing)'],
  ])('refuses %s with SecretDocumentError naming the field, never the secret', (_case, text, field, expected) => {
    // Act
    const error = (() => {
      try {
        return parseConsumerCredentials(text, LABEL);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(SecretDocumentError);
    expect(error).toMatchObject({ field, expected });
    expect((error as Error).message).toContain(LABEL);
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(SECRET);
    expect((error as Error).cause).toBeUndefined();
  });

  it('refuses an unknown region with UnknownRegionError', () => {
    // Act / Assess
    expect(() => parseConsumerCredentials(JSON.stringify({ environment: 'example.com', clientId: 'app', clientSecret: SECRET }), LABEL)).toThrow(UnknownRegionError);
  });
});
