/** The command-line options `history` and `report` share for reading the ledger. */
import { stringOption, usageError, type OptionSpec, type ParsedValues } from '../args';
import { parseSince } from './since';

export const LEDGER_OPTIONS = {
  since: {
    type: 'string',
    value: 'WHEN',
    description: 'Start of the period: an ISO-8601 date or date-time, or a duration back from now (90d, 12w, 1y)',
  },
  'ledger-table': {
    type: 'string',
    value: 'NAME',
    description: 'The rotation ledger table (default: the genesys-rotator:ledger-table tag the stack sets on each managed secret)',
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** `--since` as an instant, or the default (a duration or date; undefined: no limit). */
export function sinceOption(values: ParsedValues, now: Date, fallback: string | undefined): Date | undefined {
  const text = stringOption(values, 'since') ?? fallback;
  return text === undefined ? undefined : parseSince(text, now);
}

/** `--ledger-table`, when given (an empty value is a mistake, not "use the tag"). */
export function ledgerTableOption(values: ParsedValues): string | undefined {
  const table = stringOption(values, 'ledger-table');
  if (table !== undefined && table.trim() === '') throw usageError('--ledger-table', 'the name of the rotation ledger table (got an empty value)');
  return table?.trim();
}
