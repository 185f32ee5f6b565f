/**
 * `--since`: where a history or a report starts. An ISO-8601 date (`2026-01-31`, midnight UTC) or
 * date-time with an offset, or a duration back from now (`90d`, `12w`, `1y`). A year is 365 days and
 * there is no month unit: "1m" reads as a minute to some and a month to others, so it is refused.
 */
import { usageError } from '../args';
import { DAY_MS } from '../../lambdas/core/status/classify';

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS, y: 365 * DAY_MS };
const DURATION = /^(\d+)([hdwy])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const SINCE_EXPECTED = 'an ISO-8601 date (2026-01-31) or date-time with offset (2026-01-31T12:00Z), or a duration back from now: a whole number and h, d, w or y (90d, 12w, 1y)';

/** The default period of `report`: one year back from now. */
export const REPORT_DEFAULT_SINCE = '1y';

/** Whether `YYYY-MM-DD` is a day of the calendar: Date.parse rolls 2026-02-31 over to March 3. */
function isCalendarDay(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, date));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === date;
}

/**
 * The instant `--since` names, relative to `now` for a duration.
 * @throws ValidationError (exit code 2) for anything else, or a date in the future
 */
export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  const duration = DURATION.exec(value);
  let since: Date | undefined;
  if (duration !== null) {
    since = new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? 0));
  } else if ((DATE.test(value) || DATE_TIME.test(value)) && isCalendarDay(value.slice(0, 10))) {
    const ms = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) since = new Date(ms);
  }
  if (since === undefined) throw usageError('--since', `${SINCE_EXPECTED} (got "${text}")`);
  if (since.getTime() > now.getTime()) throw usageError('--since', `a date not in the future (got "${text}")`);
  return since;
}
