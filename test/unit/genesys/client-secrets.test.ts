/**
 * No error path of the Genesys client may carry the client secret, the access token (or the Basic
 * header derived from the secret) or a secret from a response body: not in the message, not in
 * JSON.stringify, not in util.inspect (which prints `cause`), not in the log lines.
 */
import { inspect } from 'node:util';
import { errors as undiciErrors } from 'undici';
import { GenesysError } from '../../../lambdas/core/errors';
import { ACCESS_TOKEN, BASIC_VALUE, CLIENT_ID, CLIENT_SECRET, closeHarness, createHarness, oauthClientBody, type Harness } from './mock-genesys';

const BODY_SECRET = 'body-SECRET-9d1f3a';
const NEW_SECRET = 'new-SECRET-for-credential-5b2e';
const FORBIDDEN = [CLIENT_SECRET, ACCESS_TOKEN, BASIC_VALUE, BODY_SECRET, NEW_SECRET];

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const secretPath = `/api/v2/oauth/clients/${CLIENT_ID}/secret`;
const credentialPath = '/api/v2/integrations/credentials/cred-1';
const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

interface Scenario {
  readonly name: string;
  readonly options?: Parameters<typeof createHarness>[0];
  /** Registers interceptors; true when one is meant to stay unmatched. */
  readonly prepare: (h: Harness) => boolean | undefined;
  readonly act: (h: Harness) => Promise<unknown>;
}

const scenarios: Scenario[] = [
  {
    name: 'token refused (invalid_client)',
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).reply(401, { error: 'invalid_client', description: 'authentication failed' }),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'token endpoint 5xx until exhausted',
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).reply(503, { code: 'service.unavailable' }).times(4),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'token endpoint connection reset until exhausted',
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).replyWithError(reset()).times(4),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'token endpoint past the timeout',
    options: { timeoutMs: 10, retry: { maxAttempts: 2 } },
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).reply(200, {}).delay(300).times(2),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'token body malformed (token present, wrong type)',
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).reply(200, { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 'soon' }),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'token body not JSON but quoting the token',
    prepare: (h) => void h.login.intercept({ path: '/oauth/token', method: 'POST' }).reply(200, `access_token=${ACCESS_TOKEN}`),
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'request with headers that match no interceptor (undici quotes the headers)',
    prepare: (h) => {
      h.login.intercept({ path: '/oauth/token', method: 'POST', headers: { authorization: 'Basic other' } }).reply(200, {});
      return true;
    },
    act: (h) => h.client.getToken(credentials),
  },
  {
    name: 'PUT body that matches no interceptor (undici quotes the body)',
    prepare: (h) => {
      h.api.intercept({ path: credentialPath, method: 'PUT', body: 'something else' }).reply(200, {});
      return true;
    },
    act: (h) =>
      h.client.putIntegrationCredential(h.token, 'cred-1', {
        name: 'n',
        type: { name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: NEW_SECRET },
      }),
  },
  {
    name: 'regenerate 403',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(403, { code: 'missing.permissions', message: `no ${ACCESS_TOKEN}` }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate 401',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(401, { code: 'authentication.required' }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate 404',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(404, { code: 'not.found' }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate 429 over the cap',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(429, { code: 'too.many.requests.retry.after' }, { headers: { 'retry-after': '600' } }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate body without id but with the secret',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(200, { secret: BODY_SECRET }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate body with a secret of the wrong type',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(200, { ...oauthClientBody, secret: [BODY_SECRET] }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'regenerate answer for another client',
    prepare: (h) => void h.api.intercept({ path: secretPath, method: 'POST' }).reply(200, { ...oauthClientBody, id: 'other', secret: BODY_SECRET }),
    act: (h) => h.client.regenerateSecret(h.token, CLIENT_ID),
  },
  {
    name: 'PUT credential 400 echoing the body',
    prepare: (h) => void h.api.intercept({ path: credentialPath, method: 'PUT' }).reply(400, { code: 'bad.request', message: `bad ${NEW_SECRET}`, messageParams: { v: NEW_SECRET } }),
    act: (h) =>
      h.client.putIntegrationCredential(h.token, 'cred-1', {
        name: 'n',
        type: { name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: NEW_SECRET },
      }),
  },
  {
    name: 'PUT credential dropped until exhausted',
    prepare: (h) => void h.api.intercept({ path: credentialPath, method: 'PUT' }).replyWithError(new undiciErrors.SocketError('other side closed')).times(4),
    act: (h) =>
      h.client.putIntegrationCredential(h.token, 'cred-1', {
        name: 'n',
        type: { name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: CLIENT_ID, clientSecret: NEW_SECRET },
      }),
  },
  {
    name: 'usage query Failed',
    prepare: (h) => {
      h.api.intercept({ path: `/api/v2/oauth/clients/${CLIENT_ID}/usage/query`, method: 'POST' }).reply(200, { executionId: 'e' });
      h.api.intercept({ path: `/api/v2/oauth/clients/${CLIENT_ID}/usage/query/results/e`, method: 'GET' }).reply(200, { queryStatus: 'Failed' });
      return undefined;
    },
    act: (h) => h.client.getClientUsage(h.token, CLIENT_ID, 7),
  },
  {
    name: 'probe 500 until exhausted',
    prepare: (h) => void h.api.intercept({ path: '/api/v2/users', method: 'GET' }).reply(500, { code: 'internal.server.error' }).times(4),
    act: (h) => h.client.probe(h.token, '/api/v2/users'),
  },
];

describe('Class: GenesysClient', () => {
  describe('Secrets on error paths', () => {
    it.each(scenarios.map((s) => [s.name, s] as const))('keeps every secret out of the error and the logs: %s', async (_name, scenario) => {
      // Prepare
      const h = createHarness(scenario.options);
      const leavesPending = scenario.prepare(h) === true;

      // Act
      const error = await scenario.act(h).then(
        () => undefined,
        (e: unknown) => e,
      );

      // Assess
      try {
        expect(error).toBeInstanceOf(GenesysError);
        const surfaces = [
          (error as Error).message,
          JSON.stringify(error),
          inspect(error, { depth: 5 }),
          JSON.stringify(h.log.lines),
          inspect(h.log.lines, { depth: 5 }),
        ];
        for (const surface of surfaces) {
          for (const secret of FORBIDDEN) expect(surface).not.toContain(secret);
        }
      } finally {
        if (leavesPending) await h.agent.close();
        else await closeHarness(h);
      }
    });
  });
});
