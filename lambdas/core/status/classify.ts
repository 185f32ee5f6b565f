/**
 * How healthy a managed secret's rotation is, from metadata only (no secret value): its age against
 * the policy (`genesys-rotator:max-rotation-days`) and whether a rotation is stuck. Pure functions, so
 * the CLI, a reporting Lambda and tests share one set of rules.
 *
 * Rules:
 * - age counts from `LastRotatedDate`, or from `CreatedDate` when the secret was never rotated;
 * - ok while age < policy - dueSoonDays, due soon until the policy, overdue past it;
 * - a rotation is stuck when an AWSPENDING version that is not AWSCURRENT is older than
 *   `stuckAfterMs`, or has no value once `noValueGraceMs` has passed (createSecret never stored one);
 *   younger than that it is a rotation in progress.
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_DUE_SOON_DAYS = 7;
export const DEFAULT_STUCK_AFTER_MS = 60 * 60 * 1000;
/**
 * An AWSPENDING without a value is normal for the seconds between RotateSecret and createSecret's put
 * (plus Secrets Manager's retries of a failing createSecret); past this it is a failed createSecret.
 */
export const DEFAULT_NO_VALUE_GRACE_MS = 5 * 60 * 1000;

export type AgeState = 'ok' | 'due-soon' | 'overdue' | 'no-policy';
export type RotationState = 'idle' | 'in-progress' | 'stuck';

export interface PendingVersion {
  readonly versionId: string;
  readonly createdDate: Date;
  /** Whether createSecret stored a value in it; `undefined` when it could not be told. */
  readonly hasValue: boolean | undefined;
}

export interface SecretFacts {
  readonly createdDate: Date;
  readonly lastRotatedDate?: Date | undefined;
  /** Raw value of the `genesys-rotator:max-rotation-days` tag, if any. */
  readonly maxRotationDaysTag?: string | undefined;
  /** The AWSPENDING version when it is not also AWSCURRENT. */
  readonly pending?: PendingVersion | undefined;
}

export interface ClassifyOptions {
  readonly now: Date;
  /** @default DEFAULT_DUE_SOON_DAYS */
  readonly dueSoonDays?: number;
  /** @default DEFAULT_STUCK_AFTER_MS */
  readonly stuckAfterMs?: number;
  /** @default DEFAULT_NO_VALUE_GRACE_MS */
  readonly noValueGraceMs?: number;
}

export interface AgeAssessment {
  readonly state: AgeState;
  /** What the age counts from: the last rotation, or the creation of a secret never rotated. */
  readonly since: 'last-rotated' | 'created';
  readonly sinceDate: Date;
  readonly ageDays: number;
  readonly maxRotationDays: number | undefined;
  /** When the policy is breached: sinceDate + maxRotationDays. */
  readonly dueDate: Date | undefined;
}

export interface RotationAssessment {
  readonly state: RotationState;
  readonly pending?: PendingVersion;
  /** Why a rotation is stuck, in words. */
  readonly reason?: string;
}

export interface SecretAssessment {
  readonly age: AgeAssessment;
  readonly rotation: RotationAssessment;
  /** True when the secret should fail a pipeline: overdue or a stuck rotation. */
  readonly failing: boolean;
}

/** The policy tag as a whole number of days >= 1, or undefined when absent or malformed. */
export function parseMaxRotationDays(tag: string | undefined): number | undefined {
  if (tag === undefined || !/^\s*\d+\s*$/.test(tag)) return undefined;
  const days = Number.parseInt(tag, 10);
  return days >= 1 ? days : undefined;
}

export function assessAge(facts: SecretFacts, options: ClassifyOptions): AgeAssessment {
  const dueSoonDays = options.dueSoonDays ?? DEFAULT_DUE_SOON_DAYS;
  const since = facts.lastRotatedDate !== undefined ? 'last-rotated' : 'created';
  const sinceDate = facts.lastRotatedDate ?? facts.createdDate;
  const ageDays = Math.max(0, options.now.getTime() - sinceDate.getTime()) / DAY_MS;
  const maxRotationDays = parseMaxRotationDays(facts.maxRotationDaysTag);
  if (maxRotationDays === undefined) {
    return { state: 'no-policy', since, sinceDate, ageDays, maxRotationDays, dueDate: undefined };
  }
  const dueDate = new Date(sinceDate.getTime() + maxRotationDays * DAY_MS);
  const state: AgeState = ageDays >= maxRotationDays ? 'overdue' : ageDays >= maxRotationDays - dueSoonDays ? 'due-soon' : 'ok';
  return { state, since, sinceDate, ageDays, maxRotationDays, dueDate };
}

export function assessRotation(pending: PendingVersion | undefined, options: ClassifyOptions): RotationAssessment {
  if (pending === undefined) return { state: 'idle' };
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const graceMs = Math.min(options.noValueGraceMs ?? DEFAULT_NO_VALUE_GRACE_MS, stuckAfterMs);
  const ageMs = options.now.getTime() - pending.createdDate.getTime();
  if (ageMs >= stuckAfterMs) {
    return { state: 'stuck', pending, reason: `AWSPENDING version ${pending.versionId} never became AWSCURRENT (${formatDuration(ageMs)} old)` };
  }
  if (pending.hasValue === false && ageMs >= graceMs) {
    return {
      state: 'stuck',
      pending,
      reason: `AWSPENDING version ${pending.versionId} has no value after ${formatDuration(ageMs)}: createSecret failed`,
    };
  }
  return { state: 'in-progress', pending };
}

export function classifySecret(facts: SecretFacts, options: ClassifyOptions): SecretAssessment {
  const age = assessAge(facts, options);
  const rotation = assessRotation(facts.pending, options);
  return { age, rotation, failing: age.state === 'overdue' || rotation.state === 'stuck' };
}

/** `3 d 4 h`, `2 h 5 min`, `40 s`: for reasons and tables. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${seconds} s`;
}
