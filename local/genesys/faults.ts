/**
 * Fault injection (DESIGN.md §7): latency, injected failures, 429s, a connection dropped after the
 * server acted, and a delay before a fresh secret is accepted. Rules are consumed in the order they were
 * queued; the first rule that matches a request and has uses left applies to it.
 */
import { EmulatorSetupError } from './errors';
import type { FaultMatch, GenesysFaults } from './types';

export type Fault =
  | { readonly kind: 'fail'; readonly status: number }
  | { readonly kind: 'drop' }
  | { readonly kind: 'rateLimit'; readonly retryAfterSeconds: number };

interface Rule {
  remaining: number;
  readonly method: string | undefined;
  readonly path: RegExp | string | undefined;
  readonly fault: Fault;
}

export class FaultInjector implements GenesysFaults {
  latencyMs = 0;
  freshSecretDelayMs = 0;
  readonly #rules: Rule[] = [];
  readonly #defaultRetryAfterSeconds: number;

  constructor(defaultRetryAfterSeconds: number) {
    this.#defaultRetryAfterSeconds = defaultRetryAfterSeconds;
  }

  failNext(n: number, match: FaultMatch & { readonly status?: number }): void {
    const status = match.status ?? 503;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new EmulatorSetupError('failNext: status must be an HTTP error status (400..599)');
    }
    this.#queue(n, match, { kind: 'fail', status });
  }

  dropAfterActionNext(n: number, match: FaultMatch): void {
    this.#queue(n, match, { kind: 'drop' });
  }

  rateLimitNext(n: number, match: FaultMatch, retryAfterSeconds?: number): void {
    const seconds = retryAfterSeconds ?? this.#defaultRetryAfterSeconds;
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new EmulatorSetupError('rateLimitNext: retryAfterSeconds must be a non-negative integer');
    }
    this.#queue(n, match, { kind: 'rateLimit', retryAfterSeconds: seconds });
  }

  reset(): void {
    this.#rules.length = 0;
    this.latencyMs = 0;
    this.freshSecretDelayMs = 0;
  }

  /** The fault for this request, consuming one use of its rule; undefined when none is queued. */
  take(method: string, path: string): Fault | undefined {
    if (this.#rules.length === 0) return undefined;
    const index = this.#rules.findIndex((rule) => matches(rule, method, path));
    const rule = this.#rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#rules.splice(index, 1);
    return rule.fault;
  }

  #queue(n: number, match: FaultMatch, fault: Fault): void {
    if (!Number.isInteger(n) || n < 0) throw new EmulatorSetupError('fault count must be a non-negative integer');
    if (n === 0) return;
    this.#rules.push({ remaining: n, method: match.method?.toUpperCase(), path: match.path, fault });
  }
}

function matches(rule: Rule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
  return rule.path.test(path);
}
