/**
 * Changing an OAuth client's `state` (GENESYS-API.md §3): the only way is `PUT /api/v2/oauth/clients/{id}`
 * with a whole `OAuthClientRequest`, and a field left out is not "unchanged" but reset: a PUT without
 * `roleDivisions` strips the client's roles, one without `accessTokenValiditySeconds` resets its token
 * lifetime. So the request is built from the client as just read, every writable field copied, only
 * `state` replaced; and what Genesys holds afterwards is compared with what it held before.
 * Pure functions; api-client.ts makes the three calls (read, write, re-read).
 */
import type { OAuthClientBody } from './schemas';
import type { ClientState } from './types';

export { CLIENT_STATES, type ClientState } from './types';

/** `OAuthClientRequest`, every field it has (JS SDK `index.d.ts`). */
export interface OAuthClientRequestBody {
  readonly name: string;
  readonly authorizedGrantType: string;
  readonly description?: string;
  readonly accessTokenValiditySeconds?: number;
  readonly registeredRedirectUri?: readonly string[];
  readonly scope?: readonly string[];
  readonly roleDivisions?: readonly { readonly roleId: string; readonly divisionId: string }[];
  readonly roleIds?: readonly string[];
  readonly state: ClientState;
  readonly dateToDelete?: string;
}

/** The fields a state change must leave as they were. */
export const PRESERVED_FIELDS = ['name', 'description', 'accessTokenValiditySeconds', 'authorizedGrantType', 'registeredRedirectUri', 'scope', 'roles'] as const;
export type PreservedField = (typeof PRESERVED_FIELDS)[number];

/**
 * The `OAuthClientRequest` that writes `client` back with only `state` changed. `undefined` when the
 * client as read lacks a field the request requires (`name`, `authorizedGrantType`): writing it back
 * would be a guess.
 *
 * Roles: `roleDivisions` as read; `roleIds` (deprecated) only for roles that have no division grant, so
 * that a server that still honours `roleIds` does not add a second grant of a role in another division.
 */
export function stateChangeRequest(client: OAuthClientBody, state: ClientState): OAuthClientRequestBody | undefined {
  const { name, authorizedGrantType } = client;
  if (typeof name !== 'string' || name === '' || typeof authorizedGrantType !== 'string' || authorizedGrantType === '') return undefined;
  const grants = (client.roleDivisions ?? []).map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId ?? '' }));
  const roleDivisions = grants.filter((rd) => rd.divisionId !== '');
  const withDivision = new Set(roleDivisions.map((rd) => rd.roleId));
  // Roles without a division grant (deprecated `roleIds`, or a grant whose division came back null).
  const roleIdsOnly = [...new Set([...(client.roleIds ?? []), ...grants.filter((rd) => rd.divisionId === '').map((rd) => rd.roleId)])].filter((roleId) => !withDivision.has(roleId));
  return {
    name,
    authorizedGrantType,
    ...(typeof client.description === 'string' ? { description: client.description } : {}),
    ...(typeof client.accessTokenValiditySeconds === 'number' ? { accessTokenValiditySeconds: client.accessTokenValiditySeconds } : {}),
    ...(Array.isArray(client.registeredRedirectUri) ? { registeredRedirectUri: [...client.registeredRedirectUri] } : {}),
    ...(Array.isArray(client.scope) ? { scope: [...client.scope] } : {}),
    roleDivisions,
    ...(roleIdsOnly.length > 0 ? { roleIds: roleIdsOnly } : {}),
    state,
    ...(typeof client.dateToDelete === 'string' ? { dateToDelete: client.dateToDelete } : {}),
  };
}

/** What a field compares as: order of lists and of role grants does not matter. */
function comparable(client: OAuthClientBody, field: PreservedField): string {
  const sorted = (values: readonly string[] | null | undefined): string => JSON.stringify([...(values ?? [])].sort());
  switch (field) {
    case 'name':
      return client.name ?? '';
    case 'description':
      return client.description ?? '';
    case 'accessTokenValiditySeconds':
      return String(client.accessTokenValiditySeconds ?? '');
    case 'authorizedGrantType':
      return client.authorizedGrantType ?? '';
    case 'registeredRedirectUri':
      return sorted(client.registeredRedirectUri);
    case 'scope':
      return sorted(client.scope);
    case 'roles': {
      // Same reading as status/role-drift.ts: `roleId@divisionId`, a bare roleId for a grant without division.
      const divisions = client.roleDivisions ?? [];
      const withDivision = new Set(divisions.map((rd) => rd.roleId));
      const grants = [...divisions.map((rd) => `${rd.roleId}@${rd.divisionId ?? ''}`), ...(client.roleIds ?? []).filter((id) => !withDivision.has(id))];
      return sorted(grants);
    }
  }
}

/** The preserved fields that differ between two reads of a client (names only: never values). */
export function changedFields(before: OAuthClientBody, after: OAuthClientBody): PreservedField[] {
  return PRESERVED_FIELDS.filter((field) => comparable(before, field) !== comparable(after, field));
}
