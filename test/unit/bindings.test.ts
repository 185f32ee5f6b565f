import {
  assertDocumentMatchesBinding,
  bindingFor,
  loadBindings,
  namesBoundAdmin,
  parseBindings,
  secretNameFromArn,
  serializeBindings,
  type SecretBinding,
} from '../../lambdas/core/bindings';
import { BindingMismatchError, ConfigurationError, UnboundSecretError } from '../../lambdas/core/errors';
import type { SecretDocument } from '../../lambdas/core/secret-document';

const ARN = (name: string, account = '123456789012', region = 'us-east-1', partition = 'aws'): string =>
  `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}-AbC123`;

const MANAGED = ARN('genesys-oauth/crm');
const ADMIN = 'genesys-oauth/acme/admin';

const single: SecretBinding = { environment: 'mypurecloud.com', clientIds: ['crm-a'], adminSecret: ADMIN };
const pair: SecretBinding = { environment: 'mypurecloud.com', clientIds: ['jobs-a', 'jobs-b'], adminSecret: ADMIN };
const adminPair: SecretBinding = { environment: 'mypurecloud.com', clientIds: ['admin-a', 'admin-b'] };

const doc = (fields: Partial<SecretDocument>): SecretDocument =>
  ({ environment: 'mypurecloud.com', clientId: 'crm-a', clientSecret: 'not-checked', strategy: 'single', adminSecretId: ADMIN, ...fields });

/** The error `act` throws (the test fails when it throws nothing). */
function thrown(act: () => unknown): Record<string, unknown> {
  try {
    act();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a throw');
}

describe('Module: bindings', () => {
  describe('Method: parseBindings', () => {
    it('parses the documented wire format', () => {
      // Act
      const bindings = parseBindings(serializeBindings({ 'genesys-oauth/crm': single, [ADMIN]: adminPair }), 'ROTATOR_BINDINGS');
      // Assess
      expect(bindings).toEqual({ version: 1, secrets: { 'genesys-oauth/crm': single, [ADMIN]: adminPair } });
    });

    it.each<[string, string, string]>([
      ['unreadable JSON', '{"version":1,', '(root)'],
      ['another version', '{"version":2,"secrets":{}}', 'version'],
      ['an unknown region', JSON.stringify({ version: 1, secrets: { s: { ...single, environment: 'mypurecloud.mars' } } }), 'secrets.s.environment'],
      ['three client ids', JSON.stringify({ version: 1, secrets: { s: { ...single, clientIds: ['a', 'b', 'c'] } } }), 'secrets.s.clientIds'],
      ['a repeated client id', JSON.stringify({ version: 1, secrets: { s: { ...single, clientIds: ['a', 'a'] } } }), 'secrets.s.clientIds'],
      ['a single client without admin', JSON.stringify({ version: 1, secrets: { s: { environment: 'mypurecloud.com', clientIds: ['a'] } } }), 'secrets.s.adminSecret'],
      ['an unknown field', JSON.stringify({ version: 1, secrets: { s: { ...single, clientId: 'x' } } }), 'secrets.s'],
    ])('refuses %s with the field named', (_name, json, field) => {
      // Act / Assess
      expect(() => parseBindings(json, 'ROTATOR_BINDINGS')).toThrow(ConfigurationError);
      try {
        parseBindings(json, 'ROTATOR_BINDINGS');
      } catch (error) {
        expect((error as ConfigurationError).field).toBe(field);
      }
    });
  });

  describe('Method: loadBindings', () => {
    const json = serializeBindings({ 'genesys-oauth/crm': single });

    it('reads ROTATOR_BINDINGS', () => {
      expect(loadBindings({ ROTATOR_BINDINGS: json }).secrets['genesys-oauth/crm']).toEqual(single);
    });

    it('reads the file ROTATOR_BINDINGS_FILE names', () => {
      // Prepare
      const read = jest.fn((path: string) => (path === '/opt/rotator/bindings.json' ? json : ''));
      // Act
      const bindings = loadBindings({ ROTATOR_BINDINGS_FILE: '/opt/rotator/bindings.json' }, read);
      // Assess
      expect(bindings.secrets['genesys-oauth/crm']).toEqual(single);
      expect(read).toHaveBeenCalledTimes(1);
    });

    it.each<[string, Record<string, string>, string]>([
      ['neither variable', {}, 'ROTATOR_BINDINGS'],
      ['empty strings only', { ROTATOR_BINDINGS: '', ROTATOR_BINDINGS_FILE: '' }, 'ROTATOR_BINDINGS'],
      ['both variables', { ROTATOR_BINDINGS: '{"version":1,"secrets":{}}', ROTATOR_BINDINGS_FILE: '/opt/b.json' }, 'ROTATOR_BINDINGS_FILE'],
    ])('fails closed on %s', (_name, env, field) => {
      expect(thrown(() => loadBindings(env, () => json))).toMatchObject({ name: 'ConfigurationError', field });
    });

    it('fails closed on a file that cannot be read, keeping the cause', () => {
      // Prepare
      const cause = new Error('ENOENT');
      // Act / Assess
      const error = thrown(() =>
        loadBindings({ ROTATOR_BINDINGS_FILE: '/nope' }, () => {
          throw cause;
        }),
      );
      expect(error).toMatchObject({ field: 'ROTATOR_BINDINGS_FILE' });
      expect(error.cause).toBe(cause);
    });
  });

  describe('Method: bindingFor', () => {
    it('refuses a secret that is not bound, naming it', () => {
      const bindings = parseBindings(serializeBindings({ 'genesys-oauth/crm': single }), 'x');
      expect(() => bindingFor(bindings, { name: 'genesys-oauth/other', arn: ARN('genesys-oauth/other') })).toThrow(UnboundSecretError);
      expect(() => bindingFor(bindings, { name: 'toString', arn: ARN('toString') })).toThrow(UnboundSecretError);
      expect(bindingFor(bindings, { name: 'genesys-oauth/crm', arn: MANAGED })).toBe(bindings.secrets['genesys-oauth/crm']);
    });
  });

  describe('Method: namesBoundAdmin', () => {
    it('accepts the name and the full ARN in the same partition, region and account', () => {
      expect(namesBoundAdmin(ADMIN, ADMIN, MANAGED)).toBe(true);
      expect(namesBoundAdmin(ARN(ADMIN), ADMIN, MANAGED)).toBe(true);
    });

    it.each([
      ['another account', ARN(ADMIN, '210987654321')],
      ['another region', ARN(ADMIN, '123456789012', 'eu-west-1')],
      ['another partition', ARN(ADMIN, '123456789012', 'us-east-1', 'aws-cn')],
      ['another name', ARN('genesys-oauth/other/admin')],
      ['a partial ARN', `arn:aws:secretsmanager:us-east-1:123456789012:secret:${ADMIN}`],
      ['a name prefix', 'genesys-oauth/acme/admin2'],
    ])('refuses %s', (_name, adminSecretId) => {
      expect(namesBoundAdmin(adminSecretId, ADMIN, MANAGED)).toBe(false);
    });
  });

  describe('Method: assertDocumentMatchesBinding', () => {
    it('accepts a matching document, and the alternating pair in either order', () => {
      expect(() => { assertDocumentMatchesBinding(doc({}), single, MANAGED, 'crm'); }).not.toThrow();
      const jobs = doc({ strategy: 'alternating', clientId: 'jobs-b', alternateClientId: 'jobs-a', adminSecretId: ARN(ADMIN) });
      expect(() => { assertDocumentMatchesBinding(jobs, pair, MANAGED, 'jobs'); }).not.toThrow();
      const admin = doc({ strategy: 'alternating', clientId: 'admin-b', alternateClientId: 'admin-a', adminSecretId: undefined });
      expect(() => { assertDocumentMatchesBinding(admin, adminPair, ARN(ADMIN), 'admin'); }).not.toThrow();
    });

    it.each<[string, SecretDocument, SecretBinding, string]>([
      ['another client', doc({ clientId: 'victim' }), single, 'clientId'],
      ['another standby', doc({ strategy: 'alternating', clientId: 'jobs-a', alternateClientId: 'victim' }), pair, 'alternateClientId'],
      ['one of the pair only', doc({ strategy: 'single', clientId: 'jobs-a' }), pair, 'strategy'],
      ['another region', doc({ environment: 'mypurecloud.ie' }), single, 'environment'],
      ['another admin pair', doc({ adminSecretId: 'genesys-oauth/other/admin' }), single, 'adminSecretId'],
      ['no admin pair', doc({ strategy: 'alternating', clientId: 'jobs-a', alternateClientId: 'jobs-b', adminSecretId: undefined }), pair, 'adminSecretId'],
      ['an admin pair made a managed client', doc({ strategy: 'alternating', clientId: 'admin-a', alternateClientId: 'admin-b' }), adminPair, 'adminSecretId'],
    ])('refuses %s with the field named', (_name, document, binding, field) => {
      expect(thrown(() => { assertDocumentMatchesBinding(document, binding, MANAGED, 'crm (AWSCURRENT)'); })).toMatchObject({ name: 'BindingMismatchError', field });
    });

    it('never quotes the client secret', () => {
      try {
        assertDocumentMatchesBinding(doc({ clientId: 'victim', clientSecret: 'hunter2-secret' }), single, MANAGED, 'crm');
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(BindingMismatchError);
        expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain('hunter2-secret');
      }
    });
  });

  describe('Method: secretNameFromArn', () => {
    it('strips the six-character suffix and nothing else', () => {
      expect(secretNameFromArn(ARN('genesys-oauth/team-a/crm-x'))).toBe('genesys-oauth/team-a/crm-x');
      expect(secretNameFromArn('genesys-oauth/crm')).toBeUndefined();
    });
  });
});
