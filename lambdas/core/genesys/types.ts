/**
 * What the rest of the product needs from Genesys Cloud. `api-client.ts` implements it over a transport;
 * nothing else speaks HTTP to Genesys Cloud.
 */
import { inspect } from 'node:util';

/** `OAuthClient.state` (GENESYS-API.md §3, PY enum). Here, not in a schema module: the client package's declarations must not reach zod. */
export const CLIENT_STATES = ['active', 'disabled', 'inactive'] as const;
export type ClientState = (typeof CLIENT_STATES)[number];

/**
 * A bearer token. The value is reachable only through `reveal()`; `JSON.stringify`, `String()` and
 * `util.inspect` (so console and Powertools Logger) print `[redacted]`, so a stray log line cannot leak it.
 */
export class AccessToken {
  readonly #value: string;
  /** `token_type` as returned (`bearer`). */
  readonly tokenType: string;
  /** `expires_in` seconds as returned. */
  readonly expiresInSeconds: number;
  /** Epoch ms when the token response arrived. */
  readonly obtainedAtMs: number;

  constructor(value: string, tokenType: string, expiresInSeconds: number, obtainedAtMs: number) {
    this.#value = value;
    this.tokenType = tokenType;
    this.expiresInSeconds = expiresInSeconds;
    this.obtainedAtMs = obtainedAtMs;
  }

  reveal(): string {
    return this.#value;
  }

  /** Epoch ms at which the token expires. */
  get expiresAtMs(): number {
    return this.obtainedAtMs + this.expiresInSeconds * 1000;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return `AccessToken([redacted], expiresInSeconds=${this.expiresInSeconds})`;
  }
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** `GET /api/v2/tokens/me`, the fields we rely on. */
export interface TokenInfo {
  readonly organizationId: string;
  readonly organizationName?: string;
  readonly oauthClientId: string;
  readonly oauthClientName?: string;
}

/** `OAuthClient`, without the secret (GENESYS-API.md §3). */
export interface OAuthClientInfo {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly authorizedGrantType: string;
  readonly accessTokenValiditySeconds?: number;
  readonly roleIds: readonly string[];
  readonly roleDivisions: readonly { readonly roleId: string; readonly divisionId: string }[];
  readonly dateModified?: string;
  readonly dateCreated?: string;
  readonly description?: string;
}

/** Body of `POST /api/v2/oauth/clients` (`OAuthClientRequest`, the fields we send). */
export interface OAuthClientCreate {
  readonly name: string;
  readonly description: string;
  readonly authorizedGrantType: string;
  readonly accessTokenValiditySeconds?: number;
  readonly roleDivisions: readonly { readonly roleId: string; readonly divisionId: string }[];
}

export interface StateChangeOptions {
  /** Change only from these states; from any other, nothing is written (`changed: false`, `previousState` says why). */
  readonly onlyFrom?: readonly string[];
}

/** What `setOAuthClientState` found and did. */
export interface ClientStateChange {
  readonly clientId: string;
  /** The state read before (any string Genesys answered, e.g. `active`). */
  readonly previousState: string;
  readonly state: ClientState;
  /** False when the client was already in `state` (a retry is a no-op), or not in `onlyFrom`: nothing was written. */
  readonly changed: boolean;
}

/** `POST /api/v2/oauth/clients/{id}/secret`: the new secret, shown once. */
export interface RegeneratedSecret {
  readonly clientId: string;
  readonly secret: string;
}

/** `Credential` as returned by GET (sensitive fields redacted by Genesys). */
export interface IntegrationCredential {
  readonly id: string;
  readonly name: string;
  readonly type: { readonly name: string; readonly [key: string]: unknown };
  readonly credentialFields?: Readonly<Record<string, string>>;
}

/** Body of `PUT /api/v2/integrations/credentials/{id}`. */
export interface IntegrationCredentialUpdate {
  readonly name: string;
  readonly type: { readonly name: string };
  readonly credentialFields: Readonly<Record<string, string>>;
}

/** One row of `ApiUsageQueryResult.results` (GENESYS-API.md §4). */
export interface ClientUsageRow {
  readonly clientId?: string;
  readonly templateUri?: string;
  readonly httpMethod?: string;
  readonly requests: number;
  readonly date?: string;
}

export interface ClientUsage {
  readonly clientId: string;
  /** ISO-8601 interval queried, `start/end`. */
  readonly interval: string;
  readonly totalRequests: number;
  readonly rows: readonly ClientUsageRow[];
}

/** The Genesys Cloud operations the product uses. Every method throws a `GenesysError` subclass on failure. */
export interface GenesysApi {
  /** `POST /oauth/token`, client credentials grant with HTTP Basic auth. */
  getToken(credentials: ClientCredentials): Promise<AccessToken>;
  /** `GET /api/v2/tokens/me`. */
  getTokenInfo(token: AccessToken): Promise<TokenInfo>;
  /** `GET /api/v2/oauth/clients/{id}`. */
  getOAuthClient(token: AccessToken, clientId: string): Promise<OAuthClientInfo>;
  /**
   * `GET /api/v2/oauth/clients`: every OAuth client of the token's organisation, following `nextUri`
   * (bounded by `pageCount` and a hard page cap), each id once.
   */
  listOAuthClients(token: AccessToken): Promise<readonly OAuthClientInfo[]>;
  /**
   * `POST /api/v2/oauth/clients`: creates a client. The secret in the answer is dropped unread: callers
   * that need one regenerate it (an alternating pair's standby gets its first secret at its first rotation).
   */
  createOAuthClient(token: AccessToken, request: OAuthClientCreate): Promise<OAuthClientInfo>;
  /**
   * Set a client's `state` and change nothing else: `GET` the client, `PUT` it back whole with only
   * `state` replaced, `GET` it again and compare (oauth-client-request.ts). No PUT when it is already in
   * `state`. `disabled`: its access tokens stop working and it gets no new ones (GENESYS-API.md §3).
   * @throws GenesysPermissionError naming oauth:client:edit; OAuthClientUpdateError when the re-read differs
   */
  setOAuthClientState(token: AccessToken, clientId: string, state: ClientState, options?: StateChangeOptions): Promise<ClientStateChange>;
  /** `POST /api/v2/oauth/clients/{id}/secret`: the client's old secret stops working at once. */
  regenerateSecret(token: AccessToken, clientId: string): Promise<RegeneratedSecret>;
  /** `GET {path}` on the API host, for a configured read-only verification path. Returns the status. */
  probe(token: AccessToken, path: string): Promise<number>;
  /** `GET /api/v2/integrations/credentials/{id}`. */
  getIntegrationCredential(token: AccessToken, credentialId: string): Promise<IntegrationCredential>;
  /** `PUT /api/v2/integrations/credentials/{id}`. */
  putIntegrationCredential(token: AccessToken, credentialId: string, body: IntegrationCredentialUpdate): Promise<void>;
  /** Usage of a client over the last `days` days (`POST .../usage/query`, then poll the results). */
  getClientUsage(token: AccessToken, clientId: string, days: number): Promise<ClientUsage>;
}
