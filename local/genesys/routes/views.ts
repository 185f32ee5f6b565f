/** JSON shapes of Genesys Cloud models, built from emulator records. */
import type { CredentialRecord, Organization, OAuthClientRecord } from '../directory';

export const OAUTH_CLIENTS_PATH = '/api/v2/oauth/clients';
export const CREDENTIALS_PATH = '/api/v2/integrations/credentials';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `OAuthClient` in the key order of GENESYS-API.md §3. `secret` only when given: the two POSTs that
 * show it (§8); GET never passes one.
 */
export function oauthClientView(client: OAuthClientRecord, org: Organization, secret?: string): Record<string, unknown> {
  return {
    id: client.id,
    name: client.name,
    accessTokenValiditySeconds: client.accessTokenValiditySeconds,
    description: client.description,
    registeredRedirectUri: [...client.registeredRedirectUri],
    ...(secret === undefined ? {} : { secret }),
    roleIds: [...new Set(client.roleDivisions.map((rd) => rd.roleId))],
    dateCreated: iso(client.dateCreatedMs),
    dateModified: iso(client.dateModifiedMs),
    createdBy: { id: org.adminUserId },
    modifiedBy: { id: org.adminUserId },
    authorizedGrantType: client.authorizedGrantType,
    scope: [...client.scope],
    roleDivisions: client.roleDivisions.map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId })),
    state: client.state,
    selfUri: `${OAUTH_CLIENTS_PATH}/${client.id}`,
  };
}

/**
 * `OrgOAuthClient`, the `OAuthClient` of `GET /api/v2/tokens/me` (JS SDK `TokenInfo.OAuthClient`): the
 * models require `name` and `authorizedGrantType`; no secret, no token lifetime. UNCONFIRMED which of the
 * optional fields Genesys fills in: the emulator gives the ones it knows.
 */
export function orgOAuthClientView(client: OAuthClientRecord, org: Organization): Record<string, unknown> {
  return {
    id: client.id,
    name: client.name,
    dateCreated: iso(client.dateCreatedMs),
    dateModified: iso(client.dateModifiedMs),
    createdBy: { id: org.adminUserId },
    modifiedBy: { id: org.adminUserId },
    authorizedGrantType: client.authorizedGrantType,
    scope: [],
    roleDivisions: client.roleDivisions.map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId })),
    state: client.state,
    organization: organizationRef(org),
  };
}

/**
 * `Credential` as GET returns it. UNCONFIRMED redaction format (§5): the emulator leaves
 * `credentialFields` out entirely, so no sensitive value (e.g. `clientSecret`) ever leaves it.
 */
export function credentialView(credential: CredentialRecord): Record<string, unknown> {
  return {
    id: credential.id,
    name: credential.name,
    type: { name: credential.typeName },
    selfUri: `${CREDENTIALS_PATH}/${credential.id}`,
  };
}

/** `CredentialInfo` (§5, GO/JAVA). */
export function credentialInfoView(credential: CredentialRecord): Record<string, unknown> {
  return {
    id: credential.id,
    name: credential.name,
    createdDate: iso(credential.createdMs),
    modifiedDate: iso(credential.modifiedMs),
    type: { name: credential.typeName },
    selfUri: `${CREDENTIALS_PATH}/${credential.id}`,
  };
}

export function organizationRef(org: Organization): { id: string; name: string } {
  return { id: org.id, name: org.name };
}
