/**
 * How every AWS SDK client of the product is configured, so that no call waits for ever: the rotate
 * and notify functions, the consumer credential provider and the CLI all spread `sdkClientConfig()`
 * into their client's configuration.
 *
 * ```ts
 * const secretsManager = new SecretsManagerClient(sdkClientConfig());
 * const events = new EventBridgeClient({ ...sdkClientConfig(), region });
 * await client.send(command, { abortSignal: deadlineSignal(deadlineMs) }); // per call, inside an invocation
 * ```
 *
 * Without it the SDK (v3, `@smithy/node-http-handler` 4.x) sets no connection or request timeout, only
 * a 300 s socket idle timeout: a Secrets Manager that accepts a connection and never answers holds the
 * call for 5 minutes per attempt, longer than the Lambda's 120 s, and a consumer's callers meanwhile.
 * The SDK takes the request handler's options as a plain object (`requestHandler: { ... }`); it builds
 * its own `NodeHttpHandler` from them. Imports nothing: the consumer provider loads this module too.
 */

export interface SdkTimeouts {
  /** TCP connection to the endpoint (TLS and the answer count against `requestTimeoutMs`). */
  readonly connectionTimeoutMs: number;
  /**
   * One attempt, from creating the request to the response headers (waiting for a pooled socket and
   * connecting included); also the longest the socket may stay idle while the body arrives.
   */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included. The SDK retries timeouts, 5xx and throttling. */
  readonly maxAttempts: number;
}

/**
 * The values every client uses unless it overrides them.
 *
 * Secrets Manager, EventBridge and SQS answer in tens of milliseconds in-Region; 5 s per attempt is
 * two orders of magnitude of slack, 2 s to connect covers a cold DNS lookup and TCP set-up. Three
 * attempts is the SDK's own default. A call whose attempts all stall fails after about 15 s (see
 * `worstCaseCallMs`, ~29 s with throttling backoff and Retry-After at their longest): inside the rotate
 * and notify functions' 120 s timeout (lib/lambda-settings.ts) less the 10 s deadline margin
 * (core/deadline.ts), so the step fails with our typed error and Secrets Manager (or Lambda's
 * asynchronous retry) runs it again, instead of the runtime killing the invocation mid-call. The CLI
 * uses the same values: an operator waits at most that long for a stalled call, then gets an error.
 */
export const DEFAULT_SDK_TIMEOUTS: SdkTimeouts = {
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
};

/**
 * Longest backoff the SDK's standard retry strategy waits before one retry, for the attempt counts used
 * here (@smithy/core 3.x): throttling backoff min(20 s, random × 1 s × 2^retry), ≤ 2 s for the second
 * retry, plus at most 5 s more when the service sends Retry-After. Timeouts and 5xx back off ≤ 100 ms.
 */
const MAX_BACKOFF_PER_RETRY_MS = 7_000;

/** The options the SDK passes to its `NodeHttpHandler` (a subset of `NodeHttpHandlerOptions`). */
export interface SdkRequestHandlerOptions {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  /** Socket idle timeout: covers a body that stops arriving after the headers came. */
  readonly socketTimeout: number;
  /** Without it a passed `requestTimeout` is only logged as a warning and the request goes on. */
  readonly throwOnRequestTimeout: true;
}

/** Spread into any SDK v3 client's configuration. */
export interface SdkClientConfig {
  readonly maxAttempts: number;
  readonly requestHandler: SdkRequestHandlerOptions;
}

function positive(name: keyof SdkTimeouts, value: number, integer: boolean): number {
  // 0 means "no timeout" to the SDK: refused, as are NaN and Infinity.
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`sdkClientConfig: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${value})`);
  }
  return value;
}

/**
 * Client configuration with connection and request timeouts and a bounded number of attempts.
 * @throws RangeError for a value that is not positive and finite (0 would mean "no timeout").
 */
export function sdkClientConfig(overrides: Partial<SdkTimeouts> = {}): SdkClientConfig {
  const timeouts = { ...DEFAULT_SDK_TIMEOUTS, ...overrides };
  const requestTimeout = positive('requestTimeoutMs', timeouts.requestTimeoutMs, false);
  return {
    maxAttempts: positive('maxAttempts', timeouts.maxAttempts, true),
    requestHandler: {
      connectionTimeout: positive('connectionTimeoutMs', timeouts.connectionTimeoutMs, false),
      requestTimeout,
      socketTimeout: requestTimeout,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * The longest one call can take with these timeouts: every attempt times out, and the SDK waits its
 * longest backoff between attempts. The connection timeout is not added: the request timeout's clock
 * already runs while connecting.
 */
export function worstCaseCallMs(timeouts: SdkTimeouts = DEFAULT_SDK_TIMEOUTS): number {
  return timeouts.maxAttempts * timeouts.requestTimeoutMs + (timeouts.maxAttempts - 1) * MAX_BACKOFF_PER_RETRY_MS;
}

/**
 * A per-call bound for a call made inside an invocation with a known deadline (epoch ms, e.g.
 * `invocationDeadline(context)`): pass it as `client.send(command, { abortSignal })`. The SDK then stops
 * the attempt in flight and any retry at the deadline and rejects with an `AbortError`; the client
 * timeouts still bound each attempt before that. `undefined` (no deadline, outside Lambda) gives no
 * signal. The timer behind it does not keep the process alive.
 */
export function deadlineSignal(deadlineMs: number | undefined, now: () => number = Date.now): AbortSignal | undefined {
  if (deadlineMs === undefined) return undefined;
  const remainingMs = deadlineMs - now();
  if (remainingMs <= 0) return AbortSignal.abort(new DOMException('The invocation deadline has passed', 'TimeoutError'));
  return AbortSignal.timeout(remainingMs);
}
