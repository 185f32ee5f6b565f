/**
 * The Genesys Cloud stand-in as the official JavaScript SDK (`purecloud-platform-client-v2`, its own
 * axios HTTP client and its own models) sees it: the SDK is an implementation we did not write, so
 * where it and the emulator disagree, the emulator is wrong. The SDK is pointed at the stand-in through
 * its documented gateway setting (README "Setting an intermediate Gateway"), which sends both the login
 * (`/oauth/token`) and the API calls to one base URL, as `GENESYS_CLOUD_BASE_URL` does for the product.
 *
 * No secret or token is ever compared with `toBe`/`toEqual` (a failing matcher would print it): the
 * emulator's truth methods answer yes or no instead.
 */
import * as platformClient from 'purecloud-platform-client-v2';
import { startGenesysEmulator, type GenesysEmulator } from '../../../local/genesys';

/**
 * What the SDK rejects with: an API call, the Platform API error body itself (`callApi` rejects with
 * `error.response.data`); the login, axios' error with the OAuth error body in `response.data`.
 */
interface SdkError {
  readonly status?: number;
  readonly code?: string;
  readonly details?: readonly { readonly errorCode?: string; readonly fieldName?: string }[];
  readonly response?: { readonly status?: number; readonly data?: { readonly error?: string } };
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('Integration: the Genesys Cloud stand-in driven by the official SDK', () => {
  const apiClient = platformClient.ApiClient.instance;
  let clock = T0;
  let emulator: GenesysEmulator;
  let orgId: string;
  let admin: { id: string; secret: string };
  let viewer: { id: string; secret: string };
  let app: { id: string; secret: string };
  let appRoleId: string;

  beforeAll(async () => {
    emulator = await startGenesysEmulator({ now: () => clock });
    const org = emulator.createOrganization({ name: 'sdk-org' });
    orgId = org.id;
    const adminRole = emulator.defineRole(org.id, {
      name: 'rotator admin',
      permissions: ['oauth:client:view', 'oauth:client:edit', 'oauth:client:add', 'usage:client:view'],
    });
    const viewRole = emulator.defineRole(org.id, { name: 'viewer', permissions: ['oauth:client:view'] });
    appRoleId = emulator.defineRole(org.id, { name: 'app', permissions: ['routing:queue:view'] }).id;
    admin = emulator.createClient(org.id, { name: 'rotator-admin-a', roleDivisions: [{ roleId: adminRole.id, divisionId: 'division-home' }] });
    viewer = emulator.createClient(org.id, { name: 'viewer', roleIds: [viewRole.id] });
    app = emulator.createClient(org.id, { name: 'crm-a', roleDivisions: [{ roleId: appRoleId, divisionId: 'division-emea' }], accessTokenValiditySeconds: 600 });
    // The SDK watches its config file unless told not to (its README: required under Jest).
    apiClient.config.live_reload_config = false;
    const { hostname, port } = new URL(emulator.baseUrl);
    apiClient.setGateway({ host: hostname, protocol: 'http', port: Number(port) });
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    clock = T0;
    await apiClient.loginClientCredentialsGrant(admin.id, admin.secret);
  });

  describe('loginClientCredentialsGrant', () => {
    it('gets a token from /oauth/token with HTTP Basic credentials, for the client token lifetime', async () => {
      // Act
      const auth = await apiClient.loginClientCredentialsGrant(app.id, app.secret);

      // Assess
      expect(emulator.tokenWorks(auth.accessToken)).toBe(true);
      expect(Math.round((auth.tokenExpiryTime - Date.now()) / 1000)).toBeGreaterThan(590);
      expect(emulator.requests().at(-1)).toEqual({ method: 'POST', path: '/oauth/token', status: 200, clientId: app.id });
    });

    it('rejects a wrong secret with the OAuth error invalid_client', async () => {
      const error = await rejection(apiClient.loginClientCredentialsGrant(app.id, 'not-the-secret'));

      expect(error.response?.status).toBe(401);
      expect(error.response?.data?.error).toBe('invalid_client');
    });
  });

  describe('TokensApi.getTokensMe', () => {
    it('names the client (OrgOAuthClient: name and authorizedGrantType required) and the organisation', async () => {
      // Act
      const me = await new platformClient.TokensApi().getTokensMe();

      // Assess
      expect(me.organization).toEqual({ id: orgId, name: 'sdk-org' });
      expect(me.homeOrganization).toEqual(me.organization);
      expect(me.OAuthClient).toMatchObject({
        id: admin.id,
        name: 'rotator-admin-a',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        state: 'active',
        organization: { id: orgId, name: 'sdk-org' },
      });
      expect(me.OAuthClient).not.toHaveProperty('secret');
    });
  });

  describe('OAuthApi', () => {
    it('getOauthClients: an OAuthClientEntityListing of every client of the organisation on one page, no secret', async () => {
      // Act: the SDK sends no paging parameters (the documented operation has none)
      const listing = await new platformClient.OAuthApi().getOauthClients();

      // Assess
      const ids = (listing.entities ?? []).map((client) => client.id);
      expect(ids).toEqual(expect.arrayContaining([admin.id, viewer.id, app.id]));
      expect(listing).toMatchObject({ pageNumber: 1, pageCount: 1, total: ids.length, pageSize: ids.length });
      expect(listing.nextUri).toBeUndefined();
      for (const client of listing.entities ?? []) {
        expect(typeof client.name).toBe('string');
        expect(client.authorizedGrantType).toBe('CLIENT-CREDENTIALS');
        expect(client).not.toHaveProperty('secret');
      }
      const crm = listing.entities?.find((client) => client.id === app.id);
      expect(crm?.roleDivisions).toEqual([{ roleId: appRoleId, divisionId: 'division-emea' }]);
    });

    it('getOauthClient: the OAuthClient without its secret', async () => {
      const client = await new platformClient.OAuthApi().getOauthClient(app.id);

      expect(client).toMatchObject({ id: app.id, name: 'crm-a', accessTokenValiditySeconds: 600, state: 'active', selfUri: `/api/v2/oauth/clients/${app.id}` });
      expect(client).not.toHaveProperty('secret');
    });

    it('postOauthClients: creates a client with the same role divisions; its secret, shown once, gets a token', async () => {
      // Prepare: the standby of an alternating pair, as `pair` would create it
      const body: platformClient.Models.OAuthClientRequest = {
        name: 'crm-b',
        description: 'standby of crm-a',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        accessTokenValiditySeconds: 600,
        roleDivisions: [{ roleId: appRoleId, divisionId: 'division-emea' }],
      };

      // Act
      const created = await new platformClient.OAuthApi().postOauthClients(body);

      // Assess
      const id = created.id ?? '';
      expect(created).toMatchObject({ name: 'crm-b', authorizedGrantType: 'CLIENT-CREDENTIALS', roleDivisions: body.roleDivisions, state: 'active' });
      expect(emulator.isCurrentSecret(id, created.secret ?? '')).toBe(true);
      expect(emulator.secretWorks(id, created.secret ?? '')).toBe(true);
      const read = await new platformClient.OAuthApi().getOauthClient(id);
      expect(read).not.toHaveProperty('secret');
      expect(read.roleDivisions).toEqual(body.roleDivisions);
    });

    it('postOauthClients: 400 naming the bad fields, 403 missing.permissions without oauth:client:add', async () => {
      // Act
      const invalid = await rejection(new platformClient.OAuthApi().postOauthClients({ name: '', authorizedGrantType: 'CLIENT-CREDENTIALS', roleDivisions: [{ roleId: 'no-such-role', divisionId: 'd' }] }));
      await apiClient.loginClientCredentialsGrant(viewer.id, viewer.secret);
      const forbidden = await rejection(new platformClient.OAuthApi().postOauthClients({ name: 'x', authorizedGrantType: 'CLIENT-CREDENTIALS' }));

      // Assess
      expect(invalid.status).toBe(400);
      expect(invalid.code).toBe('bad.request');
      expect(invalid.details?.map((d) => d.fieldName)).toEqual(['name', 'roleDivisions']);
      expect(forbidden.status).toBe(403);
      expect(forbidden.code).toBe('missing.permissions');
    });

    it('postOauthClientSecret: a new secret shown once; the old one is refused at once', async () => {
      // Prepare
      const target = emulator.createClient(orgId, { name: 'jobs-a', roleIds: [appRoleId] });

      // Act
      const regenerated = await new platformClient.OAuthApi().postOauthClientSecret(target.id);

      // Assess
      expect(regenerated.id).toBe(target.id);
      expect(emulator.isCurrentSecret(target.id, regenerated.secret ?? '')).toBe(true);
      expect(emulator.secretWorks(target.id, target.secret)).toBe(false);
      expect((await rejection(apiClient.loginClientCredentialsGrant(target.id, target.secret))).response?.status).toBe(401);
    });
    it('putOauthClient: the whole OAuthClientRequest as the SDK sends it; disabled, the client\'s earlier token is refused; enabled, nothing else changed', async () => {
      // Prepare: a client and a token it got before
      const target = emulator.createClient(orgId, { name: 'ops-a', roleDivisions: [{ roleId: appRoleId, divisionId: 'division-emea' }], accessTokenValiditySeconds: 900 });
      // Copied at once: the SDK's auth data object is updated in place by the next login.
      const earlier = { accessToken: (await apiClient.loginClientCredentialsGrant(target.id, target.secret)).accessToken };
      await apiClient.loginClientCredentialsGrant(admin.id, admin.secret);
      const api = new platformClient.OAuthApi();
      const read = await api.getOauthClient(target.id);
      const request = (state: string): platformClient.Models.OAuthClientRequest => ({
        name: read.name,
        description: read.description ?? '',
        accessTokenValiditySeconds: read.accessTokenValiditySeconds ?? 86400,
        authorizedGrantType: read.authorizedGrantType,
        registeredRedirectUri: read.registeredRedirectUri ?? [],
        scope: read.scope ?? [],
        roleDivisions: read.roleDivisions ?? [],
        state,
      });

      // Act
      const disabled = await api.putOauthClient(target.id, request('disabled'));
      const refusedLogin = await rejection(apiClient.loginClientCredentialsGrant(target.id, target.secret));
      await apiClient.loginClientCredentialsGrant(admin.id, admin.secret);
      const enabled = await api.putOauthClient(target.id, request('active'));

      // Assess
      expect(disabled).toMatchObject({ id: target.id, state: 'disabled' });
      expect(disabled).not.toHaveProperty('secret');
      expect(emulator.tokenWorks(earlier.accessToken)).toBe(false);
      expect(refusedLogin.response?.data?.error).toBe('invalid_client');
      expect(enabled).toMatchObject({ state: 'active', accessTokenValiditySeconds: 900, roleDivisions: [{ roleId: appRoleId, divisionId: 'division-emea' }] });
      expect(emulator.tokenWorks(earlier.accessToken)).toBe(false);
      expect(emulator.secretWorks(target.id, target.secret)).toBe(true);
    });
  });

  describe('usage (OAuthApi and UsageApi)', () => {
    it('postOauthClientUsageQuery, then getOauthClientUsageQueryResult until Complete: ApiUsageRow results', async () => {
      // Prepare: the app client calls the API twice today
      emulator.recordUsage(app.id, { requests: 2, date: '2026-03-02', templateUri: 'api/v2/routing/queues' });
      const api = new platformClient.OAuthApi();

      // Act
      const started = await api.postOauthClientUsageQuery(app.id, {
        interval: '2026-02-23T00:00:00Z/2026-03-03T00:00:00Z',
        granularity: 'Day',
        metrics: ['Requests'],
        groupBy: ['TemplateUri', 'HttpMethod'],
      });
      const first = await api.getOauthClientUsageQueryResult(started.executionId ?? '', app.id);
      const done = await new platformClient.UsageApi().getOauthClientUsageQueryResult(started.executionId ?? '', app.id);

      // Assess
      expect(started.resultsUri).toBe(`/api/v2/oauth/clients/${app.id}/usage/query/results/${started.executionId ?? ''}`);
      expect(first.queryStatus).toBe('Running');
      expect(done.queryStatus).toBe('Complete');
      expect(done.results).toEqual([
        {
          clientId: app.id,
          clientName: 'crm-a',
          organizationId: orgId,
          templateUri: 'api/v2/routing/queues',
          httpMethod: 'GET',
          status200: 2,
          status300: 0,
          status400: 0,
          status500: 0,
          status429: 0,
          requests: 2,
          date: '2026-03-02T00:00:00Z',
        },
      ]);
      // The SDK models `cursors` but no operation takes one back: every row comes in one result.
      expect(done.cursors).toBeUndefined();
    });

    it('getOauthClientUsageSummary with days: an execution to poll', async () => {
      const summary = await new platformClient.OAuthApi().getOauthClientUsageSummary(app.id, { days: '7' });

      expect(summary.executionId).toEqual(expect.any(String));
      expect(summary.resultsUri).toContain(`/api/v2/oauth/clients/${app.id}/usage/query/results/`);
    });
  });
});
