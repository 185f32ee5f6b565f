import { AccessToken, type ClientUsage, type GenesysApi } from '../../../lambdas/core/genesys/types';
import { validateSecretDocument } from '../../../lambdas/core/secret-document';
import { checkClientUsage, clientToRevoke, describeUsage, summariseUsage } from '../../../lambdas/core/status/usage-check';

function usage(rows: { date?: string; requests: number }[]): ClientUsage {
  return {
    clientId: 'b',
    interval: '2026-05-25T00:00:00.000Z/2026-06-01T00:00:00.000Z',
    totalRequests: rows.reduce((sum, row) => sum + row.requests, 0),
    rows,
  };
}

const rotatedAt = new Date('2026-05-28T15:00:00.000Z');

describe('summariseUsage', () => {
  it('says in use when the client made requests on a day after the rotation', () => {
    const result = summariseUsage(usage([{ date: '2026-05-27T00:00:00Z', requests: 4 }, { date: '2026-05-30T00:00:00Z', requests: 3 }]), 7, rotatedAt);
    expect(result).toMatchObject({ verdict: 'in-use', requests: 3, totalRequests: 7, lastUsedDay: '2026-05-30', since: rotatedAt.toISOString() });
  });

  it('says maybe when the only requests are on the day of the rotation (usage is per day)', () => {
    const result = summariseUsage(usage([{ date: '2026-05-28T00:00:00Z', requests: 5 }]), 7, rotatedAt);
    expect(result.verdict).toBe('maybe-in-use');
    expect(describeUsage(result)).toContain('day of the last rotation');
  });

  it('says idle when nothing was used since the rotation day', () => {
    const result = summariseUsage(usage([{ date: '2026-05-26T00:00:00Z', requests: 9 }, { date: '2026-05-29T00:00:00Z', requests: 0 }]), 7, rotatedAt);
    expect(result).toMatchObject({ verdict: 'idle', requests: 0, lastUsedDay: '2026-05-26' });
  });

  it('counts every request in the window when there is no rotation to compare with', () => {
    expect(summariseUsage(usage([{ date: '2026-05-26T00:00:00Z', requests: 2 }]), 7).verdict).toBe('in-use');
    expect(summariseUsage(usage([]), 7).verdict).toBe('idle');
  });

  it('counts a row without a usable date as recent (the safe side)', () => {
    expect(summariseUsage(usage([{ requests: 1 }]), 7, rotatedAt).verdict).toBe('in-use');
  });
});

describe('checkClientUsage', () => {
  it('asks Genesys Cloud for the client over the given days with the given token', async () => {
    // Prepare
    const getClientUsage = jest.fn<Promise<ClientUsage>, [AccessToken, string, number]>().mockResolvedValue(usage([{ date: '2026-05-31T00:00:00Z', requests: 2 }]));
    const genesys = { getClientUsage } as unknown as GenesysApi;
    const token = new AccessToken('opaque', 'bearer', 86_400, 0);
    // Act
    const result = await checkClientUsage(genesys, token, 'b', { days: 14, since: rotatedAt });
    // Assess
    expect(getClientUsage).toHaveBeenCalledWith(token, 'b', 14);
    expect(result).toMatchObject({ verdict: 'in-use', days: 14 });
  });
});

describe('clientToRevoke', () => {
  const alternating = validateSecretDocument({ environment: 'mypurecloud.com', clientId: 'a', clientSecret: 's', strategy: 'alternating', alternateClientId: 'b', adminSecretId: 'admin' });
  const single = validateSecretDocument({ environment: 'mypurecloud.com', clientId: 'a', clientSecret: 's', strategy: 'single', adminSecretId: 'admin' });

  it('names the standby for a scheduled rotation and the current client for an emergency', () => {
    expect(clientToRevoke(alternating, 'scheduled')).toBe('b');
    expect(clientToRevoke(alternating, 'emergency')).toBe('a');
  });

  it('has nothing to ask about for a single client', () => {
    expect(clientToRevoke(single, 'scheduled')).toBeUndefined();
    expect(clientToRevoke(single, 'emergency')).toBeUndefined();
  });
});
