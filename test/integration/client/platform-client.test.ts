/**
 * The credential provider as the official Genesys Cloud SDK's token source: the real SDK
 * (`purecloud-platform-client-v2`, its own axios HTTP client) pointed at the Genesys stand-in through
 * its documented gateway setting, the provider with its default (fetch) Genesys client reading the
 * Secrets Manager stand-in. The stand-in's clock runs apart from the provider's, so a token can expire
 * (or be revoked) at Genesys while the provider still holds it: only the 401 tells.
 */
import * as platformClient from 'purecloud-platform-client-v2';
import { authorizePlatformClient, createCredentialProvider, type CredentialProvider } from '../../../client';
import type { Log } from '../../../lambdas/core/log';
import type { RequestLogEntry } from '../../../local/genesys';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

const TOKEN_LIFETIME_SECONDS = 300;

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(attributes ?? {})}`);
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}

describe('Integration: authorizePlatformClient with the official SDK', () => {
  const genesysClock = { now: Date.now() };
  const providerClock = { now: Date.now() };
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let managed: ManagedClient;
  let provider: CredentialProvider;
  let log: ReturnType<typeof recordingLog>;
  let detach: () => void;
  const apiClient = platformClient.ApiClient.instance;

  /** What the stand-in answered the consumer's client since the last reset, as `METHOD path status`. */
  const consumerRequests = (): string[] =>
    sandbox.genesys
      .requests()
      .filter((r: RequestLogEntry) => r.clientId === undefined || managed.clientIds.includes(r.clientId))
      .map((r) => `${r.method} ${r.path} ${r.status}`);

  beforeAll(async () => {
    sandbox = await Sandbox.start({ genesys: { now: () => genesysClock.now, tokenRatePerMinute: 1_000_000 }, aws: { stepRetry: { attempts: 3, delayMs: 0 } } });
    org = await sandbox.createOrg('sdk-companion');
    // The SDK watches its config file unless told not to (its README: required under Jest).
    apiClient.config.live_reload_config = false;
    // The SDK's documented way to send login and API requests to another host (its README, "Setting an intermediate Gateway").
    const { hostname, port } = new URL(sandbox.genesys.baseUrl);
    apiClient.setGateway({ host: hostname, protocol: 'http', port: Number(port) });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    managed = await sandbox.addManagedClient(org, { name: `sdk-app-${Date.now()}`, strategy: 'single', tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
    log = recordingLog();
    provider = createCredentialProvider({
      secretId: managed.secretArn,
      secretsManager: sandbox.secretsManager,
      genesysBaseUrl: sandbox.genesys.baseUrl,
      now: () => providerClock.now,
      log,
    });
    detach = authorizePlatformClient(apiClient, provider);
    // First call: the provider reads the secret and gets a token.
    await new platformClient.TokensApi().getTokensMe();
    sandbox.genesys.resetRequests();
  });

  afterEach(() => {
    detach();
    // Leak check: nothing the stand-in issued reached the provider's log.
    const text = log.lines.join('\n');
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) expect(text).not.toContain(value);
  });

  it("authorizes the SDK's calls with the provider's token and reuses it", async () => {
    // Act
    const me = await new platformClient.TokensApi().getTokensMe();
    await new platformClient.TokensApi().getTokensMe();

    // Assess: the token is the managed client's; no new token request
    expect(me.OAuthClient?.id).toBe(managed.clientIds[0]);
    expect(me.organization?.id).toBe(org.orgId);
    expect(consumerRequests()).toEqual(['GET /api/v2/tokens/me 200', 'GET /api/v2/tokens/me 200']);
  });

  it('renews a token Genesys revoked (401) and retries the call once', async () => {
    // Prepare: disabling a client revokes its tokens (GENESYS-API.md §3); enabled again, new ones are issued
    sandbox.genesys.setClientState(managed.clientIds[0]!, 'disabled');
    sandbox.genesys.setClientState(managed.clientIds[0]!, 'active');

    // Act
    const me = await new platformClient.TokensApi().getTokensMe();

    // Assess
    expect(me.OAuthClient?.id).toBe(managed.clientIds[0]);
    expect(consumerRequests()).toEqual(['GET /api/v2/tokens/me 401', 'POST /oauth/token 200', 'GET /api/v2/tokens/me 200']);
  });

  it('after a rotation, renews a token that expired at Genesys (the secret it had is dead too) and retries once', async () => {
    // Prepare: a `single` rotation regenerates the secret the provider has cached; then the token's
    // lifetime passes on Genesys' clock, while only 10 s pass on the provider's (it still trusts its token)
    const outcome = await sandbox.rotate(managed.secretArn);
    expect(outcome.ok).toBe(true);
    sandbox.genesys.resetRequests();
    genesysClock.now += (TOKEN_LIFETIME_SECONDS + 1) * 1000;
    providerClock.now += 10_000;

    // Act
    const me = await new platformClient.TokensApi().getTokensMe();

    // Assess: 401, the cached secret refused, AWSCURRENT read again, a token with the new secret, the call again
    expect(me.OAuthClient?.id).toBe(managed.clientIds[0]);
    expect(consumerRequests()).toEqual(['GET /api/v2/tokens/me 401', 'POST /oauth/token 401', 'POST /oauth/token 200', 'GET /api/v2/tokens/me 200']);
    expect(log.lines.some((line) => line.startsWith('Client credentials refused'))).toBe(true);
  });

  it("surfaces a second 401 as the SDK's own error, after one renewal", async () => {
    // Prepare
    sandbox.genesys.faults.failNext(2, { method: 'GET', path: '/api/v2/tokens/me', status: 401 });

    // Act
    const error: unknown = await new platformClient.TokensApi().getTokensMe().catch((e: unknown) => e);

    // Assess: the SDK rejects with the Platform API error body, untouched
    expect(error).not.toBeInstanceOf(Error);
    expect(error).toMatchObject({ status: 401, code: expect.any(String) });
    expect(consumerRequests()).toEqual(['GET /api/v2/tokens/me 401', 'POST /oauth/token 200', 'GET /api/v2/tokens/me 401']);
    const text = JSON.stringify(error);
    for (const token of sandbox.genesys.issuedTokens()) expect(text).not.toContain(token);
  });

  it('does not retry a call refused for another reason (403: the client lacks the permission)', async () => {
    // Act
    const error: unknown = await new platformClient.OAuthApi().getOauthClients().catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 403 });
    expect(consumerRequests()).toEqual(['GET /api/v2/oauth/clients 403']);
  });
});
