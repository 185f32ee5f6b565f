import { GetSecretValueCommand, InternalServiceError, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createCredentialProvider, type CredentialProviderOptions } from '../../../client';
import { GenesysAuthError, GenesysNetworkError, SecretsManagerError } from '../../../lambdas/core/errors';
import { AccessToken, type ClientCredentials, type GenesysApi } from '../../../lambdas/core/genesys/types';
import type { Log } from '../../../lambdas/core/log';

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const T0 = 1_760_000_000_000;

const doc = (clientId: string, clientSecret: string) =>
  JSON.stringify({ environment: 'mypurecloud.com', clientId, clientSecret, strategy: 'single', adminSecretId: 'admin' });

const networkDown = () => new GenesysNetworkError('Genesys Cloud could not be reached', { method: 'POST', path: '/oauth/token' });

const invalidClient = () =>
  new GenesysAuthError('Genesys Cloud refused the client credentials', { method: 'POST', path: '/oauth/token', status: 401, code: 'invalid_client' });

/** Secrets Manager with a settable AWSCURRENT and AWSPENDING, that can be taken down. */
const mocks: { restore(): void }[] = [];
afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

interface SecretsManagerState {
  current: [string, string];
  pending?: [string, string];
  currentVersion: string;
  pendingVersion: string;
  /** Stages GetSecretValue reports for the AWSPENDING version (the real service adds AWSCURRENT once finishSecret moved it). */
  pendingStages: string[];
  /** When set, every GetSecretValue throws what it returns. */
  failure: (() => Error) | undefined;
  /** Stages whose GetSecretValue never answers (a Secrets Manager that accepts the call and stalls). */
  stalled: string[];
}

function secretsManager(initial: { current: [string, string]; pending?: [string, string] }) {
  const sm = mockClient(SecretsManagerClient);
  mocks.push(sm);
  const state: SecretsManagerState = { ...initial, currentVersion: 'v-1', pendingVersion: 'v-2', pendingStages: ['AWSPENDING'], failure: undefined, stalled: [] };
  sm.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string }) => {
    if (state.stalled.includes(input.VersionStage ?? 'AWSCURRENT')) return new Promise(() => undefined);
    if (state.failure !== undefined) throw state.failure();
    if (input.VersionStage === 'AWSPENDING') {
      if (state.pending === undefined) throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
      return { VersionId: state.pendingVersion, SecretString: doc(...state.pending), VersionStages: state.pendingStages };
    }
    return { VersionId: state.currentVersion, SecretString: doc(...state.current), VersionStages: ['AWSCURRENT'] };
  });
  const stages = () => sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage);
  return { sm, state, stages };
}

const outage = () => new InternalServiceError({ message: 'Secrets Manager is unavailable', $metadata: {} });
const deleted = () => new ResourceNotFoundException({ message: 'Secrets Manager cannot find the specified secret.', $metadata: {} });

/** Genesys token endpoint: accepts the listed secrets per client, records every attempt; `down` makes it unreachable. */
function genesysAccepting(accepted: Record<string, string>, clock: { now: number }, lifetimeSeconds = 3600) {
  const attempts: string[] = [];
  let issued = 0;
  const fake = {
    down: false,
    attempts,
    accepted,
    getToken: jest.fn(async (creds: ClientCredentials) => {
      attempts.push(`${creds.clientId}:${creds.clientSecret}`);
      await Promise.resolve();
      if (fake.down) throw networkDown();
      if (accepted[creds.clientId] !== creds.clientSecret) throw invalidClient();
      issued += 1;
      return new AccessToken(`tok-${issued}`, 'bearer', lifetimeSeconds, clock.now);
    }),
    get api(): GenesysApi {
      return { getToken: fake.getToken } as unknown as GenesysApi;
    },
  };
  return fake;
}

/** Lets a renewal started in the background finish (every fake here answers within a few microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function recordingLog(): Log & { text(): string; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  const push = (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(attributes ?? {})}`);
  };
  const warn = (message: string, attributes?: Record<string, unknown>) => {
    warnings.push(message);
    push(message, attributes);
  };
  return { text: () => lines.join('\n'), warnings, debug: push, info: push, warn, error: push };
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

    it('renews the token before it expires (refresh margin) and not before, in the background', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api, { refreshMarginMs: 300_000 });
      await subject.getAccessToken();

      // Act
      clock.now = T0 + 3_299_000; // 1 s before the renewal point
      const before = await subject.getAccessToken();
      await settle();
      const requestsBefore = genesys.getToken.mock.calls.length;
      clock.now = T0 + 3_300_000; // 5 minutes before expiry
      const atRenewal = await subject.getAccessToken();
      await settle();
      const after = await subject.getAccessToken();

      // Assess: the caller at the renewal point gets the still-valid token; the renewal ran meanwhile
      expect(before).toBe('tok-1');
      expect(requestsBefore).toBe(1);
      expect(atRenewal).toBe('tok-1');
      expect(after).toBe('tok-2');
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
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

      // Assess: AWSCURRENT was read for this very attempt, so recovery goes straight to AWSPENDING
      expect(token).toBe('tok-1');
      expect(genesys.attempts).toEqual(['app:s-dead', 'app:s-new']);
      expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage)).toEqual(['AWSCURRENT', 'AWSPENDING']);
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
      await settle();
      clock.now = T0 + 3_600_000;
      const expired = subject.getAccessToken();

      // Assess
      expect(stillValid).toBe('tok-1');
      await expect(expired).rejects.toBeInstanceOf(GenesysNetworkError);
    });

    it('renews at half the token lifetime when the refresh margin is longer than that', async () => {
      // Prepare: a 300 s token and the default 5 min margin
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 300);
      const subject = provider(genesys.api);
      await subject.getAccessToken();

      // Act
      clock.now = T0 + 149_999;
      const before = await subject.getAccessToken();
      await settle();
      clock.now = T0 + 150_000;
      await subject.getAccessToken(); // starts the renewal
      await settle();
      const after = await subject.getAccessToken();

      // Assess
      expect(before).toBe('tok-1');
      expect(after).toBe('tok-2');
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
    });

    it('reuses the secret read for secretMaxAgeMs, then picks up a newer AWSCURRENT', async () => {
      // Prepare: alternating-like: both clients are accepted, AWSCURRENT moves to the other one
      const { state, stages } = secretsManager({ current: ['app-a', 's1'] });
      const genesys = genesysAccepting({ 'app-a': 's1', 'app-b': 's2' }, clock, 600);
      const subject = provider(genesys.api, { secretMaxAgeMs: 900_000 });
      await subject.getAccessToken();
      state.current = ['app-b', 's2'];

      // Act
      clock.now = T0 + 600_000; // token expired, secret read 10 min ago
      const withinMaxAge = await subject.getAccessToken();
      clock.now = T0 + 900_000; // renewal point of that token, secret read 15 min ago: renewed in the background
      const stillValid = await subject.getAccessToken();
      await settle();
      const afterMaxAge = await subject.getAccessToken();

      // Assess
      expect([withinMaxAge, stillValid, afterMaxAge]).toEqual(['tok-2', 'tok-2', 'tok-3']);
      expect(genesys.attempts).toEqual(['app-a:s1', 'app-a:s1', 'app-b:s2']);
      expect(stages()).toEqual(['AWSCURRENT', 'AWSCURRENT']);
    });

    it('keeps using the cached secret when AWSCURRENT cannot be re-read after secretMaxAgeMs, and re-reads it on a later refresh', async () => {
      // Prepare
      const { state, stages } = secretsManager({ current: ['app-a', 'secret-one'] });
      const genesys = genesysAccepting({ 'app-a': 'secret-one', 'app-b': 'secret-two' }, clock, 600);
      const log = recordingLog();
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000, log });
      await subject.getAccessToken();
      state.failure = outage;

      // Act
      clock.now = T0 + 600_000; // token expired, secret past its max age, Secrets Manager down
      const duringOutage = await subject.getAccessToken();
      state.failure = undefined;
      state.current = ['app-b', 'secret-two'];
      clock.now = T0 + 1_200_000; // that token expired too
      const afterOutage = await subject.getAccessToken();

      // Assess
      expect([duringOutage, afterOutage]).toEqual(['tok-2', 'tok-3']);
      expect(genesys.attempts).toEqual(['app-a:secret-one', 'app-a:secret-one', 'app-b:secret-two']);
      expect(stages()).toEqual(['AWSCURRENT', 'AWSCURRENT', 'AWSCURRENT']);
      expect(log.warnings).toHaveLength(1);
      expect(log.text()).toContain('InternalServiceError');
      for (const secret of ['secret-one', 'secret-two', duringOutage, afterOutage]) expect(log.text()).not.toContain(secret);
    });

    it('does not fall back to the cached secret once the secret is gone (ResourceNotFoundException)', async () => {
      // Prepare
      const { state } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 600);
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000 });
      await subject.getAccessToken();
      state.failure = deleted;
      clock.now = T0 + 600_000;

      // Act
      const run = subject.getAccessToken();

      // Assess
      await expect(run).rejects.toBeInstanceOf(SecretsManagerError);
      await expect(run).rejects.toMatchObject({ awsErrorName: 'ResourceNotFoundException' });
      expect(genesys.getToken).toHaveBeenCalledTimes(1);
    });

    it('throws the Secrets Manager error when recovery cannot read the secret, serving a still-valid token meanwhile', async () => {
      // Prepare: the cached secret is refused (rotated away) while Secrets Manager is down
      const { state } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      genesys.accepted.app = 's2';
      state.failure = outage;

      // Act
      clock.now = T0 + 3_400_000; // renewal window
      const stillValid = await subject.getAccessToken();
      await settle();
      clock.now = T0 + 3_600_000; // expired
      const expired = subject.getAccessToken();

      // Assess
      expect(stillValid).toBe('tok-1');
      await expect(expired).rejects.toBeInstanceOf(SecretsManagerError);
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1']); // the refused secret is not tried again
    });

    it('after a failed renewal serves the still-valid token without retrying for a cool-down, then tries again', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      genesys.down = true;

      // Act & Assess: 200 s left: cool-down min(30 s, 200 s / 4) = 30 s
      clock.now = T0 + 3_400_000;
      const tokens: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        tokens.push(await subject.getAccessToken());
        await settle();
      }
      expect(new Set(tokens)).toEqual(new Set(['tok-1']));
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
      clock.now = T0 + 3_429_999;
      await subject.getAccessToken();
      await settle();
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
      clock.now = T0 + 3_430_000;
      await subject.getAccessToken();
      await settle();
      expect(genesys.getToken).toHaveBeenCalledTimes(3);

      // 20 s left: cool-down 20 s / 4 = 5 s
      clock.now = T0 + 3_580_000;
      await subject.getAccessToken();
      await settle();
      clock.now = T0 + 3_584_999;
      await subject.getAccessToken();
      await settle();
      expect(genesys.getToken).toHaveBeenCalledTimes(4);
      genesys.down = false;
      clock.now = T0 + 3_585_000;
      const stillCached = await subject.getAccessToken();
      await settle();
      const renewed = await subject.getAccessToken();
      expect(stillCached).toBe('tok-1');
      expect(renewed).toBe('tok-2');
      expect(genesys.getToken).toHaveBeenCalledTimes(5);
    });

    it('after a failed recovery serves the still-valid token without reading Secrets Manager on every call', async () => {
      // Prepare: neither AWSCURRENT nor AWSPENDING is accepted any more
      const { stages } = secretsManager({ current: ['app', 's1'], pending: ['app', 's-pending'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api);
      await subject.getAccessToken();
      genesys.accepted.app = 'nothing-we-have';

      // Act
      clock.now = T0 + 3_400_000;
      const tokens: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        tokens.push(await subject.getAccessToken());
        await settle();
      }

      // Assess: the first fill, then one recovery
      expect(new Set(tokens)).toEqual(new Set(['tok-1']));
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1', 'app:s-pending']);
      expect(stages()).toEqual(['AWSCURRENT', 'AWSCURRENT', 'AWSPENDING']);
    });

    it('keeps the cached secret after a failed recovery that never refused it, for when Secrets Manager is down', async () => {
      // Prepare: AWSCURRENT moved to a client Genesys Cloud does not accept (yet); the cached one still works
      const { state } = secretsManager({ current: ['app-a', 's1'] });
      const genesys = genesysAccepting({ 'app-a': 's1' }, clock, 600);
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000 });
      await subject.getAccessToken();
      state.current = ['app-b', 's2'];
      clock.now = T0 + 600_000; // token expired, secret past its max age
      await expect(subject.getAccessToken()).rejects.toBeInstanceOf(GenesysAuthError);
      state.failure = outage;

      // Act
      clock.now = T0 + 600_001;
      const token = await subject.getAccessToken();

      // Assess
      expect(token).toBe('tok-2');
      expect(genesys.attempts).toEqual(['app-a:s1', 'app-b:s2', 'app-a:s1']);
    });

    it('shares one failed refresh among concurrent callers: one attempt, the same error for all', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock);
      genesys.down = true;
      const subject = provider(genesys.api);

      // Act
      const results = await Promise.allSettled(Array.from({ length: 20 }, async () => await subject.getAccessToken()));

      // Assess
      expect(genesys.getToken).toHaveBeenCalledTimes(1);
      const reasons = new Set(results.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : r.value)));
      expect(reasons.size).toBe(1);
      expect([...reasons][0]).toBeInstanceOf(GenesysNetworkError);
    });

    it('serves concurrent callers in the renewal window the cached token, with one background renewal whose failure is logged once', async () => {
      // Prepare
      secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const log = recordingLog();
      const subject = provider(genesys.api, { log });
      await subject.getAccessToken();
      genesys.down = true;
      clock.now = T0 + 3_400_000;

      // Act
      const tokens = await Promise.all(Array.from({ length: 20 }, async () => await subject.getAccessToken()));
      await settle();

      // Assess
      expect(new Set(tokens)).toEqual(new Set(['tok-1']));
      expect(genesys.getToken).toHaveBeenCalledTimes(2);
      expect(log.warnings).toHaveLength(1);
    });

    it('re-reads AWSCURRENT after an API refused the token, even when the secret was read moments ago (an emergency ends tokens)', async () => {
      // Prepare: a `single` rotation regenerated the secret right after the cache was filled
      const { stages } = secretsManager({ current: ['app', 's1'], pending: ['app', 's2'] });
      const genesys = genesysAccepting({ app: 's1' }, clock);
      const subject = provider(genesys.api);
      const rejected = await subject.getAccessToken();
      genesys.accepted.app = 's2';

      // Act
      clock.now = T0 + 1_000;
      subject.invalidate(rejected);
      const token = await subject.getAccessToken();

      // Assess
      expect(token).toBe('tok-2');
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1', 'app:s2']);
      expect(stages()).toEqual(['AWSCURRENT', 'AWSCURRENT', 'AWSPENDING']);
    });

    it('does not retry AWSPENDING when it is the version already tried (pending is already current)', async () => {
      // Prepare: the version read as AWSCURRENT also carries AWSPENDING
      const { state, stages } = secretsManager({ current: ['app', 's1'], pending: ['app', 's1'] });
      state.pendingVersion = state.currentVersion;
      state.pendingStages = ['AWSCURRENT', 'AWSPENDING'];
      const genesys = genesysAccepting({ app: 'other' }, clock);
      const subject = provider(genesys.api);

      // Act
      const run = subject.getAccessToken();

      // Assess
      await expect(run).rejects.toBeInstanceOf(GenesysAuthError);
      expect(genesys.attempts).toEqual(['app:s1']);
      expect(stages()).toEqual(['AWSCURRENT', 'AWSPENDING']);
    });

    it('uses AWSPENDING when finishSecret made it AWSCURRENT between the two reads', async () => {
      // Prepare: AWSCURRENT was read before finishSecret, AWSPENDING after it
      const { state } = secretsManager({ current: ['app', 's-dead'], pending: ['app', 's-new'] });
      state.pendingStages = ['AWSCURRENT', 'AWSPENDING'];
      const genesys = genesysAccepting({ app: 's-new' }, clock);
      const subject = provider(genesys.api);

      // Act
      const token = await subject.getAccessToken();

      // Assess
      expect(token).toBe('tok-1');
      expect(genesys.attempts).toEqual(['app:s-dead', 'app:s-new']);
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

  describe('Method: getAccessToken, when Secrets Manager does not answer', () => {
    const READ_TIMEOUT_MS = 5_000; // the default secretsManagerTimeoutMs

    beforeEach(() => {
      // Only timers are faked (the read bound); `settle` and the mocks' promises run for real.
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    /** Whether `promise` has settled, without waiting for it. */
    const tracked = <T>(promise: Promise<T>) => {
      const state = { settled: false };
      promise.then(
        () => (state.settled = true),
        () => (state.settled = true),
      );
      return state;
    };

    it('serves a valid cached token at once to every caller while one read hangs in the background, bounded', async () => {
      // Prepare: a token in its renewal window and a secret due for a re-read
      const { state, stages } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000 });
      await subject.getAccessToken();
      state.stalled = ['AWSCURRENT'];
      clock.now = T0 + 3_400_000;

      // Act: no timer advanced, so nothing here can have waited for the read
      const concurrent = await Promise.all(Array.from({ length: 100 }, async () => await subject.getAccessToken()));
      const sequential: string[] = [];
      for (let i = 0; i < 100; i += 1) sequential.push(await subject.getAccessToken());
      const readsWhileStalled = stages().length;
      await jest.advanceTimersByTimeAsync(READ_TIMEOUT_MS);
      await settle();
      const afterBound = await subject.getAccessToken();

      // Assess: one background read; once it timed out, the cached secret renewed the token
      expect(new Set([...concurrent, ...sequential])).toEqual(new Set(['tok-1']));
      expect(readsWhileStalled).toBe(2);
      expect(afterBound).toBe('tok-2');
      expect(genesys.attempts).toEqual(['app:s1', 'app:s1']);
    });

    it('fails a caller without a token with SecretsManagerError (TimeoutError) once secretsManagerTimeoutMs has passed, not before', async () => {
      // Prepare
      const { state, stages } = secretsManager({ current: ['app', 's1'] });
      state.stalled = ['AWSCURRENT'];
      const genesys = genesysAccepting({ app: 's1' }, clock);
      const subject = provider(genesys.api, { secretsManagerTimeoutMs: 1_000 });

      // Act
      const first = subject.getAccessToken();
      const second = subject.getAccessToken();
      const progress = tracked(first);
      tracked(second);
      await jest.advanceTimersByTimeAsync(999);
      const settledBeforeBound = progress.settled;
      await jest.advanceTimersByTimeAsync(1);

      // Assess: both callers share the one read and its timeout
      expect(settledBeforeBound).toBe(false);
      await expect(first).rejects.toBeInstanceOf(SecretsManagerError);
      await expect(first).rejects.toMatchObject({ operation: 'GetSecretValue', awsErrorName: 'TimeoutError' });
      await expect(second).rejects.toMatchObject({ awsErrorName: 'TimeoutError' });
      expect(stages()).toEqual(['AWSCURRENT']);
      expect(genesys.getToken).not.toHaveBeenCalled();
    });

    it('with an expired token and a secret due for a re-read, uses the cached secret once the read times out', async () => {
      // Prepare
      const { state } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 600);
      const log = recordingLog();
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000, log });
      await subject.getAccessToken();
      state.stalled = ['AWSCURRENT'];
      clock.now = T0 + 600_000;

      // Act
      const run = subject.getAccessToken();
      const progress = tracked(run);
      await jest.advanceTimersByTimeAsync(READ_TIMEOUT_MS - 1);
      const settledBeforeBound = progress.settled;
      await jest.advanceTimersByTimeAsync(1);

      // Assess
      expect(settledBeforeBound).toBe(false);
      await expect(run).resolves.toBe('tok-2');
      expect(log.warnings).toEqual(['Could not re-read the secret; using the cached one until a later refresh']);
      expect(log.text()).toContain('TimeoutError');
    });

    it('makes a caller whose token expired during a hanging background read wait only for the rest of its bound', async () => {
      // Prepare: the background read starts in the renewal window
      const { state, stages } = secretsManager({ current: ['app', 's1'] });
      const genesys = genesysAccepting({ app: 's1' }, clock, 3600);
      const subject = provider(genesys.api, { secretMaxAgeMs: 300_000 });
      await subject.getAccessToken();
      state.stalled = ['AWSCURRENT'];
      clock.now = T0 + 3_400_000;
      expect(await subject.getAccessToken()).toBe('tok-1');
      await jest.advanceTimersByTimeAsync(3_000);

      // Act: the token expires while that read still hangs
      clock.now = T0 + 3_600_000;
      const run = subject.getAccessToken();
      const progress = tracked(run);
      await jest.advanceTimersByTimeAsync(READ_TIMEOUT_MS - 3_000 - 1);
      const settledBeforeBound = progress.settled;
      await jest.advanceTimersByTimeAsync(1);

      // Assess: it joined the renewal in flight (no second read) and got its token
      expect(settledBeforeBound).toBe(false);
      await expect(run).resolves.toBe('tok-2');
      expect(stages()).toEqual(['AWSCURRENT', 'AWSCURRENT']);
    });

    it('bounds the reads of a recovery after invalid_client too', async () => {
      // Prepare: AWSCURRENT holds a dead secret, AWSPENDING never answers
      const { state } = secretsManager({ current: ['app', 's-dead'], pending: ['app', 's-new'] });
      state.stalled = ['AWSPENDING'];
      const genesys = genesysAccepting({ app: 's-new' }, clock);
      const subject = provider(genesys.api);

      // Act
      const run = subject.getAccessToken();
      const progress = tracked(run);
      await jest.advanceTimersByTimeAsync(READ_TIMEOUT_MS - 1);
      const settledBeforeBound = progress.settled;
      await jest.advanceTimersByTimeAsync(1);

      // Assess
      expect(settledBeforeBound).toBe(false);
      await expect(run).rejects.toMatchObject({ awsErrorName: 'TimeoutError' });
      expect(genesys.attempts).toEqual(['app:s-dead']);
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

describe('Function: createCredentialProvider, default Genesys client', () => {
  it('gets the token over the `fetch` given (instead of Node https), reading only the consumer fields', async () => {
    // Prepare: a document without the rotator's fields, a fetch that plays Genesys Cloud's token endpoint
    const sm = mockClient(SecretsManagerClient);
    mocks.push(sm);
    sm.on(GetSecretValueCommand).resolves({
      VersionId: 'v-1',
      VersionStages: ['AWSCURRENT'],
      SecretString: JSON.stringify({ environment: 'mypurecloud.de', clientId: 'app', clientSecret: 's1' }),
    });
    const fetchStub = jest.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(new Response(JSON.stringify({ access_token: 'tok-fetch', token_type: 'bearer', expires_in: 3600 }), { status: 200 })),
    );
    const subject = createCredentialProvider({ secretId: SECRET_ID, secretsManager: new SecretsManagerClient({}), fetch: fetchStub });

    // Act
    const token = await subject.getAccessToken();

    // Assess: the region's login host, Basic credentials of the document's client
    expect(token).toBe('tok-fetch');
    expect(fetchStub).toHaveBeenCalledTimes(1);
    const [url, init] = fetchStub.mock.calls[0]!;
    expect(url).toBe('https://login.mypurecloud.de/oauth/token');
    expect(init.headers).toMatchObject({ authorization: `Basic ${Buffer.from('app:s1').toString('base64')}` });
  });

  it('sends token requests to `genesysBaseUrl` (the local stand-ins) when given', async () => {
    // Prepare
    const sm = mockClient(SecretsManagerClient);
    mocks.push(sm);
    sm.on(GetSecretValueCommand).resolves({ VersionId: 'v-1', VersionStages: ['AWSCURRENT'], SecretString: doc('app', 's1') });
    const fetchStub = jest.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(new Response(JSON.stringify({ access_token: 'tok-local', token_type: 'bearer', expires_in: 3600 }), { status: 200 })),
    );
    const subject = createCredentialProvider({ secretId: SECRET_ID, secretsManager: new SecretsManagerClient({}), fetch: fetchStub, genesysBaseUrl: 'http://127.0.0.1:9/' });

    // Act
    await subject.getAccessToken();

    // Assess
    expect(fetchStub.mock.calls[0]?.[0]).toBe('http://127.0.0.1:9/oauth/token');
  });
});
