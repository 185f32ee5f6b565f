import { AdminTokenCache } from '../../../lambdas/core/rotation/admin-tokens';
import { AccessToken, type GenesysApi } from '../../../lambdas/core/genesys/types';

function fakeGenesys(now: () => number, lifetimeSeconds = 3600) {
  let issued = 0;
  let infos = 0;
  const api = {
    getToken: () => Promise.resolve(new AccessToken(`token-${++issued}`, 'bearer', lifetimeSeconds, now())),
    getTokenInfo: () => {
      infos++;
      return Promise.resolve({ organizationId: 'org-1', oauthClientId: 'admin-a' });
    },
  } as unknown as GenesysApi;
  return { api, issued: () => issued, infos: () => infos };
}

describe('AdminTokenCache', () => {
  const credentials = { clientId: 'admin-a', clientSecret: 's' };

  it('reuses a token for the same admin secret version', async () => {
    let t = 0;
    const cache = new AdminTokenCache(() => t);
    const genesys = fakeGenesys(() => t);
    const first = await cache.token('v1@admin', genesys.api, credentials);
    t += 60_000;
    const second = await cache.token('v1@admin', genesys.api, credentials);
    expect(second).toBe(first);
    expect(genesys.issued()).toBe(1);
  });

  it('asks again for a new admin secret version', async () => {
    const cache = new AdminTokenCache(() => 0);
    const genesys = fakeGenesys(() => 0);
    await cache.token('v1@admin', genesys.api, credentials);
    await cache.token('v2@admin', genesys.api, credentials);
    expect(genesys.issued()).toBe(2);
  });

  it('drops a token five minutes before it expires', async () => {
    let t = 0;
    const cache = new AdminTokenCache(() => t);
    const genesys = fakeGenesys(() => t, 600);
    await cache.token('v1@admin', genesys.api, credentials);
    t = 299_000;
    await cache.token('v1@admin', genesys.api, credentials);
    expect(genesys.issued()).toBe(1);
    t = 300_001;
    await cache.token('v1@admin', genesys.api, credentials);
    expect(genesys.issued()).toBe(2);
  });

  it('caches the organization id with the token and forgets both on request', async () => {
    const cache = new AdminTokenCache(() => 0);
    const genesys = fakeGenesys(() => 0);
    expect(await cache.organizationId('k', genesys.api, credentials)).toBe('org-1');
    expect(await cache.organizationId('k', genesys.api, credentials)).toBe('org-1');
    expect(genesys.infos()).toBe(1);
    cache.forget('k');
    await cache.organizationId('k', genesys.api, credentials);
    expect(genesys.issued()).toBe(2);
    expect(genesys.infos()).toBe(2);
  });
});
