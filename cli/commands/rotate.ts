/** `rotate <secret>`: rotate now, wait, and report each step. */
import { AWSCURRENT } from '../../lambdas/core/aws/secrets-store';
import { RotationError } from '../../lambdas/core/errors';
import { describeError } from '../../lambdas/core/redaction';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { DEFAULT_NO_VALUE_GRACE_MS, formatDuration } from '../../lambdas/core/status/classify';
import { clientToRevoke, DEFAULT_USAGE_DAYS, describeUsage, type UsageSummary } from '../../lambdas/core/status/usage-check';
import { numberOption, PROGRAM, type CommandSpec, type ParsedCommand } from '../args';
import { pendingVersionId, readDocument, resolveManagedSecret, startRotation, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { LEDGER_OPTIONS, ledgerTableOption } from '../ledger/options';
import { recordRotationRequests } from '../ledger-request';
import type { Progress } from '../progress';
import { renderSteps, waitForRotation, type RotationWaitResult } from '../wait-rotation';

export const DEFAULT_TIMEOUT_SECONDS = 600;

export const WAIT_OPTIONS = {
  timeout: { type: 'string', value: 'SECONDS', description: `Give up waiting after this long (default ${DEFAULT_TIMEOUT_SECONDS}); the rotation itself goes on` },
  'usage-days': { type: 'string', value: 'DAYS', description: `Usage check window (default ${DEFAULT_USAGE_DAYS})` },
  'skip-usage': { type: 'boolean', description: 'Do not ask Genesys Cloud whether the client to be revoked is still in use' },
  // Where the request record goes (who asked, why); the secret's tag names it when this is absent.
  'ledger-table': LEDGER_OPTIONS['ledger-table'],
} as const;

export const rotateCommand: CommandSpec = {
  name: 'rotate',
  summary: 'Rotate a managed secret now, wait, and report each step',
  usage: 'rotate <secret> [--timeout SECONDS]',
  description: [
    'Starts the secret\'s rotation function now (RotateSecret, RotateImmediately) and waits until the new',
    'version is AWSCURRENT, reporting each step as far as the version\'s stages show it. For an alternating',
    'pair it first reports whether the standby client, whose secret this rotation regenerates (the previous',
    'credentials), was still used since the last rotation. <secret> is a name or ARN.',
    'Exits 1 if the rotation does not finish within the timeout.',
  ].join('\n'),
  options: WAIT_OPTIONS,
  positionals: { min: 1, max: 1 },
  examples: ['genesys-rotator rotate genesys-rotator/acme/crm', 'genesys-rotator rotate arn:aws:secretsmanager:...:secret:genesys-rotator/acme/jobs-AbCdEf --json'],
};

/**
 * What a rotation of a managed secret needs to start. A secret whose state blocks a rotation (one
 * already pending, no current value) is refused with RotationError (exit code 1) before anything changes.
 */
export async function prepareRotation(ctx: CliContext, secretId: string): Promise<{ meta: SecretMeta; doc: SecretDocument }> {
  const meta = await resolveManagedSecret(ctx.secretsManager, secretId);
  const pending = pendingVersionId(meta);
  if (pending !== undefined) {
    throw new RotationError(
      `A rotation of ${meta.name} is already in progress or stuck (AWSPENDING version ${pending}); run "status" and see the rotate function logs. Nothing changed.`,
    );
  }
  const doc = await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT });
  if (doc === undefined) throw new RotationError(`Secret ${meta.name} has no AWSCURRENT value. Nothing changed.`);
  return { meta, doc };
}

export type UsageReport = (UsageSummary & { readonly error?: undefined }) | { readonly error: string } | null;

/** Usage of the client a rotation will revoke; errors are reported, not thrown (the check is advisory). */
export async function usageBefore(
  ctx: CliContext,
  parsed: ParsedCommand,
  meta: SecretMeta,
  doc: SecretDocument,
  kind: 'scheduled' | 'emergency',
): Promise<UsageReport> {
  const clientId = clientToRevoke(doc, kind);
  if (clientId === undefined || parsed.values['skip-usage'] === true) return null;
  const days = numberOption(parsed.values, 'usage-days', DEFAULT_USAGE_DAYS, { integer: true, min: 1 });
  try {
    const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
    return await access.usage(meta.arn, doc, clientId, days, kind === 'scheduled' ? meta.lastRotatedDate : undefined);
  } catch (error) {
    return { error: String(describeError(error).errorMessage) };
  }
}

export function usageLine(clientId: string, usage: UsageReport): string {
  if (usage === null) return '';
  return `Usage of client ${clientId}: ${usage.error !== undefined ? `unknown (${usage.error})` : describeUsage(usage)}`;
}

export async function rotateAndWait(
  ctx: CliContext,
  parsed: ParsedCommand,
  meta: SecretMeta,
  progress: Progress,
  tagCleared?: string,
  /** Runs only when RotateSecret itself was refused (no rotation started), before the error is rethrown. */
  onStartRefused?: () => Promise<void>,
  /** Runs once RotateSecret returned the new version id, before the wait (e.g. to record the request). */
  onStarted?: (versionId: string) => Promise<void>,
): Promise<RotationWaitResult> {
  const timeoutMs = numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 }) * 1000;
  let versionId: string;
  try {
    versionId = await startRotation(ctx.secretsManager, meta.arn);
  } catch (error) {
    await onStartRefused?.();
    throw error;
  }
  await onStarted?.(versionId);
  return await waitForRotation(ctx.secretsManager, {
    secretArn: meta.arn,
    versionId,
    timeoutMs,
    pollIntervalMs: ctx.pollIntervalMs,
    progress,
    ...(tagCleared !== undefined ? { tagCleared } : {}),
  });
}

/** The last line of `rotate`: what happened, or what is known when the wait ended first (never "failed" for a rotation still running). */
function outcomeLine(result: RotationWaitResult, clientAfter: string | undefined, timeoutSeconds: number): string {
  switch (result.outcome) {
    case 'rotated':
      return `Rotated: version ${result.versionId} is AWSCURRENT; consumers now use client ${clientAfter ?? '?'}.`;
    case 'not-finished':
      return [
        `NOT FINISHED within ${timeoutSeconds < 60 ? `${timeoutSeconds} s` : formatDuration(timeoutSeconds * 1000)}: version ${result.versionId} is not AWSCURRENT yet; the rotation goes on without this command.`,
        `Follow it with "${PROGRAM} status" (a version still pending after ${formatDuration(DEFAULT_NO_VALUE_GRACE_MS)} without a value, or after an hour, is reported STUCK).`,
      ].join('\n');
    case 'replaced':
      return `FAILED: ${result.failure ?? 'unknown'}.`;
  }
}

export async function runRotate(ctx: CliContext, parsed: ParsedCommand, out: Output, progress: Progress): Promise<ExitCode> {
  const secretId = parsed.positionals[0] ?? '';
  // Validate flags before anything changes.
  numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 });
  numberOption(parsed.values, 'usage-days', DEFAULT_USAGE_DAYS, { integer: true, min: 1 });
  ledgerTableOption(parsed.values);
  const { meta, doc } = await prepareRotation(ctx, secretId);
  const standby = clientToRevoke(doc, 'scheduled');
  const usage = await usageBefore(ctx, parsed, meta, doc, 'scheduled');
  out.line(`Rotating ${meta.name} (${doc.strategy}, current client ${doc.clientId}${standby !== undefined ? `, regenerating standby ${standby}` : ''})`);
  if (standby !== undefined && usage !== null) out.line(usageLine(standby, usage));

  const requestedAt = ctx.now();
  const result = await rotateAndWait(ctx, parsed, meta, progress, undefined, undefined, async (versionId) => {
    await recordRotationRequests(ctx, parsed.values, out, meta, [versionId], { rotationKind: 'manual', command: 'rotate', requestedAt });
  });
  const after = result.succeeded ? await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT }) : undefined;
  const exitCode = result.succeeded ? EXIT.ok : EXIT.checkFailed;
  if (out.json) {
    out.document({
      secret: { name: meta.name, arn: meta.arn },
      strategy: doc.strategy,
      versionId: result.versionId,
      succeeded: result.succeeded,
      outcome: result.outcome,
      failure: result.failure ?? null,
      steps: result.steps,
      clientBefore: doc.clientId,
      clientAfter: after?.clientId ?? null,
      regeneratedClientId: doc.strategy === 'alternating' ? (standby ?? null) : doc.clientId,
      previousClientUsage: usage,
      exitCode,
    });
    return exitCode;
  }
  out.line('Steps:');
  for (const line of renderSteps(result.steps)) out.line(line);
  out.line(outcomeLine(result, after?.clientId, numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 })));
  return exitCode;
}
