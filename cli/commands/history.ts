/** `history <secret>`: every rotation attempt of one managed secret, from the rotation ledger, newest first. */
import { type CommandSpec, type ParsedCommand } from '../args';
import { resolveManagedSecret } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, Output } from '../io';
import { attemptsSince } from '../ledger/attempts';
import { createLedgerClient } from '../ledger/dynamodb';
import { LEDGER_OPTIONS, ledgerTableOption, sinceOption } from '../ledger/options';
import { ledgerTableOf, noLedgerTableError, readSecretLedger } from '../ledger/reader';
import { attemptsSummaryLine, countAttempts, failureNotes, renderAttemptsTable } from '../render/attempts-text';
import { shortDate } from '../render/text';

export const historyCommand: CommandSpec = {
  name: 'history',
  summary: 'Every rotation attempt of a secret from the rotation ledger: outcome, emergencies and who asked (exit 1 if the newest failed)',
  usage: 'history <secret> [--since WHEN] [--ledger-table NAME]',
  description: [
    'Reads the rotation ledger (the DynamoDB table the stack deploys; the tag genesys-rotator:ledger-table on',
    'each managed secret names it) and lists every rotation attempt of the secret, newest first: when it',
    'started, its kind (scheduled, manual, or EMERGENCY with its reason and who asked), its outcome, the',
    'client regenerated and whether the new credentials were verified, clients revoked, the step that failed',
    'with the error, and how often Secrets Manager retried a step. --since limits it to a period (default: all).',
    'Read-only. Exits 1 when the newest attempt in the period failed, so a script can tell; 0 otherwise.',
    'DynamoDB is reached with the Region and credentials of Secrets Manager, at --endpoint-url when given, else',
    'AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL.',
  ].join('\n'),
  options: LEDGER_OPTIONS,
  positionals: { min: 1, max: 1 },
  examples: [
    'genesys-rotator history genesys-rotator/acme/jobs',
    'genesys-rotator history genesys-rotator/acme/jobs --since 90d --json',
    'genesys-rotator history genesys-rotator/acme/jobs --since 2026-01-01 --ledger-table GenesysRotatorLedger',
  ],
};

export async function runHistory(ctx: CliContext, parsed: ParsedCommand, out: Output, io: CliIo): Promise<ExitCode> {
  const now = ctx.now();
  // The command line is checked before anything is asked of AWS.
  const since = sinceOption(parsed.values, now, undefined);
  const override = ledgerTableOption(parsed.values);
  const meta = await resolveManagedSecret(ctx.secretsManager, parsed.positionals[0] ?? '');
  const table = ledgerTableOf(meta, override);
  if (table === undefined) throw noLedgerTableError(meta);
  const client = createLedgerClient(parsed.values, io.env ?? process.env, io.sdkTimeouts);
  let ledger;
  try {
    ledger = await readSecretLedger(client, meta, table);
  } finally {
    client.destroy();
  }
  const attempts = attemptsSince(ledger.attempts, since);
  const counts = countAttempts(attempts);
  const exitCode = attempts[0]?.outcome === 'failed' ? EXIT.checkFailed : EXIT.ok;
  if (out.json) {
    out.document({ secret: { name: meta.name, arn: meta.arn }, table, since: since?.toISOString() ?? null, generatedAt: now.toISOString(), counts, attempts, exitCode });
    return exitCode;
  }
  const period = since === undefined ? 'all recorded' : `since ${shortDate(since.toISOString())}`;
  if (attempts.length === 0) {
    out.line(`No rotation attempt of ${meta.name} recorded in ${table} (${period}).`);
    return exitCode;
  }
  out.line(`${meta.name}: rotation attempts in ledger table ${table} (${period}), newest first`);
  out.line();
  out.line(renderAttemptsTable(attempts));
  out.line();
  for (const note of failureNotes(attempts)) out.line(note);
  out.line(`${attemptsSummaryLine(counts)}${exitCode === EXIT.ok ? '' : ' -> newest attempt FAILED'}`);
  return exitCode;
}
