/** `status`: every managed secret, its age against the policy, any stuck rotation and broken credentials; exit 1 if any fails. */
import { DEFAULT_DUE_SOON_DAYS, DEFAULT_STUCK_AFTER_MS } from '../../lambdas/core/status/classify';
import { DEFAULT_USAGE_DAYS } from '../../lambdas/core/status/usage-check';
import { numberOption, type CommandSpec, type ParsedCommand } from '../args';
import { listManagedSecrets, NO_MANAGED_SECRETS } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { gatherStatus, summarise, type GatherOptions, type SecretStatus, type StatusSummary } from '../gather-status';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { shortDate, table } from '../render/text';

export const STATUS_OPTIONS = {
  'due-soon-days': { type: 'string', value: 'DAYS', description: `Warn this many days before the policy is breached (default ${DEFAULT_DUE_SOON_DAYS})` },
  'stuck-after': {
    type: 'string',
    value: 'MINUTES',
    description: `An AWSPENDING version older than this is a stuck rotation (default ${DEFAULT_STUCK_AFTER_MS / 60_000})`,
  },
  'usage-days': {
    type: 'string',
    value: 'DAYS',
    description: `Look this far back for use of an alternating pair's previous client (default ${DEFAULT_USAGE_DAYS})`,
  },
  'skip-usage': { type: 'boolean', description: 'Do not ask Genesys Cloud whether previous clients are still in use' },
  'skip-credentials': { type: 'boolean', description: 'Do not ask Genesys Cloud whether the stored credentials are accepted (one token request each)' },
} as const;

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'Age, policy state and stuck rotations of every managed secret (exit 1 if any is overdue or failed)',
  usage: 'status [options]',
  description: [
    'Lists every managed secret (tag genesys-rotator:managed=true): strategy, current client, last and next',
    'rotation, age against the policy (tag genesys-rotator:max-rotation-days): ok, due soon, overdue; and a',
    'rotation that is stuck or failed (an AWSPENDING version that never became AWSCURRENT, or whose credentials',
    'are still refused 15 minutes on). A secret never rotated counts its age from its creation date. It asks',
    'Genesys Cloud for a token with the AWSCURRENT credentials (and a pending version\'s) and drops it: a secret',
    'none of whose stored credentials are accepted is BROKEN (the client has no working secret). For alternating',
    'pairs it asks whether the previous client (the standby, revoked by the next rotation) was used since the',
    'last rotation. Read-only. Exits 1 if any secret is overdue, broken, has a stuck rotation or an unusable',
    'document, so it can gate a pipeline.',
  ].join('\n'),
  options: STATUS_OPTIONS,
  positionals: { min: 0, max: 0 },
  examples: ['genesys-rotator status', 'genesys-rotator status --json --skip-usage', 'genesys-rotator status --due-soon-days 14 --skip-credentials'],
};

export function gatherOptions(parsed: ParsedCommand): GatherOptions {
  const { values } = parsed;
  return {
    dueSoonDays: numberOption(values, 'due-soon-days', DEFAULT_DUE_SOON_DAYS),
    stuckAfterMs: numberOption(values, 'stuck-after', DEFAULT_STUCK_AFTER_MS / 60_000) * 60_000,
    usage: values['skip-usage'] === true ? undefined : { days: numberOption(values, 'usage-days', DEFAULT_USAGE_DAYS, { integer: true, min: 1 }) },
    credentials: values['skip-credentials'] !== true,
  };
}

export async function collectStatuses(ctx: CliContext, options: GatherOptions): Promise<SecretStatus[]> {
  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  const secrets = await listManagedSecrets(ctx.secretsManager);
  const statuses: SecretStatus[] = [];
  // One at a time: a handful of secrets, and Genesys rate limits are per token.
  for (const meta of secrets) statuses.push(await gatherStatus(ctx, access, meta, options));
  return statuses;
}

function ageCell(status: SecretStatus): string {
  const policy = status.age.maxRotationDays === null ? '-' : String(status.age.maxRotationDays);
  return `${status.age.days.toFixed(1)}/${policy} d${status.age.since === 'created' ? '*' : ''}`;
}

function stateCell(status: SecretStatus): string {
  if (status.documentError !== null) return 'FAILED';
  if (status.credentials.state === 'broken') return 'BROKEN';
  if (status.credentials.state === 'not-loaded') return 'NOT LOADED';
  switch (status.age.state) {
    case 'ok':
      return 'ok';
    case 'due-soon':
      return 'DUE SOON';
    case 'overdue':
      return 'OVERDUE';
    case 'no-policy':
      return 'no policy';
  }
}

function rotationCell(status: SecretStatus): string {
  switch (status.rotation.state) {
    case 'stuck':
      return 'STUCK';
    case 'in-progress':
      return 'in progress';
    case 'idle':
      return status.rotationEnabled ? 'idle' : 'not scheduled';
  }
}

export function usageCell(status: SecretStatus): string {
  const usage = status.previousClientUsage;
  if (usage === null) return '-';
  if (usage.error !== undefined) return 'unknown (error)';
  switch (usage.verdict) {
    case 'in-use':
      return `IN USE (${usage.requests} req, last ${usage.lastUsedDay ?? '?'})`;
    case 'maybe-in-use':
      return `maybe (${usage.requests} req on rotation day)`;
    case 'idle':
      return 'idle';
  }
}

export function summaryLine(summary: StatusSummary): string {
  const parts = [`${summary.ok} ok`, `${summary.dueSoon} due soon`, `${summary.overdue} overdue`, `${summary.stuck} stuck`];
  if (summary.noPolicy > 0) parts.push(`${summary.noPolicy} without policy`);
  if (summary.inProgress > 0) parts.push(`${summary.inProgress} rotating`);
  if (summary.broken > 0) parts.push(`${summary.broken} BROKEN`);
  if (summary.notLoaded > 0) parts.push(`${summary.notLoaded} NOT LOADED (run bootstrap)`);
  if (summary.failed > 0) parts.push(`${summary.failed} FAILED`);
  return `${summary.total} managed secret${summary.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function renderStatusTable(statuses: readonly SecretStatus[]): string {
  return table(
    ['SECRET', 'STRATEGY', 'CLIENT', 'LAST ROTATED', 'NEXT ROTATION', 'AGE/POLICY', 'STATE', 'ROTATION', 'PREVIOUS CLIENT'],
    statuses.map((s) => [
      s.name,
      s.strategy ?? '?',
      s.clientId ?? '?',
      s.lastRotatedDate === null ? 'never' : shortDate(s.lastRotatedDate),
      shortDate(s.nextRotationDate),
      ageCell(s),
      stateCell(s),
      rotationCell(s),
      usageCell(s),
    ]),
  );
}

/** Why a managed secret does not rotate on its own, as far as ListSecrets tells. */
function rotationOffNote(hasRotationFunction: boolean | null): string {
  if (hasRotationFunction === false) {
    return 'rotation is not configured (no rotation function): it never rotates, and "rotate" cannot start it; the stack configures both when it deploys the secret';
  }
  return 'rotation is disabled: it never rotates on schedule; "rotate" runs its rotation function now and enables rotation again';
}

/** Footnotes: why each failing or unusual secret is so. */
export function statusNotes(statuses: readonly SecretStatus[]): string[] {
  const notes: string[] = [];
  if (statuses.some((s) => s.age.since === 'created')) notes.push("* never rotated: age counts from the secret's creation date");
  for (const s of statuses) {
    if (s.age.state === 'overdue') notes.push(`${s.name}: overdue since ${shortDate(s.age.dueDate)} (policy ${s.age.maxRotationDays ?? '?'} days)`);
    if (s.age.state === 'due-soon') notes.push(`${s.name}: due by ${shortDate(s.age.dueDate)}`);
    if (s.age.state === 'no-policy') notes.push(`${s.name}: no valid genesys-rotator:max-rotation-days tag; age not judged`);
    if (!s.rotationEnabled) notes.push(`${s.name}: ${rotationOffNote(s.hasRotationFunction)}`);
    if (s.rotation.reason !== null) notes.push(`${s.name}: ${s.rotation.reason}`);
    if (s.documentError !== null) notes.push(`${s.name}: current document unusable: ${s.documentError}`);
    if (s.credentials.reason !== null) notes.push(`${s.name}: credentials ${s.credentials.state}: ${s.credentials.reason}`);
    const usage = s.previousClientUsage;
    if (usage !== null && usage.error !== undefined) notes.push(`${s.name}: usage of previous client ${s.alternateClientId ?? '?'} unknown: ${usage.error}`);
    else if (usage?.verdict === 'in-use') {
      notes.push(`${s.name}: previous client ${usage.clientId} still in use; the next rotation revokes it: find the consumers not reading the secret again`);
    }
  }
  return notes;
}

export async function runStatus(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const options = gatherOptions(parsed);
  const statuses = await collectStatuses(ctx, options);
  const summary = summarise(statuses);
  const exitCode = summary.failing > 0 ? EXIT.checkFailed : EXIT.ok;
  if (out.json) {
    out.document({
      generatedAt: ctx.now().toISOString(),
      settings: {
        dueSoonDays: options.dueSoonDays,
        stuckAfterMinutes: (options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS) / 60_000,
        usageDays: options.usage?.days ?? null,
        credentialsChecked: options.credentials !== false,
      },
      summary,
      secrets: statuses,
      exitCode,
    });
    return exitCode;
  }
  if (statuses.length === 0) {
    out.line(NO_MANAGED_SECRETS);
    return exitCode;
  }
  out.line(renderStatusTable(statuses));
  out.line();
  for (const note of statusNotes(statuses)) out.line(note);
  out.line(`${summaryLine(summary)}${exitCode === EXIT.ok ? '' : ' -> FAIL'}`);
  return exitCode;
}
