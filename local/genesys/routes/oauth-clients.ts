/** `/api/v2/oauth/clients` (GENESYS-API.md §3) and `/api/v2/tokens/me` (§6). */
import type { Directory, OAuthClientRecord } from '../directory';
import { CLIENT_STATES, GRANT_TYPES, MAX_TOKEN_VALIDITY_SECONDS, MIN_TOKEN_VALIDITY_SECONDS } from '../directory';
import type { ErrorDetail } from '../errors';
import { badRequest, notFound } from '../errors';
import { json } from '../reply';
import type { RoleDivision } from '../types';
import type { ApiRequest, ApiRoute } from './context';
import { isRecord } from './json-body';
import { OAUTH_CLIENTS_PATH, oauthClientView, organizationRef, orgOAuthClientView } from './views';

/**
 * GET `/api/v2/tokens/me`: no permission needed (§6, JS TokensApi.md). `TokenInfo` (JS SDK model):
 * `organization`, `homeOrganization`, `authorizedScope`, and `OAuthClient` as an `OrgOAuthClient`.
 */
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
      OAuthClient: orgOAuthClientView(caller.client, caller.org),
    });
  },
};

/**
 * GET `/api/v2/oauth/clients`: `OAuthClientEntityListing` of the caller's organisation (§3, GO; JS SDK
 * model: `entities, pageSize, pageNumber, total, firstUri, selfUri, nextUri, previousUri, lastUri,
 * pageCount`). The documented operation has no query parameters (JS `getOauthClients(opts)` sends
 * none), so by default every client comes on one page. UNCONFIRMED: whether Genesys pages this listing
 * and honours `pageSize`/`pageNumber`; the emulator honours them when given (as other Genesys listings
 * do), and `oauthClientsPageSize` makes it page unasked, with `nextUri` to follow.
 */
export const listOAuthClients: ApiRoute = {
  method: 'GET',
  template: OAUTH_CLIENTS_PATH,
  permissions: ['oauth:client:view'],
  handle: ({ query, caller, correlationId }, { directory, oauthClientsPageSize }) => {
    const all = directory.clientsOfOrg(caller.org.id);
    const pageSize = positiveInteger(query.get('pageSize'), oauthClientsPageSize ?? Math.max(1, all.length));
    const pageNumber = positiveInteger(query.get('pageNumber'), 1);
    if (pageSize === undefined || pageNumber === undefined) {
      const fieldName = pageSize === undefined ? 'pageSize' : 'pageNumber';
      return badRequest(`${fieldName} must be a positive integer`, correlationId, [{ errorCode: 'invalid', fieldName }]);
    }
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

/**
 * POST `/api/v2/oauth/clients`: creates a client from an `OAuthClientRequest` and answers 200 with the
 * `OAuthClient`, `secret` included: the only time it is shown (§3, §8). `name` and `authorizedGrantType`
 * are required (JAVA); `roleDivisions` name roles of the caller's organisation (`roleIds`, deprecated,
 * get the home division). UNCONFIRMED: the 400 texts, whether an unknown role is 400 or 404, and
 * whether the caller must itself hold the roles it grants (not enforced here).
 */
export const createOAuthClient: ApiRoute = {
  method: 'POST',
  template: OAUTH_CLIENTS_PATH,
  permissions: ['oauth:client:add'],
  jsonBody: true,
  handle: (request, { directory }) => {
    const parsed = parseClientRequest(request.body, (roleId) => directory.isRoleOf(roleId, request.caller.org.id));
    if ('details' in parsed) {
      return badRequest(`Invalid OAuth client: ${parsed.details.map((d) => d.fieldName).join(', ')}`, request.correlationId, parsed.details);
    }
    const { id, secret } = directory.createClient(request.caller.org.id, parsed);
    const client = directory.client(id);
    return client ? json(200, oauthClientView(client, request.caller.org, secret)) : notFound(request.correlationId);
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
 * PUT `/api/v2/oauth/clients/{clientId}`: replaces the client with the `OAuthClientRequest` (§3) and
 * answers 200 with the `OAuthClient`, no secret. The same request model and checks as POST (`name`,
 * `authorizedGrantType` required); a field left out is reset (directory.ts `replaceClient`), so a caller
 * that sends only `state` strips the client's roles, as a PUT of the whole entity would. `state:
 * disabled` ends the client's access tokens and refuses new ones (§3, GO field doc). UNCONFIRMED: the
 * 400 texts; whether a client may disable itself (allowed here: its own token dies with it).
 */
export const putOAuthClient: ApiRoute = {
  method: 'PUT',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}`,
  permissions: ['oauth:client:edit'],
  jsonBody: true,
  handle: (request, { directory }) => {
    const client = targetClient(request, directory);
    if (!client) return notFound(request.correlationId);
    const parsed = parseClientRequest(request.body, (roleId) => directory.isRoleOf(roleId, request.caller.org.id));
    if ('details' in parsed) {
      return badRequest(`Invalid OAuth client: ${parsed.details.map((d) => d.fieldName).join(', ')}`, request.correlationId, parsed.details);
    }
    directory.replaceClient(client, parsed);
    return json(200, oauthClientView(client, request.caller.org));
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

interface ClientRequest {
  readonly name: string;
  readonly authorizedGrantType: string;
  readonly description?: string;
  readonly accessTokenValiditySeconds?: number;
  readonly state?: (typeof CLIENT_STATES)[number];
  readonly roleIds?: readonly string[];
  readonly roleDivisions?: readonly RoleDivision[];
  readonly registeredRedirectUri?: readonly string[];
  readonly scope?: readonly string[];
}

/** An `OAuthClientRequest` body, or the fields that are wrong (`details`, as §6 `ErrorBody.details`). */
function parseClientRequest(body: unknown, isRole: (roleId: string) => boolean): ClientRequest | { readonly details: ErrorDetail[] } {
  const record = isRecord(body) ? body : {};
  const details: ErrorDetail[] = [];
  const wrong = (fieldName: string): void => {
    details.push({ errorCode: record[fieldName] === undefined ? 'required' : 'invalid', fieldName });
  };
  // null reads as absent for the optional fields, as the SDKs serialise unset members either way.
  const optional = (fieldName: string): unknown => record[fieldName] ?? undefined;

  const { name, authorizedGrantType } = record;
  if (typeof name !== 'string' || name.trim() === '') wrong('name');
  const grantType = GRANT_TYPES.find((g) => g === authorizedGrantType);
  if (grantType === undefined) wrong('authorizedGrantType');
  const description = optional('description');
  if (description !== undefined && typeof description !== 'string') wrong('description');
  const validity = optional('accessTokenValiditySeconds');
  const validityOk = typeof validity === 'number' && Number.isInteger(validity) && validity >= MIN_TOKEN_VALIDITY_SECONDS && validity <= MAX_TOKEN_VALIDITY_SECONDS;
  if (validity !== undefined && !validityOk) wrong('accessTokenValiditySeconds');
  const state = optional('state');
  const knownState = CLIENT_STATES.find((s) => s === state);
  if (state !== undefined && knownState === undefined) wrong('state');
  const roleIds = optional('roleIds');
  const roleIdsOk = Array.isArray(roleIds) && roleIds.every((id) => typeof id === 'string' && isRole(id));
  if (roleIds !== undefined && !roleIdsOk) wrong('roleIds');
  const roleDivisions = optional('roleDivisions');
  const isRoleDivision = (rd: unknown): rd is RoleDivision =>
    isRecord(rd) && typeof rd.roleId === 'string' && isRole(rd.roleId) && typeof rd.divisionId === 'string' && rd.divisionId !== '';
  const divisions = Array.isArray(roleDivisions) && roleDivisions.every(isRoleDivision) ? roleDivisions : undefined;
  if (roleDivisions !== undefined && divisions === undefined) wrong('roleDivisions');
  const strings = (fieldName: string): string[] | undefined => {
    const value = optional(fieldName);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return value;
    wrong(fieldName);
    return undefined;
  };
  const registeredRedirectUri = strings('registeredRedirectUri');
  const scope = strings('scope');

  if (details.length > 0 || typeof name !== 'string' || grantType === undefined) return { details };
  return {
    name,
    authorizedGrantType: grantType,
    ...(typeof description === 'string' ? { description } : {}),
    ...(validityOk ? { accessTokenValiditySeconds: validity } : {}),
    ...(knownState !== undefined ? { state: knownState } : {}),
    ...(roleIdsOk ? { roleIds: roleIds as string[] } : {}),
    ...(divisions !== undefined ? { roleDivisions: divisions.map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId })) } : {}),
    ...(registeredRedirectUri !== undefined ? { registeredRedirectUri } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}

function positiveInteger(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}
