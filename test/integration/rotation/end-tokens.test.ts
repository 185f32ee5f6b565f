/**
 * Issue 14: an emergency ends the leaked access tokens too. A token issued with the leaked credentials
 * before the emergency must be refused after it (alternating, the admin pair, single with end-tokens);
 * the clients' roles, divisions and token lifetime never change; a crash between any two of the new
 * calls is healed by the retry; the next rotation enables the disabled standby before regenerating it.
 * Tokens and secrets are only ever handed to the stand-in's truth methods, never to a matcher.
 */
import { DescribeSecretCommand, GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { TokensNotEndedError } from '../../../lambdas/core/errors';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import type { AccessToken } from '../../../lambdas/core/genesys/types';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';

const PUT_CLIENT = /^\/api\/v2\/oauth\/clients\/[^/]+$/;
const REGENERATE = /^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/;

describe('an emergency ends the leaked access tokens (issue 14)', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ aws: { stepRetry: { attempts: 2, delayMs: 0 } } });
    org = await sandbox.createOrg('Tokens');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(() => {
    sandbox.genesys.faults.reset();
    sandbox.aws.secretsManager.clearFaults();
    sandbox.afterStep = undefined;
  });

  async function doc(secretArn: string, stage = 'AWSCURRENT'): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return parseSecretDocument(out.SecretString);
  }

  async function tags(secretArn: string): Promise<Record<string, string>> {
    const out = await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: secretArn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  /** A token a thief could have taken with the leaked credentials before the emergency. */
  async function stolenToken(leaked: SecretDocument): Promise<AccessToken> {
    const genesys = createGenesysClient({ environment: leaked.environment, baseUrl: sandbox.genesys.baseUrl });
    return await genesys.getToken({ clientId: leaked.clientId, clientSecret: leaked.clientSecret });
  }

  function stillWorks(token: AccessToken): boolean {
    return sandbox.genesys.tokenWorks(token.reveal());
  }

  /** What a state change must never touch: the client as GET shows it, without state and dateModified. */
  function preserved(clientId: string): Record<string, unknown> {
    const { state: _state, dateModified: _modified, ...rest } = sandbox.genesys.clientView(clientId) ?? {};
    return rest;
  }

  function stateOf(clientId: string): unknown {
    return sandbox.genesys.clientView(clientId)?.state;
  }

  function events(versionId: string): Record<string, unknown>[] {
    return sandbox.aws.eventBridge
      .entries()
      .filter((e) => e.detail.includes(versionId))
      .map((e) => JSON.parse(e.detail) as Record<string, unknown>);
  }

  async function requestEmergency(secretArn: string, value: string): Promise<void> {
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: secretArn, Tags: [{ Key: TAGS.emergency, Value: value }] }));
  }

  it('the state change keeps every field of the client against the stand-in, which resets whatever a PUT leaves out', async () => {
    // Prepare: a client with every writable field set, and the admin pair's token
    const client = sandbox.genesys.createClient(org.orgId, {
      name: 'full',
      description: 'CRM sync',
      accessTokenValiditySeconds: 1_200,
      roleDivisions: [{ roleId: org.appRoleId, divisionId: org.divisionId }, { roleId: org.appRoleId, divisionId: 'division-emea' }],
      registeredRedirectUri: ['https://example.com/callback'],
      scope: ['openid'],
    });
    const admin = await doc(org.adminSecretArn);
    const genesys = createGenesysClient({ environment: admin.environment, baseUrl: sandbox.genesys.baseUrl });
    const token = await genesys.getToken(admin);
    const before = preserved(client.id);
    // Act
    const disabled = await genesys.setOAuthClientState(token, client.id, 'disabled');
    const again = await genesys.setOAuthClientState(token, client.id, 'disabled');
    const enabled = await genesys.setOAuthClientState(token, client.id, 'active');
    // Assess
    expect([disabled.changed, again.changed, enabled.changed]).toEqual([true, false, true]);
    expect(preserved(client.id)).toEqual(before);
    expect(before).toMatchObject({ description: 'CRM sync', accessTokenValiditySeconds: 1_200, registeredRedirectUri: ['https://example.com/callback'], scope: ['openid'] });
    expect(stateOf(client.id)).toBe('active');
  });

  describe('alternating', () => {
    it('disables the leaked client: a token issued before is refused after, its roles, divisions and lifetime unchanged', async () => {
      // Prepare
      const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating', tokenLifetimeSeconds: 600 });
      await sandbox.rotate(jobs.secretArn);
      const leaked = await doc(jobs.secretArn);
      const stolen = await stolenToken(leaked);
      // The standby's credentials were stored too (AWSPREVIOUS): a token taken with them must die as well.
      const stolenFromPrevious = await stolenToken(await doc(jobs.secretArn, 'AWSPREVIOUS'));
      const before = preserved(leaked.clientId);
      expect(stillWorks(stolen)).toBe(true);
      // Act
      const outcome = await sandbox.rotate(jobs.secretArn, { emergency: true, reason: 'pasted in chat' });
      // Assess
      expect(outcome.ok).toBe(true);
      expect(stillWorks(stolen)).toBe(false);
      expect(stillWorks(stolenFromPrevious)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('disabled');
      expect(preserved(leaked.clientId)).toEqual(before);
      expect(before).toMatchObject({ accessTokenValiditySeconds: 600, roleDivisions: [{ roleId: org.appRoleId, divisionId: org.divisionId }] });
      const now = await doc(jobs.secretArn);
      expect(stateOf(now.clientId)).toBe('active');
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
      expect(events(outcome.token)).toEqual([expect.objectContaining({ emergency: true, disabledClientIds: [leaked.clientId, now.clientId], tokensEnded: true })]);
      expect(await tags(jobs.secretArn)).not.toHaveProperty(TAGS.emergency);
    });

    it('the next rotation enables the disabled standby before regenerating it, and everything works', async () => {
      // Prepare
      const api = await sandbox.addManagedClient(org, { name: 'api', strategy: 'alternating' });
      const leaked = await doc(api.secretArn);
      const stolen = await stolenToken(leaked);
      await sandbox.rotate(api.secretArn, { emergency: true });
      const before = preserved(leaked.clientId);
      sandbox.genesys.resetRequests();
      // Act
      const outcome = await sandbox.rotate(api.secretArn);
      // Assess
      expect(outcome.ok).toBe(true);
      const now = await doc(api.secretArn);
      expect(now.clientId).toBe(leaked.clientId);
      expect(stateOf(now.clientId)).toBe('active');
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
      expect(stillWorks(stolen)).toBe(false); // enabling never revives a token
      expect(preserved(leaked.clientId)).toEqual(before);
      const calls = sandbox.genesys.requests().map((r) => `${r.method} ${r.path}`);
      const enable = calls.indexOf(`PUT /api/v2/oauth/clients/${leaked.clientId}`);
      const regenerate = calls.indexOf(`POST /api/v2/oauth/clients/${leaked.clientId}/secret`);
      expect(enable).toBeGreaterThanOrEqual(0);
      expect(enable).toBeLessThan(regenerate);
      expect(events(outcome.token)).toEqual([expect.not.objectContaining({ tokensEnded: expect.anything() as unknown })]);
    });

    it('a scheduled rotation of an active standby only reads its state (no PUT)', async () => {
      // Prepare
      const svc = await sandbox.addManagedClient(org, { name: 'svc', strategy: 'alternating' });
      sandbox.genesys.resetRequests();
      // Act
      expect((await sandbox.rotate(svc.secretArn)).ok).toBe(true);
      // Assess
      expect(sandbox.genesys.requests().filter((r) => r.method === 'PUT')).toEqual([]);
    });

    it('a disable refused by Genesys (403) in finishSecret: the secret is revoked, the step fails with a typed error naming oauth:client:edit, the retry finishes it', async () => {
      // Prepare: every PUT is refused while the rotation runs; regenerates are not.
      const pay = await sandbox.addManagedClient(org, { name: 'pay', strategy: 'alternating' });
      const leaked = await doc(pay.secretArn);
      const stolen = await stolenToken(leaked);
      const before = preserved(leaked.clientId);
      sandbox.afterStep = (step) => {
        if (step === 'testSecret') sandbox.genesys.faults.failNext(10, { method: 'PUT', path: PUT_CLIENT, status: 403 });
        return Promise.resolve();
      };
      // Act
      const outcome = await sandbox.rotate(pay.secretArn, { emergency: true });
      // Assess: revoked, not disabled, loudly; the event still told dependents, saying the tokens live on
      expect(outcome).toMatchObject({ ok: false, failedStep: 'finishSecret', error: { name: 'TokensNotEndedError' } });
      expect(outcome.error?.message).toContain('oauth:client:edit');
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('active');
      expect(preserved(leaked.clientId)).toEqual(before);
      expect(stillWorks(stolen)).toBe(true);
      expect(await tags(pay.secretArn)).toHaveProperty(TAGS.emergency);
      expect(events(outcome.token).at(-1)).toMatchObject({ emergency: true, disabledClientIds: [], tokensEnded: false });

      // Act: the permission is granted; the retried finishSecret (Secrets Manager's) completes the disable
      sandbox.genesys.faults.reset();
      await sandbox.rotateHandler({ SecretId: pay.secretArn, ClientRequestToken: outcome.token, Step: 'finishSecret' });
      // Assess
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('disabled');
      expect(await tags(pay.secretArn)).not.toHaveProperty(TAGS.emergency);
      expect(events(outcome.token).at(-1)).toMatchObject({ disabledClientIds: [leaked.clientId, leaked.alternateClientId], tokensEnded: true });
    });

    it('the typed error carries the client and the permission, never a value', async () => {
      // Prepare
      const hr = await sandbox.addManagedClient(org, { name: 'hr', strategy: 'alternating' });
      await sandbox.rotate(hr.secretArn);
      const leaked = await doc(hr.secretArn);
      await requestEmergency(hr.secretArn, 'leak');
      const token = sandbox.aws.secretsManager.stageToken(hr.secretArn);
      for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await sandbox.rotateHandler({ SecretId: hr.secretArn, ClientRequestToken: token, Step: step });
      sandbox.genesys.faults.failNext(10, { method: 'PUT', path: PUT_CLIENT, status: 403 });
      // Act
      const error = await sandbox.rotateHandler({ SecretId: hr.secretArn, ClientRequestToken: token, Step: 'finishSecret' }).catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(TokensNotEndedError);
      expect(error).toMatchObject({ clientIds: [leaked.clientId], missingPermission: 'oauth:client:edit' });
      expect(JSON.stringify(error)).not.toContain(leaked.clientSecret);
      sandbox.genesys.faults.reset();
      await sandbox.rotateHandler({ SecretId: hr.secretArn, ClientRequestToken: token, Step: 'finishSecret' });
    });

    it.each([
      ['the PUT answer is lost after Genesys disabled the client', () => sandbox.genesys.faults.dropAfterActionNext(1, { method: 'PUT', path: PUT_CLIENT })],
      ['reading the client to disable fails', () => sandbox.genesys.faults.failNext(1, { method: 'GET', path: PUT_CLIENT, status: 403 })],
      ['the revoke fails before the disable', () => sandbox.genesys.faults.failNext(1, { method: 'POST', path: REGENERATE, status: 403 })],
      ['clearing the tag fails after the disable', () => sandbox.aws.secretsManager.failNext('UntagResource', 1)],
    ])('a crash in finishSecret (%s) is healed by the retry', async (_what, inject) => {
      // Prepare
      const name = `crash-${sandbox.aws.eventBridge.entries().length}`;
      const crm = await sandbox.addManagedClient(org, { name, strategy: 'alternating' });
      const leaked = await doc(crm.secretArn);
      const stolen = await stolenToken(leaked);
      const before = preserved(leaked.clientId);
      sandbox.afterStep = (step) => {
        if (step === 'testSecret') inject();
        return Promise.resolve();
      };
      // Act
      const outcome = await sandbox.rotate(crm.secretArn, { emergency: true });
      // Assess
      expect(outcome.ok).toBe(true);
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('disabled');
      expect(preserved(leaked.clientId)).toEqual(before);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect(await tags(crm.secretArn)).not.toHaveProperty(TAGS.emergency);
      expect(events(outcome.token).at(-1)).toMatchObject({ disabledClientIds: [leaked.clientId, leaked.alternateClientId], tokensEnded: true });
    });

    it('a regenerate of the disabled standby that fails in the emergency\'s createSecret: the standby is enabled again and the retry completes', async () => {
      // Prepare
      const sync = await sandbox.addManagedClient(org, { name: 'sync', strategy: 'alternating' });
      const leaked = await doc(sync.secretArn);
      const stolen = await stolenToken(leaked);
      sandbox.genesys.faults.failNext(1, { method: 'POST', path: REGENERATE, status: 403 });
      // Act
      const outcome = await sandbox.rotate(sync.secretArn, { emergency: true });
      // Assess
      expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 2 } });
      const now = await doc(sync.secretArn);
      expect(stateOf(now.clientId)).toBe('active');
      expect(stateOf(leaked.clientId)).toBe('disabled');
      expect(stillWorks(stolen)).toBe(false);
    });

    it('a crash in the next createSecret between enabling the standby and regenerating it is healed by the retry', async () => {
      // Prepare
      const ops = await sandbox.addManagedClient(org, { name: 'ops', strategy: 'alternating' });
      const leaked = await doc(ops.secretArn);
      await sandbox.rotate(ops.secretArn, { emergency: true });
      sandbox.genesys.faults.failNext(1, { method: 'POST', path: REGENERATE, status: 403 });
      // Act
      const outcome = await sandbox.rotate(ops.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 2 } });
      const now = await doc(ops.secretArn);
      expect(now.clientId).toBe(leaked.clientId);
      expect(stateOf(now.clientId)).toBe('active');
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
    });

    it('an emergency requested while a rotation is in flight also ends the tokens of the client current at the request', async () => {
      // Prepare: a rotation past createSecret when the leak is reported
      const mid = await sandbox.addManagedClient(org, { name: 'mid', strategy: 'alternating' });
      await sandbox.rotate(mid.secretArn);
      const leaked = await doc(mid.secretArn);
      const stolen = await stolenToken(leaked);
      const inFlight = sandbox.aws.secretsManager.stageToken(mid.secretArn);
      await sandbox.aws.secretsManager.runStep(mid.secretArn, inFlight, 'createSecret');
      await requestEmergency(mid.secretArn, 'leak');
      for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.aws.secretsManager.runStep(mid.secretArn, inFlight, step);
      expect(stillWorks(stolen)).toBe(true); // the in-flight rotation cannot honour it
      // Act: the fresh rotation honours it; the leaked client is its standby, regenerated and made current
      const outcome = await sandbox.rotate(mid.secretArn);
      // Assess
      expect(outcome.ok).toBe(true);
      expect((await doc(mid.secretArn)).clientId).toBe(leaked.clientId);
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('active');
      expect(events(outcome.token)).toEqual([expect.objectContaining({ emergency: true, tokensEnded: true })]);
    });

    it('refuses to rotate consumers onto an inactive standby, before anything changes', async () => {
      // Prepare
      const old = await sandbox.addManagedClient(org, { name: 'old', strategy: 'alternating' });
      const standby = old.clientIds[1]!;
      sandbox.genesys.setClientState(standby, 'inactive');
      // Act
      const outcome = await sandbox.rotate(old.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'UnsafeRotationError' } });
      expect(outcome.error?.message).toContain('inactive');
      expect(stateOf(standby)).toBe('inactive');
      expect(sandbox.genesys.regenerateCount(standby)).toBe(0);
    });
  });

  describe('an admin pair without oauth:client:edit', () => {
    it.each(['alternating', 'single'] as const)('%s emergency: refused with the typed error naming the permission, before anything changed', async (strategy) => {
      // Prepare: the admin role may read clients but not edit them
      const weak = await sandbox.createOrg(`Weak ${strategy}`, 'mypurecloud.com', { adminPermissions: ['oauth:client:view', 'usage:client:view'] });
      const app = await sandbox.addManagedClient(weak, { name: 'app', strategy });
      const leaked = await doc(app.secretArn);
      const before = app.clientIds.map((id) => preserved(id));
      await requestEmergency(app.secretArn, 'end-tokens=true reason=leak');
      // Act
      const outcome = await sandbox.rotate(app.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { name: 'GenesysPermissionError' } });
      expect(outcome.error?.message).toContain('oauth:client:edit');
      expect(app.clientIds.map((id) => preserved(id))).toEqual(before);
      expect(app.clientIds.map((id) => stateOf(id))).toEqual(app.clientIds.map(() => 'active'));
      for (const id of app.clientIds) expect(sandbox.genesys.regenerateCount(id)).toBe(0);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(true);
      expect(await tags(app.secretArn)).toHaveProperty(TAGS.emergency);
    });
  });

  describe('the admin pair', () => {
    it('the new active admin disables the leaked one (never itself); its earlier tokens die; managed secrets still rotate; the next rotation enables it', async () => {
      // Prepare
      const other = await sandbox.createOrg('Leaky admins');
      const leaked = await doc(other.adminSecretArn);
      const stolen = await stolenToken(leaked);
      const before = preserved(leaked.clientId);
      // Act
      const outcome = await sandbox.rotate(other.adminSecretArn, { emergency: true });
      // Assess
      expect(outcome.ok).toBe(true);
      const now = await doc(other.adminSecretArn);
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(leaked.clientId)).toBe('disabled');
      expect(stateOf(now.clientId)).toBe('active');
      expect(preserved(leaked.clientId)).toEqual(before);
      expect(events(outcome.token)).toEqual([expect.objectContaining({ disabledClientIds: [leaked.clientId, now.clientId], tokensEnded: true })]);
      const crm = await sandbox.addManagedClient(other, { name: 'after-leak', strategy: 'single' });
      expect((await sandbox.rotate(crm.secretArn)).ok).toBe(true);
      // Act: the next rotation of the pair makes the leaked client the active admin again
      expect((await sandbox.rotate(other.adminSecretArn)).ok).toBe(true);
      // Assess
      expect(stateOf(leaked.clientId)).toBe('active');
      expect((await doc(other.adminSecretArn)).clientId).toBe(leaked.clientId);
      expect((await sandbox.rotate(crm.secretArn)).ok).toBe(true);
    });
  });

  it('the admin pair: a createSecret that crashed after storing the secret, before enabling its standby, enables it on its retry (with the active admin)', async () => {
    // Prepare: the state such a crash leaves: the pending value stored, the standby still disabled
    const pair = await sandbox.createOrg('Crashing admins');
    await sandbox.rotate(pair.adminSecretArn);
    const standby = (await doc(pair.adminSecretArn)).alternateClientId!;
    await requestEmergency(pair.adminSecretArn, 'leak');
    const token = sandbox.aws.secretsManager.stageToken(pair.adminSecretArn);
    await sandbox.rotateHandler({ SecretId: pair.adminSecretArn, ClientRequestToken: token, Step: 'createSecret' });
    sandbox.genesys.setClientState(standby, 'disabled');
    // Act: Secrets Manager's retry of createSecret, then the other steps
    await sandbox.rotateHandler({ SecretId: pair.adminSecretArn, ClientRequestToken: token, Step: 'createSecret' });
    for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.rotateHandler({ SecretId: pair.adminSecretArn, ClientRequestToken: token, Step: step });
    // Assess
    const now = await doc(pair.adminSecretArn);
    expect(now.clientId).toBe(standby);
    expect(stateOf(standby)).toBe('active');
    expect(stateOf(now.alternateClientId!)).toBe('disabled');
  });

  describe('single', () => {
    it('without end-tokens: the regenerate revokes the secret; tokens issued before stay valid, and the event says so', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'plain-single', strategy: 'single' });
      const leaked = await doc(crm.secretArn);
      const stolen = await stolenToken(leaked);
      sandbox.genesys.resetRequests();
      // Act
      const outcome = await sandbox.rotate(crm.secretArn, { emergency: true });
      // Assess
      expect(outcome.ok).toBe(true);
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect(stillWorks(stolen)).toBe(true);
      expect(sandbox.genesys.requests().filter((r) => r.method === 'PUT')).toEqual([]);
      expect(events(outcome.token)).toEqual([expect.objectContaining({ emergency: true, disabledClientIds: [], tokensEnded: false })]);
    });

    it('with end-tokens (tag set by hand): disabled around the regenerate; the token issued before is refused, the client serves again, nothing else changed', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'end-single', strategy: 'single', tokenLifetimeSeconds: 900 });
      const clientId = crm.clientIds[0]!;
      const leaked = await doc(crm.secretArn);
      const stolen = await stolenToken(leaked);
      const before = preserved(clientId);
      await requestEmergency(crm.secretArn, 'end-tokens=true reason=laptop stolen');
      sandbox.genesys.resetRequests();
      // Act
      const outcome = await sandbox.rotate(crm.secretArn);
      // Assess
      expect(outcome.ok).toBe(true);
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(clientId)).toBe('active');
      expect(preserved(clientId)).toEqual(before);
      const now = await doc(crm.secretArn);
      expect(sandbox.genesys.secretWorks(clientId, now.clientSecret)).toBe(true);
      expect(stillWorks(await stolenToken(now))).toBe(true);
      const calls = sandbox.genesys.requests().map((r) => `${r.method} ${r.path}`);
      const [disable, enable] = calls.flatMap((c, i) => (c === `PUT /api/v2/oauth/clients/${clientId}` ? [i] : []));
      expect(disable).toBeLessThan(calls.indexOf(`POST /api/v2/oauth/clients/${clientId}/secret`));
      expect(enable).toBeGreaterThan(calls.indexOf(`POST /api/v2/oauth/clients/${clientId}/secret`));
      expect(events(outcome.token)).toEqual([expect.objectContaining({ emergency: true, disabledClientIds: [clientId], tokensEnded: true })]);
      expect(await tags(crm.secretArn)).not.toHaveProperty(TAGS.emergency);
    });

    it('end-tokens: a regenerate that fails after the disable enables the client again, and the retry completes', async () => {
      // Prepare
      const crm = await sandbox.addManagedClient(org, { name: 'end-retry', strategy: 'single' });
      const clientId = crm.clientIds[0]!;
      const stolen = await stolenToken(await doc(crm.secretArn));
      await requestEmergency(crm.secretArn, 'end-tokens=true');
      sandbox.genesys.faults.failNext(1, { method: 'POST', path: REGENERATE, status: 403 });
      // Act
      const outcome = await sandbox.rotate(crm.secretArn);
      // Assess
      expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 2 } });
      expect(stillWorks(stolen)).toBe(false);
      expect(stateOf(clientId)).toBe('active');
      expect(sandbox.genesys.secretWorks(clientId, (await doc(crm.secretArn)).clientSecret)).toBe(true);
    });

    it('end-tokens: a createSecret that crashed after storing the secret, before enabling the client, enables it on its retry', async () => {
      // Prepare: the state such a crash leaves: the pending value stored, the client still disabled
      const crm = await sandbox.addManagedClient(org, { name: 'end-crash', strategy: 'single' });
      const clientId = crm.clientIds[0]!;
      await sandbox.rotate(crm.secretArn);
      await requestEmergency(crm.secretArn, 'end-tokens=true reason=leak');
      const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
      await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: 'createSecret' });
      sandbox.genesys.setClientState(clientId, 'disabled');
      // Act: Secrets Manager's retry of createSecret
      await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: 'createSecret' });
      // Assess
      expect(stateOf(clientId)).toBe('active');
      for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: step });
      expect(events(token)).toEqual([expect.objectContaining({ disabledClientIds: [clientId], tokensEnded: true })]);
    });
  });

  it('never lets a secret or token reach an event', () => {
    const all = sandbox.aws.eventBridge.entries().map((e) => JSON.stringify(e)).join('\n');
    const found = [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()].filter((value) => all.includes(value));
    expect(found).toEqual([]);
  });
});
