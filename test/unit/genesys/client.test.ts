import { MockAgent, errors as undiciErrors } from 'undici';
import {
  GenesysApiError,
  GenesysAuthError,
  GenesysNetworkError,
  GenesysNotFoundError,
  GenesysPermissionError,
  GenesysRateLimitError,
  GenesysResponseError,
  ValidationError,
} from '../../../lambdas/core/errors';
import { createGenesysClient, GenesysClient } from '../../../lambdas/core/genesys/client';
import { AccessToken } from '../../../lambdas/core/genesys/types';
import {
  ACCESS_TOKEN,
  BASIC_VALUE,
  bearerHeaders,
  CLIENT_ID,
  CLIENT_SECRET,
  closeHarness,
  createHarness,
  NOW_MS,
  oauthClientBody,
  platformError,
  type Harness,
} from './mock-genesys';

const TOKEN_PATH = '/oauth/token';
const tokenRequest = {
  path: TOKEN_PATH,
  method: 'POST',
  headers: { authorization: `Basic ${BASIC_VALUE}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
};
const tokenBody = { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 86399 };
const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const secretPath = `/api/v2/oauth/clients/${CLIENT_ID}/secret`;

function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

describe('Class: GenesysClient', () => {
  let h: Harness;

  beforeEach(() => {
    h = createHarness();
  });

  afterEach(async () => {
    await closeHarness(h);
  });

  describe('Method: getToken', () => {
    it('returns the access token when the client credentials are accepted', async () => {
      // Prepare
      h.login.intercept(tokenRequest).reply(200, tokenBody);

      // Act
      const token = await h.client.getToken(credentials);

      // Assess
      expect(token.reveal()).toBe(ACCESS_TOKEN);
      expect(token.tokenType).toBe('bearer');
      expect(token.expiresInSeconds).toBe(86399);
      expect(token.obtainedAtMs).toBe(NOW_MS);
      expect(h.requests).toEqual([{ method: 'POST', path: TOKEN_PATH }]);
    });

    it.each([
      ['wrong secret', 401, { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' }],
      ['unknown client', 401, { error: 'invalid_client', description: 'client not found', error_description: 'client not found' }],
      ['wrong secret answered with 400', 400, { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' }],
    ])('throws GenesysAuthError with code invalid_client on a %s, without retrying', async (_case, status, body) => {
      // Prepare
      h.login.intercept(tokenRequest).reply(status, body);

      // Act
      const error = await h.client.getToken(credentials).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysAuthError);
      expect(error).toMatchObject({ code: 'invalid_client', status, method: 'POST', path: TOKEN_PATH });
      expect(h.sleep).not.toHaveBeenCalled();
      expect(h.requests).toHaveLength(1);
    });

    it('throws GenesysResponseError when the token body lacks access_token', async () => {
      // Prepare
      h.login.intercept(tokenRequest).reply(200, { token_type: 'bearer', expires_in: 86399 });

      // Act
      const error = await h.client.getToken(credentials).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysResponseError);
      expect((error as Error).message).toContain('access_token');
    });
  });

  describe('Retries', () => {
    it('waits Retry-After seconds on 429 and then succeeds', async () => {
      // Prepare
      h.login
        .intercept(tokenRequest)
        .reply(
          429,
          { message: 'Rate limit exceeded the maximum. Retry the request in [42] seconds', code: 'too.many.requests.retry.after', status: 429, contextId: 'corr-429' },
          { headers: { 'retry-after': '42', 'inin-correlation-id': 'corr-429' } },
        );
      h.login.intercept(tokenRequest).reply(200, tokenBody);

      // Act
      const token = await h.client.getToken(credentials);

      // Assess
      expect(token.reveal()).toBe(ACCESS_TOKEN);
      expect(h.sleep.mock.calls).toEqual([[42_000]]);
      expect(h.log.lines).toEqual([
        expect.objectContaining({
          level: 'warn',
          attributes: expect.objectContaining({
            method: 'POST',
            path: TOKEN_PATH,
            status: 429,
            code: 'too.many.requests.retry.after',
            correlationId: 'corr-429',
            attempt: 1,
            delayMs: 42_000,
          }) as unknown,
        }),
      ]);
    });

    it('throws GenesysRateLimitError at once when Retry-After exceeds the cap', async () => {
      // Prepare
      h.api
        .intercept({ path: '/api/v2/tokens/me', method: 'GET', headers: bearerHeaders })
        .reply(429, platformError(429, 'too.many.requests.retry.after'), { headers: { 'retry-after': '181', 'inin-correlation-id': 'corr-cap' } });

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysRateLimitError);
      expect(error).toMatchObject({ status: 429, correlationId: 'corr-cap', code: 'too.many.requests.retry.after' });
      expect((error as Error).message).toContain('181');
      expect(h.sleep).not.toHaveBeenCalled();
    });

    it('does not wait past the deadline: a Retry-After that would outlast the invocation fails at once', async () => {
      // Prepare: 20 s left, the server asks for 42 s.
      const timed = createHarness({ deadline: () => NOW_MS + 20_000 });
      timed.api
        .intercept({ path: '/api/v2/tokens/me', method: 'GET', headers: bearerHeaders })
        .reply(429, platformError(429, 'too.many.requests.retry.after'), { headers: { 'retry-after': '42', 'inin-correlation-id': 'corr-dl' } });
      try {
        // Act
        const error = await timed.client.getTokenInfo(timed.token).catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(GenesysRateLimitError);
        expect(timed.sleep).not.toHaveBeenCalled();
        expect(timed.log.lines.map((l) => l.message)).toContain('Genesys Cloud call failed; no time left to retry before the invocation ends');
      } finally {
        timed.agent.assertNoPendingInterceptors();
        await timed.agent.close();
      }
    });

    it('retries a 5xx while the deadline leaves room for the wait and one more attempt', async () => {
      // Prepare: a minute left is enough for a short backoff and a 10 s attempt.
      const timed = createHarness({ deadline: () => NOW_MS + 60_000 });
      timed.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(503, platformError(503, 'service.unavailable'));
      timed.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, { organization: { id: 'org' }, OAuthClient: { id: 'c' } });
      try {
        // Act
        const info = await timed.client.getTokenInfo(timed.token);
        // Assess
        expect(info.organizationId).toBe('org');
        expect(timed.sleep).toHaveBeenCalledTimes(1);
      } finally {
        await timed.agent.close();
      }
    });

    it('throws GenesysRateLimitError when 429 persists through every attempt', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(429, platformError(429, 'too.many.requests')).times(4);

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysRateLimitError);
      expect(h.requests).toHaveLength(4);
      expect(h.sleep).toHaveBeenCalledTimes(3);
    });

    it('backs off and retries a 503, then succeeds', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(503, platformError(503, 'service.unavailable'));
      h.api
        .intercept({ path: '/api/v2/tokens/me', method: 'GET' })
        .reply(200, { organization: { id: 'org-1', name: 'Org' }, OAuthClient: { id: CLIENT_ID, name: 'rotator-a' } });

      // Act
      const info = await h.client.getTokenInfo(h.token);

      // Assess
      expect(info.oauthClientId).toBe(CLIENT_ID);
      expect(h.sleep).toHaveBeenCalledTimes(1);
      const delay = h.sleep.mock.calls[0]![0];
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    });

    it('throws GenesysApiError with the status when 5xx persists through every attempt', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(500, platformError(500, 'internal.server.error')).times(4);

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect(error).toMatchObject({ status: 500, code: 'internal.server.error' });
      expect(h.requests).toHaveLength(4);
    });

    it('does not retry 501', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(501, platformError(501, 'not.implemented'));

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect(error).toMatchObject({ status: 501 });
      expect(h.requests).toHaveLength(1);
      expect(h.sleep).not.toHaveBeenCalled();
    });

    it('does not retry 400', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(400, platformError(400, 'bad.request'));

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect(error).toMatchObject({ status: 400, code: 'bad.request' });
      expect(h.requests).toHaveLength(1);
    });

    it('retries a dropped connection, then succeeds', async () => {
      // Prepare
      h.login.intercept(tokenRequest).replyWithError(new undiciErrors.SocketError('other side closed'));
      h.login.intercept(tokenRequest).reply(200, tokenBody);

      // Act
      const token = await h.client.getToken(credentials);

      // Assess
      expect(token.reveal()).toBe(ACCESS_TOKEN);
      expect(h.sleep).toHaveBeenCalledTimes(1);
      expect(h.log.lines[0]?.attributes).toMatchObject({ code: 'UND_ERR_SOCKET', attempt: 1, timedOut: false });
    });

    it('throws GenesysNetworkError with the code when connections keep failing', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).replyWithError(connectionReset()).times(4);

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysNetworkError);
      expect(error).toMatchObject({ code: 'ECONNRESET', method: 'GET', path: '/api/v2/tokens/me' });
      expect((error as Error).cause).toMatchObject({ code: 'ECONNRESET' });
      expect(h.requests).toHaveLength(4);
    });

    it('does not retry an error that is not a connection failure', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).replyWithError(new undiciErrors.InvalidArgumentError('bad option'));

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysNetworkError);
      expect(h.requests).toHaveLength(1);
    });

    it('retries a reply that comes after the timeout, then throws GenesysNetworkError', async () => {
      // Prepare
      await closeHarness(h);
      h = createHarness({ timeoutMs: 20, retry: { maxAttempts: 2 } });
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, { organization: { id: 'o' }, OAuthClient: { id: 'c' } }).delay(500).times(2);

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysNetworkError);
      expect((error as Error).message).toContain('within 20 ms');
      expect(h.requests).toHaveLength(2);
      expect(h.log.lines[0]?.attributes).toMatchObject({ timedOut: true, attempt: 1 });
    });

    it('regenerates again after the answer to a regeneration was lost', async () => {
      // Prepare
      const route = { path: secretPath, method: 'POST', headers: bearerHeaders };
      h.api.intercept(route).replyWithError(connectionReset());
      h.api.intercept(route).reply(200, { ...oauthClientBody, secret: 'second-secret' });

      // Act
      const regenerated = await h.client.regenerateSecret(h.token, CLIENT_ID);

      // Assess
      expect(regenerated).toEqual({ clientId: CLIENT_ID, secret: 'second-secret' });
      expect(h.requests).toEqual([
        { method: 'POST', path: secretPath },
        { method: 'POST', path: secretPath },
      ]);
    });
  });

  describe('Error mapping', () => {
    it('throws GenesysPermissionError naming oauth:client:edit when regeneration is forbidden', async () => {
      // Prepare
      h.api
        .intercept({ path: secretPath, method: 'POST' })
        .reply(403, platformError(403, 'missing.permissions', 'ctx-403'), { headers: { 'inin-correlation-id': 'corr-403' } });

      // Act
      const error = await h.client.regenerateSecret(h.token, CLIENT_ID).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysPermissionError);
      expect(error).toMatchObject({ status: 403, code: 'missing.permissions', correlationId: 'corr-403', path: secretPath });
      expect((error as Error).message).toContain('oauth:client:edit');
      expect((error as Error).message).toContain('corr-403');
      expect(h.requests).toHaveLength(1);
    });

    it('takes the correlation id from contextId when the header is absent', async () => {
      // Prepare
      h.api.intercept({ path: `/api/v2/oauth/clients/${CLIENT_ID}`, method: 'GET' }).reply(403, platformError(403, 'missing.any.permissions', 'ctx-only'));

      // Act
      const error = await h.client.getOAuthClient(h.token, CLIENT_ID).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysPermissionError);
      expect(error).toMatchObject({ correlationId: 'ctx-only' });
      expect((error as Error).message).toContain('oauth:client:view');
    });

    it('throws GenesysAuthError when the API refuses the token', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(401, platformError(401, 'authentication.required'));

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysAuthError);
      expect(error).toMatchObject({ status: 401, code: 'authentication.required' });
    });

    it('throws GenesysNotFoundError on 404', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/integrations/credentials/cred-1', method: 'GET' }).reply(404, platformError(404, 'not.found'));

      // Act
      const error = await h.client.getIntegrationCredential(h.token, 'cred-1').catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysNotFoundError);
      expect(error).toMatchObject({ status: 404, code: 'not.found', path: '/api/v2/integrations/credentials/cred-1' });
    });

    it('throws GenesysResponseError naming the field when a body does not match', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, { organization: { id: 42 }, OAuthClient: { id: CLIENT_ID } });

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysResponseError);
      expect((error as Error).message).toContain('organization.id');
      expect((error as Error).message).not.toContain('42');
    });

    it('throws GenesysResponseError when a body is not JSON', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, '<html>gateway says hello</html>');

      // Act
      const error = await h.client.getTokenInfo(h.token).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysResponseError);
      expect((error as Error).message).not.toContain('gateway');
      expect((error as Error).cause).toBeUndefined();
    });
  });

  describe('Method: getTokenInfo', () => {
    it('returns the organization and OAuth client of the token', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET', headers: bearerHeaders }).reply(200, {
        organization: { id: 'org-1', name: 'Acme', selfUri: '/api/v2/organizations/org-1' },
        authorizedScope: [],
        OAuthClient: { id: CLIENT_ID, name: 'rotator-a', organization: { id: 'org-1' } },
      });

      // Act
      const info = await h.client.getTokenInfo(h.token);

      // Assess
      expect(info).toEqual({ organizationId: 'org-1', organizationName: 'Acme', oauthClientId: CLIENT_ID, oauthClientName: 'rotator-a' });
    });
  });

  describe('Method: getOAuthClient, sparse bodies', () => {
    it('accepts a client with only an id and a role division without a division', async () => {
      // Prepare: the models mark every other field optional.
      h.api.intercept({ path: `/api/v2/oauth/clients/${CLIENT_ID}`, method: 'GET' }).reply(200, { id: CLIENT_ID, roleDivisions: [{ roleId: 'r', divisionId: null }] });
      // Act
      const client = await h.client.getOAuthClient(h.token, CLIENT_ID);
      // Assess
      expect(client).toEqual({ id: CLIENT_ID, name: '', state: 'unknown', authorizedGrantType: '', roleIds: [], roleDivisions: [{ roleId: 'r', divisionId: '' }] });
    });
  });

  describe('Method: getOAuthClient', () => {
    it('returns the client and URL-encodes its id', async () => {
      // Prepare
      h.api
        .intercept({ path: '/api/v2/oauth/clients/a%2Fb%20c', method: 'GET', headers: bearerHeaders })
        .reply(200, { ...oauthClientBody, id: 'a/b c', roleIds: undefined });

      // Act
      const client = await h.client.getOAuthClient(h.token, 'a/b c');

      // Assess
      expect(client).toEqual({
        id: 'a/b c',
        name: 'rotator-a',
        state: 'active',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        accessTokenValiditySeconds: 86400,
        roleIds: [],
        roleDivisions: [{ roleId: 'role-1', divisionId: 'div-1' }],
        dateModified: '2026-01-02T00:00:00.000Z',
        dateCreated: '2026-01-01T00:00:00.000Z',
      });
    });

    it('refuses an empty id instead of addressing the collection', async () => {
      // Act
      const error = await h.client.getOAuthClient(h.token, '').catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ValidationError);
      expect(h.requests).toHaveLength(0);
    });
  });

  describe('Method: regenerateSecret', () => {
    it('returns the new secret from the response body', async () => {
      // Prepare
      h.api.intercept({ path: secretPath, method: 'POST', headers: bearerHeaders }).reply(200, { ...oauthClientBody, secret: 'fresh-secret-1' });

      // Act
      const regenerated = await h.client.regenerateSecret(h.token, CLIENT_ID);

      // Assess
      expect(regenerated).toEqual({ clientId: CLIENT_ID, secret: 'fresh-secret-1' });
    });

    it('throws GenesysResponseError when the response names another client', async () => {
      // Prepare
      h.api.intercept({ path: secretPath, method: 'POST' }).reply(200, { ...oauthClientBody, id: 'someone-else', secret: 'fresh-secret-1' });

      // Act
      const error = await h.client.regenerateSecret(h.token, CLIENT_ID).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysResponseError);
      expect((error as Error).message).not.toContain('fresh-secret-1');
    });

    it('throws GenesysResponseError when the response has no secret', async () => {
      // Prepare
      h.api.intercept({ path: secretPath, method: 'POST' }).reply(200, oauthClientBody);

      // Act
      const error = await h.client.regenerateSecret(h.token, CLIENT_ID).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysResponseError);
      expect((error as Error).message).toContain('secret');
    });
  });

  describe('Method: probe', () => {
    it('returns the 2xx status of a GET on the API host, query string included', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/users?pageSize=1', method: 'GET', headers: bearerHeaders }).reply(204, '');

      // Act
      const status = await h.client.probe(h.token, '/api/v2/users?pageSize=1');

      // Assess
      expect(status).toBe(204);
      expect(h.requests).toEqual([{ method: 'GET', path: '/api/v2/users' }]);
    });

    it.each(['/oauth/token', 'https://evil.example/api/v2/x', '/api/v2/../../oauth/token', '/api/v2/%2e%2e/oauth', '/api/v2/a#b', '/api/v2/a b', '/api/v2/a\r\nX: y'])(
      'refuses the path %j without a request',
      async (path) => {
        // Act
        const error = await h.client.probe(h.token, path).catch((e: unknown) => e);

        // Assess
        expect(error).toBeInstanceOf(ValidationError);
        expect(h.requests).toHaveLength(0);
      },
    );

    it('throws the typed error when the probe is forbidden', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/users', method: 'GET' }).reply(403, platformError(403, 'missing.permissions'));

      // Act
      const error = await h.client.probe(h.token, '/api/v2/users').catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysPermissionError);
    });
  });

  describe('Method: getIntegrationCredential', () => {
    it('returns the credential and drops redacted (non-string) fields', async () => {
      // Prepare
      h.api.intercept({ path: '/api/v2/integrations/credentials/cred-1', method: 'GET', headers: bearerHeaders }).reply(200, {
        id: 'cred-1',
        name: 'gc-data-actions',
        type: { id: 't', name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: null },
        selfUri: '/api/v2/integrations/credentials/cred-1',
      });

      // Act
      const credential = await h.client.getIntegrationCredential(h.token, 'cred-1');

      // Assess
      expect(credential).toEqual({
        id: 'cred-1',
        name: 'gc-data-actions',
        type: { id: 't', name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID },
      });
    });

    it('falls back to the id when the credential has no name (optional in the models)', async () => {
      h.api.intercept({ path: '/api/v2/integrations/credentials/cred-2', method: 'GET' }).reply(200, { id: 'cred-2', type: { name: 'pureCloudOAuthClient' } });
      expect((await h.client.getIntegrationCredential(h.token, 'cred-2')).name).toBe('cred-2');
    });
  });

  describe('Method: putIntegrationCredential', () => {
    it('PUTs exactly name, type name and credential fields as JSON', async () => {
      // Prepare
      let sent: unknown;
      h.api
        .intercept({
          path: '/api/v2/integrations/credentials/cred-1',
          method: 'PUT',
          headers: { ...bearerHeaders, 'content-type': 'application/json' },
          body: (body: string) => {
            sent = JSON.parse(body);
            return true;
          },
        })
        .reply(200, { id: 'cred-1', name: 'gc-data-actions' });
      const update = {
        name: 'gc-data-actions',
        type: { name: 'pureCloudOAuthClient', id: 'not-sent' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: 'new-secret' },
        extra: 'not sent either',
      };

      // Act
      await h.client.putIntegrationCredential(h.token, 'cred-1', update);

      // Assess
      expect(sent).toEqual({
        name: 'gc-data-actions',
        type: { name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: 'new-secret' },
      });
    });
  });

  describe('Method: getClientUsage, undocumented statuses', () => {
    it('keeps polling through a status no source documents, and reads a differently cased Complete', async () => {
      // Prepare
      const queryPath = `/api/v2/oauth/clients/${CLIENT_ID}/usage/query`;
      const resultsPath = `${queryPath}/results/exec-2`;
      h.api.intercept({ path: queryPath, method: 'POST' }).reply(200, { executionId: 'exec-2' });
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Queued' });
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'COMPLETE', results: [{ requests: 3 }] });
      // Act
      const usage = await h.client.getClientUsage(h.token, CLIENT_ID, 1);
      // Assess
      expect(usage.totalRequests).toBe(3);
      expect(h.sleep).toHaveBeenCalledTimes(1);
    });
  });

  describe('Method: getClientUsage', () => {
    const queryPath = `/api/v2/oauth/clients/${CLIENT_ID}/usage/query`;
    const resultsPath = `${queryPath}/results/exec-1`;
    // Whole seconds, as in the documented example.
    const expectedInterval = '2026-01-01T12:00:00Z/2026-01-08T12:00:00Z';

    function interceptQuery(): { body: unknown } {
      const captured: { body: unknown } = { body: undefined };
      h.api
        .intercept({
          path: queryPath,
          method: 'POST',
          headers: { ...bearerHeaders, 'content-type': 'application/json' },
          body: (body: string) => {
            captured.body = JSON.parse(body);
            return true;
          },
        })
        .reply(200, { executionId: 'exec-1', resultsUri: resultsPath });
      return captured;
    }

    it('queries the last days and polls while Running, summing requests', async () => {
      // Prepare
      const query = interceptQuery();
      h.api.intercept({ path: resultsPath, method: 'GET', headers: bearerHeaders }).reply(200, { queryStatus: 'Running' }).times(2);
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, {
        queryStatus: 'Complete',
        results: [
          { clientId: CLIENT_ID, templateUri: 'api/v2/users/me', httpMethod: 'GET', requests: 11, status200: 10, date: '2026-01-07T00:00:00Z' },
          { clientId: CLIENT_ID, templateUri: 'api/v2/users', httpMethod: 'GET', requests: 4 },
        ],
      });

      // Act
      const usage = await h.client.getClientUsage(h.token, CLIENT_ID, 7);

      // Assess
      expect(query.body).toEqual({ interval: expectedInterval, granularity: 'Day', metrics: ['Requests'], groupBy: ['TemplateUri', 'HttpMethod'] });
      expect(usage.totalRequests).toBe(15);
      expect(usage.interval).toBe(expectedInterval);
      expect(usage.rows[0]).toEqual({ clientId: CLIENT_ID, templateUri: 'api/v2/users/me', httpMethod: 'GET', requests: 11, date: '2026-01-07T00:00:00Z' });
      expect(h.sleep).toHaveBeenCalledTimes(2);
      expect(h.requests.filter((r) => r.path === resultsPath)).toHaveLength(3);
    });

    it('throws GenesysApiError when the query Failed', async () => {
      // Prepare
      interceptQuery();
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Failed' });

      // Act
      const error = await h.client.getClientUsage(h.token, CLIENT_ID, 7).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect((error as Error).message).toContain('failed');
    });

    it('gives up with GenesysApiError after 10 polls that stay Running', async () => {
      // Prepare
      interceptQuery();
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Running' }).times(10);

      // Act
      const error = await h.client.getClientUsage(h.token, CLIENT_ID, 7).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect((error as Error).message).toContain('still running');
      expect(h.sleep).toHaveBeenCalledTimes(9);
    });

    it.each([0, -1, 1.5])('refuses %p days without a request', async (days) => {
      // Act
      const error = await h.client.getClientUsage(h.token, CLIENT_ID, days).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ValidationError);
      expect(h.requests).toHaveLength(0);
    });
  });

  describe('Option: baseUrl', () => {
    it('sends both the token request and API calls to the override', async () => {
      // Prepare
      await closeHarness(h);
      h = createHarness({ baseUrl: 'http://127.0.0.1:4010/' });
      h.login.intercept(tokenRequest).reply(200, tokenBody);
      h.api.intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, { organization: { id: 'o' }, OAuthClient: { id: CLIENT_ID } });

      // Act
      const token = await h.client.getToken(credentials);
      const info = await h.client.getTokenInfo(token);

      // Assess
      expect(info.oauthClientId).toBe(CLIENT_ID);
    });
  });
});

describe('Function: createGenesysClient', () => {
  it('returns a GenesysClient that calls api.<environment>', async () => {
    // Prepare
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://api.usw2.pure.cloud').intercept({ path: '/api/v2/tokens/me', method: 'GET' }).reply(200, { organization: { id: 'o' }, OAuthClient: { id: 'c' } });

    // Act
    const client = createGenesysClient({ environment: 'usw2.pure.cloud', dispatcher: agent });
    const info = await client.getTokenInfo(new AccessToken('t', 'bearer', 1, 0));

    // Assess
    expect(client).toBeInstanceOf(GenesysClient);
    expect(info.oauthClientId).toBe('c');
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('refuses a non-positive timeout', () => {
    // Act / Assess
    expect(() => new GenesysClient({ environment: 'mypurecloud.com', timeoutMs: 0 })).toThrow(ValidationError);
  });
});
