import { assessAge, assessRotation, classifySecret, DAY_MS, formatDuration, parseMaxRotationDays } from '../../../lambdas/core/status/classify';

const now = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
const minutesAgo = (minutes: number): Date => new Date(now.getTime() - minutes * 60_000);

describe('parseMaxRotationDays', () => {
  it('reads a whole number of days and refuses anything else', () => {
    expect(parseMaxRotationDays('90')).toBe(90);
    expect(parseMaxRotationDays(' 30 ')).toBe(30);
    expect(parseMaxRotationDays('0')).toBeUndefined();
    expect(parseMaxRotationDays('7.5')).toBeUndefined();
    expect(parseMaxRotationDays('ninety')).toBeUndefined();
    expect(parseMaxRotationDays(undefined)).toBeUndefined();
  });
});

describe('assessAge', () => {
  it.each([
    [10, 'ok'],
    [82.9, 'ok'],
    [83, 'due-soon'],
    [89.9, 'due-soon'],
    [90, 'overdue'],
    [120, 'overdue'],
  ] as const)('classifies a secret rotated %d days ago against a 90-day policy as %s', (age, state) => {
    // Act
    const result = assessAge({ createdDate: daysAgo(400), lastRotatedDate: daysAgo(age), maxRotationDaysTag: '90' }, { now });
    // Assess
    expect(result.state).toBe(state);
    expect(result.since).toBe('last-rotated');
    expect(result.dueDate).toEqual(new Date(daysAgo(age).getTime() + 90 * DAY_MS));
  });

  it('counts from the creation date when the secret was never rotated, and says so', () => {
    const result = assessAge({ createdDate: daysAgo(95), maxRotationDaysTag: '90' }, { now });
    expect(result).toMatchObject({ state: 'overdue', since: 'created', sinceDate: daysAgo(95) });
    expect(result.ageDays).toBeCloseTo(95);
  });

  it('honours a wider due-soon window', () => {
    const facts = { createdDate: daysAgo(400), lastRotatedDate: daysAgo(75), maxRotationDaysTag: '90' };
    expect(assessAge(facts, { now }).state).toBe('ok');
    expect(assessAge(facts, { now, dueSoonDays: 20 }).state).toBe('due-soon');
  });

  it('does not judge a secret whose policy tag is missing or malformed', () => {
    expect(assessAge({ createdDate: daysAgo(500) }, { now })).toMatchObject({ state: 'no-policy', dueDate: undefined });
    expect(assessAge({ createdDate: daysAgo(500), maxRotationDaysTag: 'soon' }, { now }).state).toBe('no-policy');
  });
});

describe('assessRotation', () => {
  it('is idle without a pending version', () => {
    expect(assessRotation(undefined, { now })).toEqual({ state: 'idle' });
  });

  it('is in progress while a pending version with a value is younger than the threshold', () => {
    const pending = { versionId: 'v2', createdDate: minutesAgo(30), hasValue: true };
    expect(assessRotation(pending, { now }).state).toBe('in-progress');
  });

  it('is stuck once the pending version is older than the threshold, value or not', () => {
    const pending = { versionId: 'v2', createdDate: minutesAgo(61), hasValue: true };
    const result = assessRotation(pending, { now });
    expect(result.state).toBe('stuck');
    expect(result.reason).toContain('v2');
    expect(assessRotation(pending, { now, stuckAfterMs: 2 * 60 * 60 * 1000 }).state).toBe('in-progress');
  });

  it('is stuck when the pending version still has no value after the grace period (createSecret failed)', () => {
    expect(assessRotation({ versionId: 'v3', createdDate: minutesAgo(10), hasValue: false }, { now })).toMatchObject({
      state: 'stuck',
      reason: expect.stringContaining('has no value'),
    });
    // Within the grace period it is the normal gap between RotateSecret and createSecret's put.
    expect(assessRotation({ versionId: 'v3', createdDate: minutesAgo(1), hasValue: false }, { now }).state).toBe('in-progress');
  });
});

describe('classifySecret', () => {
  it('fails a secret that is overdue or has a stuck rotation, and only those', () => {
    const base = { createdDate: daysAgo(400), maxRotationDaysTag: '90' };
    expect(classifySecret({ ...base, lastRotatedDate: daysAgo(10) }, { now }).failing).toBe(false);
    expect(classifySecret({ ...base, lastRotatedDate: daysAgo(85) }, { now }).failing).toBe(false);
    expect(classifySecret({ ...base, lastRotatedDate: daysAgo(91) }, { now }).failing).toBe(true);
    const stuck = { versionId: 'v9', createdDate: minutesAgo(120), hasValue: true };
    expect(classifySecret({ ...base, lastRotatedDate: daysAgo(10), pending: stuck }, { now }).failing).toBe(true);
  });
});

describe('formatDuration', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(40_000)).toBe('40 s');
    expect(formatDuration(5 * 60_000)).toBe('5 min');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * DAY_MS + 4 * 3_600_000)).toBe('3 d 4 h');
  });
});
