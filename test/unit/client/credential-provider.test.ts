import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createCredentialProvider, type CredentialProviderOptions } from '../../../client';
import { GenesysAuthError, GenesysNetworkError } from '../../../lambdas/core/errors';
import { AccessToken, type ClientCredentials, type GenesysApi } from '../../../lambdas/core/genesys/types';
import type { Log } from '../../../lambdas/core/log';

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const T0 = 1_760_000_000_000;

const doc = (clientId: string, clientSecret: string) =>
  JSON.stringify({ environment: 'mypurecloud.com', clientId, clientSecret, strategy: 'single', adminSecretId: 'admin' });

const invalidClient = () =>
  new GenesysAuthError('Genesys Cloud refused the client credentials', { method: 'POST', path: '/oauth/token', status: 401, code: 'invalid_client' });

/** Secrets Manager with a settable AWSCURRENT and AWSPENDING. */
const mocks: { restore(): void }[] = [];
afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

function secretsManager(initial: { current: [string, string]; pending?: [string, string] }) {
  const sm = mockClient(SecretsManagerClient);
  mocks.push(sm);
  const state = { ...initial, currentVersion: 'v-1', pendingVersion: 'v-2' };
  sm.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string }) => {
    if (input.VersionStage === 'AWSPENDING') {
      if (state.pending === undefined) throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
      return { VersionId: state.pendingVersion, SecretString: doc(...state.pending), VersionStages: ['AWSPENDING'] };
    }
    return { VersionId: state.currentVersion, SecretString: doc(...state.current), VersionStages: ['AWSCURRENT'] };
  });
  return { sm, state };
}

/** Genesys token endpoint: accepts the listed secrets per client, records every attempt. */
function genesysAccepting(accepted: Record<string, string>, clock: { now: number }, lifetimeSeconds = 3600) {
  const attempts: string[] = [];
  let issued = 0;
  const getToken = jest.fn(async (creds: ClientCredentials) => {
    attempts.push(`${creds.clientId}:${creds.clientSecret}`);
    await Promise.resolve();
    if (accepted[creds.clientId] !== creds.clientSecret) throw invalidClient();
    issued += 1;
    return new AccessToken(`tok-${issued}`, 'bearer', lifetimeSeconds, clock.now);
  });
  return { api: { getToken } as unknown as GenesysApi, getToken, attempts, accepted };
}

function recordingLog(): Log & { text(): string } {
  const lines: string[] = [];
  const push = (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(attributes ?? {})}`);
  };
  return { text: () => lines.join('\n'), debug: push, info: push, warn: push, error: push };
}

describe('Function: createCredentialProvider', () => {
  let clock: { now: number };
  const provider = (genesys: GenesysApi, extra: Partial<CredentialProviderOptions> = {}) =>
    createCredentialProvider({ secretId: SECRET_ID, secretsManager: new SecretsManagerClient({}), genesys: () => genesys, now: () => clock.now, ...extra });

  beforeEach(() => {
    clock = { now: T0 };
  });

  describe('Method: getAccessToken', () => {
    it('caches the secret and the token: ten calls, one secret read, one token request', async () => {
      // Prepare
      const { sm } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock);
      const subject = provider(genesys.api);

      // Act
      const tokens: string[] = [];
      for (let i = 0; i < 10; i += 1) tokens.push(await subject.getAccessToken());

      // Assess
      expect(new Set(tokens)).toEqual(new Set(['tok-1']));
      expect(genesys.getToken).toHaveBeenCalledTimes(1);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('renews the token before it expires (refresh margin) and not before', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api, { refreshMarginMs: 300_000 });
      await subject.getAccessToken();

      // Act
      clock.now = T0 + 3_299_000; // 1 s before the renewal point
      const before = await subject.getAccessToken();
      clock.now = T0 + 3_300_000; // 5 minutes before expiry
      const after = await subject.getAccessToken();

      // Assess
      expect(before).toBe('tok-1');
      expect(after).toBe('tok-2');
    });

    it('shares one refresh among 100 concurrent callers', async () => {
      // Prepare
      const { sm } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock);
      const subject = provider(genesys.api);

      // Act
      const tokens = await Promise.all(Array.from({ length: 100 }, async () => await subject.getAccessToken()));

      // Assess
      expect(new Set(tokens)).toEqual(new Set(['tok-1']));
      expect(genesys.getToken).toHaveBeenCalledTimes(1);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('on invalid_client re-reads AWSCURRENT first and uses it when a rotation finished meanwhile', async () => {
      // Prepare
      const { sm, state } = secretsManager({ current: ['app', 's1'], pending: ['app', 's-pending'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      state.current = ['app', 's2'];
      genesys.accepted.app = 's2';
      clock.now += 600_000; // token expired

      // Act
      const token = await subject.getAccessToken();

      // Assess
      expect(token).toBe('tok-2');
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1', 'app:s2']);
      const stages = sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage);
      expect(stages).toEqual(['AWSCURRENT', 'AWSCURRENT']);
    });

    it('then falls back to AWSPENDING when AWSCURRENT still holds the dead secret (single window)', async () => {
      // Prepare
      const { sm } = secretsManager({ current: ['app', 's-dead'], pending: ['app', 's-new'] });
      const genesys = genesysAccepting({ app: 's-new' }, clock);
      const subject = provider(genesys.api);

      // Act
      const token = await subject.getAccessToken();

      // Assess: AWSCURRENT, AWSCURRENT again (same secret: not retried), AWSPENDING
      expect(token).toBe('tok-1');
      expect(genesys.attempts).toEqual(['app:s-dead', 'app:s-new']);
      expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage)).toEqual(['AWSCURRENT', 'AWSCURRENT', 'AWSPENDING']);
    });

    it('throws invalid_client after trying AWSCURRENT twice (when it changed) and AWSPENDING once', async () => {
      // Prepare
      const { state } = secretsManager({ current: ['app', 's1'], pending: ['app', 's3'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      state.current = ['app', 's2'];
      genesys.accepted.app = 'nothing-we-have';
      clock.now += 600_000;

      // Act
      const run = subject.getAccessToken();

      // Assess
      await expect(run).rejects.toBeInstanceOf(GenesysAuthError);
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1', 'app:s2', 'app:s3']);
    });

    it('does not fall back on errors other than invalid_client', async () => {
      // Prepare
      const { sm } = secretsManager({ current: ['app', 's1'], pending: ['app', 's2'] });
      const getToken = jest.fn(() => Promise.reject(new GenesysNetworkError('Genesys Cloud could not be reached', { method: 'POST', path: '/oauth/token' })));
      const subject = provider({ getToken } as unknown as GenesysApi);

      // Act & Assess
      await expect(subject.getAccessToken()).rejects.toBeInstanceOf(GenesysNetworkError);
      expect(getToken).toHaveBeenCalledTimes(1);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('keeps serving a still-valid token when its renewal fails, and throws once it has expired', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      genesys.getToken.mockRejectedValue(new GenesysNetworkError('down', { method: 'POST', path: '/oauth/token' }));

      // Act
      clock.now = T0 + 3_400_000; // inside the renewal margin, not expired
      const stillValid = await subject.getAccessToken();
      clock.now = T0 + 3_600_000;
      const expired = subject.getAccessToken();

      // Assess
      expect(stillValid).toBe('tok-1');
      await expect(expired).rejects.toBeInstanceOf(GenesysNetworkError);
    });

    it('never logs the secret or the token', async () => {
      // Prepare
      secretsManager({ current: ['app', 's-dead-secret'], pending: ['app', 's-new-secret'] });
      const genesys = genesysAccepting({ app: 's-new-secret' }, clock);
      const log = recordingLog();
      const subject = provider(genesys.api, { log });

      // Act
      const token = await subject.getAccessToken();

      // Assess
      expect(log.text()).toContain('invalid_client');
      for (const secret of ['s-dead-secret', 's-new-secret', token]) expect(log.text()).not.toContain(secret);
    });
  });

  describe('Method: invalidate', () => {
    it('drops the rejected token once, so concurrent 401s cause one refresh', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock);
      const subject = provider(genesys.api);
      const rejected = await subject.getAccessToken();

      // Act
      subject.invalidate(rejected);
      const fresh = await subject.getAccessToken();
      subject.invalidate(rejected); // a late caller with the same old token
      const again = await subject.getAccessToken();

      // Assess
      expect(fresh).toBe('tok-2');
      expect(again).toBe('tok-2');
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
    });
  });
});
