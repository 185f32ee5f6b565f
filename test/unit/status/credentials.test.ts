import { assessCredentials, assessRotation, classifySecret, DEFAULT_REFUSED_GRACE_MS } from '../../../lambdas/core/status/classify';

const now = new Date('2026-11-29T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const MIN = 60_000;

describe('assessCredentials', () => {
  it('is not-checked without facts, ok while AWSCURRENT works', () => {
    expect(assessCredentials(undefined, { now })).toEqual({ state: 'not-checked' });
    expect(assessCredentials({ current: { verdict: 'accepted' } }, { now })).toEqual({ state: 'ok' });
  });

  it('is ok for a single client between createSecret and finishSecret: consumers fall back to AWSPENDING', () => {
    expect(assessCredentials({ current: { verdict: 'refused', createdDate: ago(60 * MIN) }, pending: { verdict: 'accepted', createdDate: ago(MIN) } }, { now })).toEqual({ state: 'ok' });
  });

  it('is not-loaded (and failing) while AWSCURRENT holds the deployment placeholder and nothing is pending', () => {
    const facts = { current: { verdict: 'not-loaded' as const, createdDate: ago(60 * MIN) } };
    expect(assessCredentials(facts, { now })).toMatchObject({ state: 'not-loaded', reason: expect.stringContaining('genesys-rotator bootstrap') });
    expect(classifySecret({ createdDate: ago(60 * MIN), maxRotationDaysTag: '90', credentials: facts }, { now }).failing).toBe(true);
  });

  it('is unknown when Genesys Cloud could not be asked', () => {
    expect(assessCredentials({ current: { verdict: 'unknown' } }, { now }).state).toBe('unknown');
    expect(assessCredentials({ current: { verdict: 'refused' }, pending: { verdict: 'unknown', createdDate: ago(MIN) } }, { now }).state).toBe('unknown');
  });

  it('is settling while the newest refused version is young, broken once it is older than the grace', () => {
    const young = { current: { verdict: 'refused' as const, createdDate: ago(60 * MIN) }, pending: { verdict: 'refused' as const, createdDate: ago(5 * MIN) } };
    const old = { current: { verdict: 'refused' as const, createdDate: ago(60 * MIN) }, pending: { verdict: 'refused' as const, createdDate: ago(DEFAULT_REFUSED_GRACE_MS) } };
    expect(assessCredentials(young, { now })).toMatchObject({ state: 'settling', reason: expect.stringContaining('may not be accepted yet') });
    expect(assessCredentials(old, { now })).toMatchObject({ state: 'broken', reason: expect.stringContaining('AWSCURRENT and AWSPENDING credentials are refused') });
    expect(assessCredentials({ current: { verdict: 'refused', createdDate: ago(2 * MIN) } }, { now, refusedGraceMs: MIN }).state).toBe('broken');
    expect(assessCredentials({ current: { verdict: 'refused' } }, { now }).state).toBe('broken');
  });
});

describe('assessRotation with the pending credentials checked', () => {
  it('calls a pending version whose credentials are refused past the grace stuck', () => {
    const pending = { versionId: 'v', createdDate: ago(20 * MIN), hasValue: true, credentials: 'refused' as const };
    expect(assessRotation(pending, { now })).toMatchObject({ state: 'stuck', reason: expect.stringContaining("'s credentials are still refused") });
    expect(assessRotation({ ...pending, credentials: 'accepted' }, { now }).state).toBe('in-progress');
    expect(assessRotation({ ...pending, createdDate: ago(5 * MIN) }, { now }).state).toBe('in-progress');
  });
});

describe('classifySecret', () => {
  it('fails a secret whose credentials are broken even when its age and rotation are fine', () => {
    const assessment = classifySecret(
      { createdDate: ago(MIN), maxRotationDaysTag: '90', credentials: { current: { verdict: 'refused', createdDate: ago(30 * MIN) } } },
      { now },
    );
    expect(assessment).toMatchObject({ age: { state: 'ok' }, rotation: { state: 'idle' }, credentials: { state: 'broken' }, failing: true });
  });
});
