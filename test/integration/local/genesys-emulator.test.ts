import { Agent, request } from 'undici';
import type { GenesysEmulator } from '../../../local/genesys';
import { startGenesysEmulator } from '../../../local/genesys';

interface Response {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

const T0 = Date.parse('2026-03-02T12:00:00Z');
const ADMIN_PERMISSIONS = [
  'oauth:client:view',
  'oauth:client:edit',
  'integrations:integration:view',
  'integrations:integration:edit',
];

let agent: Agent;
let emulator: GenesysEmulator;
let clock: number;

/** Org A: an admin client, a viewer client (view only), a target client; org B: one client. */
interface Fixture {
  readonly orgA: { id: string; name: string };
  readonly admin: { id: string; secret: string };
  readonly viewer: { id: string; secret: string };
  readonly target: { id: string; secret: string };
  readonly foreign: { id: string; secret: string };
  readonly credentialId: string;
}
let fx: Fixture;

beforeAll(() => {
  agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
});

afterAll(async () => {
  await agent.close();
});

beforeEach(async () => {
  clock = T0;
  emulator = await startGenesysEmulator({ now: () => clock });
  const orgA = emulator.createOrganization({ name: 'org-a' });
  const orgB = emulator.createOrganization({ name: 'org-b' });
  const adminRole = emulator.defineRole(orgA.id, { name: 'rotator', permissions: ADMIN_PERMISSIONS });
  const viewRole = emulator.defineRole(orgA.id, { name: 'viewer', permissions: ['oauth:client:view'] });
  const roleB = emulator.defineRole(orgB.id, { name: 'rotator', permissions: ADMIN_PERMISSIONS });
  fx = {
    orgA,
    admin: emulator.createClient(orgA.id, { name: 'admin-a', roleIds: [adminRole.id] }),
    viewer: emulator.createClient(orgA.id, { name: 'viewer', roleIds: [viewRole.id] }),
    target: emulator.createClient(orgA.id, { name: 'target', roleIds: [viewRole.id], accessTokenValiditySeconds: 600 }),
    foreign: emulator.createClient(orgB.id, { name: 'foreign', roleIds: [roleB.id] }),
    credentialId: emulator.createIntegrationCredential(orgA.id, {
      name: 'gc-data-actions',
      typeName: 'pureCloudOAuthClient',
      fields: { clientId: 'old-id', clientSecret: 'old-secret-value' },
    }).id,
  };
});

afterEach(async () => {
  await emulator.close();
});

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { token?: string; json?: unknown; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await request(`${emulator.baseUrl}${path}`, { method, headers, body, dispatcher: agent });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

async function tokenCall(clientId: string, secret: string, grantType = 'client_credentials'): Promise<Response> {
  return await call('POST', '/oauth/token', {
    headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=${grantType}`,
  });
}

async function tokenFor(client: { id: string; secret: string }): Promise<string> {
  const res = await tokenCall(client.id, client.secret);
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/** Waits (real time, bounded by 20 s for a loaded CI machine) until `predicate` holds; for a request known to be on its way. */
async function waitUntil(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(predicate()).toBe(true);
}

function expectPlatformError(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    message: expect.any(String) as unknown,
    code,
    status,
    contextId: res.headers['inin-correlation-id'],
    details: expect.any(Array) as unknown,
    errors: [],
  });
}

describe('Genesys Cloud emulator', () => {
  describe('POST /oauth/token', () => {
    it('issues an opaque bearer token living the client token validity when Basic credentials are right', async () => {
      // Act
      const res = await tokenCall(fx.target.id, fx.target.secret);

      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String) as unknown, token_type: 'bearer', expires_in: 600 });
      expect(res.headers['inin-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(emulator.tokenWorks(res.body.access_token as string)).toBe(true);
      expect(emulator.issuedTokens()).toEqual([res.body.access_token]);
    });

    it('accepts client_id and client_secret as form fields', async () => {
      const res = await call('POST', '/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: fx.admin.id, client_secret: fx.admin.secret }).toString(),
      });

      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(86_400);
    });

    it('answers 401 invalid_client "client not found" for an unknown client', async () => {
      const res = await tokenCall('00000000-0000-0000-0000-000000000000', 'whatever');

      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', description: 'client not found', error_description: 'client not found' });
    });

    it('answers 401 invalid_client "authentication failed" for a wrong secret, a disabled and an inactive client', async () => {
      // Prepare
      const inactive = emulator.createClient(fx.orgA.id, { name: 'gone', state: 'inactive' });
      emulator.setClientState(fx.viewer.id, 'disabled');
      const failed = { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' };

      // Act
      const wrong = await tokenCall(fx.target.id, `${fx.target.secret}x`);
      const disabled = await tokenCall(fx.viewer.id, fx.viewer.secret);
      const inactiveRes = await tokenCall(inactive.id, inactive.secret);

      // Assess
      for (const res of [wrong, disabled, inactiveRes]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(failed);
      }
    });

    it('answers 401 invalid_client when no credentials are sent', async () => {
      const res = await call('POST', '/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });

      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('answers 400 unsupported_grant_type for a grant other than client_credentials', async () => {
      const res = await tokenCall(fx.target.id, fx.target.secret, 'password');

      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
      expect(emulator.issuedTokens()).toHaveLength(0);
    });
  });

  describe('access tokens', () => {
    it('stop working once the injected clock passes the token lifetime', async () => {
      // Prepare
      const token = await tokenFor(fx.target);
      clock += 599_000;
      expect((await call('GET', '/api/v2/tokens/me', { token })).status).toBe(200);

      // Act
      clock += 1_000;
      const res = await call('GET', '/api/v2/tokens/me', { token });

      // Assess
      expectPlatformError(res, 401, 'bad.credentials');
      expect(emulator.tokenWorks(token)).toBe(false);
    });

    it('stop working when their client is disabled, even after it is enabled again', async () => {
      const token = await tokenFor(fx.target);

      emulator.setClientState(fx.target.id, 'disabled');
      emulator.setClientState(fx.target.id, 'active');

      expect(emulator.tokenWorks(token)).toBe(false);
      expectPlatformError(await call('GET', '/api/v2/tokens/me', { token }), 401, 'bad.credentials');
    });

    it('keep working after their client secret is regenerated', async () => {
      const targetToken = await tokenFor(fx.target);
      const adminToken = await tokenFor(fx.admin);

      await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token: adminToken });

      expect((await call('GET', '/api/v2/tokens/me', { token: targetToken })).status).toBe(200);
    });
  });

  describe('Platform API authentication', () => {
    it('answers 401 authentication.required without a bearer token', async () => {
      expectPlatformError(await call('GET', '/api/v2/tokens/me'), 401, 'authentication.required');
    });

    it('answers 401 bad.credentials for an unknown token', async () => {
      const res = await call('GET', '/api/v2/tokens/me', { token: 'not-a-token' });

      expectPlatformError(res, 401, 'bad.credentials');
      expect(res.body.message).toBe('Invalid login credentials.');
    });

    it('answers 404 not.found for an unknown path and 405 with Allow for a wrong method', async () => {
      const token = await tokenFor(fx.admin);

      const unknown = await call('GET', '/api/v2/users/me', { token });
      const wrongMethod = await call('DELETE', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });

      expectPlatformError(unknown, 404, 'not.found');
      expect(unknown.body.message).toBe('The requested resource was not found.');
      expectPlatformError(wrongMethod, 405, 'method.not.allowed');
      expect(wrongMethod.headers.allow).toBe('POST');
    });
  });

  describe('GET /api/v2/tokens/me', () => {
    it('names the client and organisation the token belongs to, without any permission', async () => {
      // Prepare: a client with no roles at all
      const bare = emulator.createClient(fx.orgA.id, { name: 'bare' });

      // Act
      const res = await call('GET', '/api/v2/tokens/me', { token: await tokenFor(bare) });

      // Assess: TokenInfo with an OrgOAuthClient, whose name and authorizedGrantType the SDK models require
      const org = { id: fx.orgA.id, name: 'org-a' };
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        organization: org,
        homeOrganization: org,
        authorizedScope: [],
        OAuthClient: {
          id: bare.id,
          name: 'bare',
          dateCreated: new Date(T0).toISOString(),
          dateModified: new Date(T0).toISOString(),
          createdBy: { id: expect.any(String) as unknown },
          modifiedBy: { id: expect.any(String) as unknown },
          authorizedGrantType: 'CLIENT-CREDENTIALS',
          scope: [],
          roleDivisions: [],
          state: 'active',
          organization: org,
        },
      });
    });
  });

  describe('OAuth clients', () => {
    it('lists every client of the caller organisation on one page when asked without paging parameters', async () => {
      // Act: the documented operation takes no query parameters (JS SDK getOauthClients)
      const res = await call('GET', '/api/v2/oauth/clients', { token: await tokenFor(fx.viewer) });

      // Assess
      expect(res.status).toBe(200);
      expect((res.body.entities as { id: string }[]).map((e) => e.id)).toEqual([fx.admin.id, fx.viewer.id, fx.target.id]);
      expect(res.body).toMatchObject({ pageSize: 3, pageNumber: 1, total: 3, pageCount: 1 });
      expect(res.body).not.toHaveProperty('nextUri');
      expect(res.body).not.toHaveProperty('previousUri');
      for (const entity of res.body.entities as Record<string, unknown>[]) expect(entity).not.toHaveProperty('secret');
    });

    it('pages unasked with oauthClientsPageSize, and nextUri leads through every page', async () => {
      // Prepare
      await emulator.close();
      emulator = await startGenesysEmulator({ now: () => clock, oauthClientsPageSize: 2 });
      const org = emulator.createOrganization({ name: 'paged' });
      const role = emulator.defineRole(org.id, { name: 'viewer', permissions: ['oauth:client:view'] });
      const clients = ['a', 'b', 'c', 'd', 'e'].map((name) => emulator.createClient(org.id, { name, roleIds: [role.id] }));
      const token = await tokenFor(clients[0]!);

      // Act: follow nextUri as a caller would
      const seen: string[] = [];
      const pages: Record<string, unknown>[] = [];
      let uri: string | undefined = '/api/v2/oauth/clients';
      while (uri !== undefined) {
        const res = await call('GET', uri, { token });
        expect(res.status).toBe(200);
        pages.push(res.body);
        seen.push(...(res.body.entities as { id: string }[]).map((e) => e.id));
        uri = res.body.nextUri as string | undefined;
      }

      // Assess
      expect(seen).toEqual(clients.map((c) => c.id));
      expect(pages.map((p) => [p.pageNumber, p.pageSize, p.total, p.pageCount])).toEqual([
        [1, 2, 5, 3],
        [2, 2, 5, 3],
        [3, 2, 5, 3],
      ]);
      expect(pages[1]).toMatchObject({ previousUri: '/api/v2/oauth/clients?pageSize=2&pageNumber=1', nextUri: '/api/v2/oauth/clients?pageSize=2&pageNumber=3' });
    });

    it('honours pageSize and pageNumber when given', async () => {
      const token = await tokenFor(fx.viewer);

      const res = await call('GET', '/api/v2/oauth/clients?pageSize=2&pageNumber=2', { token });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ pageSize: 2, pageNumber: 2, total: 3, pageCount: 2 });
      expect((res.body.entities as { id: string }[]).map((e) => e.id)).toEqual([fx.target.id]);
      expect(res.body.previousUri).toBe('/api/v2/oauth/clients?pageSize=2&pageNumber=1');
      expect(res.body).not.toHaveProperty('nextUri');
    });

    it('returns the documented OAuthClient shape without a secret on GET', async () => {
      const res = await call('GET', `/api/v2/oauth/clients/${fx.target.id}`, { token: await tokenFor(fx.viewer) });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: fx.target.id,
        name: 'target',
        accessTokenValiditySeconds: 600,
        description: '',
        registeredRedirectUri: [],
        roleIds: [expect.any(String) as unknown],
        dateCreated: new Date(T0).toISOString(),
        dateModified: new Date(T0).toISOString(),
        createdBy: { id: expect.any(String) as unknown },
        modifiedBy: { id: expect.any(String) as unknown },
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        scope: [],
        roleDivisions: [{ roleId: (res.body.roleIds as string[])[0], divisionId: expect.any(String) as unknown }],
        state: 'active',
        selfUri: `/api/v2/oauth/clients/${fx.target.id}`,
      });
    });

    it('regenerates a secret: shown once, the old one dead at once, the new one accepted', async () => {
      // Prepare
      const token = await tokenFor(fx.admin);

      // Act
      const res = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });

      // Assess
      expect(res.status).toBe(200);
      const secret = res.body.secret as string;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{20,22}$/);
      expect(res.body.id).toBe(fx.target.id);
      expect(emulator.secretWorks(fx.target.id, fx.target.secret)).toBe(false);
      expect((await tokenCall(fx.target.id, fx.target.secret)).status).toBe(401);
      expect((await tokenCall(fx.target.id, secret)).status).toBe(200);
      expect(emulator.regenerateCount(fx.target.id)).toBe(1);
      expect(emulator.issuedSecrets()).toContain(secret);
      const after = await call('GET', `/api/v2/oauth/clients/${fx.target.id}`, { token });
      expect(after.body).not.toHaveProperty('secret');
    });

    it('answers 403 missing.permissions when the caller lacks oauth:client:edit', async () => {
      const res = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token: await tokenFor(fx.viewer) });

      expectPlatformError(res, 403, 'missing.permissions');
      expect(emulator.regenerateCount(fx.target.id)).toBe(0);
      expect(emulator.secretWorks(fx.target.id, fx.target.secret)).toBe(true);
    });

    it('creates a client with role divisions: the secret shown once in the answer, and it gets tokens', async () => {
      // Prepare: the admin of org A may add clients
      const addRole = emulator.defineRole(fx.orgA.id, { name: 'adder', permissions: ['oauth:client:add'] });
      const adder = emulator.createClient(fx.orgA.id, { name: 'adder', roleIds: [addRole.id] });
      const appRole = emulator.defineRole(fx.orgA.id, { name: 'app', permissions: ['routing:queue:view'] });
      const body = {
        name: 'crm-b',
        description: 'standby of crm',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        accessTokenValiditySeconds: 3600,
        roleDivisions: [{ roleId: appRole.id, divisionId: 'division-emea' }],
      };

      // Act
      const res = await call('POST', '/api/v2/oauth/clients', { token: await tokenFor(adder), json: body });

      // Assess
      expect(res.status).toBe(200);
      const id = res.body.id as string;
      const secret = res.body.secret as string;
      expect(res.body).toMatchObject({
        name: 'crm-b',
        description: 'standby of crm',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        accessTokenValiditySeconds: 3600,
        roleIds: [appRole.id],
        roleDivisions: [{ roleId: appRole.id, divisionId: 'division-emea' }],
        state: 'active',
        selfUri: `/api/v2/oauth/clients/${id}`,
      });
      expect(emulator.isCurrentSecret(id, secret)).toBe(true);
      expect(emulator.issuedSecrets()).toContain(secret);
      expect((await tokenCall(id, secret)).status).toBe(200);
      const read = await call('GET', `/api/v2/oauth/clients/${id}`, { token: await tokenFor(fx.viewer) });
      expect(read.body).not.toHaveProperty('secret');
      expect(read.body.roleDivisions).toEqual(body.roleDivisions);
    });

    it('refuses to create a client without oauth:client:add (403), or from a request naming no name, an unknown grant or another org role (400)', async () => {
      // Prepare
      const addRole = emulator.defineRole(fx.orgA.id, { name: 'adder', permissions: ['oauth:client:add'] });
      const adder = await tokenFor(emulator.createClient(fx.orgA.id, { name: 'adder', roleIds: [addRole.id] }));
      const otherOrg = emulator.createOrganization({ name: 'org-c' });
      const foreignRole = emulator.defineRole(otherOrg.id, { name: 'c-app', permissions: [] });
      const before = emulator.issuedSecrets().length;

      // Act
      const forbidden = await call('POST', '/api/v2/oauth/clients', { token: await tokenFor(fx.admin), json: { name: 'x', authorizedGrantType: 'CLIENT-CREDENTIALS' } });
      const invalid = await call('POST', '/api/v2/oauth/clients', {
        token: adder,
        json: { authorizedGrantType: 'IMPLICIT', roleDivisions: [{ roleId: foreignRole.id, divisionId: 'd' }] },
      });

      // Assess
      expectPlatformError(forbidden, 403, 'missing.permissions');
      expectPlatformError(invalid, 400, 'bad.request');
      expect(invalid.body.details).toEqual([
        { errorCode: 'required', fieldName: 'name' },
        { errorCode: 'invalid', fieldName: 'authorizedGrantType' },
        { errorCode: 'invalid', fieldName: 'roleDivisions' },
      ]);
      expect(emulator.issuedSecrets()).toHaveLength(before);
    });

    it('answers 404 not.found for a client of another organisation', async () => {
      const token = await tokenFor(fx.admin);

      const get = await call('GET', `/api/v2/oauth/clients/${fx.foreign.id}`, { token });
      const regenerate = await call('POST', `/api/v2/oauth/clients/${fx.foreign.id}/secret`, { token });

      expectPlatformError(get, 404, 'not.found');
      expectPlatformError(regenerate, 404, 'not.found');
      expect(emulator.secretWorks(fx.foreign.id, fx.foreign.secret)).toBe(true);
    });
  });

  describe('integration credentials', () => {
    it('returns a credential without its field values on GET', async () => {
      const res = await call('GET', `/api/v2/integrations/credentials/${fx.credentialId}`, { token: await tokenFor(fx.admin) });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: fx.credentialId,
        name: 'gc-data-actions',
        type: { name: 'pureCloudOAuthClient' },
        selfUri: `/api/v2/integrations/credentials/${fx.credentialId}`,
      });
    });

    it('replaces name, type and fields on PUT and answers CredentialInfo', async () => {
      // Prepare
      const token = await tokenFor(fx.admin);
      clock += 5_000;
      const update = {
        name: 'gc-data-actions',
        type: { name: 'pureCloudOAuthClient' },
        credentialFields: { clientId: fx.target.id, clientSecret: 'new-secret-value' },
      };

      // Act
      const res = await call('PUT', `/api/v2/integrations/credentials/${fx.credentialId}`, { token, json: update });

      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: fx.credentialId,
        name: 'gc-data-actions',
        createdDate: new Date(T0).toISOString(),
        modifiedDate: new Date(T0 + 5_000).toISOString(),
        type: { name: 'pureCloudOAuthClient' },
        selfUri: `/api/v2/integrations/credentials/${fx.credentialId}`,
      });
      expect(emulator.integrationCredential(fx.credentialId)).toEqual({
        name: 'gc-data-actions',
        typeName: 'pureCloudOAuthClient',
        fields: { clientId: fx.target.id, clientSecret: 'new-secret-value' },
        modifiedCount: 1,
      });
    });

    it('answers 400 bad.request naming the missing fields and changes nothing', async () => {
      const res = await call('PUT', `/api/v2/integrations/credentials/${fx.credentialId}`, {
        token: await tokenFor(fx.admin),
        json: { name: 'gc-data-actions' },
      });

      expectPlatformError(res, 400, 'bad.request');
      expect((res.body.details as { fieldName: string }[]).map((d) => d.fieldName)).toEqual(['type.name', 'credentialFields']);
      expect(emulator.integrationCredential(fx.credentialId)?.modifiedCount).toBe(0);
    });

    it('answers 403 missing.permissions to a caller without integrations:integration:edit', async () => {
      const res = await call('PUT', `/api/v2/integrations/credentials/${fx.credentialId}`, {
        token: await tokenFor(fx.viewer),
        json: { name: 'x', type: { name: 'pureCloudOAuthClient' }, credentialFields: {} },
      });

      expectPlatformError(res, 403, 'missing.permissions');
    });
  });

  describe('usage', () => {
    it('reports Running on the first poll, then Complete with the client calls and recorded usage', async () => {
      // Prepare: two automatic calls with the target token, plus recorded usage on an earlier day
      const targetToken = await tokenFor(fx.target);
      await call('GET', '/api/v2/tokens/me', { token: targetToken });
      await call('GET', '/api/v2/tokens/me', { token: targetToken });
      emulator.recordUsage(fx.target.id, { requests: 5, date: '2026-03-01', templateUri: 'api/v2/users/me' });
      const token = await tokenFor(fx.viewer);
      const query = {
        interval: '2026-02-23T00:00:00/2026-03-03T00:00:00',
        granularity: 'Day',
        metrics: ['Requests'],
        groupBy: ['TemplateUri', 'HttpMethod'],
      };

      // Act
      const started = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/usage/query`, { token, json: query });
      const first = await call('GET', started.body.resultsUri as string, { token });
      const second = await call('GET', started.body.resultsUri as string, { token });

      // Assess
      expect(started.status).toBe(202);
      expect(started.body.resultsUri).toBe(`/api/v2/oauth/clients/${fx.target.id}/usage/query/results/${started.body.executionId as string}`);
      expect(first.body).toEqual({ queryStatus: 'Running' });
      expect(second.body.queryStatus).toBe('Complete');
      expect(second.body.results).toEqual([
        expect.objectContaining({ clientId: fx.target.id, clientName: 'target', organizationId: fx.orgA.id,
          templateUri: 'api/v2/users/me', httpMethod: 'GET', requests: 5, status200: 5, date: '2026-03-01T00:00:00Z' }),
        expect.objectContaining({ templateUri: 'api/v2/tokens/me', httpMethod: 'GET', requests: 2, status200: 2, date: '2026-03-02T00:00:00Z' }),
      ]);
    });

    it('answers 400 bad.request when interval is missing', async () => {
      const res = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/usage/query`, {
        token: await tokenFor(fx.viewer),
        json: { granularity: 'Day' },
      });

      expectPlatformError(res, 400, 'bad.request');
      expect(res.body.details).toEqual([{ errorCode: 'required', fieldName: 'interval' }]);
    });

    it('summarises only the last N days', async () => {
      // Prepare
      emulator.recordUsage(fx.target.id, { requests: 3, date: '2026-03-02' });
      emulator.recordUsage(fx.target.id, { requests: 4, date: '2026-02-20' });
      const token = await tokenFor(fx.viewer);

      // Act
      const started = await call('GET', `/api/v2/oauth/clients/${fx.target.id}/usage/summary?days=7`, { token });
      await call('GET', started.body.resultsUri as string, { token });
      const done = await call('GET', started.body.resultsUri as string, { token });

      // Assess
      expect((done.body.results as { requests: number }[]).map((r) => r.requests)).toEqual([3]);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once a token exceeds its per-minute rate, until the window passes', async () => {
      // Prepare
      await emulator.close();
      emulator = await startGenesysEmulator({ now: () => clock, tokenRatePerMinute: 2 });
      const org = emulator.createOrganization();
      const client = emulator.createClient(org.id, { name: 'busy' });
      const token = await tokenFor(client);
      await call('GET', '/api/v2/tokens/me', { token });
      clock += 20_000;
      await call('GET', '/api/v2/tokens/me', { token });

      // Act
      const limited = await call('GET', '/api/v2/tokens/me', { token });
      clock += 40_000;
      const later = await call('GET', '/api/v2/tokens/me', { token });

      // Assess
      expectPlatformError(limited, 429, 'too.many.requests.retry.after');
      expect(limited.headers['retry-after']).toBe('40');
      expect(limited.body.message).toBe('Rate limit exceeded the maximum. Retry the request in [40] seconds');
      expect(later.status).toBe(200);
    });

    it('limits an organisation across tokens when orgRequestLimit is set', async () => {
      await emulator.close();
      emulator = await startGenesysEmulator({ now: () => clock, orgRequestLimit: { perSecond: 2 }, retryAfterSeconds: 3 });
      const org = emulator.createOrganization();
      const a = emulator.createClient(org.id, { name: 'a' });
      const b = emulator.createClient(org.id, { name: 'b' });
      const tokenA = await tokenFor(a); // token calls count for the org too
      const tokenB = await tokenFor(b);

      const res = await call('GET', '/api/v2/tokens/me', { token: tokenA });
      clock += 1_000;
      const next = await call('GET', '/api/v2/tokens/me', { token: tokenB });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
      expect(next.status).toBe(200);
    });
  });

  describe('faults', () => {
    it('answers later by latencyMs: a slow request is logged after a fast one sent after it', async () => {
      // Prepare
      const token = await tokenFor(fx.admin);
      emulator.resetRequests();
      emulator.faults.latencyMs = 300;

      // Act: the slow regenerate acts at once, then waits; a fast call overtakes it
      const slow = call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });
      await waitUntil(() => emulator.regenerateCount(fx.target.id) === 1);
      emulator.faults.latencyMs = 0;
      await call('GET', '/api/v2/tokens/me', { token });
      const slowRes = await slow;

      // Assess
      expect(slowRes.status).toBe(200);
      expect(emulator.requests().map((r) => r.path)).toEqual(['/api/v2/tokens/me', `/api/v2/oauth/clients/${fx.target.id}/secret`]);
    });

    it('fails the next matching requests without acting (failNext), then behaves again', async () => {
      const token = await tokenFor(fx.admin);
      emulator.faults.failNext(1, { method: 'POST', path: /\/secret$/ });

      const failed = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });
      const retried = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });

      expectPlatformError(failed, 503, 'service.unavailable');
      expect(retried.status).toBe(200);
      expect(emulator.regenerateCount(fx.target.id)).toBe(1);
    });

    it('uses the given status and leaves non-matching requests alone', async () => {
      emulator.faults.failNext(1, { path: '/oauth/token', status: 500 });

      const meToken = await call('GET', '/api/v2/tokens/me');
      const failed = await tokenCall(fx.admin.id, fx.admin.secret);

      expect(meToken.status).toBe(401);
      expectPlatformError(failed, 500, 'internal.server.error');
    });

    it('performs the regenerate, then resets the socket without answering (dropAfterActionNext)', async () => {
      // Prepare
      const token = await tokenFor(fx.admin);
      emulator.faults.dropAfterActionNext(1, { method: 'POST', path: `/api/v2/oauth/clients/${fx.target.id}/secret` });

      // Act
      const attempt = call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/) as unknown });
      expect(emulator.regenerateCount(fx.target.id)).toBe(1);
      expect(emulator.secretWorks(fx.target.id, fx.target.secret)).toBe(false);
      expect(emulator.requests().at(-1)).toEqual({
        method: 'POST',
        path: `/api/v2/oauth/clients/${fx.target.id}/secret`,
        status: 200,
        clientId: fx.admin.id,
        dropped: true,
      });
    });

    it('answers 429 with the exact F429 body and Retry-After (rateLimitNext)', async () => {
      const token = await tokenFor(fx.admin);
      emulator.faults.rateLimitNext(1, { path: /\/secret$/ }, 42);

      const res = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('42');
      expect(res.body).toEqual({
        message: 'Rate limit exceeded the maximum. Retry the request in [42] seconds',
        code: 'too.many.requests.retry.after',
        status: 429,
        contextId: res.headers['inin-correlation-id'],
        details: [],
        errors: [],
      });
      expect(emulator.regenerateCount(fx.target.id)).toBe(0);
    });

    it('refuses a fresh secret until the injected clock passes freshSecretDelayMs', async () => {
      // Prepare
      emulator.faults.freshSecretDelayMs = 10_000;
      const token = await tokenFor(fx.admin);
      const regenerated = await call('POST', `/api/v2/oauth/clients/${fx.target.id}/secret`, { token });
      const secret = regenerated.body.secret as string;

      // Act
      const early = await tokenCall(fx.target.id, secret);
      const old = await tokenCall(fx.target.id, fx.target.secret);
      clock += 10_000;
      const late = await tokenCall(fx.target.id, secret);

      // Assess
      expect(early.status).toBe(401);
      expect(early.body.error).toBe('invalid_client');
      expect(old.status).toBe(401);
      expect(late.status).toBe(200);
    });

    it('forgets queued faults on reset', async () => {
      emulator.faults.failNext(5, {});
      emulator.faults.latencyMs = 50;

      emulator.faults.reset();

      expect(emulator.faults.latencyMs).toBe(0);
      expect((await tokenCall(fx.admin.id, fx.admin.secret)).status).toBe(200);
    });
  });

  describe('request log', () => {
    it('records method, path without query, status and the calling client', async () => {
      const token = await tokenFor(fx.viewer);
      await call('GET', '/api/v2/oauth/clients?pageSize=1', { token });

      expect(emulator.requests()).toEqual([
        { method: 'POST', path: '/oauth/token', status: 200, clientId: fx.viewer.id },
        { method: 'GET', path: '/api/v2/oauth/clients', status: 200, clientId: fx.viewer.id },
      ]);
    });
  });
});

describe('Genesys Cloud emulator: PUT /api/v2/oauth/clients/{clientId} (issue 14)', () => {
  /** The client as GET shows it, without the fields a PUT changes or the server sets. */
  const unchanged = (view: Record<string, unknown> | undefined) => {
    const { dateModified: _m, state: _s, ...rest } = view ?? {};
    return rest;
  };

  /** The whole `OAuthClientRequest` of the target, as read, with `state` replaced. */
  async function wholeRequest(token: string, state: string): Promise<Record<string, unknown>> {
    const read = await call('GET', `/api/v2/oauth/clients/${fx.target.id}`, { token });
    const { name, description, accessTokenValiditySeconds, authorizedGrantType, registeredRedirectUri, scope, roleDivisions } = read.body;
    return { name, description, accessTokenValiditySeconds, authorizedGrantType, registeredRedirectUri, scope, roleDivisions, state };
  }

  it('disables a client with the whole request: its earlier tokens answer 401, new ones are refused, nothing else changes', async () => {
    // Prepare
    const token = await tokenFor(fx.admin);
    const targetToken = await tokenFor(fx.target);
    const before = emulator.clientView(fx.target.id);
    // Act
    const res = await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token, json: await wholeRequest(token, 'disabled') });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: fx.target.id, state: 'disabled' });
    expect(res.body).not.toHaveProperty('secret');
    expect(unchanged(emulator.clientView(fx.target.id))).toEqual(unchanged(before));
    expectPlatformError(await call('GET', '/api/v2/tokens/me', { token: targetToken }), 401, 'bad.credentials');
    expect((await tokenCall(fx.target.id, fx.target.secret)).body).toMatchObject({ error: 'invalid_client', description: 'authentication failed' });
  });

  it('enabling again issues new tokens, but never revives the tokens issued before the disable', async () => {
    // Prepare
    const token = await tokenFor(fx.admin);
    const targetToken = await tokenFor(fx.target);
    await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token, json: await wholeRequest(token, 'disabled') });
    // Act
    const res = await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token, json: await wholeRequest(token, 'active') });
    // Assess
    expect(res.status).toBe(200);
    expect(emulator.tokenWorks(targetToken)).toBe(false);
    expect(emulator.secretWorks(fx.target.id, fx.target.secret)).toBe(true);
  });

  it('a PUT that leaves out roleDivisions and the token lifetime really strips them (why the rotator writes back the whole client)', async () => {
    // Prepare
    const token = await tokenFor(fx.admin);
    // Act
    const res = await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token, json: { name: 'target', authorizedGrantType: 'CLIENT-CREDENTIALS', state: 'disabled' } });
    // Assess
    expect(res.status).toBe(200);
    expect(emulator.clientView(fx.target.id)).toMatchObject({ roleDivisions: [], roleIds: [], accessTokenValiditySeconds: 86_400 });
  });

  it('400 naming the missing required fields (name, authorizedGrantType), and nothing changes', async () => {
    // Prepare
    const token = await tokenFor(fx.admin);
    const before = emulator.clientView(fx.target.id);
    // Act
    const res = await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token, json: { state: 'disabled' } });
    // Assess
    expectPlatformError(res, 400, 'bad.request');
    expect((res.body.details as { fieldName: string }[]).map((d) => d.fieldName)).toEqual(['name', 'authorizedGrantType']);
    expect(emulator.clientView(fx.target.id)).toEqual(before);
  });

  it('403 missing.permissions without oauth:client:edit; 404 for another organisation\'s client', async () => {
    // Prepare
    const viewerToken = await tokenFor(fx.viewer);
    const adminToken = await tokenFor(fx.admin);
    const body = { name: 'x', authorizedGrantType: 'CLIENT-CREDENTIALS', state: 'disabled' };
    // Act
    const forbidden = await call('PUT', `/api/v2/oauth/clients/${fx.target.id}`, { token: viewerToken, json: body });
    const foreign = await call('PUT', `/api/v2/oauth/clients/${fx.foreign.id}`, { token: adminToken, json: body });
    // Assess
    expectPlatformError(forbidden, 403, 'missing.permissions');
    expect(forbidden.body.message).toContain('oauth:client:edit');
    expectPlatformError(foreign, 404, 'not.found');
    expect(emulator.clientView(fx.target.id)).toMatchObject({ state: 'active', name: 'target' });
    expect(emulator.clientView(fx.foreign.id)).toMatchObject({ state: 'active', name: 'foreign' });
  });
});
