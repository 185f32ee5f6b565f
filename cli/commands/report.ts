/**
 * `report --html FILE [--since WHEN]`: the auditor's page. Status of every managed secret and, per
 * secret, its rotation attempts in the period from the rotation ledger (or, for a secret without one,
 * the versions Secrets Manager still keeps). `--json` prints the same data the page is drawn from.
 */
import { writeFile } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseSecretArn } from '../../lambdas/core/bindings';
import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_STUCK_AFTER_MS } from '../../lambdas/core/status/classify';
import { stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { listManagedSecrets, listVersions, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { gatherStatus, summarise, type SecretStatus } from '../gather-status';
import { GenesysAccess } from '../genesys-access';
import type { CliIo, Output } from '../io';
import { attemptsSince } from '../ledger/attempts';
import { createLedgerClient } from '../ledger/dynamodb';
import { LEDGER_OPTIONS, ledgerTableOption, sinceOption } from '../ledger/options';
import { ledgerTableOf, readSecretLedger } from '../ledger/reader';
import { REPORT_DEFAULT_SINCE } from '../ledger/since';
import { renderHtmlReport } from '../render/html-report';
import { classifyForReport, countStates, reportSummaryLine, versionsJson, type ReportHistory, type ReportModel, type ReportSchedule, type ReportSecret, type ReportVersion } from '../render/report-model';
import { gatherOptions, STATUS_OPTIONS } from './status';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 'Write a self-contained HTML report (status, rotation timelines and attempts from the ledger) for auditors',
  usage: 'report --html FILE [--since WHEN] [options]',
  description: [
    'Writes one HTML page that needs no network and runs no script: account, Region and period; one count per',
    'state (ok, due soon, overdue, failed, stuck: each secret counted once, by its worst state); the status',
    'table; and per managed secret its schedule and policy, a timeline of the period and a table of every',
    'rotation attempt from the rotation ledger, with emergencies, their reason and who asked. A secret without',
    'a ledger gets the versions Secrets Manager still keeps, and the page says so. The period is --since back',
    `from now (default ${REPORT_DEFAULT_SINCE}: one year). It holds metadata only, never a secret value. Exits 0 once the`,
    'file is written, whatever the secrets\' state (use "status" to gate a pipeline). DynamoDB is reached with the',
    'Region and credentials of Secrets Manager, at --endpoint-url when given, else AWS_ENDPOINT_URL_DYNAMODB, then',
    'AWS_ENDPOINT_URL.',
  ].join('\n'),
  options: {
    html: { type: 'string', value: 'FILE', description: 'Where to write the report (required)' },
    ...LEDGER_OPTIONS,
    ...STATUS_OPTIONS,
  },
  positionals: { min: 0, max: 0 },
  examples: ['genesys-rotator report --html rotation-report.html', 'genesys-rotator report --html q3.html --since 2026-07-01 --json'],
};

function scheduleOf(meta: SecretMeta): ReportSchedule {
  const rules = meta.rotationRules;
  const expression = rules?.scheduleExpression ?? (rules?.automaticallyAfterDays !== undefined ? `rate(${rules.automaticallyAfterDays} days)` : null);
  return { expression: meta.rotationEnabled ? expression : null, window: rules?.duration ?? null };
}

const NO_LEDGER = 'No rotation ledger: the secret has no genesys-rotator:ledger-table tag (a stack deployed without the ledger) and no --ledger-table was given.';

async function historyOf(meta: SecretMeta, table: string | undefined, ledger: () => DynamoDBClient, since: Date): Promise<ReportHistory> {
  if (table === undefined) return { source: 'versions', reason: NO_LEDGER };
  const read = await readSecretLedger(ledger(), meta, table);
  const attempts = attemptsSince(read.attempts, since);
  const before = read.attempts.find((a) => !attempts.includes(a) && a.finishedAt !== null);
  return { source: 'ledger', table, attempts, rotatedBefore: before?.finishedAt ?? null };
}

/** The versions Secrets Manager keeps: every labelled one, and the unlabelled ones created in the period. */
async function versionsOf(ctx: CliContext, meta: SecretMeta, since: Date): Promise<ReportVersion[]> {
  const versions = await listVersions(ctx.secretsManager, meta.arn, true);
  return versionsJson(versions.filter((v) => v.stages.length > 0 || v.createdDate === undefined || v.createdDate.getTime() >= since.getTime()));
}

/** The Region the clients talk to, as the SDK resolved it (flag, variable or profile). */
async function regionOf(ctx: CliContext): Promise<string | null> {
  try {
    return await ctx.secretsManager.config.region();
  } catch {
    return null;
  }
}

export async function runReport(ctx: CliContext, parsed: ParsedCommand, out: Output, io: CliIo): Promise<ExitCode> {
  const file = stringOption(parsed.values, 'html');
  if (file === undefined || file.trim() === '') throw usageError('--html', 'the file to write the report to, e.g. --html report.html');
  const now = ctx.now();
  const since = sinceOption(parsed.values, now, REPORT_DEFAULT_SINCE) ?? now;
  const override = ledgerTableOption(parsed.values);
  const options = gatherOptions(parsed);

  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  let client: DynamoDBClient | undefined;
  const ledger = (): DynamoDBClient => (client ??= createLedgerClient(parsed.values, io.env ?? process.env, io.sdkTimeouts));
  const statuses: SecretStatus[] = [];
  const secrets: ReportSecret[] = [];
  try {
    // One at a time: a handful of secrets, and Genesys rate limits are per token.
    for (const meta of await listManagedSecrets(ctx.secretsManager)) {
      const status = await gatherStatus(ctx, access, meta, options);
      const history = await historyOf(meta, ledgerTableOf(meta, override), ledger, since);
      const { state, reason } = classifyForReport(status, history);
      statuses.push(status);
      secrets.push({ name: meta.name, arn: meta.arn, state, stateReason: reason, schedule: scheduleOf(meta), status, history, versions: await versionsOf(ctx, meta, since) });
    }
  } finally {
    client?.destroy();
  }
  const model: ReportModel = {
    generatedAt: now.toISOString(),
    // The account is in every secret's ARN: no extra call (and no extra permission) needed.
    account: secrets.map((s) => parseSecretArn(s.arn)?.account).find((a) => a !== undefined) ?? null,
    region: await regionOf(ctx),
    period: { since: since.toISOString(), until: now.toISOString() },
    settings: {
      dueSoonDays: options.dueSoonDays ?? 7,
      stuckAfterMinutes: (options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS) / 60_000,
      usageDays: options.usage?.days ?? null,
    },
    counts: countStates(secrets),
    secrets,
  };
  try {
    await writeFile(file, renderHtmlReport(model), 'utf8');
  } catch (error) {
    throw new ValidationError(`Cannot write the report to ${file}`, '--html', 'a file path that can be written', { cause: error });
  }
  if (out.json) {
    // `summary` is `status`'s (a secret may count in several of its buckets); `counts` is the page's.
    out.document({ file, summary: summarise(statuses), ...model, exitCode: EXIT.ok });
  } else {
    out.line(`Wrote ${file}: ${reportSummaryLine(model.counts)}.`);
  }
  return EXIT.ok;
}
