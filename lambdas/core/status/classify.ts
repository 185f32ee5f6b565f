/**
 * How healthy a managed secret's rotation is, from metadata only (no secret value): its age against
 * the policy (`genesys-rotator:max-rotation-days`) and whether a rotation is stuck. Pure functions, so
 * the CLI, a reporting Lambda and tests share one set of rules.
 *
 * Rules:
 * - age counts from `LastRotatedDate`, or from `CreatedDate` when the secret was never rotated;
 * - ok while age < policy - dueSoonDays, due soon until the policy, overdue past it;
 * - a rotation is stuck when an AWSPENDING version that is not AWSCURRENT is older than
 *   `stuckAfterMs`, or has no value once `noValueGraceMs` has passed (createSecret never stored one),
 *   or its credentials are still refused once `refusedGraceMs` has passed (its secret is dead: two
 *   regenerates raced); younger than that it is a rotation in progress;
 * - the stored credentials (when checked: one token request each) are broken when neither AWSCURRENT's
 *   nor an AWSPENDING value's are accepted and the newest of those versions is older than
 *   `refusedGraceMs` (a fresh secret may be refused for a moment); younger, they are settling. A
 *   `single` client between createSecret and finishSecret (current refused, pending accepted) is fine:
 *   consumers fall back to AWSPENDING.
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_DUE_SOON_DAYS = 7;
export const DEFAULT_STUCK_AFTER_MS = 60 * 60 * 1000;
/**
 * An AWSPENDING without a value is normal for the seconds between RotateSecret and createSecret's put
 * (plus Secrets Manager's retries of a failing createSecret); past this it is a failed createSecret.
 */
export const DEFAULT_NO_VALUE_GRACE_MS = 5 * 60 * 1000;
/**
 * Stored credentials refused for this long after their version was created are dead, not propagating:
 * well past the rotator's own propagation wait and its recovery (which acts within minutes).
 */
export const DEFAULT_REFUSED_GRACE_MS = 15 * 60 * 1000;

export type AgeState = 'ok' | 'due-soon' | 'overdue' | 'no-policy';
export type RotationState = 'idle' | 'in-progress' | 'stuck';
/**
 * What `/oauth/token` said to a set of stored credentials; `unknown`: it could not be asked (network,
 * 5xx); `not-loaded`: not asked, the document holds no secret yet (the deployment's placeholder).
 */
export type CredentialVerdict = 'accepted' | 'refused' | 'unknown' | 'not-loaded';
export type CredentialsState = 'ok' | 'settling' | 'broken' | 'not-loaded' | 'unknown' | 'not-checked';

export interface PendingVersion {
  readonly versionId: string;
  readonly createdDate: Date;
  /** Whether createSecret stored a value in it; `undefined` when it could not be told. */
  readonly hasValue: boolean | undefined;
  /** Whether Genesys Cloud accepts its credentials; absent when not checked (or no value). */
  readonly credentials?: CredentialVerdict | undefined;
}

/** The token checks of the stored credentials. */
export interface CredentialFacts {
  readonly current: { readonly verdict: CredentialVerdict; readonly createdDate?: Date | undefined };
  /** The AWSPENDING version's, when it has a value. */
  readonly pending?: { readonly verdict: CredentialVerdict; readonly createdDate: Date } | undefined;
}

export interface SecretFacts {
  readonly createdDate: Date;
  readonly lastRotatedDate?: Date | undefined;
  /** Raw value of the `genesys-rotator:max-rotation-days` tag, if any. */
  readonly maxRotationDaysTag?: string | undefined;
  /** The AWSPENDING version when it is not also AWSCURRENT. */
  readonly pending?: PendingVersion | undefined;
  /** Token checks of the stored credentials; absent when not checked. */
  readonly credentials?: CredentialFacts | undefined;
}

export interface ClassifyOptions {
  readonly now: Date;
  /** @default DEFAULT_DUE_SOON_DAYS */
  readonly dueSoonDays?: number;
  /** @default DEFAULT_STUCK_AFTER_MS */
  readonly stuckAfterMs?: number;
  /** @default DEFAULT_NO_VALUE_GRACE_MS */
  readonly noValueGraceMs?: number;
  /** @default DEFAULT_REFUSED_GRACE_MS */
  readonly refusedGraceMs?: number;
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

export interface CredentialsAssessment {
  readonly state: CredentialsState;
  /** Why, in words (every state but ok and not-checked). */
  readonly reason?: string;
}

export interface SecretAssessment {
  readonly age: AgeAssessment;
  readonly rotation: RotationAssessment;
  readonly credentials: CredentialsAssessment;
  /** True when the secret should fail a pipeline: overdue, a stuck rotation or broken credentials. */
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
  if (pending.credentials === 'refused' && ageMs >= Math.min(refusedGrace(options), stuckAfterMs)) {
    return {
      state: 'stuck',
      pending,
      reason:
        `AWSPENDING version ${pending.versionId}'s credentials are still refused ${formatDuration(ageMs)} after it was created: ` +
        'its secret is dead (two regenerates raced), so this rotation cannot finish; the rotator recovers it on its next attempt (README, Troubleshooting)',
    };
  }
  return { state: 'in-progress', pending };
}

function refusedGrace(options: ClassifyOptions): number {
  return options.refusedGraceMs ?? DEFAULT_REFUSED_GRACE_MS;
}

/** Whether any stored credentials work, from the token checks (see the rules at the top). */
export function assessCredentials(facts: CredentialFacts | undefined, options: ClassifyOptions): CredentialsAssessment {
  if (facts === undefined) return { state: 'not-checked' };
  const { current, pending } = facts;
  if (current.verdict === 'accepted') return { state: 'ok' };
  if (current.verdict === 'not-loaded' && pending === undefined) {
    // A freshly deployed stack: nothing to check yet, and nothing works until the first value is loaded.
    return { state: 'not-loaded', reason: 'no secret loaded yet (the deployment placeholder has an empty clientSecret): run "genesys-rotator bootstrap"' };
  }
  if (pending?.verdict === 'accepted') return { state: 'ok' };
  if (current.verdict === 'unknown' || pending?.verdict === 'unknown') {
    return { state: 'unknown', reason: 'Genesys Cloud could not be asked whether the stored credentials work' };
  }
  const dates = [current.createdDate, pending?.createdDate].filter((d): d is Date => d !== undefined);
  const newestAgeMs = dates.length === 0 ? undefined : options.now.getTime() - Math.max(...dates.map((d) => d.getTime()));
  const refused = pending === undefined ? 'the AWSCURRENT credentials are refused' : 'the AWSCURRENT and AWSPENDING credentials are refused';
  if (newestAgeMs !== undefined && newestAgeMs < refusedGrace(options)) {
    return { state: 'settling', reason: `${refused}; the newest was stored ${formatDuration(newestAgeMs)} ago and may not be accepted yet` };
  }
  return {
    state: 'broken',
    reason: `${refused}${newestAgeMs === undefined ? '' : ` (newest stored ${formatDuration(newestAgeMs)} ago)`}: the client has no working stored secret; consumers fail (README, Troubleshooting)`,
  };
}

export function classifySecret(facts: SecretFacts, options: ClassifyOptions): SecretAssessment {
  const age = assessAge(facts, options);
  const rotation = assessRotation(facts.pending, options);
  const credentials = assessCredentials(facts.credentials, options);
  return {
    age,
    rotation,
    credentials,
    failing: age.state === 'overdue' || rotation.state === 'stuck' || credentials.state === 'broken' || credentials.state === 'not-loaded',
  };
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
