import { parseHttpDate, parseRetryAfterMs } from '../../../lambdas/core/webhooks/retry-after';

// Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 §5.6.7
const EXAMPLE_MS = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('Function: parseHttpDate', () => {
  it.each(['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994'])('reads the RFC 9110 form %j as UTC', (text) => {
    expect(parseHttpDate(text, NOW_MS)).toBe(EXAMPLE_MS);
  });

  it('reads a two-digit RFC 850 year as the latest past year with those digits when it would be more than 50 years ahead', () => {
    expect(parseHttpDate('Thursday, 01-Jan-26 00:00:10 GMT', NOW_MS)).toBe(NOW_MS + 10_000);
    expect(parseHttpDate('Wednesday, 01-Jan-76 00:00:00 GMT', NOW_MS)).toBe(Date.UTC(2076, 0, 1)); // 50 years ahead
    expect(parseHttpDate('Saturday, 01-Jan-77 00:00:00 GMT', NOW_MS)).toBe(Date.UTC(1977, 0, 1)); // 51
  });

  it.each([
    'Sun, 31 Feb 2026 00:00:00 GMT', // no such day
    'Sun, 00 Jan 2026 00:00:00 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 06 Nov 1994 08:49:37 UTC', // only GMT
    'sun, 06 nov 1994 08:49:37 GMT', // case-sensitive
    'Sun, 6 Nov 1994 08:49:37 GMT',
    '2026-01-01T00:00:00Z', // ISO 8601 is not an HTTP-date
    '1', // Date.parse would read this as 2001
  ])('refuses %j', (text) => {
    expect(parseHttpDate(text, NOW_MS)).toBeUndefined();
  });
});

describe('Function: parseRetryAfterMs', () => {
  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
  ])('reads delay-seconds %j', (header, expected) => {
    expect(parseRetryAfterMs(header, NOW_MS)).toBe(expected);
  });

  it('reads an HTTP-date relative to the given clock, and a past one as no wait', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', NOW_MS)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', NOW_MS + 10_000)).toBe(20_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', NOW_MS)).toBe(0);
  });

  it.each([undefined, '', '  ', '-1', '1.5', '+5', '5s', 'soon', 'Thu, 01 Jan 2026 00:00:30'])('gives nothing for %j (the caller backs off instead)', (header) => {
    expect(parseRetryAfterMs(header, NOW_MS)).toBeUndefined();
  });
});
