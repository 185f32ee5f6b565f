import { parseSchedule, windowHours } from '../../lib/config/schedule';

function maxInterval(expression: string): number {
  const parsed = parseSchedule(expression);
  if (!parsed.ok) throw new Error(`refused ${expression}: ${parsed.expected}`);
  return parsed.schedule.maxIntervalDays;
}

describe('Schedule: parseSchedule', () => {
  it.each([
    ['rate(1 day)', 1],
    ['rate(30 days)', 30],
    ['cron(0 8 * * ? *)', 1],
    // The 1st of every month: the longest gap is a 31-day month.
    ['cron(0 8 1 * ? *)', 31],
    // Every Monday.
    ['cron(30 2 ? * MON *)', 7],
    // The first Monday of the month: gaps of 28 or 35 days.
    ['cron(0 4 ? * 2#1 *)', 35],
    // The last Friday of the month.
    ['cron(0 4 ? * 6L *)', 35],
    // Quarterly on the 15th.
    ['cron(0 4 15 1,4,7,10 ? *)', 92],
    // Once a year: 366 days across a leap year.
    ['cron(0 4 1 JAN ? *)', 366],
    // Last day of each month.
    ['cron(0 0 L * ? *)', 31],
    // Weekdays only: Friday to Monday is the longest gap.
    ['cron(0 6 ? * MON-FRI *)', 3],
  ])('computes the longest gap of %s as %i days', (expression, days) => {
    expect(maxInterval(expression)).toBe(days);
  });

  it.each([
    ['rate(0 days)', /between 1 and 1000/],
    ['rate(1 days)', /"rate\(1 day\)"/],
    ['rate(2 day)', /"rate\(2 days\)"/],
    ['rate(6 hours)', /"rate\(N days\)"/],
    ['cron(0 8 * * *)', /six cron fields/],
    ['cron(0 */6 * * ? *)', /single hour/],
    ['cron(0 8 * * ? 2030)', /year field/],
    ['cron(0 8 * * MON *)', /exactly one of/],
    ['cron(0 8 ? * MON#6 *)', /day-of-week/],
    ['cron(0 8 32 * ? *)', /day-of-month/],
    ['cron(0 8 31 2 ? *)', /real calendar days/],
  ])('refuses %s', (expression, expected) => {
    // Act
    const parsed = parseSchedule(expression);

    // Assess
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.expected).toMatch(expected);
  });

  it('reports the cron start hour for the window check', () => {
    const parsed = parseSchedule('cron(15 21 ? * SUN *)');
    expect(parsed.ok && parsed.schedule.startHour).toBe(21);
  });
});

describe('Schedule: windowHours', () => {
  it.each([
    ['1h', 1],
    ['24h', 24],
    ['0h', undefined],
    ['25h', undefined],
    ['3 hours', undefined],
  ])('reads %s as %s', (window, hours) => {
    expect(windowHours(window)).toBe(hours);
  });
});
