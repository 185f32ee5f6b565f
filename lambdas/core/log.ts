/**
 * The logging surface core code needs. Powertools `Logger` satisfies it; tests pass a recorder.
 * Pass ids, ARNs, statuses and error names here, never a secret, token or request body
 * (use `redaction.ts` for anything derived from a secret document).
 */
export type LogAttributes = Record<string, unknown>;

export interface Log {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

/** A Log that drops everything. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
