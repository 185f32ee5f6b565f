/**
 * The confused-deputy attack, performed: someone who can write ONE managed secret edits its document
 * to point the rotator at another team's client, or at another organisation's admin pair. The
 * deployment's bindings (DESIGN.md §3) must refuse it before any Genesys Cloud call, with nothing
 * written, and the victim's integration must keep working.
 */
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretArn } from '../../../lambdas/core/bindings';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

describe('bindings: only what the deployment binds can be rotated', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let otherOrg: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 2, delayMs: 0 } } });
    org = await sandbox.createOrg('Bound');
    otherOrg = await sandbox.createOrg('Elsewhere');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function current(secretArn: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
    return parseSecretDocument(out.SecretString);
  }

  /** What an attacker with PutSecretValue on that one secret does: a new AWSCURRENT document. */
  async function tamper(secretArn: string, change: (doc: SecretDocument) => Record<string, unknown>): Promise<void> {
    const doc = await current(secretArn);
    await sandbox.secretsManager.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(change(doc)) }));
  }

  /** The victim: another team's client, rotated by the same deployment. */
  async function victim(name: string, inOrg: SandboxOrg = org): Promise<{ managed: ManagedClient; doc: SecretDocument }> {
    const managed = await sandbox.addManagedClient(inOrg, { name, strategy: 'single' });
    return { managed, doc: await current(managed.secretArn) };
  }

  function valuedVersions(secretArn: string): number {
    return sandbox.aws.secretsManager.versions(secretArn).filter((v) => v.value !== undefined).length;
  }

  it('same organisation: a document naming another team\'s client is refused; the victim keeps working', async () => {
    // Prepare
    const low = await sandbox.addManagedClient(org, { name: 'low-priv', strategy: 'single' });
    const { managed: target, doc: victimDoc } = await victim('victim-crm');
    await tamper(low.secretArn, (doc) => ({ ...doc, clientId: victimDoc.clientId }));
    const versionsBefore = valuedVersions(low.secretArn);
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(low.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'BindingMismatchError' } });
    expect(outcome.error?.message).toContain('field "clientId"');
    expect(outcome.error?.message).toContain(low.clientIds[0]);
    expect(sandbox.genesys.requests()).toEqual([]);
    expect(sandbox.genesys.regenerateCount(victimDoc.clientId)).toBe(0);
    expect(sandbox.genesys.secretWorks(victimDoc.clientId, victimDoc.clientSecret)).toBe(true);
    expect(valuedVersions(low.secretArn)).toBe(versionsBefore);
    expect((await current(target.secretArn)).clientSecret).toBe(victimDoc.clientSecret);
  });

  it('cross organisation: a document naming another organisation\'s admin pair is refused', async () => {
    // Prepare: the attacker points at the other org's admin pair and one of its clients.
    const low = await sandbox.addManagedClient(org, { name: 'low-priv-x', strategy: 'single' });
    const { doc: victimDoc } = await victim('victim-elsewhere', otherOrg);
    await tamper(low.secretArn, (doc) => ({ ...doc, clientId: victimDoc.clientId, adminSecretId: otherOrg.adminSecretArn }));
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(low.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { name: 'BindingMismatchError' } });
    expect(sandbox.genesys.requests()).toEqual([]);
    expect(sandbox.genesys.secretWorks(victimDoc.clientId, victimDoc.clientSecret)).toBe(true);
  });

  it('refuses another admin pair even when the client ids still match', async () => {
    // Prepare
    const low = await sandbox.addManagedClient(org, { name: 'admin-swap', strategy: 'alternating' });
    await tamper(low.secretArn, (doc) => ({ ...doc, adminSecretId: otherOrg.adminSecretArn }));
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(low.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { name: 'BindingMismatchError' } });
    expect(outcome.error?.message).toContain('field "adminSecretId"');
    expect(sandbox.genesys.requests()).toEqual([]);
  });

  it('refuses a document moved to another region', async () => {
    // Prepare
    const low = await sandbox.addManagedClient(org, { name: 'moved', strategy: 'single' });
    await tamper(low.secretArn, (doc) => ({ ...doc, environment: 'mypurecloud.ie' }));
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(low.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { name: 'BindingMismatchError' } });
    expect(outcome.error?.message).toContain('field "environment"');
    expect(sandbox.genesys.requests()).toEqual([]);
  });

  it('accepts the alternating swap (client ids compared as a set) over several rotations', async () => {
    // Prepare
    const pair = await sandbox.addManagedClient(org, { name: 'swapping', strategy: 'alternating' });
    // Act
    const outcomes = [await sandbox.rotate(pair.secretArn), await sandbox.rotate(pair.secretArn), await sandbox.rotate(pair.secretArn)];
    // Assess
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect((await current(pair.secretArn)).clientId).toBe(pair.clientIds[1]);
  });

  it('refuses a secret the deployment does not bind, even for a step that would be a no-op', async () => {
    // Prepare: a well-formed, rotated secret, then "redeployed" without it.
    const dropped = await sandbox.addManagedClient(org, { name: 'dropped', strategy: 'single' });
    const rotated = await sandbox.rotate(dropped.secretArn);
    expect(rotated.ok).toBe(true);
    const name = parseSecretArn(dropped.secretArn)!.name;
    const binding = sandbox.boundSecrets[name];
    sandbox.bind(name, undefined);
    try {
      sandbox.genesys.resetRequests();
      // Act / Assess: the token is already AWSCURRENT, which would return at once.
      await expect(sandbox.rotateHandler({ SecretId: dropped.secretArn, ClientRequestToken: rotated.token, Step: 'createSecret' })).rejects.toMatchObject({
        name: 'UnboundSecretError',
        field: name,
      });
      const outcome = await sandbox.rotate(dropped.secretArn);
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'UnboundSecretError' } });
      expect(sandbox.genesys.requests()).toEqual([]);
    } finally {
      sandbox.bind(name, binding);
    }
  });

  it('refuses an AWSPENDING document written directly, before AWSCURRENT moves to it', async () => {
    // Prepare: the rotation stops after createSecret; the attacker then stages a document of their own.
    const low = await sandbox.addManagedClient(org, { name: 'pending-writer', strategy: 'single' });
    const { doc: victimDoc } = await victim('victim-pending');
    await sandbox.rotate(low.secretArn); // enable rotation
    const token = sandbox.aws.secretsManager.stageToken(low.secretArn);
    const forged = { ...(await current(low.secretArn)), clientId: victimDoc.clientId, clientSecret: 'attacker-knows-nothing' };
    await sandbox.secretsManager.send(new PutSecretValueCommand({ SecretId: low.secretArn, ClientRequestToken: token, SecretString: JSON.stringify(forged), VersionStages: ['AWSPENDING'] }));
    sandbox.genesys.resetRequests();
    // Act / Assess: every step that reads the pending document refuses it.
    for (const step of ['createSecret', 'testSecret', 'finishSecret'] as const) {
      await expect(sandbox.rotateHandler({ SecretId: low.secretArn, ClientRequestToken: token, Step: step })).rejects.toMatchObject({ name: 'BindingMismatchError' });
    }
    expect(sandbox.genesys.requests()).toEqual([]);
    const stages = sandbox.aws.secretsManager.versions(low.secretArn).find((v) => v.versionId === token)?.stages;
    expect(stages).not.toContain('AWSCURRENT');
  });

  it('refuses an admin pair whose own document was changed to other clients', async () => {
    // Prepare: a separate org, so its admin pair can be tampered with without harming the others.
    const tamperedOrg = await sandbox.createOrg('Tampered');
    const client = await sandbox.addManagedClient(tamperedOrg, { name: 'under-tampered-admin', strategy: 'single' });
    const foreignAdmin = await current(otherOrg.adminSecretArn);
    await tamper(tamperedOrg.adminSecretArn, (doc) => ({ ...doc, clientId: foreignAdmin.clientId, clientSecret: foreignAdmin.clientSecret, alternateClientId: foreignAdmin.alternateClientId }));
    sandbox.genesys.resetRequests();
    // Act
    const outcome = await sandbox.rotate(client.secretArn);
    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { name: 'BindingMismatchError' } });
    expect(outcome.error?.message).toContain('admin secret');
    expect(sandbox.genesys.requests()).toEqual([]);
  });
});
