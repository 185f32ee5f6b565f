import type { ClientUsage, ClientUsageRow } from '../../../lambdas/core/genesys/types';
import { isRotatorOwnCall, summariseUsage } from '../../../lambdas/core/status/usage-check';

function usage(rows: ClientUsageRow[]): ClientUsage {
  return { clientId: 'b', interval: '2026-05-25T00:00:00Z/2026-06-01T00:00:00Z', totalRequests: rows.reduce((sum, row) => sum + row.requests, 0), rows };
}

const rotatedAt = new Date('2026-05-28T15:00:00.000Z');

describe('Usage: the rotator\'s own calls are left out', () => {
  it.each([
    ['api/v2/tokens/me', 'GET'],
    ['/api/v2/tokens/me', 'GET'],
    ['api/v2/oauth/clients/{clientId}', 'GET'],
    ['api/v2/oauth/clients/{clientId}/secret', 'POST'],
    ['api/v2/oauth/clients/{clientId}/usage/query', 'POST'],
    ['api/v2/oauth/clients/{clientId}/usage/query/results/{executionId}', 'GET'],
  ])('%s %s is the rotator\'s own call', (templateUri, httpMethod) => {
    expect(isRotatorOwnCall({ templateUri, httpMethod })).toBe(true);
  });

  it.each([
    ['api/v2/users/me', 'GET'],
    ['api/v2/tokens/me', 'DELETE'],
    ['api/v2/oauth/clientsx', 'GET'],
    [undefined, 'GET'],
  ])('%s %s is a consumer call', (templateUri, httpMethod) => {
    expect(isRotatorOwnCall({ ...(templateUri !== undefined ? { templateUri } : {}), httpMethod })).toBe(false);
  });

  it('says idle when the only calls since the rotation are the rotator\'s own', () => {
    // Prepare
    const rows: ClientUsageRow[] = [
      { templateUri: 'api/v2/tokens/me', httpMethod: 'GET', requests: 1, date: '2026-05-30T00:00:00Z' },
      { templateUri: 'api/v2/oauth/clients/{clientId}/secret', httpMethod: 'POST', requests: 40, date: '2026-05-28T00:00:00Z' },
      { templateUri: 'api/v2/oauth/clients/{clientId}', httpMethod: 'GET', requests: 2, date: '2026-05-28T00:00:00Z' },
    ];

    // Act
    const result = summariseUsage(usage(rows), 7, rotatedAt);

    // Assess
    expect(result).toMatchObject({ verdict: 'idle', requests: 0, totalRequests: 0, lastUsedDay: undefined });
  });

  it('still counts a consumer\'s calls next to the rotator\'s own', () => {
    // Prepare
    const rows: ClientUsageRow[] = [
      { templateUri: 'api/v2/tokens/me', httpMethod: 'GET', requests: 3, date: '2026-05-30T00:00:00Z' },
      { templateUri: 'api/v2/users/me', httpMethod: 'GET', requests: 5, date: '2026-05-29T00:00:00Z' },
    ];

    // Act
    const result = summariseUsage(usage(rows), 7, rotatedAt);

    // Assess
    expect(result).toMatchObject({ verdict: 'in-use', requests: 5, totalRequests: 5, lastUsedDay: '2026-05-29' });
  });
});
