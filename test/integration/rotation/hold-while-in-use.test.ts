/**
 * `clients[].holdWhileInUse`: the scheduled rotation refuses, before any regenerate, when the client it
 * would regenerate (an alternating pair's standby) was used since the last rotation; an idle standby,
 * or one only the rotator itself called, rotates as usual.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient, type SandboxOrg } from '../../../local/sandbox';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('holdWhileInUse: a rotation waits for the standby to drain', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  /** The stand-in Secrets Manager's clock runs this far behind: secrets are created "days ago". */
  let awsOffsetMs = 3 * DAY_MS;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 1, delayMs: 0 }, now: () => new Date(Date.now() - awsOffsetMs) } });
    org = await sandbox.createOrg('Hold');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(() => {
    awsOffsetMs = 3 * DAY_MS;
  });

  async function current(secretArn: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
    return parseSecretDocument(out.SecretString);
  }

  /** An alternating client whose deployment sets holdWhileInUse. */
  async function heldClient(name: string): Promise<ManagedClient> {
    const managed = await sandbox.addManagedClient(org, { name, strategy: 'alternating' });
    const secretName = Object.keys(sandbox.boundSecrets).find((n) => managed.secretArn.includes(`:secret:${n}-`));
    const binding = secretName === undefined ? undefined : sandbox.boundSecrets[secretName];
    if (secretName === undefined || binding === undefined) throw new Error(`no binding for ${managed.secretArn}`);
    sandbox.bind(secretName, { ...binding, holdWhileInUse: true });
    // Every later date the stand-in records is today's.
    awsOffsetMs = 0;
    return managed;
  }

  it('refuses with ClientInUseError when a dependent still uses the standby; nothing changes', async () => {
    // Prepare: created 3 days ago, the standby called today by a dependent.
    const managed = await heldClient('held-busy');
    const [, standby] = managed.clientIds as [string, string];
    const before = await current(managed.secretArn);
    sandbox.genesys.recordUsage(standby, { requests: 12 });

    // Act
    const outcome = await sandbox.rotate(managed.secretArn);

    // Assess
    expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'ClientInUseError' } });
    expect(outcome.error?.message).toContain(standby);
    expect(outcome.error?.message).toContain('12 requests');
    expect(sandbox.genesys.regenerateCount(standby)).toBe(0);
    expect(await current(managed.secretArn)).toEqual(before);
    expect(sandbox.genesys.secretWorks(before.clientId, before.clientSecret)).toBe(true);
  });

  it('rotates when the standby is idle (the rotator\'s own calls do not count)', async () => {
    // Prepare
    const managed = await heldClient('held-idle');
    const [active, standby] = managed.clientIds as [string, string];
    sandbox.genesys.recordUsage(standby, { requests: 3, templateUri: 'api/v2/tokens/me' });
    sandbox.genesys.recordUsage(standby, { requests: 2, templateUri: 'api/v2/oauth/clients/{clientId}', httpMethod: 'GET' });
    sandbox.genesys.recordUsage(active, { requests: 50 });

    // Act
    const outcome = await sandbox.rotate(managed.secretArn);

    // Assess
    expect(outcome).toMatchObject({ ok: true });
    expect(sandbox.genesys.regenerateCount(standby)).toBe(1);
    expect((await current(managed.secretArn)).clientId).toBe(standby);
  });

  it('never holds an emergency rotation', async () => {
    // Prepare
    const managed = await heldClient('held-emergency');
    const [active, standby] = managed.clientIds as [string, string];
    sandbox.genesys.recordUsage(active, { requests: 7 });
    sandbox.genesys.recordUsage(standby, { requests: 4 });

    // Act: an emergency replaces leaked credentials, whoever still uses the standby.
    const outcome = await sandbox.rotate(managed.secretArn, { emergency: true, reason: 'leaked' });

    // Assess
    expect(outcome).toMatchObject({ ok: true });
    expect(sandbox.genesys.regenerateCount(standby)).toBeGreaterThanOrEqual(1);
  });
});
