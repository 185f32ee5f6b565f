import { isRecoveryOf, isStale, planRecovery, STALE_PENDING_MS } from '../../../lambdas/core/rotation/plan';

const YOUNG = 60_000;
const OLD = STALE_PENDING_MS + 1;

describe('planRecovery', () => {
  it.each(['single', 'alternating'] as const)('%s: no stored credentials work: store a fresh secret as AWSCURRENT, after one more wait for a young version', (strategy) => {
    expect(planRecovery({ strategy, currentAccepted: false, pendingAgeMs: YOUNG })).toMatchObject({ kind: 'recover', order: 'store-first', extendWait: true });
    expect(planRecovery({ strategy, currentAccepted: false, pendingAgeMs: OLD })).toMatchObject({ kind: 'recover', order: 'store-first', extendWait: false });
    expect(planRecovery({ strategy, currentAccepted: false, pendingAgeMs: undefined })).toMatchObject({ kind: 'recover', extendWait: true });
  });

  it('a young pending version while AWSCURRENT works may only be slow: no recovery', () => {
    expect(planRecovery({ strategy: 'alternating', currentAccepted: true, pendingAgeMs: YOUNG })).toEqual({ kind: 'none' });
    expect(planRecovery({ strategy: 'single', currentAccepted: true, pendingAgeMs: undefined })).toEqual({ kind: 'none' });
  });

  it('a pending version over an hour old is dead: alternating verifies the standby first, single must store first', () => {
    expect(planRecovery({ strategy: 'alternating', currentAccepted: true, pendingAgeMs: OLD })).toMatchObject({ kind: 'recover', order: 'verify-first', extendWait: false });
    expect(planRecovery({ strategy: 'single', currentAccepted: true, pendingAgeMs: OLD })).toMatchObject({ kind: 'recover', order: 'store-first' });
  });
});

describe('isStale', () => {
  it('is true from an hour on, false before and when unknown', () => {
    expect([isStale(STALE_PENDING_MS), isStale(STALE_PENDING_MS - 1), isStale(undefined)]).toEqual([true, false, false]);
  });
});

describe('isRecoveryOf', () => {
  const pending = { versionId: 'p', createdDate: new Date('2026-11-29T10:00:00Z'), clientId: 'crm' };

  it('is a newer AWSCURRENT naming the pending client', () => {
    expect(isRecoveryOf({ versionId: 'r', createdDate: new Date('2026-11-29T10:01:00Z'), clientId: 'crm' }, pending)).toBe(true);
  });

  it.each<[string, { versionId: string; createdDate: Date | undefined; clientId: string }]>([
    ['an older current', { versionId: 'c', createdDate: new Date('2026-11-29T09:00:00Z'), clientId: 'crm' }],
    ['another client (the alternating current before the switch)', { versionId: 'c', createdDate: new Date('2026-11-29T10:01:00Z'), clientId: 'other' }],
    ['the pending version itself', { versionId: 'p', createdDate: new Date('2026-11-29T10:01:00Z'), clientId: 'crm' }],
    ['a current without a date', { versionId: 'r', createdDate: undefined, clientId: 'crm' }],
  ])('is not %s', (_name, current) => {
    expect(isRecoveryOf(current, pending)).toBe(false);
  });
});
