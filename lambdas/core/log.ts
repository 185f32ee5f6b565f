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

/** The shape of Powertools Logger that `fromPowertools` needs (kept structural so core does not import it). */
interface PowertoolsLike {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Adapt a Powertools Logger (or anything shaped like it) to `Log`. */
export function fromPowertools(logger: PowertoolsLike): Log {
  return {
    debug: (message, attributes) => { if (attributes) logger.debug(message, attributes); else logger.debug(message); },
    info: (message, attributes) => { if (attributes) logger.info(message, attributes); else logger.info(message); },
    warn: (message, attributes) => { if (attributes) logger.warn(message, attributes); else logger.warn(message); },
    error: (message, attributes) => { if (attributes) logger.error(message, attributes); else logger.error(message); },
  };
}
