/**
 * A pending version whose secret is dead: two regenerates of one client raced, or Genesys applied a
 * regenerate after the one whose answer was stored. A version's value never changes and retries skip
 * createSecret, so before the recovery a `single` client stayed without a working secret. testSecret
 * now recovers it in a new version (RotationRecoveredError), and the next rotation starts clean.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { RotationRecoveredError, VerificationError } from '../../../lambdas/core/errors';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../lambdas/core/aws/secrets-store';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

const REGENERATE = /^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/;
const HOUR_MS = 3_600_000;

describe('recovery of a pending version whose secret is dead', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  /** The AWS stand-in's clock offset: versions can be created "hours ago". */
  let awsOffsetMs = 0;

  beforeAll(async () => {
    // Real sleeps (Genesys client backoff ~100-200 ms), a short propagation wait.
    sandbox = await Sandbox.start({
      aws: { now: () => new Date(Date.now() - awsOffsetMs), stepRetry: { attempts: 3, delayMs: 0 } },
      rotate: { propagation: { maxWaitMs: 20, initialDelayMs: 5, maxDelayMs: 10 } },
    });
    org = await sandbox.createOrg('Recovering');
  });

  afterEach(() => {
    sandbox.genesys.faults.reset();
    sandbox.aws.secretsManager.clearFaults();
    awsOffsetMs = 0;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function doc(secretArn: string, stage: string): Promise<SecretDocument & { versionId: string }> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return { ...parseSecretDocument(out.SecretString), versionId: out.VersionId! };
  }

  const works = (d: SecretDocument): boolean => sandbox.genesys.secretWorks(d.clientId, d.clientSecret);

  function invoke(secretArn: string, token: string, step: 'createSecret' | 'testSecret' | 'finishSecret') {
    return sandbox.rotateHandler({ SecretId: secretArn, ClientRequestToken: token, Step: step });
  }

  /** A managed client enabled for rotation by one clean rotation. */
  async function managed(name: string, strategy: 'single' | 'alternating'): Promise<ManagedClient> {
    const client = await sandbox.addManagedClient(org, { name, strategy });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    return client;
  }

  /** What Genesys does with a regenerate whose answer was lost and that it applies late: a new secret nobody stored. */
  async function lateRegenerate(clientId: string): Promise<void> {
    const admin = await doc(org.adminSecretArn, AWSCURRENT);
    const genesys = createGenesysClient({ environment: admin.environment, baseUrl: sandbox.genesys.baseUrl });
    const token = await genesys.getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret });
    await genesys.regenerateSecret(token, clientId);
  }

  function stagesOf(secretArn: string, versionId: string): readonly string[] {
    return sandbox.aws.secretsManager.versions(secretArn).find((v) => v.versionId === versionId)?.stages ?? [];
  }

  function eventsOf(versionId: string): { emergency: boolean; clientId: string }[] {
    return sandbox.aws.eventBridge
      .entries()
      .filter((e) => e.detail.includes(versionId))
      .map((e) => JSON.parse(e.detail) as { emergency: boolean; clientId: string });
  }

  it('single: two createSecret invocations race (one regenerate applied, answer dropped, retried); the rotation recovers by itself', async () => {
    // Prepare: the first regenerate to arrive is applied but its answer is dropped; its invocation
    // retries ~200 ms later, after the other invocation stored its (by then dead) secret.
    const crm = await managed('race', 'single');
    const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
    sandbox.genesys.faults.dropAfterActionNext(1, { method: 'POST', path: REGENERATE });
    const created = await Promise.allSettled([invoke(crm.secretArn, token, 'createSecret'), invoke(crm.secretArn, token, 'createSecret')]);
    expect(created.filter((r) => r.status === 'rejected')).toHaveLength(1);
    // The state the issue reproduced: no stored credentials work.
    const deadPending = await doc(crm.secretArn, AWSPENDING);
    const deadCurrent = await doc(crm.secretArn, AWSCURRENT);
    expect([works(deadPending), works(deadCurrent)]).toEqual([false, false]);

    // Act: Secrets Manager goes on with the rotation (createSecret is skipped: the version has a value).
    const outcome = await sandbox.aws.secretsManager.driver.rotate(crm.secretArn, token);

    // Assess: the rotation failed honestly, the client works again in a new version.
    expect(outcome).toMatchObject({ ok: false, failedStep: 'testSecret' });
    const current = await doc(crm.secretArn, AWSCURRENT);
    expect(current.versionId).not.toBe(token);
    expect(works(current)).toBe(true);
    expect(stagesOf(crm.secretArn, token)).toEqual([]);
    expect(stagesOf(crm.secretArn, deadCurrent.versionId)).toEqual([AWSPREVIOUS]);
    expect(eventsOf(current.versionId)).toEqual([expect.objectContaining({ emergency: false, clientId: crm.clientIds[0] })]);
    // Secrets Manager records the failure (RotationFailed), so the alarm fires although the client works.
    expect(sandbox.aws.eventBridge.entries().some((e) => e.detail.includes('"RotationFailed"') && e.detail.includes(crm.secretArn))).toBe(true);

    // And no failure state sticks: the next rotation starts clean and succeeds.
    const next = await sandbox.rotate(crm.secretArn);
    expect(next.ok).toBe(true);
    expect(works(await doc(crm.secretArn, AWSCURRENT))).toBe(true);
  });

  it('single: a regenerate applied late kills the stored pending secret; testSecret recovers and says so', async () => {
    // Prepare
    const svc = await managed('late', 'single');
    const token = sandbox.aws.secretsManager.stageToken(svc.secretArn);
    await invoke(svc.secretArn, token, 'createSecret');
    await lateRegenerate(svc.clientIds[0]!);
    expect(works(await doc(svc.secretArn, AWSPENDING))).toBe(false);
    const regenerates = sandbox.genesys.regenerateCount(svc.clientIds[0]!);

    // Act
    const error = await invoke(svc.secretArn, token, 'testSecret').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RotationRecoveredError);
    const recovered = error as RotationRecoveredError;
    expect(recovered.abandonedVersionId).toBe(token);
    expect(recovered.message).toContain(`recovered in version ${recovered.recoveredVersionId}`);
    expect(sandbox.genesys.regenerateCount(svc.clientIds[0]!)).toBe(regenerates + 1);
    const current = await doc(svc.secretArn, AWSCURRENT);
    expect(current.versionId).toBe(recovered.recoveredVersionId);
    expect(works(current)).toBe(true);
    // Secrets Manager's retries of the abandoned version are refused by the guard; nothing else happens.
    await expect(invoke(svc.secretArn, token, 'testSecret')).rejects.toThrow(/has no stage for rotation/);
    expect(sandbox.genesys.regenerateCount(svc.clientIds[0]!)).toBe(regenerates + 1);
  });

  it('resumes a recovery interrupted after the store, without regenerating again', async () => {
    // Prepare: the dead pending version, and a publish that fails once (after the recovered value is stored).
    const ops = await managed('interrupted', 'single');
    const token = sandbox.aws.secretsManager.stageToken(ops.secretArn);
    await invoke(ops.secretArn, token, 'createSecret');
    await lateRegenerate(ops.clientIds[0]!);
    sandbox.aws.eventBridge.failNextEntries(1, { errorCode: 'InternalFailure' });
    const regenerates = sandbox.genesys.regenerateCount(ops.clientIds[0]!);

    // Act
    const first = await invoke(ops.secretArn, token, 'testSecret').catch((e: unknown) => e);
    const stored = await doc(ops.secretArn, AWSCURRENT);
    const second = await invoke(ops.secretArn, token, 'testSecret').catch((e: unknown) => e);

    // Assess
    expect(first).not.toBeInstanceOf(RotationRecoveredError);
    expect(stagesOf(ops.secretArn, token)).toEqual([]);
    expect(second).toBeInstanceOf(RotationRecoveredError);
    expect((second as RotationRecoveredError).recoveredVersionId).toBe(stored.versionId);
    expect(sandbox.genesys.regenerateCount(ops.clientIds[0]!)).toBe(regenerates + 1);
    expect(eventsOf(stored.versionId)).toHaveLength(1);
    expect(works(await doc(ops.secretArn, AWSCURRENT))).toBe(true);
  });

  it('waits for a recovered secret that is slow to be accepted instead of regenerating it again', async () => {
    // Prepare: the dead pending version; fresh secrets are refused for 300 ms.
    const hr = await managed('slow-recovery', 'single');
    const token = sandbox.aws.secretsManager.stageToken(hr.secretArn);
    await invoke(hr.secretArn, token, 'createSecret');
    await lateRegenerate(hr.clientIds[0]!);
    sandbox.genesys.faults.freshSecretDelayMs = 300;
    const regenerates = sandbox.genesys.regenerateCount(hr.clientIds[0]!);

    // Act
    const first = await invoke(hr.secretArn, token, 'testSecret').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const second = await invoke(hr.secretArn, token, 'testSecret').catch((e: unknown) => e);

    // Assess: the first attempt stored the new secret as AWSCURRENT and failed; the retry proved it.
    expect(first).toBeInstanceOf(VerificationError);
    expect((first as Error).message).toMatch(/recovered credentials .* not accepted yet/);
    expect(second).toBeInstanceOf(RotationRecoveredError);
    expect(sandbox.genesys.regenerateCount(hr.clientIds[0]!)).toBe(regenerates + 1);
    expect(works(await doc(hr.secretArn, AWSCURRENT))).toBe(true);
  });

  describe('alternating (AWSCURRENT still works, consumers are fine)', () => {
    it('a young pending version that is refused fails as before: it may only be slow', async () => {
      // Prepare
      const jobs = await managed('young', 'alternating');
      const before = await doc(jobs.secretArn, AWSCURRENT);
      const token = sandbox.aws.secretsManager.stageToken(jobs.secretArn);
      await invoke(jobs.secretArn, token, 'createSecret');
      const standby = (await doc(jobs.secretArn, AWSPENDING)).clientId;
      await lateRegenerate(standby);
      const regenerates = sandbox.genesys.regenerateCount(standby);
      // Act / Assess
      await expect(invoke(jobs.secretArn, token, 'testSecret')).rejects.toThrow(VerificationError);
      expect(sandbox.genesys.regenerateCount(standby)).toBe(regenerates);
      expect((await doc(jobs.secretArn, AWSCURRENT)).versionId).toBe(before.versionId);
      expect(stagesOf(jobs.secretArn, token)).toEqual([AWSPENDING]);
    });

    it('a stuck pending version over an hour old is recovered: standby verified first, then a normal switch', async () => {
      // Prepare: the rotation was staged two hours ago and its standby secret died.
      const jobs = await managed('stale', 'alternating');
      const before = await doc(jobs.secretArn, AWSCURRENT);
      awsOffsetMs = 2 * HOUR_MS;
      const token = sandbox.aws.secretsManager.stageToken(jobs.secretArn);
      awsOffsetMs = 0;
      await invoke(jobs.secretArn, token, 'createSecret');
      const standby = (await doc(jobs.secretArn, AWSPENDING)).clientId;
      await lateRegenerate(standby);

      // Act: Secrets Manager reattempts the stuck rotation (RotateSecret: "That rotation will be reattempted").
      const outcome = await sandbox.aws.secretsManager.driver.rotate(jobs.secretArn, token);

      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'testSecret' });
      const current = await doc(jobs.secretArn, AWSCURRENT);
      expect(current.clientId).toBe(standby);
      expect(current.alternateClientId).toBe(before.clientId);
      expect(works(current)).toBe(true);
      // Like a normal alternating rotation: the previous credentials keep working until the next rotation.
      const previous = await doc(jobs.secretArn, AWSPREVIOUS);
      expect(previous.versionId).toBe(before.versionId);
      expect(works(previous)).toBe(true);
      expect(stagesOf(jobs.secretArn, token)).toEqual([]);
      expect((await sandbox.rotate(jobs.secretArn)).ok).toBe(true);
    });
  });
});
