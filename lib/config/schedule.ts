/**
 * Rotation schedules as Secrets Manager accepts them (`RotationRules.ScheduleExpression` + `Duration`),
 * and the one question the policy asks of them: at most how many days pass between two rotations?
 *
 * Accepted forms (a deliberate subset of what Secrets Manager takes):
 * - `rate(1 day)`, `rate(N days)` with 1 <= N <= 1000;
 * - `cron(minutes hours day-of-month month day-of-week year)` with a single minute and a single hour
 *   (rotating a Genesys client more than once a day buys nothing and the rotation window must start at a
 *   known hour), exactly one of day-of-month / day-of-week set to `?`, and year `*` (a schedule that ends
 *   would eventually break the policy).
 */

/** A parsed schedule: what the policy check and the rotation window check need. */
export interface ParsedSchedule {
  readonly kind: 'rate' | 'cron';
  /** Longest possible gap between two scheduled rotations, in whole days. */
  readonly maxIntervalDays: number;
  /** UTC hour the rotation window opens (cron only; a rate schedule's window is chosen by Secrets Manager). */
  readonly startHour?: number;
}

/** Result of parsing: a schedule, or a sentence that says what was expected. */
export type ScheduleParse = { readonly ok: true; readonly schedule: ParsedSchedule } | { readonly ok: false; readonly expected: string };

const RATE = /^rate\((\d+) (day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Days are simulated from a fixed date (never the wall clock) over eight years, which covers every
 * weekday/leap-year combination a yearly cron can hit.
 */
const SIMULATION_START = Date.UTC(2024, 0, 1);
const SIMULATION_DAYS = 8 * 366;
const DAY_MS = 86_400_000;

export function parseSchedule(expression: string): ScheduleParse {
  const rate = RATE.exec(expression);
  if (rate) return parseRate(Number(rate[1]), rate[2] === 'day');
  const cron = CRON.exec(expression);
  if (cron?.[1] !== undefined) return parseCron(cron[1]);
  return fail('"rate(N days)" or "cron(minutes hours day-of-month month day-of-week year)"');
}

function parseRate(days: number, singular: boolean): ScheduleParse {
  if (days < 1 || days > 1000) return fail('a rate between 1 and 1000 days');
  if (singular !== (days === 1)) return fail(days === 1 ? '"rate(1 day)"' : `"rate(${days} days)"`);
  return { ok: true, schedule: { kind: 'rate', maxIntervalDays: days } };
}

function parseCron(body: string): ScheduleParse {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return fail('six cron fields: minutes hours day-of-month month day-of-week year');
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minutes) || Number(minutes) > 59) return fail('a single minute 0-59 in the cron minutes field');
  if (!/^\d{1,2}$/.test(hours) || Number(hours) > 23) return fail('a single hour 0-23 in the cron hours field (at most one rotation a day)');
  if (year !== '*') return fail('"*" in the cron year field (the schedule must keep rotating)');
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) return fail('"?" in exactly one of the cron day-of-month and day-of-week fields');

  const monthSet = parseField(month, 1, 12, MONTH_NAMES, 1);
  if (monthSet === undefined) return fail('a cron month field of 1-12 or JAN-DEC values, ranges, lists or steps');
  const dayMatcher = dayOfMonth === '?' ? dayOfWeekMatcher(dayOfWeek) : dayOfMonthMatcher(dayOfMonth);
  if (dayMatcher === undefined) {
    return fail(
      dayOfMonth === '?'
        ? 'a cron day-of-week field of 1-7 or SUN-SAT values, ranges, lists, steps, "NL" or "N#k"'
        : 'a cron day-of-month field of 1-31 values, ranges, lists, steps, "L", "LW" or "NW"',
    );
  }

  let previous: number | undefined;
  let maxGap = 0;
  for (let day = 0; day < SIMULATION_DAYS; day += 1) {
    const date = new Date(SIMULATION_START + day * DAY_MS);
    if (!monthSet.has(date.getUTCMonth() + 1) || !dayMatcher(date)) continue;
    if (previous !== undefined) maxGap = Math.max(maxGap, day - previous);
    previous = day;
  }
  if (previous === undefined || maxGap === 0) return fail('a cron expression that fires on real calendar days');
  return { ok: true, schedule: { kind: 'cron', maxIntervalDays: maxGap, startHour: Number(hours) } };
}

type DayMatcher = (date: Date) => boolean;

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

function isWeekday(date: Date): boolean {
  const dow = date.getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** The weekday nearest to day `n` of the date's month, without leaving the month (cron `nW`). */
function nearestWeekday(date: Date, n: number): number {
  const last = daysInMonth(date);
  const target = Math.min(n, last);
  const probe = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), target));
  const dow = probe.getUTCDay();
  if (dow === 6) return target === 1 ? target + 2 : target - 1;
  if (dow === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function dayOfMonthMatcher(field: string): DayMatcher | undefined {
  const parts = field.split(',');
  const matchers: DayMatcher[] = [];
  for (const part of parts) {
    if (part === 'L') {
      matchers.push((d) => d.getUTCDate() === daysInMonth(d));
    } else if (part === 'LW') {
      matchers.push((d) => {
        const last = daysInMonth(d);
        const probe = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), last));
        const lastWeekday = probe.getUTCDay() === 6 ? last - 1 : probe.getUTCDay() === 0 ? last - 2 : last;
        return d.getUTCDate() === lastWeekday;
      });
    } else if (/^\d{1,2}W$/.test(part)) {
      const n = Number(part.slice(0, -1));
      if (n < 1 || n > 31) return undefined;
      matchers.push((d) => isWeekday(d) && d.getUTCDate() === nearestWeekday(d, n));
    } else {
      const set = parseField(part, 1, 31, [], 1);
      if (set === undefined) return undefined;
      matchers.push((d) => set.has(d.getUTCDate()));
    }
  }
  return (d) => matchers.some((m) => m(d));
}

function dayOfWeekMatcher(field: string): DayMatcher | undefined {
  const parts = field.split(',');
  const matchers: DayMatcher[] = [];
  for (const part of parts) {
    const last = /^([1-7]|[A-Z]{3})L$/.exec(part);
    const nth = /^([1-7]|[A-Z]{3})#([1-5])$/.exec(part);
    if (last?.[1] !== undefined) {
      const dow = dayNumber(last[1]);
      if (dow === undefined) return undefined;
      matchers.push((d) => d.getUTCDay() + 1 === dow && d.getUTCDate() + 7 > daysInMonth(d));
    } else if (nth?.[1] !== undefined && nth[2] !== undefined) {
      const dow = dayNumber(nth[1]);
      const k = Number(nth[2]);
      if (dow === undefined) return undefined;
      matchers.push((d) => d.getUTCDay() + 1 === dow && Math.ceil(d.getUTCDate() / 7) === k);
    } else {
      const set = parseField(part, 1, 7, DAY_NAMES, 1);
      if (set === undefined) return undefined;
      matchers.push((d) => set.has(d.getUTCDay() + 1));
    }
  }
  return (d) => matchers.some((m) => m(d));
}

function dayNumber(token: string): number | undefined {
  const index = DAY_NAMES.indexOf(token);
  if (index >= 0) return index + 1;
  const n = Number(token);
  return Number.isInteger(n) && n >= 1 && n <= 7 ? n : undefined;
}

/** `*`, `a`, `a-b`, `*\/n`, `a/n`, `a-b/n` and comma lists; names map to `firstName + index`. */
function parseField(field: string, min: number, max: number, names: readonly string[], firstName: number): Set<number> | undefined {
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token);
    if (named >= 0) return named + firstName;
    if (!/^\d{1,2}$/.test(token)) return undefined;
    const n = Number(token);
    return n >= min && n <= max ? n : undefined;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    if (range === undefined || part.split('/').length > 2) return undefined;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = a === undefined ? undefined : value(a);
      to = b === undefined ? undefined : value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

function fail(expected: string): ScheduleParse {
  return { ok: false, expected };
}

/** `"3h"` -> 3. Secrets Manager takes a window of 1 to 24 hours. */
export function windowHours(window: string): number | undefined {
  const match = /^(\d{1,2})h$/.exec(window);
  if (!match) return undefined;
  const hours = Number(match[1]);
  return hours >= 1 && hours <= 24 ? hours : undefined;
}
