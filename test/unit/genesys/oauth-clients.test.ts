import { GenesysPermissionError, GenesysResponseError } from '../../../lambdas/core/errors';
import { bearerHeaders, closeHarness, createHarness, oauthClientBody, platformError, type Harness } from './mock-genesys';

const LIST_PATH = '/api/v2/oauth/clients';

function page(entities: readonly Record<string, unknown>[], pageNumber: number, pageCount: number, nextUri?: string | null): Record<string, unknown> {
  return { entities, pageSize: 1, pageNumber, total: pageCount, pageCount, ...(nextUri !== undefined ? { nextUri } : {}), selfUri: `${LIST_PATH}?pageNumber=${pageNumber}` };
}

const client = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...oauthClientBody, id, name: `client-${id}`, selfUri: `${LIST_PATH}/${id}`, ...extra });

describe('Class: GenesysClient', () => {
  let h: Harness;

  beforeEach(() => {
    h = createHarness();
  });

  afterEach(async () => {
    await closeHarness(h);
  });

  describe('Method: listOAuthClients', () => {
    it('returns every client of a single page, asking with no query parameters', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET', headers: bearerHeaders }).reply(200, page([client('c1', { description: 'CRM sync' })], 1, 1));
      // Act
      const clients = await h.client.listOAuthClients(h.token);
      // Assess
      expect(clients).toEqual([
        {
          id: 'c1',
          name: 'client-c1',
          description: 'CRM sync',
          state: 'active',
          authorizedGrantType: 'CLIENT-CREDENTIALS',
          accessTokenValiditySeconds: 86400,
          roleIds: ['role-1'],
          roleDivisions: [{ roleId: 'role-1', divisionId: 'div-1' }],
          dateCreated: '2026-01-01T00:00:00.000Z',
          dateModified: '2026-01-02T00:00:00.000Z',
        },
      ]);
      expect(h.requests).toEqual([{ method: 'GET', path: LIST_PATH }]);
    });

    it('returns an empty list when the organisation has no clients', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { entities: [], pageSize: 25, pageNumber: 1, total: 0, pageCount: 0 });
      // Act
      const clients = await h.client.listOAuthClients(h.token);
      // Assess
      expect(clients).toEqual([]);
    });

    it('follows nextUri page by page and keeps each id once', async () => {
      // Prepare: c2 moves from page 2 to page 3 while the listing is read.
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, page([client('c1')], 1, 3, `${LIST_PATH}?pageSize=1&pageNumber=2`));
      h.api.intercept({ path: `${LIST_PATH}?pageSize=1&pageNumber=2`, method: 'GET', headers: bearerHeaders }).reply(200, page([client('c2')], 2, 3, `${LIST_PATH}?pageSize=1&pageNumber=3`));
      h.api.intercept({ path: `${LIST_PATH}?pageSize=1&pageNumber=3`, method: 'GET' }).reply(200, page([client('c2'), client('c3')], 3, 3, null));
      // Act
      const clients = await h.client.listOAuthClients(h.token);
      // Assess
      expect(clients.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
      expect(h.requests).toHaveLength(3);
    });

    it('stops at pageCount even when a nextUri is still given', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, page([client('c1')], 1, 1, `${LIST_PATH}?pageNumber=2`));
      // Act
      const clients = await h.client.listOAuthClients(h.token);
      // Assess
      expect(clients.map((c) => c.id)).toEqual(['c1']);
    });

    it('stops after 100 pages when the listing never ends', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, page([client('c0')], 1, 1000, `${LIST_PATH}?pageNumber=2`));
      h.api
        .intercept({ path: `${LIST_PATH}?pageNumber=2`, method: 'GET' })
        .reply(200, page([client('again')], 2, 1000, `${LIST_PATH}?pageNumber=2`))
        .times(99);
      // Act
      const clients = await h.client.listOAuthClients(h.token);
      // Assess
      expect(h.requests).toHaveLength(100);
      expect(clients.map((c) => c.id)).toEqual(['c0', 'again']);
    });

    it('throws GenesysResponseError when nextUri points elsewhere', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, page([client('c1')], 1, 2, 'https://evil.example/api/v2/oauth/clients?pageNumber=2'));
      // Act / Assess
      await expect(h.client.listOAuthClients(h.token)).rejects.toThrow(GenesysResponseError);
    });

    it('throws GenesysPermissionError naming oauth:client:view on 403', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'GET' }).reply(403, platformError(403, 'missing.any.permissions'));
      // Act
      const failure = h.client.listOAuthClients(h.token);
      // Assess
      await expect(failure).rejects.toThrow(GenesysPermissionError);
      await expect(failure).rejects.toThrow(/lacks the permission oauth:client:view/);
    });
  });
});

describe('Class: GenesysClient, creating clients', () => {
  let h: Harness;

  beforeEach(() => {
    h = createHarness();
  });

  afterEach(async () => {
    await closeHarness(h);
  });

  describe('Method: createOAuthClient', () => {
    it('posts the OAuthClientRequest and returns the client without its secret', async () => {
      // Prepare
      const request = {
        name: 'crm (standby twin)',
        description: 'twin',
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        accessTokenValiditySeconds: 3600,
        roleDivisions: [{ roleId: 'role-1', divisionId: 'div-1' }],
      };
      h.api
        .intercept({ path: LIST_PATH, method: 'POST', headers: { ...bearerHeaders, 'content-type': 'application/json' }, body: JSON.stringify(request) })
        .reply(200, { ...client('twin-1', { name: request.name, accessTokenValiditySeconds: 3600 }), secret: 'NEW-SECRET-SHOWN-ONCE' });
      // Act
      const created = await h.client.createOAuthClient(h.token, request);
      // Assess
      expect(created).toMatchObject({ id: 'twin-1', name: 'crm (standby twin)', accessTokenValiditySeconds: 3600 });
      expect(JSON.stringify(created)).not.toContain('NEW-SECRET-SHOWN-ONCE');
    });

    it('throws GenesysPermissionError naming oauth:client:add on 403', async () => {
      // Prepare
      h.api.intercept({ path: LIST_PATH, method: 'POST' }).reply(403, platformError(403, 'missing.any.permissions'));
      // Act
      const failure = h.client.createOAuthClient(h.token, { name: 'x', description: '', authorizedGrantType: 'CLIENT-CREDENTIALS', roleDivisions: [] });
      // Assess
      await expect(failure).rejects.toThrow(/lacks the permission oauth:client:add/);
    });
  });
});
