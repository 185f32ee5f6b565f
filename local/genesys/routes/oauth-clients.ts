/** `/api/v2/oauth/clients` (GENESYS-API.md §3) and `/api/v2/tokens/me` (§6). */
import type { Directory, OAuthClientRecord } from '../directory';
import { badRequest, notFound } from '../errors';
import { json } from '../reply';
import type { ApiRequest, ApiRoute } from './context';
import { OAUTH_CLIENTS_PATH, oauthClientView, organizationRef } from './views';

const DEFAULT_PAGE_SIZE = 25; // UNCONFIRMED default

/** GET `/api/v2/tokens/me`: no permission needed (§6, JS TokensApi.md). */
export const getTokenMe: ApiRoute = {
  method: 'GET',
  template: '/api/v2/tokens/me',
  permissions: [],
  handle: ({ caller }) => {
    const org = organizationRef(caller.org);
    return json(200, {
      organization: org,
      homeOrganization: org,
      authorizedScope: [],
      OAuthClient: { id: caller.client.id, name: caller.client.name, organization: org },
    });
  },
};

/** GET `/api/v2/oauth/clients`: `OAuthClientEntityListing` of the caller's organisation (§3, GO). */
export const listOAuthClients: ApiRoute = {
  method: 'GET',
  template: OAUTH_CLIENTS_PATH,
  permissions: ['oauth:client:view'],
  handle: ({ query, caller, correlationId }, { directory }) => {
    const pageSize = positiveInteger(query.get('pageSize'), DEFAULT_PAGE_SIZE);
    const pageNumber = positiveInteger(query.get('pageNumber'), 1);
    if (pageSize === undefined || pageNumber === undefined) {
      const fieldName = pageSize === undefined ? 'pageSize' : 'pageNumber';
      return badRequest(`${fieldName} must be a positive integer`, correlationId, [{ errorCode: 'invalid', fieldName }]);
    }
    const all = directory.clientsOfOrg(caller.org.id);
    const pageCount = Math.ceil(all.length / pageSize);
    const entities = all
      .slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
      .map((client) => oauthClientView(client, caller.org));
    const uri = (page: number): string => `${OAUTH_CLIENTS_PATH}?pageSize=${pageSize}&pageNumber=${page}`;
    return json(200, {
      entities,
      pageSize,
      pageNumber,
      total: all.length,
      firstUri: uri(1),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber),
      pageCount,
    });
  },
};

/** GET `/api/v2/oauth/clients/{clientId}`: never carries `secret` (§8, RCSEC). */
export const getOAuthClient: ApiRoute = {
  method: 'GET',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}`,
  permissions: ['oauth:client:view'],
  handle: (request, { directory }) => {
    const client = targetClient(request, directory);
    return client ? json(200, oauthClientView(client, request.caller.org)) : notFound(request.correlationId);
  },
};

/**
 * POST `/api/v2/oauth/clients/{clientId}/secret`: 200 `OAuthClient` with the new `secret` (§3, §8).
 * UNCONFIRMED (§3): a client may regenerate its own secret, and the caller needs no roles of the target.
 */
export const regenerateSecret: ApiRoute = {
  method: 'POST',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}/secret`,
  permissions: ['oauth:client:edit'],
  handle: (request, { directory, faults }) => {
    const client = targetClient(request, directory);
    if (!client) return notFound(request.correlationId);
    const secret = directory.regenerateSecret(client, faults.freshSecretDelayMs);
    return json(200, oauthClientView(client, request.caller.org, secret));
  },
};

/** The `{clientId}` client if it is in the caller's organisation; another org's client is "not found". */
export function targetClient({ params, caller }: ApiRequest, directory: Directory): OAuthClientRecord | undefined {
  const clientId = params.clientId;
  return clientId === undefined ? undefined : directory.clientInOrg(clientId, caller.org.id);
}

function positiveInteger(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}
