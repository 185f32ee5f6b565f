/**
 * What the report shows, built once and rendered twice (HTML page and `--json`): each secret's one
 * state, the header's counts, and its history from the ledger or, without one, from the versions
 * Secrets Manager still keeps.
 *
 * Each secret is counted in exactly one bucket, the worst that applies, so a FAILED or STUCK secret is
 * never also counted ok: failed (unusable document, no stored credentials accepted, or the newest
 * rotation attempt in the ledger failed) > stuck > overdue > due soon > ok | no policy.
 */
import type { VersionInfo } from '../aws/managed-secrets';
import type { SecretStatus } from '../gather-status';
import type { RotationAttempt } from '../ledger/attempts';
import { shortDate } from './text';

export type ReportState = 'failed' | 'stuck' | 'overdue' | 'due-soon' | 'ok' | 'no-policy';

/** Versions as JSON (the fallback history). */
export interface ReportVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly createdDate: string | null;
}

/** Where the timeline comes from: the ledger's attempts, or (without a ledger) the secret's versions. */
export type ReportHistory =
  | {
      readonly source: 'ledger';
      readonly table: string;
      /** The attempts that started in the period, newest first. */
      readonly attempts: readonly RotationAttempt[];
      /** When the newest successful rotation before the period finished: where the age counted from as the period began. */
      readonly rotatedBefore: string | null;
    }
  | { readonly source: 'versions'; readonly reason: string };

export interface ReportSchedule {
  /** `rate(30 days)`, `cron(...)`, or `every N days`; null when rotation is not scheduled. */
  readonly expression: string | null;
  /** The rotation window (`2h`), when set. */
  readonly window: string | null;
}

export interface ReportSecret {
  readonly name: string;
  readonly arn: string;
  readonly state: ReportState;
  /** Why the state is what it is, in words (null for ok). */
  readonly stateReason: string | null;
  readonly schedule: ReportSchedule;
  readonly status: SecretStatus;
  readonly history: ReportHistory;
  /** The versions Secrets Manager keeps (labelled ones, and unlabelled ones created in the period), newest first. */
  readonly versions: readonly ReportVersion[];
}

export interface ReportCounts {
  readonly total: number;
  readonly ok: number;
  readonly dueSoon: number;
  readonly overdue: number;
  readonly stuck: number;
  readonly failed: number;
  readonly noPolicy: number;
}

export interface ReportModel {
  readonly generatedAt: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly period: { readonly since: string; readonly until: string };
  readonly settings: { readonly dueSoonDays: number; readonly stuckAfterMinutes: number; readonly usageDays: number | null };
  readonly counts: ReportCounts;
  readonly secrets: readonly ReportSecret[];
}

/** The newest attempt in the ledger, if the secret has a ledger and it recorded one. */
export function newestAttempt(history: ReportHistory): RotationAttempt | undefined {
  return history.source === 'ledger' ? history.attempts[0] : undefined;
}

export function classifyForReport(status: SecretStatus, history: ReportHistory): { state: ReportState; reason: string | null } {
  if (status.documentError !== null) return { state: 'failed', reason: `current document unusable: ${status.documentError}` };
  if (status.credentials.state === 'broken' || status.credentials.state === 'not-loaded') {
    return { state: 'failed', reason: status.credentials.reason ?? 'no stored credentials are accepted' };
  }
  const newest = newestAttempt(history);
  if (newest?.outcome === 'failed') {
    const step = newest.failure === null ? '' : ` at ${newest.failure.step}${newest.failure.errorType !== null ? ` (${newest.failure.errorType})` : ''}`;
    return { state: 'failed', reason: `the newest rotation attempt failed${step}` };
  }
  if (status.rotation.state === 'stuck') return { state: 'stuck', reason: status.rotation.reason ?? 'a rotation is stuck' };
  switch (status.age.state) {
    case 'overdue':
      return { state: 'overdue', reason: `older than the policy (${status.age.maxRotationDays ?? '?'} days) since ${shortDate(status.age.dueDate)}` };
    case 'due-soon':
      return { state: 'due-soon', reason: `due by ${shortDate(status.age.dueDate)}` };
    case 'no-policy':
      return { state: 'no-policy', reason: 'no valid genesys-rotator:max-rotation-days tag: age not judged' };
    case 'ok':
      return { state: 'ok', reason: null };
  }
}

export function countStates(secrets: readonly Pick<ReportSecret, 'state'>[]): ReportCounts {
  const count = (state: ReportState): number => secrets.filter((s) => s.state === state).length;
  return { total: secrets.length, ok: count('ok'), dueSoon: count('due-soon'), overdue: count('overdue'), stuck: count('stuck'), failed: count('failed'), noPolicy: count('no-policy') };
}

export function versionsJson(versions: readonly VersionInfo[]): ReportVersion[] {
  return versions.map((v) => ({ versionId: v.versionId, stages: [...v.stages], createdDate: v.createdDate?.toISOString() ?? null }));
}

/** The report's one line on stdout: the page's counts, in the words of `status`'s summary. */
export function reportSummaryLine(counts: ReportCounts): string {
  const parts = [`${counts.ok} ok`, `${counts.dueSoon} due soon`, `${counts.overdue} overdue`, `${counts.stuck} stuck`];
  if (counts.noPolicy > 0) parts.push(`${counts.noPolicy} without policy`);
  if (counts.failed > 0) parts.push(`${counts.failed} FAILED`);
  return `${counts.total} managed secret${counts.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
