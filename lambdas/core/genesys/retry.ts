/**
 * When a Genesys Cloud call is tried again, and how long to wait first (GENESYS-API.md §6).
 *
 * Pure functions: `api-client.ts` feeds them what an attempt produced and sleeps for what they return.
 * The rules follow the Go SDK (`apiclient.go`): retry 429 unless `Retry-After` exceeds the cap,
 * retry 5xx except 501, never retry another 4xx. Dropped or refused connections and timeouts are
 * retried too; whether that is safe for a given call is the caller's concern (see api-client.ts).
 */
import { ValidationError } from '../errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles for each later one. */
  readonly baseDelayMs: number;
  /** Upper bound of one backoff (not of a `Retry-After` wait). */
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this ends the call with GenesysRateLimitError instead of waiting. */
  readonly maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterSeconds: 180,
};

/** The defaults with the caller's overrides; an override that makes no sense (e.g. 0 attempts) is a programming error. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new ValidationError('Genesys client retry policy', 'retry.maxAttempts', 'an integer >= 1');
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterSeconds'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new ValidationError('Genesys client retry policy', `retry.${key}`, 'a finite number >= 0');
    }
  }
  return policy;
}

/**
 * Exponential backoff with "equal jitter": after failed attempt `attempt` (1-based) wait between half
 * and all of `min(maxDelayMs, baseDelayMs * 2^(attempt-1))`. The random half spreads out callers that
 * failed together; the fixed half guarantees some wait.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as integer seconds (the only form Genesys Cloud sends); anything else is ignored. */
export function parseRetryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number.parseInt(header, 10);
}

/** Error codes of a connection that failed or dropped before a full answer arrived: worth another attempt. */
const TRANSIENT_CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Causes followed when looking for a socket error: fetch wraps it once; a few more levels cost nothing. */
const MAX_CAUSE_DEPTH = 4;

const ownCode = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' ? value.code : undefined;

/**
 * The error that carries a string `code`: `error` itself (undici, Node sockets), or the nearest one in
 * its `cause` chain (fetch's `TypeError: fetch failed` wraps the socket error).
 */
export function connectionError(error: unknown): object | undefined {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    if (ownCode(current) !== undefined) return current;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** The `code` of a Node, undici or fetch connection error (see `connectionError`), if there is a string one. */
export function errorCode(error: unknown): string | undefined {
  return ownCode(connectionError(error));
}

/** True for a dropped, refused or timed-out connection (not for a bad argument or an unmatched mock). */
export function isTransientConnectionError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TRANSIENT_CONNECTION_CODES.has(code);
}

/** What one attempt produced, as far as retrying is concerned. */
export type AttemptOutcome =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'connection'; readonly transient: boolean };

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'final' | 'exhausted' | 'retry-after-too-long' };

/** Whether an HTTP status is worth another attempt: 429, and 5xx except 501 (Not Implemented will not change). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Decide after failed attempt `attempt` (1-based). */
export function decideRetry(policy: RetryPolicy, attempt: number, outcome: AttemptOutcome, random: () => number = Math.random): RetryDecision {
  const retryable = outcome.kind === 'status' ? isRetryableStatus(outcome.status) : outcome.transient;
  if (!retryable) return { retry: false, reason: 'final' };
  if (outcome.kind === 'status' && outcome.status === 429 && outcome.retryAfterSeconds !== undefined) {
    // A wait longer than the cap is not worth spending a Lambda's time on: fail now, let the caller decide.
    if (outcome.retryAfterSeconds > policy.maxRetryAfterSeconds) return { retry: false, reason: 'retry-after-too-long' };
    if (attempt >= policy.maxAttempts) return { retry: false, reason: 'exhausted' };
    return { retry: true, delayMs: outcome.retryAfterSeconds * 1000 };
  }
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'exhausted' };
  return { retry: true, delayMs: backoffDelayMs(policy, attempt, random) };
}
