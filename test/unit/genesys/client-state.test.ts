import { GenesysPermissionError, OAuthClientUpdateError } from '../../../lambdas/core/errors';
import { changedFields, stateChangeRequest } from '../../../lambdas/core/genesys/oauth-client-request';
import { bearerHeaders, CLIENT_ID, closeHarness, createHarness, oauthClientBody, platformError, type Harness } from './mock-genesys';

const PATH = `/api/v2/oauth/clients/${CLIENT_ID}`;
/** A client with every writable field set, as GET answers it. */
const full = {
  ...oauthClientBody,
  description: 'CRM sync',
  accessTokenValiditySeconds: 600,
  registeredRedirectUri: ['https://example.com/cb'],
  scope: ['openid'],
  roleIds: ['role-1', 'role-2'],
  roleDivisions: [
    { roleId: 'role-1', divisionId: 'div-1' },
    { roleId: 'role-1', divisionId: 'div-2' },
  ],
};

describe('Module: oauth-client-request', () => {
  describe('Function: stateChangeRequest', () => {
    it('copies every writable field and replaces only state; roleIds only for roles without a division grant', () => {
      // Act
      const request = stateChangeRequest(full, 'disabled');
      // Assess
      expect(request).toEqual({
        name: 'rotator-a',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        description: 'CRM sync',
        accessTokenValiditySeconds: 600,
        registeredRedirectUri: ['https://example.com/cb'],
        scope: ['openid'],
        roleDivisions: full.roleDivisions,
        roleIds: ['role-2'],
        state: 'disabled',
      });
    });

    it('refuses (undefined) a client read without a field the PUT requires', () => {
      expect(stateChangeRequest({ ...full, name: null }, 'disabled')).toBeUndefined();
      expect(stateChangeRequest({ ...full, authorizedGrantType: undefined }, 'disabled')).toBeUndefined();
    });
  });

  describe('Function: changedFields', () => {
    it('names the fields that differ, ignoring order, state and dates', () => {
      // Prepare
      const after = { ...full, state: 'disabled', dateModified: 'later', roleDivisions: [...full.roleDivisions].reverse() };
      // Act / Assess
      expect(changedFields(full, after)).toEqual([]);
      expect(changedFields(full, { ...after, roleDivisions: [], roleIds: [] })).toEqual(['roles']);
      expect(changedFields(full, { ...after, accessTokenValiditySeconds: 86400, scope: [] })).toEqual(['accessTokenValiditySeconds', 'scope']);
    });
  });
});

describe('Class: GenesysClient', () => {
  let h: Harness;

  beforeEach(() => {
    h = createHarness();
  });

  afterEach(async () => {
    await closeHarness(h);
  });

  describe('Method: setOAuthClientState', () => {
    it('reads the client, PUTs it back whole with only state changed, and reads it again', async () => {
      // Prepare
      let sent: unknown;
      h.api.intercept({ path: PATH, method: 'GET', headers: bearerHeaders }).reply(200, full);
      h.api
        .intercept({ path: PATH, method: 'PUT', headers: { ...bearerHeaders, 'content-type': 'application/json' } })
        .reply(200, (options) => {
          sent = JSON.parse(typeof options.body === 'string' ? options.body : 'null');
          return { ...full, state: 'disabled' };
        });
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, { ...full, state: 'disabled' });
      // Act
      const change = await h.client.setOAuthClientState(h.token, CLIENT_ID, 'disabled');
      // Assess
      expect(change).toEqual({ clientId: CLIENT_ID, previousState: 'active', state: 'disabled', changed: true });
      expect(sent).toEqual(stateChangeRequest(full, 'disabled'));
      expect(h.requests.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET']);
    });

    it('writes nothing when the client is in that state already, or not in onlyFrom', async () => {
      // Prepare
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, { ...full, state: 'disabled' });
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, { ...full, state: 'inactive' });
      // Act
      const already = await h.client.setOAuthClientState(h.token, CLIENT_ID, 'disabled');
      const notFrom = await h.client.setOAuthClientState(h.token, CLIENT_ID, 'active', { onlyFrom: ['disabled'] });
      // Assess
      expect(already).toMatchObject({ changed: false, previousState: 'disabled' });
      expect(notFrom).toMatchObject({ changed: false, previousState: 'inactive' });
      expect(h.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
    });

    it('throws OAuthClientUpdateError naming the fields when the client read back lost anything', async () => {
      // Prepare: a server that strips the roles on the PUT
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, full);
      h.api.intercept({ path: PATH, method: 'PUT' }).reply(200, { ...full, state: 'disabled' });
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, { ...full, state: 'disabled', roleDivisions: [], roleIds: [], accessTokenValiditySeconds: 86400 });
      // Act
      const error = await h.client.setOAuthClientState(h.token, CLIENT_ID, 'disabled').catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(OAuthClientUpdateError);
      expect(error).toMatchObject({ clientId: CLIENT_ID, fields: ['accessTokenValiditySeconds', 'roles'], method: 'PUT' });
    });

    it('throws OAuthClientUpdateError, with no PUT, when the client read lacks a required field', async () => {
      // Prepare
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, { ...full, name: null });
      // Act / Assess
      await expect(h.client.setOAuthClientState(h.token, CLIENT_ID, 'disabled')).rejects.toMatchObject({ name: 'OAuthClientUpdateError', fields: ['name', 'authorizedGrantType'] });
      expect(h.requests.map((r) => r.method)).toEqual(['GET']);
    });

    it('a 403 on the PUT names the missing permission oauth:client:edit', async () => {
      // Prepare
      h.api.intercept({ path: PATH, method: 'GET' }).reply(200, full);
      h.api.intercept({ path: PATH, method: 'PUT' }).reply(403, platformError(403, 'missing.permissions'));
      // Act
      const error = await h.client.setOAuthClientState(h.token, CLIENT_ID, 'disabled').catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(GenesysPermissionError);
      expect((error as Error).message).toContain('oauth:client:edit');
      expect((error as Error).message).not.toContain('VERY-SECRET');
    });
  });
});
