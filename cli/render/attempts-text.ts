/** Rotation attempts (cli/ledger/attempts.ts) as text for people: the `history` table, its notes and summary. */
import type { RotationAttempt } from '../ledger/attempts';
import { shortDate, table } from './text';

export interface AttemptCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly scheduled: number;
  readonly manual: number;
  readonly emergency: number;
  /** Step retries over all attempts (a retried step counts once as a step, attempts - 1 times here). */
  readonly retries: number;
}

export function countAttempts(attempts: readonly RotationAttempt[]): AttemptCounts {
  const count = (predicate: (a: RotationAttempt) => boolean): number => attempts.filter(predicate).length;
  return {
    total: attempts.length,
    succeeded: count((a) => a.outcome === 'succeeded'),
    failed: count((a) => a.outcome === 'failed'),
    inProgress: count((a) => a.outcome === 'in-progress'),
    scheduled: count((a) => a.kind === 'scheduled'),
    manual: count((a) => a.kind === 'manual'),
    emergency: count((a) => a.kind === 'emergency'),
    retries: attempts.reduce((sum, a) => sum + a.retries, 0),
  };
}

export function kindWord(attempt: Pick<RotationAttempt, 'kind'>): string {
  return attempt.kind === 'emergency' ? 'EMERGENCY' : attempt.kind;
}

export function outcomeWord(attempt: Pick<RotationAttempt, 'outcome'>): string {
  switch (attempt.outcome) {
    case 'succeeded':
      return 'ok';
    case 'failed':
      return 'FAILED';
    case 'in-progress':
      return 'in progress';
  }
}

/** Whether the new credentials were proven: yes (testSecret saw the client), no (a step failed before), or not yet. */
export function verifiedWord(attempt: RotationAttempt): string {
  if (attempt.verifiedClientId !== null) return attempt.verifiedClientId === attempt.regeneratedClientId || attempt.regeneratedClientId === null ? 'yes' : `other client ${attempt.verifiedClientId}`;
  return attempt.outcome === 'failed' ? 'no' : '-';
}

export function revokedText(attempt: RotationAttempt): string {
  const revoked = [...(attempt.revokedClientId !== null ? [attempt.revokedClientId] : []), ...attempt.disabledClientIds.map((id) => `${id} (disabled)`)];
  return revoked.length === 0 ? '-' : revoked.join(', ');
}

/** Who asked and why, in one phrase ("-" for a scheduled rotation). */
export function askedText(attempt: RotationAttempt): string {
  const parts = [
    ...(attempt.requestedBy !== null ? [`by ${attempt.requestedBy}${attempt.command !== null ? ` (${attempt.command})` : ''}`] : []),
    ...(attempt.reason !== null && attempt.reason !== '' ? [`reason: ${attempt.reason}`] : []),
  ];
  return parts.length === 0 ? '-' : parts.join('; ');
}

export function renderAttemptsTable(attempts: readonly RotationAttempt[]): string {
  return table(
    ['STARTED', 'KIND', 'OUTCOME', 'VERSION', 'CLIENT', 'VERIFIED', 'REVOKED', 'FAILED AT', 'RETRIES', 'ASKED'],
    attempts.map((a) => [
      shortDate(a.startedAt),
      kindWord(a),
      outcomeWord(a),
      a.versionId,
      a.regeneratedClientId ?? '-',
      verifiedWord(a),
      revokedText(a),
      a.failure === null ? '-' : `${a.failure.step}: ${a.failure.errorType ?? 'error'}`,
      String(a.retries),
      askedText(a),
    ]),
  );
}

/** One line per failed attempt: the error's message, which the table leaves out. */
export function failureNotes(attempts: readonly RotationAttempt[]): string[] {
  return attempts.flatMap((a) =>
    a.failure === null ? [] : [`${shortDate(a.startedAt)} ${a.versionId}: ${a.failure.step} failed: ${a.failure.errorType ?? 'error'}${a.failure.errorMessage !== null ? `: ${a.failure.errorMessage}` : ''}`],
  );
}

export function attemptsSummaryLine(counts: AttemptCounts): string {
  const kinds = [`${counts.scheduled} scheduled`, `${counts.manual} manual`, `${counts.emergency} emergency`];
  return `${counts.total} rotation attempt${counts.total === 1 ? '' : 's'}: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.inProgress} in progress (${kinds.join(', ')}); ${counts.retries} step retr${counts.retries === 1 ? 'y' : 'ies'}`;
}
