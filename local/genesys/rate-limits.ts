/**
 * Fixed-window request counters: per access token (GENESYS-API.md §6, CLIM:
 * `client.credentials.token.rate.per.minute` = 300) and, optionally, per organisation (UNCONFIRMED:
 * an emulator knob for fleet benchmarks). Windows run on the injected clock. UNCONFIRMED: whether Genesys
 * uses fixed or sliding windows; a fixed window is the simplest that honours the documented rate.
 */
interface Window {
  startMs: number;
  count: number;
}

export class FixedWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, Window>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /**
   * Count one request for `key` at `nowMs`. Returns 0 if allowed, else the seconds until the window
   * frees up (at least 1). A refused request is not counted.
   */
  take(key: string, nowMs: number): number {
    let window = this.#windows.get(key);
    if (!window || nowMs - window.startMs >= this.#windowMs || nowMs < window.startMs) {
      window = { startMs: nowMs, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit) {
      return Math.max(1, Math.ceil((window.startMs + this.#windowMs - nowMs) / 1000));
    }
    window.count += 1;
    return 0;
  }
}
