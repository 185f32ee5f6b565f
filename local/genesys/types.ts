/**
 * Public surface of the Genesys Cloud stand-in (DESIGN.md §7). Tests, the demo and benchmarks start it
 * with `startGenesysEmulator()` and drive it over HTTP (`baseUrl`) plus the in-process set-up and truth
 * methods below.
 */

export type ClientState = 'active' | 'disabled' | 'inactive';

export interface RoleDivision {
  readonly roleId: string;
  readonly divisionId: string;
}

export interface GenesysEmulatorOptions {
  /** Clock for token expiry, fresh-secret delay, rate-limit windows and dates. Default `Date.now`. */
  readonly now?: () => number;
  /** Requests per minute allowed per access token (GENESYS-API.md §6, CLIM). Default 300. */
  readonly tokenRatePerMinute?: number;
  /** Optional per-organisation limiter (fleet benchmarks); off unless given. */
  readonly orgRequestLimit?: { readonly perSecond: number };
  /** `Retry-After` for every 429 the emulator makes up; by default the limiters say when their window frees up, `rateLimitNext` says 1. */
  readonly retryAfterSeconds?: number;
  /**
   * Page size of `GET /api/v2/oauth/clients` when the request names none. By default the listing is not
   * paged: the documented operation takes no paging parameters (JS SDK `getOauthClients()`, GO
   * `GetOauthClients()`), so every client comes in one `OAuthClientEntityListing` (UNCONFIRMED that
   * Genesys never pages it). Set it to prove that a caller follows `nextUri`.
   */
  readonly oauthClientsPageSize?: number;
  /**
   * Rows per page of a usage query's results (`ApiUsageQueryResult`). By default every row comes in one
   * page. Set, a page carries `cursors.after` while rows remain, and the next page is the same results
   * URI with `?after=<cursor>`: the official SDKs model `cursors` but document no parameter to send it
   * back (UNCONFIRMED; `after` as in Genesys' other cursor listings, e.g. `/integrations/credentials/listing`).
   */
  readonly usageResultsPageSize?: number;
  /** Loopback port to listen on; default a free one. */
  readonly port?: number;
}

export interface CreateClientInput {
  readonly name: string;
  readonly roleIds?: readonly string[];
  readonly roleDivisions?: readonly RoleDivision[];
  /** 300..172800, default 86400 (GENESYS-API.md §2). */
  readonly accessTokenValiditySeconds?: number;
  readonly state?: ClientState;
  /** Default `CLIENT-CREDENTIALS`. */
  readonly authorizedGrantType?: string;
  /** Default `''`. */
  readonly description?: string;
  /** Default `[]`. */
  readonly registeredRedirectUri?: readonly string[];
  /** Default `[]`. */
  readonly scope?: readonly string[];
}

/** A parsed `OAuthClientRequest` of `PUT /api/v2/oauth/clients/{id}`: what the client becomes. */
export interface ReplaceClientInput {
  readonly name: string;
  readonly authorizedGrantType: string;
  readonly description?: string;
  readonly accessTokenValiditySeconds?: number;
  readonly state?: ClientState;
  readonly roleIds?: readonly string[];
  readonly roleDivisions?: readonly RoleDivision[];
  readonly registeredRedirectUri?: readonly string[];
  readonly scope?: readonly string[];
}

export interface CreateIntegrationCredentialInput {
  readonly name: string;
  readonly typeName: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface IntegrationCredentialSnapshot {
  readonly name: string;
  readonly typeName: string;
  readonly fields: Readonly<Record<string, string>>;
  /** How many successful PUTs changed it. */
  readonly modifiedCount: number;
}

export interface RecordUsageInput {
  readonly requests: number;
  /** Day of the usage, `YYYY-MM-DD` or any ISO date-time; default today (injected clock, UTC). */
  readonly date?: string;
  /** Default `api/v2/users/me`. */
  readonly templateUri?: string;
  /** Default `GET`. */
  readonly httpMethod?: string;
}

/** One answered (or dropped) request, in the order they were answered. */
export interface RequestLogEntry {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Status sent, or for a dropped request the status that would have been sent. */
  readonly status: number;
  /** The client that made the call, when it could be told (bearer token or token-endpoint client id). */
  readonly clientId?: string;
  /** True when the socket was destroyed instead of answering (`dropAfterActionNext`). */
  readonly dropped?: boolean;
}

/**
 * Which requests a fault applies to. Every given field must match: `method` case-insensitively, `path`
 * against the path without query string (a string must equal it exactly, a RegExp is tested).
 */
export interface FaultMatch {
  readonly method?: string;
  readonly path?: RegExp | string;
}

export interface GenesysFaults {
  /**
   * Milliseconds of real time added to every request (the value when it arrives): the server acts at
   * once and answers this much later, and the request is logged when answered.
   */
  latencyMs: number;
  /** The next `n` matching requests fail with `status` (default 503) and a Platform API error body; nothing is done. */
  failNext(n: number, match: FaultMatch & { readonly status?: number }): void;
  /** The next `n` matching requests are performed, then their socket is reset without any response. */
  dropAfterActionNext(n: number, match: FaultMatch): void;
  /** The next `n` matching requests get a 429 with `Retry-After` (GENESYS-API.md §6, F429); nothing is done. */
  rateLimitNext(n: number, match: FaultMatch, retryAfterSeconds?: number): void;
  /** After a regenerate the new secret is refused (`invalid_client`) for this long by the injected clock; the old one dies at once. */
  freshSecretDelayMs: number;
  /** Forget queued faults and set latency and fresh-secret delay back to 0. */
  reset(): void;
}

export interface GenesysEmulator {
  /** `http://127.0.0.1:PORT`; serves both `/oauth/token` and `/api/v2/*`. */
  readonly baseUrl: string;
  close(): Promise<void>;

  createOrganization(input?: { readonly name?: string }): { id: string; name: string };
  /** Permissions such as `oauth:client:edit`; a `*` segment matches anything. */
  defineRole(orgId: string, input: { readonly name: string; readonly permissions: readonly string[] }): { id: string };
  createClient(orgId: string, input: CreateClientInput): { id: string; secret: string };
  /** Replace the client's roles (e.g. to make the two clients of an alternating pair drift apart). */
  setClientRoles(clientId: string, roleDivisions: readonly RoleDivision[]): void;
  setClientState(clientId: string, state: ClientState): void;
  /** The client as `GET /api/v2/oauth/clients/{id}` shows it (no secret), for assertions. */
  clientView(clientId: string): Record<string, unknown> | undefined;
  createIntegrationCredential(orgId: string, input: CreateIntegrationCredentialInput): { id: string };
  /** The stored credential, unredacted, for assertions. */
  integrationCredential(id: string): IntegrationCredentialSnapshot | undefined;
  recordUsage(clientId: string, input: RecordUsageInput): void;

  /** Would `/oauth/token` accept this secret for this client now? */
  secretWorks(clientId: string, secret: string): boolean;
  /** Whether `secret` is the client's current secret, accepted yet or not (ignores freshSecretDelayMs and state). */
  isCurrentSecret(clientId: string, secret: string): boolean;
  /** Would `/api/v2` accept this bearer token now? */
  tokenWorks(accessToken: string): boolean;
  /** Every secret ever issued, for leak checks. */
  issuedSecrets(): string[];
  /** Every access token ever issued, for leak checks. */
  issuedTokens(): string[];
  requests(): RequestLogEntry[];
  resetRequests(): void;
  /** Successful `POST /api/v2/oauth/clients/{id}/secret` calls for the client (including dropped ones). */
  regenerateCount(clientId: string): number;
  readonly faults: GenesysFaults;
}
