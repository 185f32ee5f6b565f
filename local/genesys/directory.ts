/**
 * The emulated organisations, roles, OAuth clients, secrets, access tokens and integration credentials,
 * with the rules that tie them together. No HTTP here: routes call these methods, and so do the
 * emulator's in-process set-up and truth methods. Every lookup is a Map access.
 */
import { EmulatorSetupError } from './errors';
import { newAccessToken, newClientSecret, newEntityId } from './ids';
import type {
  ClientState,
  CreateClientInput,
  ReplaceClientInput,
  CreateIntegrationCredentialInput,
  IntegrationCredentialSnapshot,
  RoleDivision,
} from './types';

export interface Organization {
  readonly id: string;
  readonly name: string;
  /** Division used for roles granted without one (UNCONFIRMED: the org's home division). */
  readonly homeDivisionId: string;
  /** `createdBy`/`modifiedBy` of clients made by set-up (UNCONFIRMED: a fixed admin user per org). */
  readonly adminUserId: string;
}

interface Role {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly permissions: readonly string[];
}

export interface OAuthClientRecord {
  readonly id: string;
  readonly orgId: string;
  name: string;
  description: string;
  secret: string;
  /** The secret is refused before this instant (fresh-secret delay, UNCONFIRMED §3). */
  secretAcceptedFromMs: number;
  state: ClientState;
  authorizedGrantType: string;
  accessTokenValiditySeconds: number;
  roleDivisions: RoleDivision[];
  registeredRedirectUri: string[];
  scope: string[];
  readonly dateCreatedMs: number;
  dateModifiedMs: number;
  /** Bumped when the client is disabled: tokens issued before belong to an older epoch and die (§3 `state`). */
  tokenEpoch: number;
  regenerateCount: number;
}

interface TokenRecord {
  readonly clientId: string;
  readonly orgId: string;
  readonly expiresAtMs: number;
  readonly epoch: number;
}

export interface CredentialRecord {
  readonly id: string;
  readonly orgId: string;
  name: string;
  typeName: string;
  fields: Record<string, string>;
  readonly createdMs: number;
  modifiedMs: number;
  modifiedCount: number;
}

/** Outcome of checking client credentials at `/oauth/token`. */
export type SecretCheck =
  | { readonly ok: true; readonly client: OAuthClientRecord }
  | { readonly ok: false; readonly reason: 'client not found' | 'authentication failed' };

/** The caller behind a valid bearer token. */
export interface Caller {
  readonly client: OAuthClientRecord;
  readonly org: Organization;
}

const DEFAULT_TOKEN_VALIDITY_SECONDS = 86_400; // §2: default 86400
export const MIN_TOKEN_VALIDITY_SECONDS = 300; // §2: 300..172800
export const MAX_TOKEN_VALIDITY_SECONDS = 172_800;
export const CLIENT_STATES: readonly ClientState[] = ['active', 'disabled', 'inactive'];
/** §3 (PY enum). */
export const GRANT_TYPES = ['CODE', 'TOKEN', 'SAML2-BEARER', 'PASSWORD', 'CLIENT-CREDENTIALS'] as const;

export class Directory {
  readonly #now: () => number;
  readonly #orgs = new Map<string, Organization>();
  readonly #roles = new Map<string, Role>();
  readonly #clients = new Map<string, OAuthClientRecord>();
  /** Client ids of each org, in creation order (for the listing). */
  readonly #clientsByOrg = new Map<string, string[]>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #credentials = new Map<string, CredentialRecord>();
  readonly #issuedSecrets: string[] = [];
  readonly #issuedTokens: string[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  // ---- set-up ---------------------------------------------------------------------------------

  createOrganization(name?: string): Organization {
    const id = newEntityId();
    const org: Organization = {
      id,
      name: name ?? `org-${id.slice(0, 8)}`,
      homeDivisionId: newEntityId(),
      adminUserId: newEntityId(),
    };
    this.#orgs.set(id, org);
    this.#clientsByOrg.set(id, []);
    return org;
  }

  defineRole(orgId: string, name: string, permissions: readonly string[]): string {
    this.#requireOrg(orgId);
    const id = newEntityId();
    this.#roles.set(id, { id, orgId, name, permissions: [...permissions] });
    return id;
  }

  createClient(orgId: string, input: CreateClientInput): { id: string; secret: string } {
    const org = this.#requireOrg(orgId);
    const validity = input.accessTokenValiditySeconds ?? DEFAULT_TOKEN_VALIDITY_SECONDS;
    if (!Number.isInteger(validity) || validity < MIN_TOKEN_VALIDITY_SECONDS || validity > MAX_TOKEN_VALIDITY_SECONDS) {
      throw new EmulatorSetupError(
        `accessTokenValiditySeconds must be an integer in ${MIN_TOKEN_VALIDITY_SECONDS}..${MAX_TOKEN_VALIDITY_SECONDS}`,
      );
    }
    const state = input.state ?? 'active';
    this.#requireState(state);
    const roleDivisions = this.#resolveRoles(org, input.roleIds ?? [], input.roleDivisions ?? []);
    const nowMs = this.#now();
    const client: OAuthClientRecord = {
      id: newEntityId(),
      orgId,
      name: input.name,
      description: input.description ?? '',
      secret: this.#issueSecret(),
      secretAcceptedFromMs: nowMs,
      state,
      authorizedGrantType: input.authorizedGrantType ?? 'CLIENT-CREDENTIALS',
      accessTokenValiditySeconds: validity,
      roleDivisions,
      registeredRedirectUri: [...(input.registeredRedirectUri ?? [])],
      scope: [...(input.scope ?? [])],
      dateCreatedMs: nowMs,
      dateModifiedMs: nowMs,
      tokenEpoch: 0,
      regenerateCount: 0,
    };
    this.#clients.set(client.id, client);
    this.#clientsByOrg.get(orgId)?.push(client.id);
    return { id: client.id, secret: client.secret };
  }

  setClientRoles(clientId: string, roleDivisions: readonly RoleDivision[]): void {
    const client = this.requireClient(clientId);
    client.roleDivisions = this.#resolveRoles(this.#requireOrg(client.orgId), [], roleDivisions);
    client.dateModifiedMs = this.#now();
  }

  setClientState(clientId: string, state: ClientState): void {
    const client = this.requireClient(clientId);
    this.#requireState(state);
    this.#applyState(client, state);
    client.dateModifiedMs = this.#now();
  }

  /**
   * `PUT /api/v2/oauth/clients/{id}`: the request replaces the client (§3 `OAuthClientRequest`). A field
   * left out is reset, not kept (UNCONFIRMED, as a PUT of the whole entity would do): no `roleDivisions`
   * strips the roles, no `accessTokenValiditySeconds` gives the default lifetime, no `description` an
   * empty one. A missing `state` keeps the current one (UNCONFIRMED). The secret is never touched.
   */
  replaceClient(client: OAuthClientRecord, input: ReplaceClientInput): void {
    const org = this.#requireOrg(client.orgId);
    const roleDivisions = this.#resolveRoles(org, input.roleIds ?? [], input.roleDivisions ?? []);
    client.name = input.name;
    client.description = input.description ?? '';
    client.authorizedGrantType = input.authorizedGrantType;
    client.accessTokenValiditySeconds = input.accessTokenValiditySeconds ?? DEFAULT_TOKEN_VALIDITY_SECONDS;
    client.roleDivisions = roleDivisions;
    client.registeredRedirectUri = [...(input.registeredRedirectUri ?? [])];
    client.scope = [...(input.scope ?? [])];
    if (input.state !== undefined) this.#applyState(client, input.state);
    client.dateModifiedMs = this.#now();
  }

  /** §3 (GO field doc): "disabled: existing tokens invalid". Re-enabling does not revive them. */
  #applyState(client: OAuthClientRecord, state: ClientState): void {
    if (state === 'disabled' && client.state !== 'disabled') client.tokenEpoch += 1;
    client.state = state;
  }

  createIntegrationCredential(orgId: string, input: CreateIntegrationCredentialInput): string {
    this.#requireOrg(orgId);
    const nowMs = this.#now();
    const id = newEntityId();
    this.#credentials.set(id, {
      id,
      orgId,
      name: input.name,
      typeName: input.typeName,
      fields: { ...input.fields },
      createdMs: nowMs,
      modifiedMs: nowMs,
      modifiedCount: 0,
    });
    return id;
  }

  // ---- lookups --------------------------------------------------------------------------------

  organization(orgId: string): Organization | undefined {
    return this.#orgs.get(orgId);
  }

  client(clientId: string): OAuthClientRecord | undefined {
    return this.#clients.get(clientId);
  }

  /** The client, only if it belongs to `orgId`: another org's client is "not found" to the caller. */
  clientInOrg(clientId: string, orgId: string): OAuthClientRecord | undefined {
    const client = this.#clients.get(clientId);
    return client?.orgId === orgId ? client : undefined;
  }

  clientsOfOrg(orgId: string): readonly OAuthClientRecord[] {
    const ids = this.#clientsByOrg.get(orgId) ?? [];
    const out: OAuthClientRecord[] = [];
    for (const id of ids) {
      const client = this.#clients.get(id);
      if (client) out.push(client);
    }
    return out;
  }

  credentialInOrg(credentialId: string, orgId: string): CredentialRecord | undefined {
    const credential = this.#credentials.get(credentialId);
    return credential?.orgId === orgId ? credential : undefined;
  }

  credentialSnapshot(credentialId: string): IntegrationCredentialSnapshot | undefined {
    const c = this.#credentials.get(credentialId);
    return c && { name: c.name, typeName: c.typeName, fields: { ...c.fields }, modifiedCount: c.modifiedCount };
  }

  /** Is `roleId` a role of `orgId`? */
  isRoleOf(roleId: string, orgId: string): boolean {
    return this.#roles.get(roleId)?.orgId === orgId;
  }

  /** Does the client hold ANY of `anyOf` through its roles? A `*` segment in a granted permission matches any value. */
  hasAnyPermission(client: OAuthClientRecord, anyOf: readonly string[]): boolean {
    for (const { roleId } of client.roleDivisions) {
      const role = this.#roles.get(roleId);
      if (!role) continue;
      for (const granted of role.permissions) {
        if (anyOf.some((wanted) => permissionMatches(granted, wanted))) return true;
      }
    }
    return false;
  }

  // ---- secrets and tokens ---------------------------------------------------------------------

  /** §2: unknown client → "client not found"; wrong secret, or a client that may not get tokens → "authentication failed". */
  checkSecret(clientId: string, secret: string): SecretCheck {
    const client = this.#clients.get(clientId);
    if (!client) return { ok: false, reason: 'client not found' };
    const accepted =
      client.state === 'active' && secret === client.secret && this.#now() >= client.secretAcceptedFromMs;
    return accepted ? { ok: true, client } : { ok: false, reason: 'authentication failed' };
  }

  issueToken(client: OAuthClientRecord): { accessToken: string; expiresInSeconds: number } {
    const accessToken = newAccessToken();
    this.#tokens.set(accessToken, {
      clientId: client.id,
      orgId: client.orgId,
      expiresAtMs: this.#now() + client.accessTokenValiditySeconds * 1000,
      epoch: client.tokenEpoch,
    });
    this.#issuedTokens.push(accessToken);
    return { accessToken, expiresInSeconds: client.accessTokenValiditySeconds };
  }

  /** The client a token was issued to, whether or not the token still works (for the request log). */
  tokenOwner(accessToken: string): string | undefined {
    return this.#tokens.get(accessToken)?.clientId;
  }

  /**
   * The caller behind a bearer token, or undefined if the token is unknown, expired (injected clock) or
   * its client was disabled since. A regenerate does NOT invalidate tokens (DESIGN.md §2 assumption).
   */
  authenticateToken(accessToken: string): Caller | undefined {
    const token = this.#tokens.get(accessToken);
    if (!token || this.#now() >= token.expiresAtMs) return undefined;
    const client = this.#clients.get(token.clientId);
    const org = this.#orgs.get(token.orgId);
    if (!client || !org || client.state === 'disabled' || client.tokenEpoch !== token.epoch) return undefined;
    return { client, org };
  }

  /**
   * §3: "set the client secret to a randomly generated cryptographically random value": one secret per
   * client, the old one dies now. The new one is accepted after `freshSecretDelayMs` (UNCONFIRMED delay).
   */
  regenerateSecret(client: OAuthClientRecord, freshSecretDelayMs: number): string {
    const nowMs = this.#now();
    client.secret = this.#issueSecret();
    client.secretAcceptedFromMs = nowMs + freshSecretDelayMs;
    client.dateModifiedMs = nowMs;
    client.regenerateCount += 1;
    return client.secret;
  }

  updateCredential(credential: CredentialRecord, name: string, typeName: string, fields: Record<string, string>): void {
    credential.name = name;
    credential.typeName = typeName;
    credential.fields = { ...fields };
    credential.modifiedMs = this.#now();
    credential.modifiedCount += 1;
  }

  issuedSecrets(): string[] {
    return [...this.#issuedSecrets];
  }

  issuedTokens(): string[] {
    return [...this.#issuedTokens];
  }

  // ---- helpers --------------------------------------------------------------------------------

  #issueSecret(): string {
    const secret = newClientSecret();
    this.#issuedSecrets.push(secret);
    return secret;
  }

  #requireOrg(orgId: string): Organization {
    const org = this.#orgs.get(orgId);
    if (!org) throw new EmulatorSetupError(`unknown organization ${orgId}`);
    return org;
  }

  /** The client, or an EmulatorSetupError for set-up calls naming an unknown client. */
  requireClient(clientId: string): OAuthClientRecord {
    const client = this.#clients.get(clientId);
    if (!client) throw new EmulatorSetupError(`unknown OAuth client ${clientId}`);
    return client;
  }

  #requireState(state: string): void {
    if (!(CLIENT_STATES as readonly string[]).includes(state)) {
      throw new EmulatorSetupError(`state must be one of ${CLIENT_STATES.join(', ')}`);
    }
  }

  /**
   * `roleIds` is deprecated for `roleDivisions` (§3); a bare role id gets the org's home division, unless
   * `roleDivisions` already grants that role (UNCONFIRMED: then the deprecated field adds nothing).
   */
  #resolveRoles(org: Organization, roleIds: readonly string[], roleDivisions: readonly RoleDivision[]): RoleDivision[] {
    const granted = new Set(roleDivisions.map((rd) => rd.roleId));
    const all = [
      ...roleDivisions.map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId })),
      ...roleIds.filter((roleId) => !granted.has(roleId)).map((roleId) => ({ roleId, divisionId: org.homeDivisionId })),
    ];
    for (const { roleId } of all) {
      if (this.#roles.get(roleId)?.orgId !== org.id) {
        throw new EmulatorSetupError(`role ${roleId} is not defined in organization ${org.id}`);
      }
    }
    return all;
  }
}

/** `oauth:client:*` grants `oauth:client:edit`; segments compare exactly otherwise. UNCONFIRMED wildcard rule. */
function permissionMatches(granted: string, wanted: string): boolean {
  if (granted === wanted) return true;
  const g = granted.split(':');
  const w = wanted.split(':');
  return g.length === w.length && g.every((segment, i) => segment === '*' || segment === w[i]);
}
