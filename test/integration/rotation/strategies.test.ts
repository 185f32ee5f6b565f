import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

async function documentAt(sandbox: Sandbox, secretArn: string, stage: string): Promise<SecretDocument> {
  const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
  return parseSecretDocument(out.SecretString);
}

describe('rotation strategies end to end (real SDK and undici against the stand-ins)', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 3, delayMs: 0 } } });
    org = await sandbox.createOrg('Acme');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('single: each rotation regenerates the one client; the new secret works and the old one is dead', async () => {
    // Prepare
    const crm: ManagedClient = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single', extra: { owner: 'crm-team' } });
    const clientId = crm.clientIds[0]!;
    const secrets: string[] = [(await documentAt(sandbox, crm.secretArn, 'AWSCURRENT')).clientSecret];

    for (let i = 1; i <= 3; i++) {
      // Act
      const outcome = await sandbox.rotate(crm.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: true });
      const current = await documentAt(sandbox, crm.secretArn, 'AWSCURRENT');
      expect(current.clientId).toBe(clientId);
      expect(current.owner).toBe('crm-team');
      expect(sandbox.genesys.secretWorks(clientId, current.clientSecret)).toBe(true);
      expect(sandbox.genesys.secretWorks(clientId, secrets[i - 1]!)).toBe(false);
      expect(sandbox.genesys.regenerateCount(clientId)).toBe(i);
      secrets.push(current.clientSecret);
    }
  });

  it('alternating: the standby is regenerated, ids swap, and the previous credentials keep working until the next rotation', async () => {
    // Prepare
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    const [a, b] = jobs.clientIds as [string, string];
    let previous = await documentAt(sandbox, jobs.secretArn, 'AWSCURRENT');
    expect(previous.clientId).toBe(a);

    for (let i = 1; i <= 4; i++) {
      // Act
      const outcome = await sandbox.rotate(jobs.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: true });
      const current = await documentAt(sandbox, jobs.secretArn, 'AWSCURRENT');
      expect(current.clientId).toBe(i % 2 === 1 ? b : a);
      expect(current.alternateClientId).toBe(previous.clientId);
      expect(sandbox.genesys.secretWorks(current.clientId, current.clientSecret)).toBe(true);
      // Consumers still holding the previous credentials keep working.
      expect(sandbox.genesys.secretWorks(previous.clientId, previous.clientSecret)).toBe(true);
      expect((await documentAt(sandbox, jobs.secretArn, 'AWSPREVIOUS')).clientSecret).toBe(previous.clientSecret);
      previous = current;
    }
    expect(sandbox.genesys.regenerateCount(a)).toBe(2);
    expect(sandbox.genesys.regenerateCount(b)).toBe(2);
  });

  it('the admin pair rotates itself: the active admin regenerates the standby, never its own secret', async () => {
    // Prepare
    const [adminA, adminB] = org.adminClientIds;
    const before = await documentAt(sandbox, org.adminSecretArn, 'AWSCURRENT');
    // Act
    const first = await sandbox.rotate(org.adminSecretArn);
    const second = await sandbox.rotate(org.adminSecretArn);
    // Assess
    expect(first.ok && second.ok).toBe(true);
    const after = await documentAt(sandbox, org.adminSecretArn, 'AWSCURRENT');
    expect(after.clientId).toBe(adminA);
    expect(sandbox.genesys.regenerateCount(adminA)).toBe(1);
    expect(sandbox.genesys.regenerateCount(adminB)).toBe(1);
    expect(sandbox.genesys.secretWorks(after.clientId, after.clientSecret)).toBe(true);
    expect(sandbox.genesys.secretWorks(before.clientId, before.clientSecret)).toBe(false);
    // Managed secrets still rotate with the rotated admin pair.
    const crm2 = await sandbox.addManagedClient(org, { name: 'crm2', strategy: 'single' });
    expect((await sandbox.rotate(crm2.secretArn)).ok).toBe(true);
  });

  it('publishes one rotated event per rotation, with no secret in it', async () => {
    // Prepare
    const svc = await sandbox.addManagedClient(org, { name: 'svc', strategy: 'alternating' });
    // Act
    const outcome = await sandbox.rotate(svc.secretArn);
    // Assess
    const events = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(svc.secretArn));
    expect(events).toHaveLength(1);
    const detail = JSON.parse(events[0]!.detail) as Record<string, unknown>;
    const current = await documentAt(sandbox, svc.secretArn, 'AWSCURRENT');
    expect(detail).toEqual({
      secretArn: svc.secretArn,
      versionId: outcome.token,
      clientId: current.clientId,
      environment: 'mypurecloud.com',
      strategy: 'alternating',
      emergency: false,
      rotatedAt: expect.any(String),
    });
    expect(events[0]!.detail).not.toContain(current.clientSecret);
  });

  it('emits RotationSucceeded once per rotation, per secret name, even when the first finishSecret failed', async () => {
    // Prepare
    const svc = await sandbox.addManagedClient(org, { name: 'metered', strategy: 'single' });
    const name = 'genesys-rotator/acme/metered';
    // Act: a clean rotation, then one whose first finishSecret fails to publish (retried by Secrets Manager).
    await sandbox.rotate(svc.secretArn);
    sandbox.aws.eventBridge.failNextEntries(1, { errorCode: 'InternalFailure' });
    const retried = await sandbox.rotate(svc.secretArn);
    // Assess
    expect(retried).toMatchObject({ ok: true, attempts: { finishSecret: 2 } });
    const mine = sandbox.metrics.published.filter((p) => p.dimensions.SecretName === name);
    expect(mine).toEqual([
      { dimensions: { SecretName: name }, metrics: { RotationSucceeded: 1 } },
      { dimensions: { SecretName: name }, metrics: { RotationSucceeded: 1 } },
    ]);
  });
});
