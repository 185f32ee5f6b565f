/** `report --html FILE`: the status table and a rotation timeline per secret, as one offline HTML page. */
import { writeFile } from 'node:fs/promises';
import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_STUCK_AFTER_MS } from '../../lambdas/core/status/classify';
import { stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { listVersions } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { summarise } from '../gather-status';
import type { Output } from '../io';
import { renderHtmlReport } from '../render/html-report';
import { collectStatuses, gatherOptions, STATUS_OPTIONS, summaryLine } from './status';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 'Write a self-contained HTML report (status table and rotation timelines) for auditors',
  usage: 'report --html FILE [options]',
  description: [
    'Writes one HTML page that needs no network: the status table (overdue and failed rows highlighted) and,',
    'per managed secret, a timeline of its versions by creation date with the policy due date. It holds',
    'metadata only, never a secret value. Exits 0 once the file is written, whatever the secrets\' state',
    '(use "status" to gate a pipeline).',
  ].join('\n'),
  options: {
    html: { type: 'string', value: 'FILE', description: 'Where to write the report (required)' },
    ...STATUS_OPTIONS,
  },
  positionals: { min: 0, max: 0 },
  examples: ['genesys-rotator report --html rotation-report.html'],
};

export async function runReport(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const file = stringOption(parsed.values, 'html');
  if (file === undefined || file.trim() === '') throw usageError('--html', 'the file to write the report to, e.g. --html report.html');
  const options = gatherOptions(parsed);
  const statuses = await collectStatuses(ctx, options);
  const secrets = [];
  for (const status of statuses) secrets.push({ status, versions: await listVersions(ctx.secretsManager, status.arn, true) });
  const summary = summarise(statuses);
  const html = renderHtmlReport({
    generatedAt: ctx.now(),
    summary,
    secrets,
    settings: {
      dueSoonDays: options.dueSoonDays ?? 7,
      stuckAfterMinutes: (options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS) / 60_000,
      usageDays: options.usage?.days ?? null,
    },
  });
  try {
    await writeFile(file, html, 'utf8');
  } catch (error) {
    throw new ValidationError(`Cannot write the report to ${file}`, '--html', 'a file path that can be written', { cause: error });
  }
  if (out.json) {
    out.document({ file, summary, secrets: statuses.map((s) => ({ name: s.name, arn: s.arn, failing: s.failing })), exitCode: EXIT.ok });
  } else {
    out.line(`Wrote ${file}: ${summaryLine(summary)}.`);
  }
  return EXIT.ok;
}
