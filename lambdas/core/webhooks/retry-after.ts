/**
 * `Retry-After` as a receiver may send it (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date in any of
 * the three forms a recipient must accept (§5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the
 * obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
 *
 * Dates are matched by pattern and built with `Date.UTC`, never handed to `Date.parse`, which accepts
 * almost anything (`Date.parse('1')` is a date in 2001) and reads asctime as local time.
 * Genesys Cloud sends seconds only; its client keeps the simpler rule in genesys/retry.ts.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTH = MONTHS.join('|');
const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAY = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** Groups: day, month, year, hour, minute, second. */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** Groups: day, month, two-digit year, hour, minute, second. */
const RFC850_DATE = new RegExp(`^(?:${LONG_DAY}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
/** Groups: month, day (space-padded), hour, minute, second, year. */
const ASCTIME_DATE = new RegExp(`^(?:${DAY}) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

interface DateFields {
  readonly year: number;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

/** Epoch ms of a calendar date and time in UTC, or undefined for one that does not exist (31 Feb, 25:00). */
function utc(fields: DateFields): number | undefined {
  const month = MONTHS.indexOf(fields.month as (typeof MONTHS)[number]);
  const [day, hour, minute, second] = [fields.day, fields.hour, fields.minute, fields.second].map((n) => Number(n.trim())) as [number, number, number, number];
  // A leap second (60) is allowed by the grammar; Date.UTC rolls it over to the next minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  if (new Date(Date.UTC(fields.year, month, day)).getUTCDate() !== day) return undefined;
  return Date.UTC(fields.year, month, day, hour, minute, second);
}

/** RFC 9110: a two-digit year more than 50 years ahead is the latest past year with those digits. */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const year = Math.floor(thisYear / 100) * 100 + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

/** Epoch ms of an HTTP-date, or undefined when `text` is not one. */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf !== null) {
    const [, day = '', month = '', year = '', hour = '', minute = '', second = ''] = imf;
    return utc({ year: Number(year), month, day, hour, minute, second });
  }
  const rfc850 = RFC850_DATE.exec(text);
  if (rfc850 !== null) {
    const [, day = '', month = '', year = '', hour = '', minute = '', second = ''] = rfc850;
    return utc({ year: fullYear(Number(year), nowMs), month, day, hour, minute, second });
  }
  const asctime = ASCTIME_DATE.exec(text);
  if (asctime !== null) {
    const [, month = '', day = '', hour = '', minute = '', second = '', year = ''] = asctime;
    return utc({ year: Number(year), month, day, hour, minute, second });
  }
  return undefined;
}

/**
 * How long `Retry-After` asks to wait, in ms from `nowMs`: delay-seconds, or the time until an
 * HTTP-date (0 for a date already past). `undefined` for anything else (absent, empty, negative,
 * fractional, a date that does not exist): the caller then falls back to its own backoff.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  const text = header?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}
