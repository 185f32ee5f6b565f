import { GenesysApiError } from '../../../lambdas/core/errors';
import { CLIENT_ID, closeHarness, createHarness, type Harness } from './mock-genesys';

/** `ApiUsageQueryResult.cursors.after`: the next page is the results URI with `?after=<cursor>` (UNCONFIRMED). */
describe('Class: GenesysClient', () => {
  describe('Method: getClientUsage, paged results', () => {
    const queryPath = `/api/v2/oauth/clients/${CLIENT_ID}/usage/query`;
    const resultsPath = `${queryPath}/results/exec-1`;
    let h: Harness;

    beforeEach(() => {
      h = createHarness();
      h.api.intercept({ path: queryPath, method: 'POST' }).reply(200, { executionId: 'exec-1' });
    });

    afterEach(async () => {
      await closeHarness(h);
    });

    it('follows cursors.after and sums every page', async () => {
      // Prepare
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [{ requests: 2 }], cursors: { after: 'c/1' } });
      h.api.intercept({ path: `${resultsPath}?after=c%2F1`, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [{ requests: 5 }], cursors: {} });
      // Act
      const usage = await h.client.getClientUsage(h.token, CLIENT_ID, 7);
      // Assess
      expect(usage.totalRequests).toBe(7);
      expect(usage.rows).toHaveLength(2);
    });

    it('ends the listing at a cursor it has followed before', async () => {
      // Prepare
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [{ requests: 1 }], cursors: { after: 'same' } });
      h.api.intercept({ path: `${resultsPath}?after=same`, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [{ requests: 1 }], cursors: { after: 'same' } });
      // Act
      const usage = await h.client.getClientUsage(h.token, CLIENT_ID, 7);
      // Assess
      expect(usage.totalRequests).toBe(2);
    });

    it('gives up with GenesysApiError past 20 pages rather than call a partial result complete', async () => {
      // Prepare
      h.api.intercept({ path: resultsPath, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [], cursors: { after: 'p1' } });
      for (let page = 1; page < 20; page++) {
        h.api.intercept({ path: `${resultsPath}?after=p${page}`, method: 'GET' }).reply(200, { queryStatus: 'Complete', results: [], cursors: { after: `p${page + 1}` } });
      }
      // Act
      const error = await h.client.getClientUsage(h.token, CLIENT_ID, 7).catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect((error as Error).message).toContain('more than 20 pages');
    });
  });
});
