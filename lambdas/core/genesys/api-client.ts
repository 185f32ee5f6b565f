/**
 * The Genesys Cloud API client: the one place that knows the endpoints, their shapes (schemas.ts),
 * what to retry and when (retry.ts), and which typed error (errors.ts) each failure becomes. It speaks
 * HTTP through an injected `HttpTransport` (transport.ts): undici for the Lambdas and the CLI
 * (client.ts wires it), Node's `https` (or a given `fetch`) for the consumer client, which must not
 * bundle undici.
 *
 * Secrets stay out of errors and logs: messages and log lines carry method, path, status, Genesys error
 * code and correlation id only; a foreign error is never attached as `cause` as-is (undici and fetch
 * errors can hold request headers, JSON.parse errors quote the body), only a copy with its name and code.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type * as z from 'zod/mini';
import {
  GenesysApiError,
  GenesysAuthError,
  GenesysNetworkError,
  GenesysNotFoundError,
  GenesysPermissionError,
  GenesysRateLimitError,
  GenesysResponseError,
  OAuthClientUpdateError,
  ValidationError,
  type GenesysError,
  type GenesysErrorDetails,
} from '../errors';
import { silentLog, type Log } from '../log';
import { genesysHosts, type GenesysEnvironment } from '../regions';
import {
  connectionError,
  decideRetry,
  errorCode,
  isTransientConnectionError,
  parseRetryAfterSeconds,
  backoffDelayMs,
  resolveRetryPolicy,
  type AttemptOutcome,
  type RetryPolicy,
} from './retry';
import {
  integrationCredentialSchema,
  oauthClientListingSchema,
  oauthClientSchema,
  oauthErrorSchema,
  platformErrorSchema,
  regeneratedClientSchema,
  tokenInfoSchema,
  tokenResponseSchema,
  usageQueryResultSchema,
  usageQueryStartSchema,
  type OAuthClientBody,
  type UsageRowBody,
} from './schemas';
import { changedFields, stateChangeRequest } from './oauth-client-request';
import {
  AccessToken,
  type ClientCredentials,
  type ClientState,
  type ClientStateChange,
  type StateChangeOptions,
  type ClientUsage,
  type ClientUsageRow,
  type GenesysApi,
  type IntegrationCredential,
  type IntegrationCredentialUpdate,
  type OAuthClientCreate,
  type OAuthClientInfo,
  type RegeneratedSecret,
  type TokenInfo,
} from './types';
import type { HttpResponse, HttpTransport } from './transport';

export interface GenesysApiClientOptions {
  readonly environment: GenesysEnvironment;
  /** GENESYS_CLOUD_BASE_URL: one base URL serving both `/oauth/token` and `/api/v2` (local stand-ins). */
  readonly baseUrl?: string;
  /** How requests travel (undici-transport.ts, node-transport.ts, fetch-transport.ts). */
  readonly transport: HttpTransport;
  /** Per attempt, from sending the request to the last byte of the body. @default 10_000 */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RETRY_POLICY (retry.ts) */
  readonly retry?: Partial<RetryPolicy>;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Receives one warning per retry; never a body, secret or token. @default silentLog */
  readonly log?: Log;
  /** @default Date.now */
  readonly now?: () => number;
  /** Called before every HTTP attempt (retries and polls included), e.g. to count round trips. `path` has no query string. */
  readonly onRequest?: (info: { method: string; path: string }) => void;
  /**
   * Epoch ms by which calls must be over (in a Lambda: the invocation's end minus a margin), read at
   * each retry. A retry whose wait plus one attempt would pass it is not made: the typed error is
   * thrown at once, so the step fails cleanly instead of the runtime killing it mid-call.
   */
  readonly deadline?: () => number | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Bounds the wait for an asynchronous usage query (GENESYS-API.md §4: latency undocumented). */
const USAGE_MAX_POLLS = 10;
/** Bounds the pages of one usage result followed through `cursors.after` (a result that never ends). */
const USAGE_MAX_PAGES = 20;
/** Bounds `GET /api/v2/oauth/clients` paging whatever `pageCount` says (a listing that never ends). */
const OAUTH_CLIENTS_MAX_PAGES = 100;
const OAUTH_CLIENTS_PATH = '/api/v2/oauth/clients';
const DAY_MS = 86_400_000;
const USER_AGENT = 'genesys-oauth-rotator';

/** Permissions the Platform API checks per call (GENESYS-API.md §3-§5), named in 403 messages. */
const PERMISSION = {
  viewClient: 'oauth:client:view',
  editClient: 'oauth:client:edit',
  addClient: 'oauth:client:add',
  viewUsage: 'oauth:client:view or usage:client:view',
  viewCredential: 'integrations:integration:view',
  editCredential: 'integrations:integration:edit',
} as const;

/** One logical call; `authorization` and `body` live only here and never reach an error or a log line. */
interface Call {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly host: 'login' | 'api';
  /** Path as sent: ids URL-encoded, possibly a query string (probe). */
  readonly path: string;
  /** Path with `{placeholders}` for logs. */
  readonly template: string;
  readonly authorization: string;
  readonly body?: { readonly contentType: string; readonly text: string };
  /** `/oauth/token` answers in OAuth's error format; everything else in the Platform API's. */
  readonly endpoint: 'oauth' | 'platform';
  /** The permission a 403 most likely means is missing. */
  readonly permission?: string;
}

type Reply = HttpResponse;

type Attempt =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'connection'; readonly timedOut: boolean; readonly transient: boolean; readonly code?: string; readonly cause?: Error };

export class GenesysApiClient implements GenesysApi {
  readonly #loginBaseUrl: string;
  readonly #apiBaseUrl: string;
  readonly #transport: HttpTransport;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #log: Log;
  readonly #now: () => number;
  readonly #deadline: (() => number | undefined) | undefined;
  readonly #onRequest: ((info: { method: string; path: string }) => void) | undefined;

  constructor(options: GenesysApiClientOptions) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      throw new ValidationError('Genesys client options', 'timeoutMs', 'a positive number of milliseconds');
    }
    this.#retry = resolveRetryPolicy(options.retry);
    const hosts = genesysHosts(options.environment, options.baseUrl);
    this.#loginBaseUrl = hosts.loginBaseUrl;
    this.#apiBaseUrl = hosts.apiBaseUrl;
    this.#transport = options.transport;
    this.#sleep = options.sleep ?? ((ms) => sleepFor(ms));
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? Date.now;
    this.#deadline = options.deadline;
    this.#onRequest = options.onRequest;
  }

  async getToken(credentials: ClientCredentials): Promise<AccessToken> {
    const call: Call = {
      method: 'POST',
      host: 'login',
      path: '/oauth/token',
      template: '/oauth/token',
      authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      body: { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' },
      endpoint: 'oauth',
    };
    const body = parseReply(call, await this.#send(call), tokenResponseSchema);
    return new AccessToken(body.access_token, body.token_type, body.expires_in, this.#now());
  }

  async getTokenInfo(token: AccessToken): Promise<TokenInfo> {
    const call = apiCall(token, 'GET', '/api/v2/tokens/me', '/api/v2/tokens/me');
    const body = parseReply(call, await this.#send(call), tokenInfoSchema);
    return {
      organizationId: body.organization.id,
      ...(body.organization.name !== undefined ? { organizationName: body.organization.name } : {}),
      oauthClientId: body.OAuthClient.id,
      ...(body.OAuthClient.name !== undefined ? { oauthClientName: body.OAuthClient.name } : {}),
    };
  }

  async getOAuthClient(token: AccessToken, clientId: string): Promise<OAuthClientInfo> {
    const call = apiCall(token, 'GET', `/api/v2/oauth/clients/${segment('clientId', clientId)}`, '/api/v2/oauth/clients/{clientId}', {
      permission: PERMISSION.viewClient,
    });
    return toClientInfo(parseReply(call, await this.#send(call), oauthClientSchema));
  }

  async setOAuthClientState(token: AccessToken, clientId: string, state: ClientState, options: StateChangeOptions = {}): Promise<ClientStateChange> {
    const path = `/api/v2/oauth/clients/${segment('clientId', clientId)}`;
    const template = '/api/v2/oauth/clients/{clientId}';
    const read = async (): Promise<OAuthClientBody> => {
      const call = apiCall(token, 'GET', path, template, { permission: PERMISSION.viewClient });
      return parseReply(call, await this.#send(call), oauthClientSchema);
    };
    const before = await read();
    const previousState = before.state ?? 'unknown';
    if (previousState === state || (options.onlyFrom !== undefined && !options.onlyFrom.includes(previousState))) {
      return { clientId, previousState, state, changed: false };
    }
    const request = stateChangeRequest(before, state);
    if (request === undefined) {
      throw new OAuthClientUpdateError(`Genesys Cloud answered OAuth client ${clientId} without name or authorizedGrantType; its state was not changed (a PUT needs both)`, {
        method: 'GET',
        path,
        status: 200,
        clientId,
        fields: ['name', 'authorizedGrantType'],
      });
    }
    // A PUT replaces the whole client: every field is written back as read (oauth-client-request.ts).
    // Retried like every call: the same whole body twice is the same result.
    const put = apiCall(token, 'PUT', path, template, { permission: PERMISSION.editClient, json: request });
    parseReply(put, await this.#send(put), oauthClientSchema);
    const after = await read();
    const fields: string[] = [...changedFields(before, after), ...(after.state === state ? [] : ['state'])];
    if (fields.length > 0) {
      throw new OAuthClientUpdateError(`OAuth client ${clientId} read back after setting its state to ${state} differs in: ${fields.join(', ')}; check it in Genesys Cloud`, {
        method: 'PUT',
        path,
        status: 200,
        clientId,
        fields,
      });
    }
    return { clientId, previousState, state, changed: true };
  }

  async listOAuthClients(token: AccessToken): Promise<readonly OAuthClientInfo[]> {
    const clients = new Map<string, OAuthClientInfo>();
    // The documented operation takes no query parameters; later pages are wherever `nextUri` points.
    let path: string | undefined = OAUTH_CLIENTS_PATH;
    for (let page = 1; path !== undefined; page++) {
      const call = apiCall(token, 'GET', path, OAUTH_CLIENTS_PATH, { permission: PERMISSION.viewClient });
      const body = parseReply(call, await this.#send(call), oauthClientListingSchema);
      // A client moved between pages while we read shows up twice: the first sighting is kept.
      for (const entity of body.entities ?? []) if (!clients.has(entity.id)) clients.set(entity.id, toClientInfo(entity));
      const next = body.nextUri ?? undefined;
      const lastPage = Math.min(typeof body.pageCount === 'number' ? body.pageCount : OAUTH_CLIENTS_MAX_PAGES, OAUTH_CLIENTS_MAX_PAGES);
      path = next !== undefined && next !== '' && page < lastPage ? checkListingPath(call, next) : undefined;
    }
    return [...clients.values()];
  }

  async createOAuthClient(token: AccessToken, request: OAuthClientCreate): Promise<OAuthClientInfo> {
    // Retried like every call: if an answer is lost, a retry can create a second client with the same
    // name. Callers look for an existing client by name before creating one (`pair` does).
    const payload = {
      name: request.name,
      description: request.description,
      authorizedGrantType: request.authorizedGrantType,
      ...(request.accessTokenValiditySeconds !== undefined ? { accessTokenValiditySeconds: request.accessTokenValiditySeconds } : {}),
      roleDivisions: request.roleDivisions.map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId })),
    };
    const call = apiCall(token, 'POST', OAUTH_CLIENTS_PATH, OAUTH_CLIENTS_PATH, { permission: PERMISSION.addClient, json: payload });
    // oauthClientSchema has no `secret`: zod drops it, so the new secret is never held beyond the reply text.
    return toClientInfo(parseReply(call, await this.#send(call), oauthClientSchema));
  }

  async regenerateSecret(token: AccessToken, clientId: string): Promise<RegeneratedSecret> {
    // Retried like every call, connection errors included: if Genesys regenerated but the answer was
    // lost, the secret it made is unknown to us and already the only valid one, so regenerating again
    // is both safe and the only way forward (DESIGN.md §3, createSecret row). This is why a client must
    // never regenerate its own secret (DESIGN.md §2): the admin token here belongs to another client.
    const call = apiCall(token, 'POST', `/api/v2/oauth/clients/${segment('clientId', clientId)}/secret`, '/api/v2/oauth/clients/{clientId}/secret', {
      permission: PERMISSION.editClient,
    });
    const body = parseReply(call, await this.#send(call), regeneratedClientSchema);
    if (body.id !== clientId) {
      throw new GenesysResponseError('Genesys Cloud answered a secret regeneration for a different client', {
        method: call.method,
        path: call.path,
        status: 200,
      });
    }
    return { clientId: body.id, secret: body.secret };
  }

  async probe(token: AccessToken, path: string): Promise<number> {
    checkProbePath(path);
    const template = path.split('?', 1)[0] ?? path;
    const call = apiCall(token, 'GET', path, template);
    return (await this.#send(call)).status;
  }

  async getIntegrationCredential(token: AccessToken, credentialId: string): Promise<IntegrationCredential> {
    const call = apiCall(
      token,
      'GET',
      `/api/v2/integrations/credentials/${segment('credentialId', credentialId)}`,
      '/api/v2/integrations/credentials/{credentialId}',
      { permission: PERMISSION.viewCredential },
    );
    const body = parseReply(call, await this.#send(call), integrationCredentialSchema);
    const fields = body.credentialFields ?? undefined;
    return {
      id: body.id,
      name: body.name ?? body.id,
      type: body.type,
      ...(fields !== undefined
        ? { credentialFields: Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) }
        : {}),
    };
  }

  async putIntegrationCredential(token: AccessToken, credentialId: string, update: IntegrationCredentialUpdate): Promise<void> {
    // Only the documented fields are sent (TF sends exactly these), whatever else `update` carries.
    const payload = { name: update.name, type: { name: update.type.name }, credentialFields: update.credentialFields };
    const call = apiCall(
      token,
      'PUT',
      `/api/v2/integrations/credentials/${segment('credentialId', credentialId)}`,
      '/api/v2/integrations/credentials/{credentialId}',
      { permission: PERMISSION.editCredential, json: payload },
    );
    // The answer (`CredentialInfo`, status undocumented) holds nothing we need: success is the 2xx.
    await this.#send(call);
  }

  async getClientUsage(token: AccessToken, clientId: string, days: number): Promise<ClientUsage> {
    if (!Number.isInteger(days) || days < 1) throw new ValidationError('getClientUsage', 'days', 'a whole number of days >= 1');
    const id = segment('clientId', clientId);
    const endMs = this.#now();
    // Whole seconds, as in the documented example (`2026-01-01T00:00:00/2026-01-08T00:00:00`).
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const interval = `${iso(endMs - days * DAY_MS)}/${iso(endMs)}`;
    const query = { interval, granularity: 'Day', metrics: ['Requests'], groupBy: ['TemplateUri', 'HttpMethod'] };
    const start = apiCall(token, 'POST', `/api/v2/oauth/clients/${id}/usage/query`, '/api/v2/oauth/clients/{clientId}/usage/query', {
      permission: PERMISSION.viewUsage,
      json: query,
    });
    const { executionId } = parseReply(start, await this.#send(start), usageQueryStartSchema);

    const resultsPath = `/api/v2/oauth/clients/${id}/usage/query/results/${segment('executionId', executionId)}`;
    const resultsTemplate = '/api/v2/oauth/clients/{clientId}/usage/query/results/{executionId}';
    // A result may come in pages (`cursors.after`): reading only the first could call a client in use
    // "idle". How to ask for the next page is UNCONFIRMED (no SDK documents a parameter for it): the same
    // results URI with `?after=<cursor>`, as Genesys' other cursor listings take it. Bounded, and a
    // cursor seen before ends the listing (a server that repeats itself must not loop us).
    const rows: ClientUsageRow[] = [];
    const followed = new Set<string>();
    let after: string | undefined;
    for (let page = 1; ; page++) {
      const poll = apiCall(
        token,
        'GET',
        after === undefined ? resultsPath : `${resultsPath}?after=${encodeURIComponent(after)}`,
        after === undefined ? resultsTemplate : `${resultsTemplate}?after={cursor}`,
        { permission: PERMISSION.viewUsage },
      );
      const result = await this.#pollUsage(poll);
      rows.push(...(result.results ?? []).map(toUsageRow));
      const next = result.cursors?.after;
      if (next === undefined || next === '' || followed.has(next)) break;
      if (page >= USAGE_MAX_PAGES) {
        throw new GenesysApiError(`Genesys Cloud usage result has more than ${USAGE_MAX_PAGES} pages`, { method: poll.method, path: withoutQuery(poll.path), status: 200 });
      }
      followed.add(next);
      after = next;
    }
    return { clientId, interval, totalRequests: rows.reduce((sum, row) => sum + row.requests, 0), rows };
  }

  /** Polls one results page until the query is `Complete` (bounded); `Failed` throws. */
  async #pollUsage(poll: Call): Promise<z.infer<typeof usageQueryResultSchema>> {
    for (let round = 1; ; round++) {
      const result = parseReply(poll, await this.#send(poll), usageQueryResultSchema);
      const details = { method: poll.method, path: withoutQuery(poll.path), status: 200 };
      const status = result.queryStatus.toLowerCase();
      if (status === 'complete') return result;
      if (status === 'failed') throw new GenesysApiError('Genesys Cloud usage query failed', details);
      // `Running`, or a status no source documents: poll again, boundedly.
      if (round >= USAGE_MAX_POLLS) throw new GenesysApiError(`Genesys Cloud usage query still running after ${round} polls`, details);
      await this.#sleep(backoffDelayMs(this.#retry, round));
    }
  }

  /** Sends `call` until it succeeds (2xx) or the retry policy gives up; then throws the typed error. */
  async #send(call: Call): Promise<Reply> {
    const path = withoutQuery(call.path);
    for (let attempt = 1; ; attempt++) {
      this.#onRequest?.({ method: call.method, path });
      const result = await this.#attempt(call);
      if (result.kind === 'reply' && result.reply.status >= 200 && result.reply.status < 300) return result.reply;

      // What went wrong, in log-safe terms: Genesys error code and correlation id, or the socket error code.
      const failure: { code?: string; correlationId?: string } =
        result.kind === 'reply' ? describeReplyFailure(call, result.reply) : result.code !== undefined ? { code: result.code } : {};
      const outcome: AttemptOutcome =
        result.kind === 'reply'
          ? { kind: 'status', status: result.reply.status, ...retryAfter(result.reply) }
          : { kind: 'connection', transient: result.transient };
      let decision = decideRetry(this.#retry, attempt, outcome);
      const deadline = this.#deadline?.();
      if (decision.retry && deadline !== undefined && this.#now() + decision.delayMs + this.#timeoutMs > deadline) {
        this.#log.warn('Genesys Cloud call failed; no time left to retry before the invocation ends', {
          method: call.method,
          path: call.template,
          ...(result.kind === 'reply' ? { status: result.reply.status } : {}),
          ...failure,
          attempt,
          delayMs: decision.delayMs,
        });
        decision = { retry: false, reason: outcome.kind === 'status' && outcome.status === 429 ? 'retry-after-too-long' : 'exhausted' };
      }
      if (!decision.retry) {
        if (result.kind === 'connection') throw this.#networkError(call, result, attempt);
        throw replyError(call, result.reply, failure, { attempts: attempt, retryAfterTooLong: decision.reason === 'retry-after-too-long', policy: this.#retry });
      }
      this.#log.warn('Genesys Cloud call failed, retrying', {
        method: call.method,
        path: call.template,
        ...(result.kind === 'reply' ? { status: result.reply.status } : { timedOut: result.timedOut }),
        ...failure,
        attempt,
        maxAttempts: this.#retry.maxAttempts,
        delayMs: decision.delayMs,
      });
      await this.#sleep(decision.delayMs);
    }
  }

  /** One HTTP exchange, bounded by the timeout from request to last body byte. Never throws. */
  async #attempt(call: Call): Promise<Attempt> {
    const baseUrl = call.host === 'login' ? this.#loginBaseUrl : this.#apiBaseUrl;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: call.authorization,
      'user-agent': USER_AGENT,
      ...(call.body !== undefined ? { 'content-type': call.body.contentType } : {}),
    };
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
    }, this.#timeoutMs);
    try {
      const reply = await this.#transport({
        url: `${baseUrl}${call.path}`,
        method: call.method,
        headers,
        ...(call.body !== undefined ? { body: call.body.text } : {}),
        signal: controller.signal,
      });
      return { kind: 'reply', reply };
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'connection', timedOut: true, transient: true };
      const code = errorCode(error);
      return {
        kind: 'connection',
        timedOut: false,
        transient: isTransientConnectionError(error),
        ...(code !== undefined ? { code } : {}),
        cause: safeCause(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  #networkError(call: Call, result: Extract<Attempt, { kind: 'connection' }>, attempts: number): GenesysNetworkError {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const message = result.timedOut
      ? `Genesys Cloud did not answer within ${this.#timeoutMs} ms (${tries})`
      : `Genesys Cloud could not be reached (${tries})`;
    const details = { method: call.method, path: withoutQuery(call.path), ...(result.code !== undefined ? { code: result.code } : {}) };
    return new GenesysNetworkError(message, details, result.cause !== undefined ? { cause: result.cause } : undefined);
  }
}

/**
 * One client per Genesys Cloud region, created by `create` on first use and kept (connections and
 * retry state are per client). Handlers and the credential provider hold one of these at module scope.
 */
export function clientsByEnvironment(create: (environment: GenesysEnvironment) => GenesysApi): (environment: GenesysEnvironment) => GenesysApi {
  const clients = new Map<GenesysEnvironment, GenesysApi>();
  return (environment) => {
    let client = clients.get(environment);
    if (client === undefined) {
      client = create(environment);
      clients.set(environment, client);
    }
    return client;
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers: building calls, reading replies, making errors
// ---------------------------------------------------------------------------------------------

function apiCall(
  token: AccessToken,
  method: Call['method'],
  path: string,
  template: string,
  extra: { permission?: string; json?: unknown } = {},
): Call {
  return {
    method,
    host: 'api',
    path,
    template,
    authorization: `Bearer ${token.reveal()}`,
    endpoint: 'platform',
    ...(extra.permission !== undefined ? { permission: extra.permission } : {}),
    ...(extra.json !== undefined ? { body: { contentType: 'application/json', text: JSON.stringify(extra.json) } } : {}),
  };
}

/** An id as one URL path segment. An empty id would silently address the collection, so it is refused. */
function segment(field: string, id: string): string {
  if (id === '') throw new ValidationError('Genesys Cloud path', field, 'a non-empty id');
  return encodeURIComponent(id);
}

/** A configured verification path: a plain `/api/v2/...` path on the API host, nothing that could escape it. */
function checkProbePath(path: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  const forbidden = /[\s\\#\u0000-\u001f\u007f]/;
  const isUnsafeSegment = (part: string): boolean => {
    try {
      const decoded = decodeURIComponent(part);
      return decoded === '.' || decoded === '..' || decoded.includes('/');
    } catch {
      return true; // malformed escapes: refuse rather than guess how the server decodes them
    }
  };
  const safe = path.startsWith('/api/v2/') && !forbidden.test(path) && !withoutQuery(path).split('/').some(isUnsafeSegment);
  if (!safe) throw new ValidationError('Genesys Cloud probe', 'path', 'a path under /api/v2/ without "..", "#", spaces or backslashes');
}

/** A listing's `nextUri`: a path on the API host under the same collection, never another host. */
function checkListingPath(call: Call, next: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  const forbidden = /[\s\\#\u0000-\u001f\u007f]|\.\./;
  const pathPart = withoutQuery(next);
  if ((pathPart === OAUTH_CLIENTS_PATH || pathPart === `${OAUTH_CLIENTS_PATH}/`) && !forbidden.test(next)) return next;
  throw new GenesysResponseError('Genesys Cloud answered a listing whose nextUri is not a path under /api/v2/oauth/clients', {
    method: call.method,
    path: withoutQuery(call.path),
    status: 200,
  });
}

function toClientInfo(body: OAuthClientBody): OAuthClientInfo {
  return {
    id: body.id,
    name: body.name ?? '',
    state: body.state ?? 'unknown',
    authorizedGrantType: body.authorizedGrantType ?? '',
    ...(typeof body.accessTokenValiditySeconds === 'number' ? { accessTokenValiditySeconds: body.accessTokenValiditySeconds } : {}),
    roleIds: body.roleIds ?? [],
    roleDivisions: (body.roleDivisions ?? []).map((rd) => ({ roleId: rd.roleId, divisionId: rd.divisionId ?? '' })),
    ...(typeof body.dateModified === 'string' ? { dateModified: body.dateModified } : {}),
    ...(typeof body.dateCreated === 'string' ? { dateCreated: body.dateCreated } : {}),
    ...(typeof body.description === 'string' && body.description !== '' ? { description: body.description } : {}),
  };
}

function withoutQuery(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}

function retryAfter(reply: Reply): { retryAfterSeconds?: number } {
  const seconds = parseRetryAfterSeconds(reply.header('retry-after'));
  return seconds !== undefined ? { retryAfterSeconds: seconds } : {};
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // The SyntaxError quotes the body; it is dropped on purpose.
    return { ok: false };
  }
}

/** Error code and correlation id of a non-2xx reply, from the OAuth or Platform API error body. */
function describeReplyFailure(call: Call, reply: Reply): { code?: string; correlationId?: string } {
  const json = parseJson(reply.text);
  let code: string | undefined;
  let contextId: string | undefined;
  if (json.ok) {
    const oauth = call.endpoint === 'oauth' ? oauthErrorSchema.safeParse(json.value) : undefined;
    if (oauth?.success === true) {
      code = oauth.data.error;
    } else {
      const platform = platformErrorSchema.safeParse(json.value);
      if (platform.success) {
        code = platform.data.code;
        contextId = platform.data.contextId;
      }
    }
  }
  const correlationId = reply.header('inin-correlation-id') ?? contextId;
  return { ...(code !== undefined ? { code } : {}), ...(correlationId !== undefined ? { correlationId } : {}) };
}

function replyError(
  call: Call,
  reply: Reply,
  failure: { code?: string; correlationId?: string },
  context: { attempts: number; retryAfterTooLong: boolean; policy: RetryPolicy },
): GenesysError {
  const { status } = reply;
  const details: GenesysErrorDetails = { method: call.method, path: withoutQuery(call.path), status, ...failure };
  if (status === 429) {
    const message = context.retryAfterTooLong
      ? `Genesys Cloud asked to retry after ${reply.header('retry-after') ?? '?'} s, more than the ${context.policy.maxRetryAfterSeconds} s allowed`
      : `Genesys Cloud kept rate-limiting the call (${context.attempts} attempts)`;
    return new GenesysRateLimitError(message, details);
  }
  if (call.endpoint === 'oauth' && status >= 400 && status < 500) return new GenesysAuthError('Genesys Cloud refused the client credentials', details);
  switch (status) {
    case 401:
      return new GenesysAuthError('Genesys Cloud refused the access token (expired, revoked or from another region)', details);
    case 403:
      return new GenesysPermissionError(
        call.permission !== undefined
          ? `Genesys Cloud denied the call: the token's client likely lacks the permission ${call.permission}`
          : "Genesys Cloud denied the call: the token's client lacks a permission for it",
        details,
      );
    case 404:
      return new GenesysNotFoundError('Genesys Cloud found no such entity', details);
    default:
      return new GenesysApiError(
        status >= 500 ? `Genesys Cloud failed with a server error (${context.attempts} attempts)` : 'Genesys Cloud rejected the call',
        details,
      );
  }
}

/**
 * Parses a 2xx body with `schema`. A mismatch names the offending fields and zod's issue codes,
 * never a value: the body may hold a secret (regenerate) or a token.
 */
function parseReply<T>(call: Call, reply: Reply, schema: z.ZodMiniType<T>): T {
  const details: GenesysErrorDetails = {
    method: call.method,
    path: withoutQuery(call.path),
    status: reply.status,
    ...(reply.header('inin-correlation-id') !== undefined ? { correlationId: reply.header('inin-correlation-id') } : {}),
  };
  const json = parseJson(reply.text);
  if (!json.ok) throw new GenesysResponseError('Genesys Cloud answered with a body that is not JSON', details);
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'} (${issue.code})`)
    .join(', ');
  throw new GenesysResponseError(`Genesys Cloud answered with an unexpected shape at ${where}`, details);
}

function toUsageRow(row: UsageRowBody): ClientUsageRow {
  return {
    requests: row.requests ?? 0,
    ...(row.clientId !== undefined ? { clientId: row.clientId } : {}),
    ...(row.templateUri !== undefined ? { templateUri: row.templateUri } : {}),
    ...(row.httpMethod !== undefined ? { httpMethod: row.httpMethod } : {}),
    ...(row.date !== undefined ? { date: row.date } : {}),
  };
}

/**
 * A copy of a connection error that is safe to keep as `cause`: name and code, and the message only
 * for Node's and undici's socket errors (they name addresses). Other messages may quote the request:
 * undici's MockNotMatchedError prints its headers, Authorization included. With fetch, the socket error
 * is the `cause` of a `TypeError: fetch failed`: that inner error is the one copied.
 */
function safeCause(error: unknown): Error {
  const inner = connectionError(error) ?? error;
  const name = inner instanceof Error ? inner.name : 'NonError';
  const code = errorCode(inner);
  const message = inner instanceof Error && isTransientConnectionError(inner) ? inner.message : (code ?? name);
  const copy = new Error(message);
  copy.name = name;
  if (code !== undefined) Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  return copy;
}
