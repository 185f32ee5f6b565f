import { parseSince } from '../../../../cli/ledger/since';
import { ValidationError } from '../../../../lambdas/core/errors';

const NOW = new Date('2026-11-29T12:00:00Z');

describe('Function: parseSince', () => {
  it.each([
    ['90d', '2026-08-31T12:00:00.000Z'],
    ['2w', '2026-11-15T12:00:00.000Z'],
    ['1y', '2025-11-29T12:00:00.000Z'],
    ['36h', '2026-11-28T00:00:00.000Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T12:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00+02:00', '2026-01-31T10:00:00.000Z'],
  ])('reads %s', (text, expected) => {
    expect(parseSince(text, NOW).toISOString()).toBe(expected);
  });

  it.each(['', 'yesterday', '90', '1m', '-5d', '2026-02-31', '2026-13-01', '2026-01-31T12:00', '31/01/2026'])('refuses "%s", naming --since and what it expects', (text) => {
    // Act
    const attempt = (): Date => parseSince(text, NOW);

    // Assess
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/field "--since": expected an ISO-8601 date .* or a duration back from now/);
  });

  it('refuses a date in the future', () => {
    expect(() => parseSince('2027-01-01', NOW)).toThrow(/field "--since": expected a date not in the future \(got "2027-01-01"\)/);
  });
});
