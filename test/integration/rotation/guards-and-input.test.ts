/**
 * Step guards, bad input and emergency rotation. Bad input is refused with a typed error naming
 * the field, before any Genesys call, with nothing written.
 */
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretArn } from '../../../lambdas/core/bindings';
import { RotationGuardError } from '../../../lambdas/core/errors';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';

describe('rotation guards, bad input and emergencies', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 2, delayMs: 0 } } });
    org = await sandbox.createOrg('Guarded');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  /** The admin secret's name, as bindings name it. */
  function adminName(o: SandboxOrg): string {
    return parseSecretArn(o.adminSecretArn)!.name;
  }

  async function doc(secretArn: string, stage = 'AWSCURRENT'): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return parseSecretDocument(out.SecretString);
  }

  describe('guards', () => {
    it('refuses a secret whose rotation is not enabled', async () => {
      // Prepare: never rotated, so RotationEnabled is false.
      const crm = await sandbox.addManagedClient(org, { name: 'not-enabled', strategy: 'single' });
      const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
      // Act / Assess
      await expect(sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: 'createSecret' })).rejects.toThrow(
        new RotationGuardError(`Secret ${crm.secretArn} is not enabled for rotation`),
      );
      expect(sandbox.genesys.regenerateCount(crm.clientIds[0]!)).toBe(0);
    });

    it('refuses a token that is not a version, and one that is not AWSPENDING', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'guarded', strategy: 'single' });
      const first = await sandbox.rotate(crm.secretArn);
      await sandbox.rotate(crm.secretArn);
      const previousVersion = first.token; // now AWSPREVIOUS
      // Act / Assess
      await expect(sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: 'no-such-version', Step: 'createSecret' })).rejects.toThrow(
        /has no stage for rotation/,
      );
      await expect(sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: previousVersion, Step: 'finishSecret' })).rejects.toThrow(
        /is not set as AWSPENDING/,
      );
      expect(sandbox.genesys.regenerateCount(crm.clientIds[0]!)).toBe(2);
    });

    it('returns at once for a token that is already AWSCURRENT', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'current', strategy: 'single' });
      const outcome = await sandbox.rotate(crm.secretArn);
      sandbox.aws.resetCounts();
      // Act
      for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
        await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: outcome.token, Step: step });
      }
      // Assess: only the guard's DescribeSecret per step (and the step's ledger record), no regenerate.
      expect(sandbox.aws.requestCounts()).toEqual({ DescribeSecret: 3, UpdateItem: 3 });
      expect(sandbox.genesys.regenerateCount(crm.clientIds[0]!)).toBe(1);
    });

    it('refuses a malformed event with the field named', async () => {
      await expect(sandbox.rotateHandler({ SecretId: 'x', ClientRequestToken: 't', Step: 'dropSecret' })).rejects.toThrow(/field "Step": expected one of createSecret/);
    });
  });

  describe('bad input changes nothing and calls no Genesys API', () => {
    const base = (adminSecretId: string): Record<string, unknown> => ({
      environment: 'mypurecloud.com',
      clientId: 'client-x',
      clientSecret: 'value',
      strategy: 'single',
      adminSecretId,
    });

    it.each<[string, (admin: string) => string, string]>([
      ['malformed JSON', () => '{"environment": "mypurecloud.com", ', 'field "(root)": expected a JSON object'],
      ['a missing field', (a) => JSON.stringify({ ...base(a), clientId: undefined }), 'field "clientId"'],
      ['an unknown region', (a) => JSON.stringify({ ...base(a), environment: 'mypurecloud.mars' }), 'field "environment"'],
      ['alternating without alternateClientId', (a) => JSON.stringify({ ...base(a), strategy: 'alternating' }), 'field "alternateClientId"'],
      ['single without adminSecretId', (a) => JSON.stringify({ ...base(a), adminSecretId: undefined }), 'field "adminSecretId"'],
      ['an admin secret in another region', () => JSON.stringify({ ...base('eu-admin'), environment: 'mypurecloud.com' }), 'field "adminSecretId"'],
    ])('refuses %s', async (name, secretString, message) => {
      // Prepare
      await sandbox.secretsManager
        .send(new CreateSecretCommand({ Name: 'eu-admin', SecretString: JSON.stringify({ environment: 'mypurecloud.ie', clientId: 'e1', clientSecret: 's', strategy: 'alternating', alternateClientId: 'e2' }) }))
        .catch(() => undefined);
      // Bound as a deployment of client-x would bind it: the document, not the binding, is wrong.
      const euAdmin = name === 'an admin secret in another region';
      sandbox.bind('eu-admin', { environment: 'mypurecloud.ie', clientIds: ['e1', 'e2'] });
      const secretName = `bad-${name.replace(/\W+/g, '-')}`;
      sandbox.bind(secretName, { environment: 'mypurecloud.com', clientIds: ['client-x'], adminSecret: euAdmin ? 'eu-admin' : adminName(org) });
      const created = await sandbox.secretsManager.send(new CreateSecretCommand({ Name: secretName, SecretString: secretString(org.adminSecretArn) }));
      const arn = created.ARN!;
      sandbox.genesys.resetRequests();
      // Act
      const outcome = await sandbox.rotate(arn);
      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: expect.stringMatching(/SecretDocumentError|UnknownRegionError/) } });
      expect(outcome.error?.message).toContain(message);
      expect(sandbox.genesys.requests()).toEqual([]);
      const values = sandbox.aws.secretsManager.versions(arn).filter((v) => v.value !== undefined);
      expect(values).toHaveLength(1);
      expect(values[0]!.stages).toContain('AWSCURRENT');
    });

    it('maps an admin pair without oauth:client:edit to a clear permission error and writes nothing', async () => {
      // Prepare: an admin pair whose role can only view clients.
      const viewer = sandbox.genesys.defineRole(org.orgId, { name: 'viewer', permissions: ['oauth:client:view'] });
      const rd = [{ roleId: viewer.id, divisionId: org.divisionId }];
      const a = sandbox.genesys.createClient(org.orgId, { name: 'weak-admin-a', roleDivisions: rd });
      const b = sandbox.genesys.createClient(org.orgId, { name: 'weak-admin-b', roleDivisions: rd });
      const weakAdmin = await sandbox.createSecret('weak-admin', { environment: 'mypurecloud.com', clientId: a.id, clientSecret: a.secret, strategy: 'alternating', alternateClientId: b.id });
      const target = sandbox.genesys.createClient(org.orgId, { name: 'weak-target' });
      const arn = await sandbox.createSecret('weak-target', { environment: 'mypurecloud.com', clientId: target.id, clientSecret: target.secret, strategy: 'single', adminSecretId: weakAdmin });
      // Act
      const outcome = await sandbox.rotate(arn);
      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'GenesysPermissionError' } });
      expect(outcome.error?.message).toContain('oauth:client:edit');
      expect(outcome.error?.message).toMatch(/status 403, code missing\.permissions, correlation id [0-9a-f-]+/);
      expect(sandbox.genesys.secretWorks(target.id, target.secret)).toBe(true);
      expect(sandbox.aws.secretsManager.versions(arn).filter((v) => v.value !== undefined)).toHaveLength(1);
    });

    it('refuses a managed secret that names the admin pair standby (it would break the admin pair)', async () => {
      // Prepare
      const arn = await sandbox.createSecret('steals-admin', {
        environment: 'mypurecloud.com',
        clientId: org.adminClientIds[1],
        clientSecret: 'x',
        strategy: 'single',
        adminSecretId: org.adminSecretArn,
      });
      sandbox.genesys.resetRequests();
      // Act
      const outcome = await sandbox.rotate(arn);
      // Assess
      expect(outcome).toMatchObject({ ok: false, error: { name: 'UnsafeRotationError' } });
      expect(sandbox.genesys.requests()).toEqual([]);
    });
  });

  describe('emergency rotation', () => {
    it('alternating: revokes the credentials that were current, clears the tag, marks the event', async () => {
      // Prepare
      const jobs = await sandbox.addManagedClient(org, { name: 'leaked-pair', strategy: 'alternating' });
      await sandbox.rotate(jobs.secretArn);
      const leaked = await doc(jobs.secretArn);
      // Act
      const outcome = await sandbox.rotate(jobs.secretArn, { emergency: true, reason: 'pasted in chat' });
      // Assess
      expect(outcome.ok).toBe(true);
      const now = await doc(jobs.secretArn);
      expect(now.clientId).not.toBe(leaked.clientId);
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      const previous = await doc(jobs.secretArn, 'AWSPREVIOUS');
      expect(sandbox.genesys.secretWorks(previous.clientId, previous.clientSecret)).toBe(false);
      const tags = (await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: jobs.secretArn }))).Tags ?? [];
      expect(tags.map((t) => t.Key)).not.toContain(TAGS.emergency);
      const event = sandbox.aws.eventBridge.entries().find((e) => e.detail.includes(outcome.token));
      expect(JSON.parse(event!.detail)).toMatchObject({ emergency: true, clientId: now.clientId });
      expect(sandbox.metrics.published.at(-1)).toEqual({
        dimensions: { SecretName: 'genesys-rotator/guarded/leaked-pair' },
        metrics: { RotationSucceeded: 1, EmergencyRotation: 1 },
      });
    });

    it('single: the regenerate itself revokes the leaked secret', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'leaked-single', strategy: 'single' });
      const leaked = await doc(crm.secretArn);
      // Act
      const outcome = await sandbox.rotate(crm.secretArn, { emergency: true });
      // Assess
      expect(outcome.ok).toBe(true);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect(sandbox.genesys.regenerateCount(leaked.clientId)).toBe(1);
      const event = sandbox.aws.eventBridge.entries().find((e) => e.detail.includes(outcome.token));
      expect(JSON.parse(event!.detail)).toMatchObject({ emergency: true });
    });

    it('the admin pair: the new active admin revokes the old one, and managed secrets still rotate', async () => {
      // Prepare
      const other = await sandbox.createOrg('Leaky admins');
      const leaked = await doc(other.adminSecretArn);
      // Act
      const outcome = await sandbox.rotate(other.adminSecretArn, { emergency: true });
      // Assess
      expect(outcome.ok).toBe(true);
      const now = await doc(other.adminSecretArn);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
      const crm = await sandbox.addManagedClient(other, { name: 'after-leak', strategy: 'single' });
      expect((await sandbox.rotate(crm.secretArn)).ok).toBe(true);
    });

    it('a finishSecret whose publish failed publishes, revokes and clears the tag on its retry', async () => {
      // Prepare: the first publish fails, so finishSecret fails after the move, before the revoke.
      const jobs = await sandbox.addManagedClient(org, { name: 'retry-emergency', strategy: 'alternating' });
      const leaked = await doc(jobs.secretArn);
      sandbox.aws.eventBridge.failNextEntries(1, { errorCode: 'InternalFailure', errorMessage: 'injected' });
      // Act
      const outcome = await sandbox.rotate(jobs.secretArn, { emergency: true });
      // Assess
      expect(outcome).toMatchObject({ ok: true, attempts: { finishSecret: 2 } });
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      const events = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(outcome.token));
      expect(events.map((e) => (JSON.parse(e.detail) as { emergency: boolean }).emergency)).toEqual([true]);
      const tags = (await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: jobs.secretArn }))).Tags ?? [];
      expect(tags.map((t) => t.Key)).not.toContain(TAGS.emergency);
    });

    it('publishes the event before the revoke, so dependents learn of the new credentials even while the revoke fails', async () => {
      // Prepare: the revoke's regenerate (after testSecret) is refused once with a 403.
      const jobs = await sandbox.addManagedClient(org, { name: 'revoke-refused', strategy: 'alternating' });
      const leaked = await doc(jobs.secretArn);
      sandbox.afterStep = (step) => {
        if (step === 'testSecret') sandbox.genesys.faults.failNext(1, { method: 'POST', path: /\/secret$/, status: 403 });
        return Promise.resolve();
      };
      try {
        // Act
        const outcome = await sandbox.rotate(jobs.secretArn, { emergency: true });
        // Assess: the first finishSecret published then failed on the revoke; the retry published again and revoked.
        expect(outcome).toMatchObject({ ok: true, attempts: { finishSecret: 2 } });
        const events = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(outcome.token));
        expect(events.map((e) => (JSON.parse(e.detail) as { emergency: boolean }).emergency)).toEqual([true, true]);
        expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
        const tags = (await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: jobs.secretArn }))).Tags ?? [];
        expect(tags.map((t) => t.Key)).not.toContain(TAGS.emergency);
      } finally {
        sandbox.afterStep = undefined;
      }
    });
  });
});
