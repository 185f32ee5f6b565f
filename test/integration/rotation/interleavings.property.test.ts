/**
 * Property: any interleaving of the four steps with repeats, retries and the stand-ins' faults
 * ends with AWSCURRENT holding credentials that get a token, and never leaves a regenerated secret
 * stored nowhere past the failed call that the next retry heals.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { ROTATION_STEPS, type RotationStep } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

const REGENERATE = /^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/;

type Fault = 'drop-regenerate' | 'fail-put' | 'fail-update-stage' | 'fail-describe' | 'token-5xx' | 'rate-limit' | 'events-fail' | 'propagation';
type Action = { kind: 'advance' } | { kind: 'repeat'; pick: number } | { kind: 'fault'; fault: Fault; count: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Action>({ kind: 'advance' }) },
  { weight: 2, arbitrary: fc.nat(3).map<Action>((pick) => ({ kind: 'repeat', pick })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        fault: fc.constantFrom<Fault>('drop-regenerate', 'fail-put', 'fail-update-stage', 'fail-describe', 'token-5xx', 'rate-limit', 'events-fail', 'propagation'),
        count: fc.integer({ min: 1, max: 5 }),
      })
      .map<Action>((f) => ({ kind: 'fault', ...f })),
  },
);

describe('rotation under any interleaving (property)', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let clock = Date.now();
  const savedMaxAttempts = process.env.AWS_MAX_ATTEMPTS;

  beforeAll(async () => {
    // One SDK attempt per call, so an injected AWS fault fails the step instead of being retried away.
    process.env.AWS_MAX_ATTEMPTS = '1';
    sandbox = await Sandbox.start({
      genesys: { now: () => clock },
      aws: { stepRetry: { attempts: 1, delayMs: 0 } },
      rotate: {
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
        propagation: { maxWaitMs: 5_000, initialDelayMs: 250, maxDelayMs: 1_000 },
      },
    });
    org = await sandbox.createOrg('Chaos');
  });

  afterAll(async () => {
    await sandbox.close();
    if (savedMaxAttempts === undefined) delete process.env.AWS_MAX_ATTEMPTS;
    else process.env.AWS_MAX_ATTEMPTS = savedMaxAttempts;
  });

  function arm(fault: Fault, count: number): void {
    const g = sandbox.genesys.faults;
    const sm = sandbox.aws.secretsManager;
    switch (fault) {
      case 'drop-regenerate':
        g.dropAfterActionNext(count, { method: 'POST', path: REGENERATE });
        break;
      case 'fail-put':
        sm.failNext('PutSecretValue', count, 'InternalServiceError');
        break;
      case 'fail-update-stage':
        sm.failNext('UpdateSecretVersionStage', count, 'InternalServiceError');
        break;
      case 'fail-describe':
        sm.failNext('DescribeSecret', count, 'InternalServiceError');
        break;
      case 'token-5xx':
        g.failNext(count, { method: 'POST', path: '/oauth/token', status: 503 });
        break;
      case 'rate-limit':
        g.rateLimitNext(count, { path: REGENERATE }, 2);
        break;
      case 'events-fail':
        sandbox.aws.eventBridge.failNextEntries(count, { errorCode: 'InternalFailure' });
        break;
      case 'propagation':
        g.freshSecretDelayMs = count * 1_000;
        break;
    }
  }

  /** Every version's document, for the orphan check. */
  function storedDocuments(secretArn: string): SecretDocument[] {
    return sandbox.aws.secretsManager
      .versions(secretArn)
      .filter((v) => typeof v.value === 'string')
      .map((v) => parseSecretDocument(v.value as string));
  }

  /** Clients that consumers may be told to use (AWSCURRENT or AWSPENDING), each must have a stored working secret. */
  function orphans(secretArn: string): string[] {
    const docs = storedDocuments(secretArn);
    const labelled = sandbox.aws.secretsManager
      .versions(secretArn)
      .filter((v) => typeof v.value === 'string' && v.stages.some((s) => s === 'AWSCURRENT' || s === 'AWSPENDING'))
      .map((v) => parseSecretDocument(v.value as string).clientId);
    return [...new Set(labelled)].filter((clientId) => !docs.some((d) => d.clientId === clientId && sandbox.genesys.isCurrentSecret(clientId, d.clientSecret)));
  }

  async function current(secretArn: string, stage = 'AWSCURRENT'): Promise<{ doc: SecretDocument; versionId: string }> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return { doc: parseSecretDocument(out.SecretString), versionId: out.VersionId! };
  }

  async function invoke(secretArn: string, token: string, step: RotationStep): Promise<boolean> {
    try {
      await sandbox.rotateHandler({ SecretId: secretArn, ClientRequestToken: token, Step: step });
      return true;
    } catch {
      return false;
    }
  }

  /** One rotation driven by `actions`, then completed as Secrets Manager would (faults cleared). */
  async function rotateChaotically(managed: ManagedClient, actions: readonly Action[]): Promise<void> {
    const token = sandbox.aws.secretsManager.stageToken(managed.secretArn);
    let next = 0; // the step Secrets Manager is on
    for (const action of actions) {
      if (next >= ROTATION_STEPS.length) break;
      if (action.kind === 'fault') {
        arm(action.fault, action.count);
        continue;
      }
      const step = action.kind === 'advance' ? ROTATION_STEPS[next]! : ROTATION_STEPS[Math.min(action.pick, Math.max(0, next - 1))]!;
      const ok = await invoke(managed.secretArn, token, step);
      if (action.kind === 'advance' && ok) next++;
      // A regenerated secret may be stored nowhere only between a failed createSecret and its retry.
      if (step === 'createSecret') {
        if (ok) expect(orphans(managed.secretArn)).toEqual([]);
      } else if (ok && next > 1) {
        expect(orphans(managed.secretArn)).toEqual([]);
      }
    }
    // Secrets Manager keeps retrying; the faults have passed.
    sandbox.genesys.faults.reset();
    sandbox.aws.secretsManager.clearFaults();
    sandbox.aws.eventBridge.clear();
    for (let retries = 0; next < ROTATION_STEPS.length; retries++) {
      expect(retries).toBeLessThan(20);
      if (await invoke(managed.secretArn, token, ROTATION_STEPS[next]!)) {
        next++;
        expect(orphans(managed.secretArn)).toEqual([]);
      }
    }
    const { doc, versionId } = await current(managed.secretArn);
    expect(versionId).toBe(token);
    expect(sandbox.genesys.secretWorks(doc.clientId, doc.clientSecret)).toBe(true);
  }

  it('ends with working AWSCURRENT credentials, and for alternating working AWSPREVIOUS ones, whatever happens', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'single' | 'alternating'>('single', 'alternating'),
        fc.array(fc.array(actionArb, { maxLength: 14 }), { minLength: 1, maxLength: 3 }),
        async (strategy, rotations) => {
          // Prepare: a fresh secret per run, enabled for rotation by one clean rotation.
          const managed = await sandbox.addManagedClient(org, { name: `chaos-${run++}`, strategy });
          sandbox.genesys.faults.reset();
          expect((await sandbox.rotate(managed.secretArn)).ok).toBe(true);
          for (const actions of rotations) {
            const before = await current(managed.secretArn);
            // Act
            await rotateChaotically(managed, actions);
            // Assess
            if (strategy === 'alternating') {
              const previous = await current(managed.secretArn, 'AWSPREVIOUS');
              expect(previous.versionId).toBe(before.versionId);
              expect(sandbox.genesys.secretWorks(previous.doc.clientId, previous.doc.clientSecret)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
