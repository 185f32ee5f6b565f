/** What a handler answers; the server turns it into an HTTP response (or drops it, for a fault). */
export interface Reply {
  readonly status: number;
  /** Serialised as JSON; absent means an empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function json(status: number, body: unknown): Reply {
  return { status, body };
}
