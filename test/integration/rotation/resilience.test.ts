/**
 * Retries, faults and repeated steps: every step may be called again, and the stand-ins drop
 * connections, rate-limit, fail and delay the acceptance of fresh secrets.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { ConcurrentRotationError } from '../../../lambdas/core/errors';
import { ROTATION_STEPS } from '../../../lambdas/core/rotation/engine';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';

const REGENERATE = /^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/;

describe('rotation resilience', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  /** The Genesys stand-in's clock; the engine's and client's sleeps advance it instead of waiting. */
  let clock = Date.now();

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      genesys: { now: () => clock },
      aws: { stepRetry: { attempts: 3, delayMs: 0 } },
      rotate: {
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
      },
    });
    org = await sandbox.createOrg('Resilient');
  });

  afterEach(() => {
    sandbox.genesys.faults.reset();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function current(secretArn: string, stage = 'AWSCURRENT'): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return parseSecretDocument(out.SecretString);
  }

  function invoke(secretArn: string, token: string, step: (typeof ROTATION_STEPS)[number]) {
    return sandbox.rotateHandler({ SecretId: secretArn, ClientRequestToken: token, Step: step });
  }

  it.each(['single', 'alternating'] as const)('%s: every step called twice regenerates exactly once and ends with working credentials', async (strategy) => {
    // Prepare: one scheduled rotation enables rotation on the secret.
    const managed = await sandbox.addManagedClient(org, { name: `twice-${strategy}`, strategy });
    expect((await sandbox.rotate(managed.secretArn)).ok).toBe(true);
    const before = await current(managed.secretArn);
    const regenerates = () => managed.clientIds.reduce((n, id) => n + sandbox.genesys.regenerateCount(id), 0);
    const regeneratesBefore = regenerates();
    const token = sandbox.aws.secretsManager.stageToken(managed.secretArn);

    // Act
    for (const step of ROTATION_STEPS) {
      await invoke(managed.secretArn, token, step);
      await invoke(managed.secretArn, token, step);
    }

    // Assess
    expect(regenerates()).toBe(regeneratesBefore + 1);
    const after = await current(managed.secretArn);
    expect(after.clientSecret).not.toBe(before.clientSecret);
    expect(sandbox.genesys.secretWorks(after.clientId, after.clientSecret)).toBe(true);
    const versions = sandbox.aws.secretsManager.versions(managed.secretArn);
    expect(versions.find((v) => v.versionId === token)?.stages).toEqual(['AWSCURRENT']);
    // The repeated finishSecret publishes again (at least once), with the same version id.
    const events = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(token));
    expect(events).toHaveLength(2);
  });

  it('names a concurrent createSecret for the same version clearly instead of a raw ResourceExistsException', async () => {
    // Prepare
    const crm = await sandbox.addManagedClient(org, { name: 'concurrent', strategy: 'single' });
    expect((await sandbox.rotate(crm.secretArn)).ok).toBe(true);
    const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
    // Act: two deliveries of createSecret at the same time.
    const results = await Promise.allSettled([invoke(crm.secretArn, token, 'createSecret'), invoke(crm.secretArn, token, 'createSecret')]);
    // Assess: one stored its value, the other was told why its put was refused.
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConcurrentRotationError);
    expect((rejected[0]!.reason as Error).message).toContain(`version ${token}`);
    expect(sandbox.genesys.regenerateCount(crm.clientIds[0]!)).toBe(3);
  });

  it('heals a crash between the regenerate and the put: the retry regenerates again and stores a working secret', async () => {
    // Prepare
    const crm = await sandbox.addManagedClient(org, { name: 'crash', strategy: 'single' });
    const clientId = crm.clientIds[0]!;
    // The SDK makes 3 attempts per call: all fail, so the step fails after Genesys acted.
    sandbox.aws.secretsManager.failNext('PutSecretValue', 3, 'InternalServiceError');
    // Act
    const outcome = await sandbox.rotate(crm.secretArn);
    // Assess
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.createSecret).toBe(2);
    expect(sandbox.genesys.regenerateCount(clientId)).toBe(2);
    const after = await current(crm.secretArn);
    expect(sandbox.genesys.secretWorks(clientId, after.clientSecret)).toBe(true);
  });

  it('survives a connection dropped after Genesys regenerated: the retried regenerate is the one stored', async () => {
    // Prepare
    const jobs = await sandbox.addManagedClient(org, { name: 'dropped', strategy: 'alternating' });
    const standby = jobs.clientIds[1]!;
    sandbox.genesys.faults.dropAfterActionNext(1, { method: 'POST', path: REGENERATE });
    // Act
    const outcome = await sandbox.rotate(jobs.secretArn);
    // Assess
    expect(outcome.ok).toBe(true);
    expect(sandbox.genesys.regenerateCount(standby)).toBe(2);
    expect(sandbox.genesys.requests().some((r) => r.dropped === true && REGENERATE.test(r.path))).toBe(true);
    const after = await current(jobs.secretArn);
    expect(after.clientId).toBe(standby);
    expect(sandbox.genesys.secretWorks(standby, after.clientSecret)).toBe(true);
  });

  it('survives drops on every attempt of one invocation: Secrets Manager retries the step', async () => {
    // Prepare: the client makes 4 attempts per call; all of them are dropped once.
    const crm = await sandbox.addManagedClient(org, { name: 'dropped-4', strategy: 'single' });
    sandbox.genesys.faults.dropAfterActionNext(4, { method: 'POST', path: REGENERATE });
    // Act
    const outcome = await sandbox.rotate(crm.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 2 } });
    const after = await current(crm.secretArn);
    expect(sandbox.genesys.secretWorks(crm.clientIds[0]!, after.clientSecret)).toBe(true);
  });

  it('honours 429 Retry-After and retries 5xx', async () => {
    // Prepare
    const crm = await sandbox.addManagedClient(org, { name: 'limited', strategy: 'single' });
    sandbox.genesys.faults.rateLimitNext(2, { method: 'POST', path: REGENERATE }, 7);
    sandbox.genesys.faults.failNext(1, { method: 'POST', path: '/oauth/token', status: 503 });
    sandbox.genesys.resetRequests();
    const clockBefore = clock;
    // Act
    const outcome = await sandbox.rotate(crm.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 1 } });
    const statuses = sandbox.genesys.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses).toContain(503);
    // Two Retry-After waits of 7 s each went through the injected sleep.
    expect(clock - clockBefore).toBeGreaterThanOrEqual(14_000);
  });

  it('waits while a fresh secret propagates, then verifies it', async () => {
    // Prepare
    const jobs = await sandbox.addManagedClient(org, { name: 'propagating', strategy: 'alternating' });
    sandbox.genesys.faults.freshSecretDelayMs = 3_000;
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(jobs.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: { testSecret: 1 } });
    const refusals = sandbox.genesys.requests().filter((r) => r.path === '/oauth/token' && r.status === 401);
    expect(refusals.length).toBeGreaterThan(0);
  });

  it('stops waiting for propagation before the invocation would time out', async () => {
    // Prepare: createSecret done; Genesys will not accept the new secret for 10 minutes.
    const jobs = await sandbox.addManagedClient(org, { name: 'deadline', strategy: 'alternating' });
    expect((await sandbox.rotate(jobs.secretArn)).ok).toBe(true);
    const token = sandbox.aws.secretsManager.stageToken(jobs.secretArn);
    sandbox.genesys.faults.freshSecretDelayMs = 10 * 60_000;
    await invoke(jobs.secretArn, token, 'createSecret');
    // 12 s left in the Lambda: 2 s after the handler's 10 s safety margin.
    const context = { getRemainingTimeInMillis: () => 12_000 } as unknown as Parameters<typeof sandbox.rotateHandler>[1];
    // Act
    const error = await sandbox.rotateHandler({ SecretId: jobs.secretArn, ClientRequestToken: token, Step: 'testSecret' }, context).catch((e: unknown) => e);
    // Assess: refused after a few attempts, not the 30 s policy's full series.
    expect(error).toBeInstanceOf(Error);
    const attempts = Number(/after (\d+) attempts/.exec((error as Error).message)?.[1]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(5);
  });

  it('fails testSecret when the new secret is never accepted, leaving AWSCURRENT untouched', async () => {
    // Prepare
    const jobs = await sandbox.addManagedClient(org, { name: 'never', strategy: 'alternating' });
    const before = await current(jobs.secretArn);
    sandbox.genesys.faults.freshSecretDelayMs = 10 * 60_000;
    // Act
    const outcome = await sandbox.rotate(jobs.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, failedStep: 'testSecret', error: { name: 'VerificationError' } });
    expect(await current(jobs.secretArn)).toEqual(before);
    expect(sandbox.genesys.secretWorks(before.clientId, before.clientSecret)).toBe(true);
  });
});
