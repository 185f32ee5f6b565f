/**
 * Webhook delivery: POST the rotated event's detail to one receiver, signed, with an idempotency key,
 * retried with backoff. The notifier's only HTTP besides the Genesys client, kept apart from it on
 * purpose: a receiver is not Genesys Cloud. Retry rules are the Genesys client's (genesys/retry.ts):
 * 429 (honouring `Retry-After`) and 5xx except 501, and dropped or refused connections.
 *
 * Never throws for a failed delivery: the result says what happened, and the caller decides (the
 * notifier sends it to the dead-letter queue). Results and logs carry the receiver's name, status and
 * error code, never the signing key, the signature or the URL's query string.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { silentLog, type Log } from '../log';
import { decideRetry, errorCode, isTransientConnectionError, parseRetryAfterSeconds, type AttemptOutcome, type RetryPolicy } from '../genesys/retry';
import type { RotatedEventDetail } from '../events';
import { signatureHeader, WEBHOOK_HEADERS } from './signature';
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
  /** Per attempt, for the response headers and again for the body. @default 5_000 */
  readonly timeoutMs?: number;
  /** Allow `http://127.0.0.1` (tests, demo). @default false */
  readonly allowLoopbackHttp?: boolean;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random (backoff jitter) */
  readonly random?: () => number;
  /** @default silentLog */
  readonly log?: Log;
}

/** Four attempts over about 7 s of backoff: fits a notifier Lambda with a 60 s timeout and several receivers in parallel. */
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
      /** `rejected`: a status not worth retrying (e.g. 400, 401, 404); `exhausted`: every attempt failed. */
      readonly reason: 'rejected' | 'exhausted' | 'retry-after-too-long' | 'url-refused';
      /** Last HTTP status, when a response arrived. */
      readonly status?: number;
      /** Last connection error code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, ...), when none did. */
      readonly errorCode?: string;
    };

let defaultAgent: Agent | undefined;

function defaultDispatcher(): Dispatcher {
  defaultAgent ??= new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 10_000 });
  return defaultAgent;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt = { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number } | { readonly kind: 'connection'; readonly transient: boolean; readonly code: string };

async function attemptOnce(target: WebhookTarget, body: string, headers: Record<string, string>, dispatcher: Dispatcher, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await request(target.url, { method: 'POST', headers, body, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    // Read and drop the body so the connection can be reused; a receiver's answer is not ours to keep.
    await response.body.dump();
    const retryAfter = response.headers['retry-after'];
    const retryAfterSeconds = parseRetryAfterSeconds(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return { kind: 'status', status: response.statusCode, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  } catch (error) {
    return { kind: 'connection', transient: isTransientConnectionError(error), code: errorCode(error) ?? (error instanceof Error ? error.name : 'unknown') };
  }
}

/**
 * POST `detail` as JSON to `target.url`. Each attempt is signed afresh (a new timestamp, so a late retry
 * still falls inside the receiver's replay window); every attempt carries `Idempotency-Key: <versionId>`.
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
  const policy: RetryPolicy = { ...DEFAULT_WEBHOOK_RETRY_POLICY, ...options.retry };
  const dispatcher = options.dispatcher ?? defaultDispatcher();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const body = JSON.stringify(detail);

  for (let attempt = 1; ; attempt += 1) {
    const timestampSeconds = Math.floor(now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [WEBHOOK_HEADERS.timestamp]: String(timestampSeconds),
      [WEBHOOK_HEADERS.signature]: signatureHeader(signingKey, timestampSeconds, body),
      [WEBHOOK_HEADERS.idempotencyKey]: detail.versionId,
    };
    const result = await attemptOnce(target, body, headers, dispatcher, timeoutMs);
    if (result.kind === 'status' && result.status >= 200 && result.status < 300) {
      log.info('Webhook delivered', { webhook: target.name, url: where, status: result.status, attempts: attempt, versionId: detail.versionId });
      return { delivered: true, name: target.name, attempts: attempt, status: result.status };
    }
    const outcome: AttemptOutcome =
      result.kind === 'status'
        ? { kind: 'status', status: result.status, ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}) }
        : { kind: 'connection', transient: result.transient };
    const decision = decideRetry(policy, attempt, outcome, options.random);
    const failure = result.kind === 'status' ? { status: result.status } : { errorCode: result.code };
    if (!decision.retry) {
      const reason = decision.reason === 'final' ? 'rejected' : decision.reason;
      log.warn('Webhook delivery failed', { webhook: target.name, url: where, attempts: attempt, reason, ...failure, versionId: detail.versionId });
      return { delivered: false, name: target.name, attempts: attempt, reason, ...failure };
    }
    log.warn('Webhook attempt failed; retrying', { webhook: target.name, url: where, attempt, delayMs: decision.delayMs, ...failure });
    await sleep(decision.delayMs);
  }
}
