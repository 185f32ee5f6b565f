/**
 * The HTTP side of the emulator: one node:http server (not undici: the product's client is undici, the
 * stand-in must not share its stack) serving `/oauth/token` and `/api/v2/*` on a loopback port.
 *
 * Every request goes through the same pipeline:
 *   read body → fault (fail / 429 / drop-after-action) → authenticate → rate limits →
 *   route (404 / 405 / 501) → permission (403) → handler → usage → latency → log → send, or reset the socket.
 * Injected faults act at the edge, before authentication, as a gateway would; they are not usage.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller } from './directory';
import type { Fault } from './faults';
import { injectedFailure, MESSAGES, notFound, platformError, tooManyRequests } from './errors';
import type { FixedWindowLimiter } from './rate-limits';
import type { Reply } from './reply';
import type { Services } from './routes/context';
import type { Resolution } from './routes/table';
import { resolveRoute } from './routes/table';
import { handleTokenRequest, tokenRequestCredentials } from './token-endpoint';
import type { RequestLogEntry } from './types';

const MAX_BODY_BYTES = 1024 * 1024;
const TOKEN_PATH = '/oauth/token';
const API_PREFIX = '/api/v2/';

export interface PipelineConfig {
  readonly services: Services;
  readonly tokenLimiter: FixedWindowLimiter;
  readonly orgLimiter: FixedWindowLimiter | undefined;
  /** Overrides the limiters' own `Retry-After` (emulator option `retryAfterSeconds`). */
  readonly retryAfterSeconds: number | undefined;
  /** Appended to once per request; the emulator's `requests()`. */
  readonly log: RequestLogEntry[];
}

/** What the pipeline decided for one request. */
interface Outcome {
  readonly reply: Reply;
  readonly clientId?: string;
  /** Reset the socket instead of sending `reply` (the action was done). */
  readonly drop?: boolean;
}

/** Request facts the pipeline stages share. */
interface Incoming {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** undefined when the body was larger than MAX_BODY_BYTES. */
  readonly body: string | undefined;
  readonly correlationId: string;
}

export function createEmulatorServer(config: PipelineConfig): Server {
  const server = createServer((req, res) => {
    handleRequest(config, req, res).catch(() => {
      // Only reachable if writing the response itself failed (client gone): nothing left to tell anyone.
      res.destroy();
    });
  });
  return server;
}

async function handleRequest(config: PipelineConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const latencyMs = config.services.faults.latencyMs; // as set when the request arrived
  const body = await readBody(req);

  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const incoming: Incoming = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    correlationId: randomUUID(),
  };

  let outcome: Outcome;
  try {
    outcome = decide(config, incoming);
  } catch {
    outcome = { reply: platformError(500, 'internal.server.error', 'Emulator handler failed.', incoming.correlationId) };
  }

  // The server acts at once and answers `latencyMs` later, like a slow reply: a caller that gives up
  // meanwhile cannot tell whether the action happened.
  if (latencyMs > 0) await sleep(latencyMs);
  config.log.push({
    method: incoming.method,
    path: incoming.path,
    status: outcome.reply.status,
    ...(outcome.clientId === undefined ? {} : { clientId: outcome.clientId }),
    ...(outcome.drop === true ? { dropped: true } : {}),
  });

  if (res.destroyed || req.socket.destroyed) return; // closed meanwhile (client gone or emulator closing)
  if (outcome.drop === true) {
    req.socket.resetAndDestroy();
    return;
  }
  send(res, outcome.reply, incoming.correlationId);
}

function decide(config: PipelineConfig, incoming: Incoming): Outcome {
  if (incoming.body === undefined) {
    return { reply: platformError(413, 'bad.request', 'Request body too large.', incoming.correlationId) };
  }
  if (incoming.path === TOKEN_PATH) return decideToken(config, incoming, incoming.body);
  if (incoming.path.startsWith(API_PREFIX)) return decideApi(config, incoming, incoming.body);
  const fault = config.services.faults.take(incoming.method, incoming.path);
  return { reply: faultReply(fault, incoming) ?? notFound(incoming.correlationId), drop: fault?.kind === 'drop' };
}

// ---- /oauth/token ---------------------------------------------------------------------------

function decideToken(config: PipelineConfig, incoming: Incoming, body: string): Outcome {
  const { directory, faults, now } = config.services;
  const form = isContentType(incoming.headers['content-type'], 'application/x-www-form-urlencoded')
    ? new URLSearchParams(body)
    : new URLSearchParams(); // UNCONFIRMED: another content type reads as an empty form (→ 400/401)
  const credentials = tokenRequestCredentials(incoming.headers.authorization, form);
  const client = credentials.clientId === undefined ? undefined : directory.client(credentials.clientId);
  const clientId = client?.id;

  const fault = faults.take(incoming.method, incoming.path);
  const injected = faultReply(fault, incoming);
  if (injected) return { reply: injected, ...withClient(clientId) };
  const drop = fault?.kind === 'drop';

  if (incoming.method !== 'POST') {
    return { reply: methodNotAllowed('POST', incoming.correlationId), drop, ...withClient(clientId) };
  }
  // UNCONFIRMED (§6: token-creation rate limit undocumented): the optional org limiter covers token calls too.
  if (client && config.orgLimiter) {
    const wait = config.orgLimiter.take(client.orgId, now());
    if (wait > 0) return { reply: limited(config, wait, incoming), drop, ...withClient(clientId) };
  }
  return { reply: handleTokenRequest(directory, credentials, form), drop, ...withClient(clientId) };
}

// ---- /api/v2 --------------------------------------------------------------------------------

function decideApi(config: PipelineConfig, incoming: Incoming, body: string): Outcome {
  const { directory, faults, usage, now } = config.services;
  const { correlationId } = incoming;
  const bearer = bearerToken(incoming.headers.authorization);
  const ownerId = bearer === undefined ? undefined : directory.tokenOwner(bearer);

  const fault = faults.take(incoming.method, incoming.path);
  const injected = faultReply(fault, incoming);
  if (injected) return { reply: injected, ...withClient(ownerId) };
  const drop = fault?.kind === 'drop';

  // §6 codes: no token → authentication.required; unknown, expired or disabled client's → bad.credentials.
  if (bearer === undefined) {
    return { reply: platformError(401, 'authentication.required', MESSAGES.authenticationRequired, correlationId), drop };
  }
  const caller = directory.authenticateToken(bearer);
  if (!caller) {
    return { reply: platformError(401, 'bad.credentials', MESSAGES.badCredentials, correlationId), drop, ...withClient(ownerId) };
  }

  const resolution = resolveRoute(incoming.method, incoming.path);
  const templateUri = (resolution.kind === 'not-found' ? incoming.path : resolution.template).slice(1);
  const reply = routeAuthenticated(config, incoming, body, bearer, caller, resolution);
  // §4: every call made with a client's token is that client's usage, bucketed by status.
  usage.record(caller.client.id, now(), templateUri, incoming.method, reply.status);
  return { reply, drop, clientId: caller.client.id };
}

function routeAuthenticated(
  config: PipelineConfig,
  incoming: Incoming,
  body: string,
  bearer: string,
  caller: Caller,
  resolution: Resolution,
): Reply {
  const { services } = config;
  const { correlationId } = incoming;
  const nowMs = services.now();

  if (config.orgLimiter) {
    const wait = config.orgLimiter.take(caller.org.id, nowMs);
    if (wait > 0) return limited(config, wait, incoming);
  }
  // §6, CLIM: 300 requests per minute per client-credentials token (configurable).
  const wait = config.tokenLimiter.take(bearer, nowMs);
  if (wait > 0) return limited(config, wait, incoming);

  switch (resolution.kind) {
    case 'not-found':
      return notFound(correlationId);
    case 'method-not-allowed':
      return methodNotAllowed(resolution.allow, correlationId);
    case 'not-emulated':
      return platformError(501, 'not.implemented', MESSAGES.notImplemented, correlationId);
    case 'route':
      break;
  }
  const { route, params } = resolution;

  // UNCONFIRMED order: permission before entity lookup, so a missing permission is 403 even for an unknown id.
  if (route.permissions.length > 0 && !services.directory.hasAnyPermission(caller.client, route.permissions)) {
    return platformError(
      403,
      'missing.permissions',
      `Unable to perform the requested action. You are missing the following permission(s): [${route.permissions.join(', ')}]`,
      correlationId,
    );
  }

  let parsedBody: unknown = undefined;
  if (body !== '') {
    if (route.jsonBody === true && !isContentType(incoming.headers['content-type'], 'application/json')) {
      // §3: 415 is a documented status; code UNCONFIRMED.
      return platformError(415, 'unsupported.media.type', 'Content-Type must be application/json.', correlationId);
    }
    try {
      parsedBody = JSON.parse(body);
    } catch {
      return platformError(400, 'bad.request', 'The request body is not valid JSON.', correlationId);
    }
  }
  return route.handle({ params, query: incoming.query, body: parsedBody, caller, correlationId }, services);
}

// ---- helpers --------------------------------------------------------------------------------

function faultReply(fault: Fault | undefined, incoming: Incoming): Reply | undefined {
  switch (fault?.kind) {
    case undefined:
    case 'drop':
      return undefined;
    case 'fail': {
      const { code, message } = injectedFailure(fault.status);
      return platformError(fault.status, code, message, incoming.correlationId);
    }
    case 'rateLimit':
      return tooManyRequests(fault.retryAfterSeconds, incoming.correlationId);
  }
}

function limited(config: PipelineConfig, waitSeconds: number, incoming: Incoming): Reply {
  return tooManyRequests(config.retryAfterSeconds ?? waitSeconds, incoming.correlationId);
}

/** UNCONFIRMED: a known path with another method answers 405 `method.not.allowed` with `Allow`. */
function methodNotAllowed(allow: string, correlationId: string): Reply {
  return platformError(405, 'method.not.allowed', MESSAGES.methodNotAllowed, correlationId, [], { allow });
}

function withClient(clientId: string | undefined): { clientId?: string } {
  return clientId === undefined ? {} : { clientId };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function isContentType(header: string | undefined, expected: string): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === expected;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply, correlationId: string): void {
  const headers: Record<string, string | number> = { 'inin-correlation-id': correlationId, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(reply.status, headers).end(text);
}
