import fc from 'fast-check';
import { SecretDocumentError, UnknownRegionError } from '../../lambdas/core/errors';
import { GENESYS_ENVIRONMENTS } from '../../lambdas/core/regions';
import { parseSecretDocument, serializeSecretDocument, validateSecretDocument } from '../../lambdas/core/secret-document';

const SECRET = 'sup3r-s3cret-value-never-printed';

const single = {
  environment: 'mypurecloud.ie',
  clientId: 'client-a',
  clientSecret: SECRET,
  strategy: 'single',
  adminSecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:admin-AbCdEf',
};

const alternating = {
  environment: 'usw2.pure.cloud',
  clientId: 'client-a',
  clientSecret: SECRET,
  strategy: 'alternating',
  alternateClientId: 'client-b',
};

function refusal(input: unknown): SecretDocumentError {
  return refusalOf(() => validateSecretDocument(input, 'test-secret'));
}

function refusalOf(act: () => unknown): SecretDocumentError {
  try {
    act();
  } catch (error) {
    if (error instanceof SecretDocumentError) return error;
    throw error;
  }
  throw new Error('expected a SecretDocumentError');
}

describe('secret document', () => {
  it('accepts a single document and keeps unknown fields', () => {
    // Act
    const doc = parseSecretDocument(JSON.stringify({ ...single, owner: 'crm-team', tags: { cost: 7 } }));
    // Assess
    expect(doc.clientId).toBe('client-a');
    expect(doc.owner).toBe('crm-team');
    expect(JSON.parse(serializeSecretDocument(doc))).toEqual({ ...single, owner: 'crm-team', tags: { cost: 7 } });
  });

  it('accepts an alternating admin pair without adminSecretId', () => {
    expect(validateSecretDocument(alternating).strategy).toBe('alternating');
  });

  it('accepts an empty clientSecret (before the first rotation)', () => {
    expect(validateSecretDocument({ ...single, clientSecret: '' }).clientSecret).toBe('');
  });

  it('knows all 18 Genesys Cloud regions', () => {
    expect(GENESYS_ENVIRONMENTS).toHaveLength(18);
    for (const environment of GENESYS_ENVIRONMENTS) {
      expect(validateSecretDocument({ ...single, environment }).environment).toBe(environment);
    }
  });

  it.each([
    ['malformed JSON', () => parseSecretDocument('{"clientId": "x", ', 's'), '(root)', 'a JSON object'],
    ['a JSON array', () => parseSecretDocument('[]', 's'), '(root)', 'a JSON object'],
    ['no SecretString', () => parseSecretDocument(undefined, 's'), '(root)', 'SecretString'],
  ])('refuses %s with a typed error naming the field', (_name, act, field, expected) => {
    // Act
    let caught: unknown;
    try {
      act();
    } catch (error) {
      caught = error;
    }
    // Assess
    expect(caught).toBeInstanceOf(SecretDocumentError);
    expect((caught as SecretDocumentError).field).toBe(field);
    expect((caught as SecretDocumentError).message).toContain(expected);
  });

  it('does not quote the input of malformed JSON (it may hold a secret)', () => {
    const error = refusalOf(() => parseSecretDocument(`{"clientSecret": "${SECRET}" oops`));
    expect(error.message).not.toContain(SECRET);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    ['missing clientId', { ...single, clientId: undefined }, 'clientId', 'missing'],
    ['empty clientId', { ...single, clientId: '' }, 'clientId', 'non-empty'],
    ['missing environment', { ...single, environment: undefined }, 'environment', 'region'],
    ['numeric clientSecret', { ...single, clientSecret: 42 }, 'clientSecret', 'string'],
    ['unknown strategy', { ...single, strategy: 'blue-green' }, 'strategy', '"single" or "alternating"'],
    ['alternating without alternateClientId', { ...alternating, alternateClientId: undefined }, 'alternateClientId', 'standby'],
    ['alternating with equal ids', { ...alternating, alternateClientId: 'client-a' }, 'alternateClientId', 'different from clientId'],
    ['single without adminSecretId', { ...single, adminSecretId: undefined }, 'adminSecretId', 'admin secret'],
  ])('refuses %s naming the field and what was expected', (_name, input, field, expected) => {
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.expected).toContain(expected);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses an unknown region with UnknownRegionError', () => {
    const error = refusal({ ...single, environment: 'mypurecloud.moon' });
    expect(error).toBeInstanceOf(UnknownRegionError);
    expect(error.field).toBe('environment');
    expect(error.message).toContain('mypurecloud.moon');
  });

  it('round-trips any valid document unchanged, user fields included (property)', () => {
    const userField = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['environment', 'clientId', 'clientSecret', 'strategy', 'alternateClientId', 'adminSecretId', '__proto__'].includes(k)),
      fc.jsonValue(),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...GENESYS_ENVIRONMENTS), fc.string({ minLength: 1 }), fc.string(), userField, (environment, clientId, clientSecret, extra) => {
        const input = { ...extra, environment, clientId, clientSecret, strategy: 'single', adminSecretId: 'admin' };
        const doc = parseSecretDocument(JSON.stringify(input));
        expect(JSON.parse(serializeSecretDocument(doc))).toEqual(JSON.parse(JSON.stringify(input)));
      }),
    );
  });
});

