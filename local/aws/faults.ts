/**
 * Fault injection and latency for one service: fail the next N calls of an operation with a chosen AWS
 * error type, delay calls, or stall them (never answer). An injected failure is answered before the
 * operation runs, so it never changes state (the SDK's own retries of 5xx and throttling errors
 * consume further injected failures).
 */
import { AwsServiceError, statusForErrorType } from './aws-error';

interface PlannedFailure {
  remaining: number;
  readonly type: string;
  readonly message: string;
}

/** Wildcard operation name: a failure or latency that applies to every operation of the service. */
export const ANY_OPERATION = '*';

export class FaultPlan {
  private readonly failures = new Map<string, PlannedFailure[]>();
  private readonly latencies = new Map<string, number>();
  private readonly stalled = new Set<string>();

  /** Fail the next `count` calls of `operation` (or of any operation, with `'*'`). */
  failNext(operation: string, count: number, type: string, message = 'Injected failure'): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('failNext: count must be a positive integer');
    const queue = this.failures.get(operation) ?? [];
    queue.push({ remaining: count, type, message });
    this.failures.set(operation, queue);
  }

  /** Delay every call of `operation` (or of any operation, with `'*'`) by `ms`; 0 removes the delay. */
  setLatency(ms: number, operation: string = ANY_OPERATION): void {
    if (ms <= 0) this.latencies.delete(operation);
    else this.latencies.set(operation, ms);
  }

  /**
   * Accept calls of `operation` (or of any operation, with `'*'`) and never answer them, as a service that
   * stalls does; a client without a timeout waits for ever. `clear()` stops stalling new calls; calls
   * already stalled stay so until the client gives up or the server closes.
   */
  stall(operation: string = ANY_OPERATION): void {
    this.stalled.add(operation);
  }

  stalls(operation: string): boolean {
    return this.stalled.has(operation) || this.stalled.has(ANY_OPERATION);
  }

  latencyFor(operation: string): number {
    return this.latencies.get(operation) ?? this.latencies.get(ANY_OPERATION) ?? 0;
  }

  /** Takes one planned failure for this call, if any, as the error to answer. */
  takeFailure(operation: string): AwsServiceError | undefined {
    return this.take(operation) ?? this.take(ANY_OPERATION);
  }

  clear(): void {
    this.failures.clear();
    this.latencies.clear();
    this.stalled.clear();
  }

  private take(key: string): AwsServiceError | undefined {
    const queue = this.failures.get(key);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    if (queue.length === 0) this.failures.delete(key);
    return new AwsServiceError(head.type, head.message, statusForErrorType(head.type));
  }
}
