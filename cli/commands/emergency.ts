/**
 * `emergency <secret> --reason TEXT`: revoke leaked credentials now (DESIGN.md §3). Tags the secret
 * `genesys-rotator:emergency=<reason>` and rotates at once; the rotation regenerates the credentials
 * that were current (alternating: also the previous client's) and clears the tag. Then checks that
 * the leaked credentials are refused by Genesys Cloud.
 */
import { AWSCURRENT, AWSPREVIOUS } from '../../lambdas/core/aws/secrets-store';
import { GenesysAuthError } from '../../lambdas/core/errors';
import { describeError } from '../../lambdas/core/redaction';
import { TAGS } from '../../lambdas/core/rotation/engine';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { DEFAULT_USAGE_DAYS } from '../../lambdas/core/status/usage-check';
import { numberOption, stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { readDocument, tagSecret, untagSecret, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { sanitiseReason } from '../emergency-reason';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import { readLine, type CliIo, type Output } from '../io';
import type { Progress } from '../progress';
import { renderSteps } from '../wait-rotation';
import { DEFAULT_TIMEOUT_SECONDS, prepareRotation, rotateAndWait, usageBefore, usageLine, WAIT_OPTIONS } from './rotate';

const DEFAULT_TOKEN_LIFETIME_SECONDS = 86_400;

export const emergencyCommand: CommandSpec = {
  name: 'emergency',
  summary: 'Revoke leaked credentials: tag and rotate at once, wait, report what was revoked',
  usage: 'emergency <secret> --reason TEXT [--yes] [--timeout SECONDS]',
  description: [
    'For a secret that leaked. Tags it genesys-rotator:emergency=<reason> and rotates it now. The rotation',
    'regenerates the credentials that were current (for an alternating pair: the previous client too, so',
    'no leaked secret survives), then clears the tag. Before that it shows which client is revoked and,',
    'for an alternating pair, whether it is in use (consumers still holding it fail until they re-read the',
    'secret). Asks for confirmation unless --yes. Afterwards it checks that Genesys Cloud refuses the',
    'leaked credentials. Access tokens issued before the rotation may stay valid until they expire (up to',
    "the client's token lifetime, default 24 h). --reason is required (stored as a tag: letters, digits,",
    'spaces and _ . : / = + - @; other characters become spaces; 256 characters at most).',
    'Exits 1 if the rotation fails, the tag is not cleared or the leaked credentials still work.',
  ].join('\n'),
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'Why (required); kept as the emergency tag value until the rotation clears it' },
    yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation' },
    ...WAIT_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  examples: ['genesys-rotator emergency genesys-rotator/acme/crm --reason "secret pasted in ticket 4711" --yes'],
};

interface LeakCheck {
  /** true: Genesys Cloud refuses the leaked credentials; false: they still work; null: could not tell. */
  readonly refused: boolean | null;
  readonly detail: string;
}

async function checkLeakedRefused(ctx: CliContext, leaked: SecretDocument): Promise<LeakCheck> {
  try {
    await ctx.genesys(leaked.environment).getToken({ clientId: leaked.clientId, clientSecret: leaked.clientSecret });
    return { refused: false, detail: `Genesys Cloud STILL ISSUES TOKENS for the leaked credentials of client ${leaked.clientId}` };
  } catch (error) {
    if (error instanceof GenesysAuthError) return { refused: true, detail: `Genesys Cloud refuses the leaked credentials of client ${leaked.clientId} (${error.code ?? 'refused'})` };
    return { refused: null, detail: `could not check the leaked credentials: ${String(describeError(error).errorMessage)}` };
  }
}

async function tokenLifetimeSeconds(ctx: CliContext, meta: SecretMeta, doc: SecretDocument): Promise<number | undefined> {
  try {
    const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
    const client = await ctx.genesys(doc.environment).getOAuthClient(await access.adminToken(meta.arn, doc), doc.clientId);
    return client.accessTokenValiditySeconds;
  } catch {
    return undefined; // advisory only: the runbook's default is printed instead
  }
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} Type "yes" to continue: `);
  const answer = await readLine(io.stdin);
  io.stderr.write('\n');
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}

export async function runEmergency(ctx: CliContext, parsed: ParsedCommand, out: Output, progress: Progress, io: CliIo): Promise<ExitCode> {
  // Every input is checked before anything is read or changed.
  const reason = sanitiseReason(stringOption(parsed.values, 'reason'));
  if (reason === undefined) {
    throw usageError('--reason', 'why this emergency rotation is needed, e.g. --reason "secret pasted in ticket 4711" (must contain letters or digits)');
  }
  numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 });
  numberOption(parsed.values, 'usage-days', DEFAULT_USAGE_DAYS, { integer: true, min: 1 });
  const { meta, doc } = await prepareRotation(ctx, parsed.positionals[0] ?? '');

  const revoked = doc.clientId;
  const plan =
    doc.strategy === 'alternating'
      ? `revokes client ${revoked} (current, leaked) and regenerates standby ${doc.alternateClientId ?? '?'}, which becomes current`
      : `regenerates the secret of client ${revoked}: the leaked one dies at once`;
  const usage = await usageBefore(ctx, parsed, meta, doc, 'emergency');
  // Asked before the rotation: afterwards the admin pair's own old credentials may be the dead ones.
  const lifetime = (await tokenLifetimeSeconds(ctx, meta, doc)) ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  out.line(`Emergency rotation of ${meta.name} (${doc.strategy}): ${plan}.`);
  out.line(`Reason: ${reason}`);
  if (usage !== null) out.line(usageLine(revoked, usage));
  if (usage !== null && usage.error === undefined && usage.verdict !== 'idle') {
    out.line('Consumers still using these credentials fail until they read the secret again.');
  }

  if (parsed.values.yes !== true && !(await confirm(io, `Revoke the credentials of client ${revoked} in ${meta.name} now?`))) {
    out.warn('Aborted: nothing changed.');
    if (out.json) out.document({ secret: { name: meta.name, arn: meta.arn }, aborted: true, exitCode: EXIT.checkFailed });
    return EXIT.checkFailed;
  }

  await tagSecret(ctx.secretsManager, meta.arn, TAGS.emergency, reason);
  // Only when RotateSecret itself is refused is the tag removed: no rotation will clear it, and a later
  // scheduled one must not revoke by surprise. Once the rotation started, the tag must stay whatever
  // happens to this process while it waits, or the rotation would finish without revoking.
  const result = await rotateAndWait(ctx, parsed, meta, progress, TAGS.emergency, async () => {
    await untagSecret(ctx.secretsManager, meta.arn, TAGS.emergency);
  });

  const previous = result.succeeded ? await readDocument(ctx.secretsManager, meta.arn, { stage: AWSPREVIOUS }) : undefined;
  const current = result.succeeded ? await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT }) : undefined;
  // The rotation revoked what AWSPREVIOUS now names (alternating); single regenerated the one client.
  const revokedClientId = result.succeeded ? (doc.strategy === 'alternating' ? (previous?.clientId ?? null) : doc.clientId) : null;
  const leak = result.succeeded ? await checkLeakedRefused(ctx, doc) : { refused: null, detail: 'not checked: the rotation did not finish' };
  const tokensValidUntil = new Date(ctx.now().getTime() + lifetime * 1000).toISOString();
  const tagCleared = !Object.hasOwn(result.meta.tags, TAGS.emergency);
  const ok = result.succeeded && tagCleared && leak.refused !== false;
  const exitCode = ok ? EXIT.ok : EXIT.checkFailed;

  if (out.json) {
    out.document({
      secret: { name: meta.name, arn: meta.arn },
      strategy: doc.strategy,
      reason,
      versionId: result.versionId,
      succeeded: result.succeeded,
      failure: result.failure ?? null,
      steps: result.steps,
      revokedClientId,
      currentClientId: current?.clientId ?? null,
      emergencyTagCleared: tagCleared,
      leakedCredentialsRefused: leak.refused,
      usageOfRevokedClient: usage,
      tokenLifetimeSeconds: lifetime,
      tokensMayStayValidUntil: tokensValidUntil,
      exitCode,
    });
    return exitCode;
  }
  out.line('Steps:');
  for (const line of renderSteps(result.steps)) out.line(line);
  if (!result.succeeded) {
    out.line(`FAILED: ${result.failure ?? 'unknown'}. The leaked credentials may still work: see the runbook.`);
    return exitCode;
  }
  out.line(`Revoked: client ${revokedClientId ?? '?'}; consumers now use client ${current?.clientId ?? '?'} (version ${result.versionId}).`);
  out.line(`Check: ${leak.detail}.`);
  out.line(`Emergency tag: ${tagCleared ? 'cleared' : 'STILL SET'}.`);
  out.line(`Access tokens issued before the rotation may stay valid until ${tokensValidUntil} (token lifetime ${lifetime} s).`);
  return exitCode;
}
