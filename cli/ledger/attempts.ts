/**
 * The ledger's records of one secret as rotation attempts: one per version id (each RotateSecret makes
 * one), newest first. Pure, so `history`, `report` and their tests share one reading of the records.
 *
 * Rules (issue 13):
 * - kind: emergency when a step honoured an emergency or the CLI's request says so; manual when the
 *   request says so; otherwise scheduled (Secrets Manager started it on its own);
 * - outcome: succeeded once finishSecret succeeded; failed when a step's last attempt failed; in
 *   progress otherwise (a step still being retried, or a request whose steps have not run yet);
 * - a step Secrets Manager retried is one record with attempts > 1: its retries are attempts - 1, and
 *   it is never counted as two steps.
 */
import { LEDGER_STEPS, type LedgerRecord, type LedgerStep, type RequestRecord, type RotationKind, type StepRecord } from '../../lambdas/core/ledger/record';

export type AttemptOutcome = 'succeeded' | 'failed' | 'in-progress';

/** One step of an attempt, JSON-ready. */
export interface StepOutcome {
  readonly step: LedgerStep;
  readonly outcome: 'succeeded' | 'failed';
  readonly result: string | null;
  readonly attempts: number;
  readonly failures: number;
  readonly firstAttemptAt: string;
  readonly lastAttemptAt: string;
  readonly durationMs: number;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
}

/** One rotation attempt (one version id), JSON-ready: the `--json` shape of `history`'s entries. */
export interface RotationAttempt {
  readonly versionId: string;
  readonly secretArn: string;
  readonly kind: RotationKind;
  readonly outcome: AttemptOutcome;
  /** Earliest step's first attempt; the request's time when no step ran yet. */
  readonly startedAt: string;
  /** When finishSecret's successful attempt ended (its start plus its duration). */
  readonly finishedAt: string | null;
  /** Who asked (the CLI caller's ARN), when the CLI started it. */
  readonly requestedBy: string | null;
  readonly requestedAt: string | null;
  readonly command: string | null;
  /** Why: the request's reason, else the emergency reason a step recorded. */
  readonly reason: string | null;
  /** The step that failed, with the error's class name and redacted message. */
  readonly failure: { readonly step: LedgerStep; readonly errorType: string | null; readonly errorMessage: string | null } | null;
  /** Retries Secrets Manager made, over all steps (attempts beyond the first). */
  readonly retries: number;
  readonly regeneratedClientId: string | null;
  readonly verifiedClientId: string | null;
  readonly organizationId: string | null;
  readonly currentClientId: string | null;
  readonly revokedClientId: string | null;
  readonly disabledClientIds: readonly string[];
  /** Whether the revoked client's outstanding tokens were ended (issue 14); null when not recorded. */
  readonly tokensEnded: boolean | null;
  /** The steps recorded, in rotation order. */
  readonly steps: readonly StepOutcome[];
}

function stepOutcome(record: StepRecord): StepOutcome {
  return {
    step: record.step,
    outcome: record.outcome,
    result: record.result ?? null,
    attempts: record.attempts,
    failures: record.failures,
    firstAttemptAt: record.firstAttemptAt,
    lastAttemptAt: record.lastAttemptAt,
    durationMs: record.durationMs,
    errorType: record.errorType ?? null,
    errorMessage: record.errorMessage ?? null,
  };
}

function kindOf(steps: readonly StepRecord[], request: RequestRecord | undefined): RotationKind {
  if (request?.rotationKind === 'emergency' || steps.some((s) => s.emergency === true)) return 'emergency';
  return request?.rotationKind ?? 'scheduled';
}

function outcomeOf(steps: readonly StepRecord[]): AttemptOutcome {
  if (steps.some((s) => s.step === 'finishSecret' && s.outcome === 'succeeded')) return 'succeeded';
  return steps.some((s) => s.outcome === 'failed') ? 'failed' : 'in-progress';
}

/** ISO instants compare as text when they share a format; parse to be safe across offsets. */
function earliest(instants: readonly string[]): string | undefined {
  return [...instants].sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/** `lastAttemptAt` is when the last attempt started: it ended `durationMs` later. */
function endOf(step: StepRecord): string {
  return new Date(Date.parse(step.lastAttemptAt) + step.durationMs).toISOString();
}

function attemptOf(versionId: string, records: readonly LedgerRecord[]): RotationAttempt {
  const steps = records.filter((r): r is StepRecord => r.kind === 'step').sort((a, b) => LEDGER_STEPS.indexOf(a.step) - LEDGER_STEPS.indexOf(b.step));
  const request = records.find((r): r is RequestRecord => r.kind === 'request');
  const byStep = (step: LedgerStep): StepRecord | undefined => steps.find((s) => s.step === step);
  const finish = byStep('finishSecret');
  const failed = steps.find((s) => s.outcome === 'failed');
  const outcome = outcomeOf(steps);
  // Every record has an instant: a version with records has a start.
  const startedAt = earliest(steps.map((s) => s.firstAttemptAt)) ?? request?.requestedAt ?? '';
  return {
    versionId,
    secretArn: records[0]?.secretArn ?? '',
    kind: kindOf(steps, request),
    outcome,
    startedAt,
    finishedAt: outcome === 'succeeded' && finish !== undefined ? endOf(finish) : null,
    requestedBy: request?.requestedBy ?? null,
    requestedAt: request?.requestedAt ?? null,
    command: request?.command ?? null,
    reason: request?.reason ?? steps.find((s) => s.emergencyReason !== undefined)?.emergencyReason ?? null,
    failure: failed === undefined ? null : { step: failed.step, errorType: failed.errorType ?? null, errorMessage: failed.errorMessage ?? null },
    retries: steps.reduce((sum, s) => sum + s.attempts - 1, 0),
    regeneratedClientId: byStep('createSecret')?.targetClientId ?? null,
    verifiedClientId: byStep('testSecret')?.verifiedClientId ?? null,
    organizationId: byStep('testSecret')?.organizationId ?? null,
    currentClientId: finish?.currentClientId ?? null,
    revokedClientId: finish?.revokedClientId ?? null,
    disabledClientIds: [...(finish?.disabledClientIds ?? [])],
    tokensEnded: finish?.tokensEnded ?? null,
    steps: steps.map(stepOutcome),
  };
}

/** The records of one secret as attempts, newest first. */
export function groupAttempts(records: readonly LedgerRecord[]): RotationAttempt[] {
  const byVersion = new Map<string, LedgerRecord[]>();
  for (const record of records) byVersion.set(record.versionId, [...(byVersion.get(record.versionId) ?? []), record]);
  return [...byVersion.entries()]
    .map(([versionId, versionRecords]) => attemptOf(versionId, versionRecords))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || a.versionId.localeCompare(b.versionId));
}

/** The attempts that started at or after `since` (all of them when undefined). */
export function attemptsSince(attempts: readonly RotationAttempt[], since: Date | undefined): RotationAttempt[] {
  return since === undefined ? [...attempts] : attempts.filter((a) => Date.parse(a.startedAt) >= since.getTime());
}
