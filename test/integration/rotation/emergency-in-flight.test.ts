/**
 * An emergency requested while a rotation is in flight (DESIGN.md §3 "Emergency rotation"). The
 * in-flight rotation made its new secret before the request, so it must not consume the request:
 * it finishes as a scheduled rotation (event `emergency: false`, tag kept), and only a rotation whose
 * createSecret saw the tag honours it. Afterwards no value that existed at the request still works.
 */
import { DescribeSecretCommand, GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { parseEmergencyTag } from '../../../lambdas/core/rotation/emergency-tag';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

describe('an emergency requested while a rotation is in flight', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 2, delayMs: 0 } } });
    org = await sandbox.createOrg('Inflight');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function doc(secretArn: string, stage: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return parseSecretDocument(out.SecretString);
  }

  async function emergencyTag(secretArn: string): Promise<string | undefined> {
    const out = await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: secretArn }));
    return out.Tags?.find((t) => t.Key === TAGS.emergency)?.Value;
  }

  async function tagByHand(secretArn: string, value: string): Promise<void> {
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: secretArn, Tags: [{ Key: TAGS.emergency, Value: value }] }));
  }

  function eventOf(versionId: string): { emergency: boolean; clientId: string } {
    const entries = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(versionId));
    expect(entries.length).toBeGreaterThan(0);
    return JSON.parse(entries.at(-1)!.detail) as { emergency: boolean; clientId: string };
  }

  /** A managed client enabled for rotation by a first rotation, and a second rotation run by hand up to createSecret. */
  async function inFlight(name: string, strategy: 'single' | 'alternating'): Promise<{ client: ManagedClient; token: string; before: SecretDocument }> {
    const client = await sandbox.addManagedClient(org, { name, strategy });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    const before = await doc(client.secretArn, 'AWSCURRENT');
    const token = sandbox.aws.secretsManager.stageToken(client.secretArn);
    await sandbox.aws.secretsManager.runStep(client.secretArn, token, 'createSecret');
    return { client, token, before };
  }

  async function finish(secretArn: string, token: string): Promise<void> {
    for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.aws.secretsManager.runStep(secretArn, token, step);
  }

  it.each(['single', 'alternating'] as const)(
    '%s: the in-flight rotation does not consume the tag; the next one honours it and no value from before the request works',
    async (strategy) => {
      // Prepare: a rotation between createSecret and finishSecret; its AWSPENDING value exists already.
      const { client, token, before } = await inFlight(`inflight-${strategy}`, strategy);
      const inFlightPending = await doc(client.secretArn, 'AWSPENDING');
      const previous = await doc(client.secretArn, 'AWSPREVIOUS');

      // Act 1: the emergency is requested by hand (the documented tag-only path), then the in-flight rotation finishes.
      await tagByHand(client.secretArn, 'pasted in chat');
      await finish(client.secretArn, token);

      // Assess 1: a normal rotation; the request is still open.
      expect(eventOf(token).emergency).toBe(false);
      expect(parseEmergencyTag((await emergencyTag(client.secretArn))!).reason).toBe('pasted in chat');
      expect(sandbox.genesys.secretWorks(inFlightPending.clientId, inFlightPending.clientSecret)).toBe(true);

      // Act 2: a fresh rotation (RotateSecret, as the runbook says).
      const fresh = await sandbox.rotate(client.secretArn);

      // Assess 2: honoured, tag cleared only now; nothing stored at the request still works.
      expect(fresh.ok).toBe(true);
      expect(eventOf(fresh.token).emergency).toBe(true);
      expect(await emergencyTag(client.secretArn)).toBeUndefined();
      for (const leaked of [inFlightPending, before, previous]) expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      const now = await doc(client.secretArn, 'AWSCURRENT');
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
    },
  );

  it('binds a hand-set tag seen by createSecret to that rotation, which then honours it', async () => {
    // Prepare: RotateSecret staged the version; createSecret has not run yet when the tag appears.
    const client = await sandbox.addManagedClient(org, { name: 'staged', strategy: 'single' });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    const leaked = await doc(client.secretArn, 'AWSCURRENT');
    const token = sandbox.aws.secretsManager.stageToken(client.secretArn);
    await tagByHand(client.secretArn, 'laptop stolen');
    // Act
    await sandbox.aws.secretsManager.runStep(client.secretArn, token, 'createSecret');
    const bound = parseEmergencyTag((await emergencyTag(client.secretArn))!);
    await finish(client.secretArn, token);
    // Assess: createSecret stamped the request and bound it to its version; finishSecret honoured it.
    expect(bound).toMatchObject({ boundVersionId: token, reason: 'laptop stolen', requestedAt: expect.any(Date) });
    expect(eventOf(token).emergency).toBe(true);
    expect(await emergencyTag(client.secretArn)).toBeUndefined();
    expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
  });

  it('a second request after createSecret bound the first is not consumed by that rotation', async () => {
    // Prepare: the first request is bound to the rotation in flight; a new one replaces the tag value.
    const client = await sandbox.addManagedClient(org, { name: 'twice', strategy: 'alternating' });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    const token = sandbox.aws.secretsManager.stageToken(client.secretArn);
    await tagByHand(client.secretArn, 'first leak');
    await sandbox.aws.secretsManager.runStep(client.secretArn, token, 'createSecret');
    await tagByHand(client.secretArn, 'second leak');
    // Act
    await finish(client.secretArn, token);
    // Assess
    expect(eventOf(token).emergency).toBe(false);
    expect(parseEmergencyTag((await emergencyTag(client.secretArn))!).reason).toBe('second leak');
  });

  it('a repeated finishSecret of a finished rotation does not consume a request made after it', async () => {
    // Prepare: a finished rotation, then a new emergency request.
    const client = await sandbox.addManagedClient(org, { name: 'republish', strategy: 'alternating' });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    const done = await sandbox.rotate(client.secretArn);
    const current = await doc(client.secretArn, 'AWSCURRENT');
    await tagByHand(client.secretArn, 'new leak');
    // Act: Secrets Manager delivers finishSecret of the finished rotation again (at least once).
    await sandbox.aws.secretsManager.runStep(client.secretArn, done.token, 'finishSecret');
    // Assess: republished as a normal rotation; the request stays open and nothing was revoked.
    expect(eventOf(done.token).emergency).toBe(false);
    expect(parseEmergencyTag((await emergencyTag(client.secretArn))!).reason).toBe('new leak');
    expect(sandbox.genesys.secretWorks(current.alternateClientId!, (await doc(client.secretArn, 'AWSPREVIOUS')).clientSecret)).toBe(true);
  });

  it('without TagResource the rotation still replaces the secret but does not report the emergency done', async () => {
    // Prepare: the rotate role cannot write the tag (the IAM statement is missing).
    const client = await sandbox.addManagedClient(org, { name: 'no-tag-permission', strategy: 'single' });
    expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
    const leaked = await doc(client.secretArn, 'AWSCURRENT');
    await tagByHand(client.secretArn, 'leak');
    sandbox.aws.secretsManager.failNext('TagResource', 1, 'AccessDeniedException');
    // Act
    const outcome = await sandbox.rotate(client.secretArn);
    // Assess
    sandbox.aws.secretsManager.clearFaults();
    expect(outcome.ok).toBe(true);
    expect(eventOf(outcome.token).emergency).toBe(false);
    expect(await emergencyTag(client.secretArn)).toBe('leak');
    expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
  });
});
