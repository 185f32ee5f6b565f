import { Agent } from 'undici';
import { createCredentialProvider } from '../../../client';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import type { GenesysApi } from '../../../lambdas/core/genesys/types';
import type { Log } from '../../../lambdas/core/log';
import { callThroughProvider, startDependent } from '../../../local/dependent';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';

const ROTATIONS = 20;
const BURST = 25;
/**
 * Wall-clock bounds, set far above anything a loaded machine needs so that only the shared `clock`
 * decides expiry and renewal: the rotation function's reported Lambda timeout (its step deadline) and
 * the consumer's per-attempt HTTP timeout.
 */
const FUNCTION_TIMEOUT_MS = 900_000;
const HTTP_TIMEOUT_MS = 120_000;

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(attributes ?? {})}`);
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}

describe('Integration: credential provider through rotations', () => {
  // One clock drives Genesys token expiry and the consumer's renewal.
  const clock = { now: Date.now() };
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let agent: Agent;

  beforeAll(async () => {
    agent = new Agent({ keepAliveTimeout: 1_000 });
    sandbox = await Sandbox.start({
      genesys: { now: () => clock.now, tokenRatePerMinute: 1_000_000 },
      aws: { stepRetry: { attempts: 3, delayMs: 0 }, functionTimeoutMs: FUNCTION_TIMEOUT_MS },
      rotate: { dispatcher: agent, propagation: { maxWaitMs: 2_000, initialDelayMs: 5, maxDelayMs: 20 } },
    });
    org = await sandbox.createOrg('dependents-test');
  });

  afterAll(async () => {
    await sandbox.close();
    await agent.close();
  });

  it.each(['alternating', 'single'] as const)('keeps a consumer working through 20 consecutive %s rotations under concurrent load', async (strategy) => {
    // Prepare: a consumer whose tokens live 300 s on the shared clock
    const { secretArn, clientIds } = await sandbox.addManagedClient(org, { name: `app-${strategy}`, strategy, tokenLifetimeSeconds: 300 });
    let genesys: GenesysApi | undefined;
    const tokenRequests = { accepted: 0, refused: 0 };
    const counting = (api: GenesysApi): GenesysApi => ({
      ...api,
      getToken: async (credentials) => {
        try {
          const token = await api.getToken(credentials);
          tokenRequests.accepted += 1;
          return token;
        } catch (error) {
          tokenRequests.refused += 1;
          throw error;
        }
      },
    });
    const log = recordingLog();
    const provider = createCredentialProvider({
      secretId: secretArn,
      secretsManager: sandbox.secretsManager,
      genesys: (environment) => (genesys ??= counting(createGenesysClient({ environment, baseUrl: sandbox.genesys.baseUrl, dispatcher: agent, now: () => clock.now, timeoutMs: HTTP_TIMEOUT_MS }))),
      now: () => clock.now,
      log,
    });
    const url = `${sandbox.genesys.baseUrl}/api/v2/tokens/me`;
    const burstFailures: Record<string, number> = {};
    let burstCalls = 0;
    // After each rotation step, move time past the token's expiry and fire a burst of concurrent calls
    // (they all wait for one renewal; a token still valid would be served at once and renewed in the
    // background, at a time this test could not pin down): for `single`, the burst after createSecret
    // lands in the window where AWSCURRENT holds a dead secret.
    sandbox.afterStep = async (_step, secretId) => {
      if (secretId !== secretArn) return;
      clock.now += 300_000;
      const results = await Promise.all(Array.from({ length: BURST }, async () => await callThroughProvider(provider, url, agent)));
      burstCalls += results.length;
      for (const r of results) if (!r.ok) burstFailures[r.reason] = (burstFailures[r.reason] ?? 0) + 1;
    };
    sandbox.genesys.resetRequests();
    const background = startDependent({ provider, genesysBaseUrl: sandbox.genesys.baseUrl, intervalMs: 5, dispatcher: agent });

    // Act
    const outcomes = [];
    for (let i = 0; i < ROTATIONS; i += 1) outcomes.push(await sandbox.rotate(secretArn));
    sandbox.afterStep = undefined;
    const report = await background.stop();

    // Assess: every rotation completed, no failed call, and the token was cached (far fewer token requests than calls)
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(report.reasons).toEqual({});
    expect(burstFailures).toEqual({});
    expect(report.failures).toBe(0);
    expect(burstCalls).toBe(ROTATIONS * 4 * BURST);
    expect(tokenRequests.accepted).toBeGreaterThanOrEqual(ROTATIONS * 4); // one renewal per step: the rotations were really exercised
    expect(tokenRequests.accepted).toBeLessThanOrEqual(ROTATIONS * 4 + 1); // ... shared by the burst, not one per caller
    const consumerCalls = sandbox.genesys.requests().filter((r) => r.path === '/api/v2/tokens/me' && r.clientId !== undefined && clientIds.includes(r.clientId));
    expect(consumerCalls.length).toBeGreaterThanOrEqual(report.calls + burstCalls);
    if (strategy === 'single') {
      // The single window was hit in every rotation and recovered through AWSPENDING.
      expect(tokenRequests.refused).toBeGreaterThanOrEqual(ROTATIONS);
      expect(log.lines.some((l) => l.includes('"stage":"AWSPENDING"'))).toBe(true);
    }
    // Leak check: nothing the stand-in issued reached the provider's log.
    const text = log.lines.join('\n');
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) expect(text).not.toContain(value);
  }, 180_000); // 20 rotations x 2 strategies on a slow 2-core runner took ~35 s
});
