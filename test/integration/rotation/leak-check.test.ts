/**
 * Leak check: every secret and access token the Genesys stand-in issued during this file's run is
 * searched for in everything the rotator wrote (DEBUG logs on stdout/stderr), every error it threw,
 * every event it published and every rotation ledger item it recorded. None may appear.
 */
import { inspect } from 'node:util';
import { GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { RotationRecoveredError } from '../../../lambdas/core/errors';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox } from '../../../local/sandbox';

const REGENERATE = /^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/;

describe('no secret or token leaks', () => {
  let sandbox: Sandbox;
  const captured: string[] = [];
  const thrown: unknown[] = [];

  beforeAll(async () => {
    // Capture everything written while the scenario runs, through the real Powertools Logger at DEBUG.
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
    const logger = new Logger({ serviceName: 'genesys-oauth-rotator', logLevel: 'DEBUG' });
    let clock = Date.now();
    sandbox = await Sandbox.start({
      genesys: { now: () => clock },
      aws: { stepRetry: { attempts: 3, delayMs: 0 } },
      rotate: {
        logger,
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
        propagation: { maxWaitMs: 2_000, initialDelayMs: 250, maxDelayMs: 1_000 },
      },
    });

    // A scenario that goes through every path that handles a secret: both strategies, the admin
    // pair, an emergency, retries after faults, and failures that throw.
    const org = await sandbox.createOrg('Leaky');
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating', verifyPath: '/api/v2/tokens/me' });
    const outcomes = [];
    outcomes.push(await sandbox.rotate(crm.secretArn));
    outcomes.push(await sandbox.rotate(jobs.secretArn));
    sandbox.genesys.faults.dropAfterActionNext(1, { method: 'POST', path: REGENERATE });
    sandbox.genesys.faults.failNext(2, { path: '/oauth/token', status: 500 });
    outcomes.push(await sandbox.rotate(jobs.secretArn));
    outcomes.push(await sandbox.rotate(org.adminSecretArn));
    outcomes.push(await sandbox.rotate(jobs.secretArn, { emergency: true }));
    sandbox.genesys.faults.freshSecretDelayMs = 60_000;
    outcomes.push(await sandbox.rotate(crm.secretArn)); // fails in testSecret: the new secret is "never" accepted
    sandbox.genesys.faults.reset();
    // Direct step calls that throw.
    for (const event of [
      { SecretId: crm.secretArn, ClientRequestToken: 'nope', Step: 'createSecret' },
      { SecretId: jobs.secretArn, ClientRequestToken: outcomes[1]!.token, Step: 'finishSecret' },
    ]) {
      await sandbox.rotateHandler(event).catch((error: unknown) => thrown.push(error));
    }
    thrown.push(...outcomes.map((o) => o.error).filter((e) => e !== undefined));
    expect(outcomes.filter((o) => !o.ok)).toHaveLength(1);

    // A dead pending secret: two createSecret invocations race, then a regenerate Genesys applies late.
    // testSecret recovers the client in a new version (its logs, error and event handle a fresh secret).
    const svc = await sandbox.addManagedClient(org, { name: 'svc', strategy: 'single' });
    await sandbox.rotate(svc.secretArn);
    const token = sandbox.aws.secretsManager.stageToken(svc.secretArn);
    const step = (name: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret', version = token, secretArn = svc.secretArn) =>
      sandbox.rotateHandler({ SecretId: secretArn, ClientRequestToken: version, Step: name });
    for (const result of await Promise.allSettled([step('createSecret'), step('createSecret')])) if (result.status === 'rejected') thrown.push(result.reason);
    const admin = await current(org.adminSecretArn);
    const genesys = createGenesysClient({ environment: admin.environment, baseUrl: sandbox.genesys.baseUrl });
    await genesys.regenerateSecret(await genesys.getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret }), svc.clientIds[0]!);
    await step('testSecret').catch((error: unknown) => thrown.push(error));
    expect(thrown.some((e) => e instanceof RotationRecoveredError)).toBe(true);

    // An emergency requested by hand while a rotation is in flight, then honoured by the next rotation.
    const pay = await sandbox.addManagedClient(org, { name: 'pay', strategy: 'alternating' });
    await sandbox.rotate(pay.secretArn);
    const inFlight = sandbox.aws.secretsManager.stageToken(pay.secretArn);
    await step('createSecret', inFlight, pay.secretArn);
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: pay.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'leaked in chat' }] }));
    for (const name of ['setSecret', 'testSecret', 'finishSecret'] as const) await step(name, inFlight, pay.secretArn);
    expect((await sandbox.rotate(pay.secretArn)).ok).toBe(true);

    // Issue 14: emergencies that end access tokens (state changes read and write whole clients): a
    // single client with end-tokens, a disable refused once in finishSecret (typed error, retried), the
    // admin pair, and the next rotation that enables the disabled standby.
    const ops = await sandbox.addManagedClient(org, { name: 'ops', strategy: 'single' });
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: ops.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'end-tokens=true reason=laptop stolen' }] }));
    expect((await sandbox.rotate(ops.secretArn)).ok).toBe(true);
    sandbox.afterStep = (stepName) => {
      if (stepName === 'testSecret') sandbox.genesys.faults.failNext(1, { method: 'PUT', path: /^\/api\/v2\/oauth\/clients\/[^/]+$/, status: 403 });
      return Promise.resolve();
    };
    const refused = await sandbox.rotate(jobs.secretArn, { emergency: true });
    sandbox.afterStep = undefined;
    expect(refused).toMatchObject({ ok: true, attempts: { finishSecret: 2 } });
    expect((await sandbox.rotate(jobs.secretArn)).ok).toBe(true);
    expect((await sandbox.rotate(org.adminSecretArn, { emergency: true })).ok).toBe(true);
    expect((await sandbox.rotate(org.adminSecretArn)).ok).toBe(true);
  });

  async function current(secretArn: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return parseSecretDocument(out.SecretString);
  }

  afterAll(async () => {
    jest.restoreAllMocks();
    await sandbox.close();
  });

  /** Every item of the rotation ledger, as stored (DynamoDB's wire format). */
  function ledgerItems(): string[] {
    return sandbox.aws.dynamoDb.items(sandbox.ledgerTableName ?? '').map((item) => JSON.stringify(item));
  }

  it('captured real output to search (the check is not vacuous)', () => {
    const text = captured.join('');
    // The ledger recorded every step, failed ones (with their errors) and the emergency's reason included.
    const items = ledgerItems();
    expect(items.length).toBeGreaterThan(20);
    expect(items.some((item) => item.includes('"errorType"'))).toBe(true);
    expect(items.some((item) => item.includes('"emergencyReason":{"S":"leaked in chat"}'))).toBe(true);
    expect(text).toContain('createSecret: stored new secret as AWSPENDING');
    expect(text).toContain('testSecret: stored the recovered secret as AWSCURRENT');
    expect(text).toContain('testSecret: client recovered; this rotation is abandoned');
    expect(text).toContain('finishSecret: an emergency was requested after this rotation made its new secret');
    expect(text).toContain('createSecret: emergency requested before this regenerate; this rotation honours it');
    expect(text).toContain('finishSecret: emergency disabled the previous client: its access tokens are refused from now on');
    expect(text).toContain('createSecret: emergency: enabled the client again');
    expect(text).toContain('createSecret: enabled the target client, which was disabled');
    expect(thrown.length).toBeGreaterThanOrEqual(3);
    expect(sandbox.genesys.issuedSecrets().length).toBeGreaterThan(10);
    // Admin tokens are cached across steps, so fewer tokens than secrets are issued.
    expect(sandbox.genesys.issuedTokens().length).toBeGreaterThanOrEqual(5);
  });

  it('finds no issued secret or token in logs, errors, events or ledger records', () => {
    const haystacks = [
      ...captured,
      ...thrown.map((e) => inspect(e, { depth: 10 })),
      ...thrown.map((e) => JSON.stringify(e)),
      ...sandbox.aws.eventBridge.entries().map((e) => JSON.stringify(e)),
      ...ledgerItems(),
    ];
    const needles = [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()];
    const found = needles.filter((needle) => haystacks.some((h) => h.includes(needle)));
    expect(found).toEqual([]);
  });
});
