import { SecretDocumentError, UnsafeRotationError } from '../../../lambdas/core/errors';
import { assertSafeDisable, assertSafeRegenerate, endsTokensInCreate, planCreate, planRevocation } from '../../../lambdas/core/rotation/plan';
import { validateSecretDocument } from '../../../lambdas/core/secret-document';

const single = validateSecretDocument({
  environment: 'mypurecloud.com',
  clientId: 'crm',
  clientSecret: 'old',
  strategy: 'single',
  adminSecretId: 'admin-pair',
  team: 'crm',
});
const alternating = validateSecretDocument({
  environment: 'mypurecloud.com',
  clientId: 'a',
  clientSecret: 'old-a',
  strategy: 'alternating',
  alternateClientId: 'b',
  adminSecretId: 'admin-pair',
  team: 'jobs',
});
const adminPair = validateSecretDocument({ environment: 'mypurecloud.com', clientId: 'admin-1', clientSecret: 's', strategy: 'alternating', alternateClientId: 'admin-2' });

describe('planCreate', () => {
  it('regenerates the single client itself, through the admin secret, keeping user fields', () => {
    const plan = planCreate(single);
    expect(plan.targetClientId).toBe('crm');
    expect(plan.admin).toEqual({ kind: 'admin-secret', secretId: 'admin-pair' });
    expect(plan.pendingDocument('new')).toEqual({ ...single, clientSecret: 'new' });
  });

  it('regenerates the standby of an alternating pair and swaps the ids', () => {
    const plan = planCreate(alternating);
    expect(plan.targetClientId).toBe('b');
    const pending = plan.pendingDocument('new-b');
    expect(pending).toMatchObject({ clientId: 'b', clientSecret: 'new-b', alternateClientId: 'a', team: 'jobs', adminSecretId: 'admin-pair' });
  });

  it('lets the admin pair rotate itself: the active client regenerates the standby', () => {
    const plan = planCreate(adminPair);
    expect(plan.admin).toEqual({ kind: 'self-pair' });
    expect(plan.targetClientId).toBe('admin-2');
  });

  it('alternates back and forth over consecutive rotations', () => {
    let doc = alternating;
    const targets: string[] = [];
    for (let i = 0; i < 4; i++) {
      const plan = planCreate(doc);
      targets.push(plan.targetClientId);
      doc = plan.pendingDocument(`s${i}`);
    }
    expect(targets).toEqual(['b', 'a', 'b', 'a']);
  });

  it('refuses a single document without an admin (defence in depth behind the schema)', () => {
    const unsafe = { ...single, adminSecretId: undefined };
    expect(() => planCreate(unsafe)).toThrow(SecretDocumentError);
  });
});

describe('assertSafeRegenerate', () => {
  it('refuses a client regenerating its own secret', () => {
    expect(() => assertSafeRegenerate('admin-1', { clientId: 'admin-1', alternateClientId: 'admin-2' }, true)).toThrow(UnsafeRotationError);
  });

  it('refuses a managed secret that names the admin pair standby', () => {
    expect(() => assertSafeRegenerate('admin-2', { clientId: 'admin-1', alternateClientId: 'admin-2' }, false)).toThrow(UnsafeRotationError);
  });

  it('allows the active admin to regenerate its own standby', () => {
    expect(() => assertSafeRegenerate('admin-2', { clientId: 'admin-1', alternateClientId: 'admin-2' }, true)).not.toThrow();
  });
});

describe('planRevocation', () => {
  it('revokes the previously current client of an alternating pair (the new standby)', () => {
    const next = planCreate(alternating).pendingDocument('n');
    expect(planRevocation(next)).toBe('a');
    expect(planRevocation(planCreate(next).pendingDocument('m'))).toBe('b');
  });

  it('revokes nothing more for single: the regenerate already killed the leaked secret', () => {
    expect(planRevocation(planCreate(single).pendingDocument('n'))).toBeUndefined();
  });
});

describe('assertSafeDisable / endsTokensInCreate (issue 14)', () => {
  it('never lets a client disable itself, nor a managed secret touch the admin pair', () => {
    // Assess
    expect(() => assertSafeDisable('admin-a', { clientId: 'admin-a', alternateClientId: 'admin-b' }, true)).toThrow(UnsafeRotationError);
    expect(() => assertSafeDisable('admin-b', { clientId: 'admin-a', alternateClientId: 'admin-b' }, false)).toThrow(/standby of the admin pair/);
    expect(() => assertSafeDisable('admin-b', { clientId: 'admin-a', alternateClientId: 'admin-b' }, true)).not.toThrow();
    expect(() => assertSafeDisable('app-a', { clientId: 'admin-a', alternateClientId: 'admin-b' }, false)).not.toThrow();
  });

  it('cycles the target in createSecret on every alternating emergency, and for single only with end-tokens', () => {
    expect(endsTokensInCreate('single', { endTokens: true })).toBe(true);
    expect(endsTokensInCreate('single', {})).toBe(false);
    expect(endsTokensInCreate('alternating', {})).toBe(true);
    expect(endsTokensInCreate('alternating', undefined)).toBe(false);
    expect(endsTokensInCreate('single', undefined)).toBe(false);
  });
});
