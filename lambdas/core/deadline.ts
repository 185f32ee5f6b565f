/**
 * The time a Lambda invocation has left, as an epoch-ms deadline for retries and waits. Both
 * handlers stop starting new waits this long before the timeout, so a step fails with a typed
 * error (or a webhook is dead-lettered) instead of the runtime killing the invocation mid-call.
 */
export const DEADLINE_MARGIN_MS = 10_000;

/** `undefined` outside Lambda (no context): no deadline. */
export function invocationDeadline(context: { getRemainingTimeInMillis(): number } | undefined, now: () => number = Date.now): number | undefined {
  return context === undefined ? undefined : now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
}
