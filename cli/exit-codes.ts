/** Exit codes scripts can rely on (documented in `--help` and the README). */
export const EXIT = {
  /** Everything checked is fine; the command did what was asked. */
  ok: 0,
  /** A check failed: overdue, stuck or failed rotation, verify failure, a rotation that did not finish. */
  checkFailed: 1,
  /** Bad command line: unknown flag or command, missing --reason, unknown or unmanaged secret. Nothing changed. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  a check failed (overdue, stuck or failed rotation, verify failure, rotation failed)
  2  usage error (bad flags, missing --reason, unknown secret, secret not managed by the rotator); nothing changed`;
