/**
 * Webhook delivery: POST the rotated event's detail to one receiver, signed, with an idempotency key,
 * retried with backoff. The notifier's only HTTP besides the Genesys client, kept apart from it on
 * purpose: a receiver is not Genesys Cloud. Retry rules are the Genesys client's (genesys/retry.ts):
 * 429 and 5xx except 501, and dropped, refused or timed-out connections. `Retry-After` is a receiver's
 * own (retry-after.ts): honoured on 429 and 503, as seconds or an HTTP-date; anything else gets backoff.
 * Redirects are not followed: a 3xx is a failure like a 4xx (the receiver's URL is configuration; fix it there).
 *
 * Time is bounded twice: each attempt, connection included, by `timeoutMs`; the whole delivery by an
 * optional `deadline` (the notify handler's invocation end minus a margin), so that a failed delivery
 * still reaches the dead-letter queue before Lambda stops the invocation.
 *
 * Never throws for a failed delivery: the result says what happened, and the caller decides (the
 * notifier sends it to the dead-letter queue). Results and logs carry the receiver's name, status and
 * error code, never the signing key, the signature or the URL's query string.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { silentLog, type Log } from '../log';
import { decideRetry, errorCode, isTransientConnectionError, type RetryDecision, type RetryPolicy } from '../genesys/retry';
import type { RotatedEventDetail } from '../events';
import { parseRetryAfterMs } from './retry-after';
import { isUsableIdempotencyKey, signatureHeader, WEBHOOK_HEADERS } from './signature';
import { describeWebhookUrl, webhookUrlProblem } from './url-policy';

export interface WebhookTarget {
  /** Names the receiver in logs and dead letters. */
  readonly name: string;
  readonly url: string;
}

export interface WebhookDeliveryOptions {
  /** @default one module-level undici Agent with a short keep-alive */
  readonly dispatcher?: Dispatcher;
  /** @default DEFAULT_WEBHOOK_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt: connecting, sending and reading the response, all together. @default 5_000 */
  readonly timeoutMs?: number;
  /**
   * Epoch ms by which delivery must be over, read before each attempt and each wait: one that could
   * pass it is not started, and the result is `deadline`. @default none
   */
  readonly deadline?: () => number | undefined;
  /** Allow `http://127.0.0.1` (tests, demo). @default false */
  readonly allowLoopbackHttp?: boolean;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock for signing, deadlines and `Retry-After` dates. @default Date.now */
  readonly now?: () => number;
  /** @default Math.random (backoff jitter) */
  readonly random?: () => number;
  /** @default silentLog */
  readonly log?: Log;
}

/**
 * Four attempts over about 7 s of backoff (receivers are tried in parallel). `Retry-After` waits (429
 * and 503) can add up to 3 x 30 s: the `deadline` option, not this policy, keeps that inside the Lambda's timeout.
 */
export const DEFAULT_WEBHOOK_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  maxRetryAfterSeconds: 30,
};

const DEFAULT_TIMEOUT_MS = 5_000;
const USER_AGENT = 'genesys-oauth-rotator-notifier';

export type WebhookDeliveryResult =
  | { readonly delivered: true; readonly name: string; readonly attempts: number; readonly status: number }
  | {
      readonly delivered: false;
      readonly name: string;
      readonly attempts: number;
      /**
       * `rejected`: a status not worth retrying (e.g. 302, 400, 401, 404); `exhausted`: every attempt failed;
       * `retry-after-too-long`: a 429 or 503 asked for a longer wait than `maxRetryAfterSeconds`;
       * `deadline`: the next wait or attempt would have passed `deadline`; `idempotency-key-unusable`:
       * the version id cannot be signed as a key (`isUsableIdempotencyKey`), so nothing was sent.
       */
      readonly reason: 'rejected' | 'exhausted' | 'retry-after-too-long' | 'url-refused' | 'deadline' | 'idempotency-key-unusable';
      /** Last HTTP status, when a response arrived. */
      readonly status?: number;
      /** Last connection error code (`ECONNREFUSED`, `ATTEMPT_TIMEOUT` when `timeoutMs` ran out, ...), when none did. */
      readonly errorCode?: string;
    };

/** `errorCode` of an attempt that `timeoutMs` cut short (other connection failures keep their own codes). */
export const ATTEMPT_TIMEOUT_CODE = 'ATTEMPT_TIMEOUT';

let defaultAgent: Agent | undefined;

function defaultDispatcher(): Dispatcher {
  // An explicit connect timeout rather than undici's 10 s default; the per-attempt timer bounds it anyway.
  defaultAgent ??= new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 10_000, connect: { timeout: DEFAULT_TIMEOUT_MS } });
  return defaultAgent;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt = { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string } | { readonly kind: 'connection'; readonly transient: boolean; readonly code: string };

/** Statuses whose `Retry-After` is honoured (RFC 9110 §10.2.3, RFC 6585 §4). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The Genesys retry rules, with the receiver's `Retry-After` (429 or 503, already in ms) in place of the
 * backoff: a wait longer than `maxRetryAfterSeconds` ends delivery (`retry-after-too-long`).
 */
function decideWebhookRetry(policy: RetryPolicy, attempt: number, result: Attempt, retryAfterMs: number | undefined, random: (() => number) | undefined): RetryDecision {
  const decision = decideRetry(policy, attempt, result.kind === 'status' ? { kind: 'status', status: result.status } : { kind: 'connection', transient: result.transient }, random);
  if (!decision.retry || result.kind !== 'status' || !RETRY_AFTER_STATUSES.has(result.status) || retryAfterMs === undefined) return decision;
  if (retryAfterMs > policy.maxRetryAfterSeconds * 1000) return { retry: false, reason: 'retry-after-too-long' };
  return { retry: true, delayMs: retryAfterMs };
}

/**
 * Settles with `work`, or rejects when `signal` aborts first. undici only honours a request's signal
 * once a connection is open, so a connect that hangs would otherwise outlive the timer; the abandoned
 * request is still aborted by the same signal if its connection ever opens, before anything is sent.
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => {
      reject(new Error('webhook attempt timed out'));
    }, { once: true });
    work.then(resolve, reject);
  });
}

async function attemptOnce(target: WebhookTarget, body: string, headers: Record<string, string>, dispatcher: Dispatcher, timeoutMs: number): Promise<Attempt> {
  const timer = new AbortController();
  const timeout = setTimeout(() => {
    timer.abort();
  }, timeoutMs);
  try {
    const response = await unlessAborted(request(target.url, { method: 'POST', headers, body, dispatcher, signal: timer.signal }), timer.signal);
    // Read and drop the body so the connection can be reused; a receiver's answer is not ours to keep.
    await response.body.dump();
    const header = response.headers['retry-after'];
    const retryAfter = Array.isArray(header) ? header[0] : header;
    return { kind: 'status', status: response.statusCode, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  } catch (error) {
    if (timer.signal.aborted) return { kind: 'connection', transient: true, code: ATTEMPT_TIMEOUT_CODE };
    return { kind: 'connection', transient: isTransientConnectionError(error), code: errorCode(error) ?? (error instanceof Error ? error.name : 'unknown') };
  } finally {
    clearTimeout(timeout);
  }
}

/** True when something that may take `ms` and then one attempt could not finish before the deadline. */
function wouldPassDeadline(deadline: number | undefined, nowMs: number, ms: number, timeoutMs: number): deadline is number {
  return deadline !== undefined && nowMs + ms + timeoutMs > deadline;
}

/**
 * POST `detail` as JSON to `target.url`. Every attempt carries `Idempotency-Key: <versionId>` and is
 * signed afresh over timestamp, key and body (a new timestamp, so a late retry still falls inside the
 * receiver's replay window).
 */
export async function deliverWebhook(
  target: WebhookTarget,
  signingKey: string,
  detail: RotatedEventDetail,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDeliveryResult> {
  const log = options.log ?? silentLog;
  const where = describeWebhookUrl(target.url);
  if (webhookUrlProblem(target.url, options.allowLoopbackHttp === true) !== undefined) {
    log.error('Webhook URL refused', { webhook: target.name, url: where });
    return { delivered: false, name: target.name, attempts: 0, reason: 'url-refused' };
  }
  const idempotencyKey = detail.versionId;
  if (!isUsableIdempotencyKey(idempotencyKey)) {
    // Secrets Manager version ids are UUIDs; anything else could not be verified by a receiver.
    log.error('Webhook not sent: the version id cannot be signed as an idempotency key', { webhook: target.name, url: where });
    return { delivered: false, name: target.name, attempts: 0, reason: 'idempotency-key-unusable' };
  }
  const policy: RetryPolicy = { ...DEFAULT_WEBHOOK_RETRY_POLICY, ...options.retry };
  const dispatcher = options.dispatcher ?? defaultDispatcher();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const body = JSON.stringify(detail);

  if (wouldPassDeadline(options.deadline?.(), now(), 0, timeoutMs)) {
    log.warn('Webhook not attempted: no time left before the invocation ends', { webhook: target.name, url: where, versionId: detail.versionId });
    return { delivered: false, name: target.name, attempts: 0, reason: 'deadline' };
  }
  for (let attempt = 1; ; attempt += 1) {
    const timestampSeconds = Math.floor(now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [WEBHOOK_HEADERS.timestamp]: String(timestampSeconds),
      [WEBHOOK_HEADERS.signature]: signatureHeader(signingKey, { timestampSeconds, idempotencyKey, body }),
      [WEBHOOK_HEADERS.idempotencyKey]: idempotencyKey,
    };
    const result = await attemptOnce(target, body, headers, dispatcher, timeoutMs);
    if (result.kind === 'status' && result.status >= 200 && result.status < 300) {
      log.info('Webhook delivered', { webhook: target.name, url: where, status: result.status, attempts: attempt, versionId: detail.versionId });
      return { delivered: true, name: target.name, attempts: attempt, status: result.status };
    }
    const retryAfterMs = result.kind === 'status' ? parseRetryAfterMs(result.retryAfter, now()) : undefined;
    const decision = decideWebhookRetry(policy, attempt, result, retryAfterMs, options.random);
    const failure = result.kind === 'status' ? { status: result.status } : { errorCode: result.code };
    if (!decision.retry) {
      const reason = decision.reason === 'final' ? 'rejected' : decision.reason;
      log.warn('Webhook delivery failed', { webhook: target.name, url: where, attempts: attempt, reason, ...failure, versionId: detail.versionId });
      return { delivered: false, name: target.name, attempts: attempt, reason, ...failure };
    }
    if (wouldPassDeadline(options.deadline?.(), now(), decision.delayMs, timeoutMs)) {
      log.warn('Webhook delivery failed; no time left to retry before the invocation ends', {
        webhook: target.name,
        url: where,
        attempts: attempt,
        delayMs: decision.delayMs,
        ...failure,
        versionId: detail.versionId,
      });
      return { delivered: false, name: target.name, attempts: attempt, reason: 'deadline', ...failure };
    }
    log.warn('Webhook attempt failed; retrying', { webhook: target.name, url: where, attempt, delayMs: decision.delayMs, ...failure });
    await sleep(decision.delayMs);
  }
}
