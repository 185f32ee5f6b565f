/**
 * Item 4: the consumer credential provider (client/) against what a consumer would write without it:
 * Powertools Parameters `getSecret` (SecretsProvider.get, same cache age) plus a plain token request
 * with undici. Two baselines:
 * - "per call": getSecret, then POST /oauth/token on every call (the literal reading of the issue);
 * - "cached": the same, keeping the token until it is due for renewal (same margin as the provider),
 *   the best a careful hand-written consumer does; no sharing of in-flight requests.
 * Each run starts cold (new provider / new SecretsProvider) on the same secret. Sequential: one
 * caller, N calls. Concurrent: 100 callers started together, N calls in all.
 *
 * Then, on a simulated clock (provider, Genesys client and Genesys stand-in share it), N calls spread
 * over several token lifetimes count the token requests per lifetime.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { Agent, request } from 'undici';
import { createCredentialProvider } from '../client';
import { GenesysApiClient } from '../lambdas/core/genesys/api-client';
import { nodeTransport } from '../lambdas/core/genesys/node-transport';
import type { Sandbox } from '../local/sandbox';
import { figure, pairedRatio, timed, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';
import { countsSinceReset, resetCounts, startWorld } from './lib/world';
import { OP } from './minimum-round-trips';

/** Both sides cache the secret this long (Powertools `maxAge` is in seconds). */
export const CACHE_AGE_SECONDS = 300;
/** The provider's default renewal margin; the cached baseline uses the same. */
const REFRESH_MARGIN_MS = 300_000;
const CONCURRENT_CALLERS = 100;

export interface ConsumerOptions {
  readonly runs: number;
  readonly calls: number;
}

type GetAccessToken = () => Promise<string>;

interface Subject {
  readonly name: string;
  /** A cold instance for one run. */
  readonly create: () => GetAccessToken;
}

interface Counted {
  readonly ms: number;
  readonly secretsManagerCalls: number;
  readonly tokenRequests: number;
}

function subjects(sandbox: Sandbox, secretId: string, agent: Agent): Subject[] {
  const baseUrl = sandbox.genesys.baseUrl;
  const plainToken = async (clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresInSeconds: number }> => {
    const response = await request(`${baseUrl}/oauth/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.body.json()) as { access_token: string; expires_in: number };
    if (response.statusCode !== 200) throw new Error(`consumer baseline: token request answered ${response.statusCode}`);
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
  };
  const readSecret = async (provider: SecretsProvider) => {
    const doc = await provider.get<{ clientId: string; clientSecret: string }>(secretId, { maxAge: CACHE_AGE_SECONDS, transform: 'json' });
    if (doc === undefined) throw new Error('consumer baseline: no secret');
    return doc;
  };
  return [
    {
      name: 'provider (client/)',
      create: () => {
        // The default Secrets Manager client (env endpoint, the provider's timeouts) and Genesys client (Node's https): what ships.
        const provider = createCredentialProvider({ secretId, genesysBaseUrl: baseUrl, secretMaxAgeMs: CACHE_AGE_SECONDS * 1000 });
        return () => provider.getAccessToken();
      },
    },
    {
      name: 'getSecret + token per call',
      create: () => {
        // What getSecret() does on first use: a SecretsProvider with a default SDK client (env endpoint).
        const secrets = new SecretsProvider();
        return async () => {
          const doc = await readSecret(secrets);
          return (await plainToken(doc.clientId, doc.clientSecret)).accessToken;
        };
      },
    },
    {
      name: 'getSecret + cached token',
      create: () => {
        const secrets = new SecretsProvider();
        let cached: { accessToken: string; renewAtMs: number } | undefined;
        return async () => {
          if (cached !== undefined && Date.now() < cached.renewAtMs) return cached.accessToken;
          const doc = await readSecret(secrets);
          const token = await plainToken(doc.clientId, doc.clientSecret);
          cached = { accessToken: token.accessToken, renewAtMs: Date.now() + token.expiresInSeconds * 1000 - REFRESH_MARGIN_MS };
          return cached.accessToken;
        };
      },
    },
  ];
}

async function callMany(getAccessToken: GetAccessToken, calls: number, callers: number): Promise<void> {
  const perCaller = Math.ceil(calls / callers);
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = 0; i < perCaller; i++) {
        const token = await getAccessToken();
        if (token === '') throw new Error('consumer: empty token');
      }
    }),
  );
}

async function countedRun(sandbox: Sandbox, subject: Subject, calls: number, callers: number): Promise<Counted> {
  const getAccessToken = subject.create();
  resetCounts(sandbox);
  const ms = await timed(() => callMany(getAccessToken, calls, callers));
  const counts = countsSinceReset(sandbox);
  return { ms, secretsManagerCalls: counts[OP.getValue] ?? 0, tokenRequests: counts[OP.token] ?? 0 };
}

interface ModeResult {
  readonly mode: 'sequential' | 'concurrent';
  readonly callers: number;
  readonly bySubject: { readonly name: string; readonly callsPerSecond: Figure; readonly throughputRatio: Figure; readonly secretsManagerCalls: Figure; readonly tokenRequests: Figure }[];
}

async function measureMode(sandbox: Sandbox, list: Subject[], options: ConsumerOptions, callers: number): Promise<ModeResult> {
  for (const subject of list) await countedRun(sandbox, subject, Math.min(options.calls, 200), callers); // warm-up
  const runs = new Map<string, Counted[]>(list.map((s) => [s.name, []]));
  for (let i = 0; i < options.runs; i++) for (const subject of list) runs.get(subject.name)?.push(await countedRun(sandbox, subject, options.calls, callers));
  const providerRuns = runs.get(list[0]?.name ?? '') ?? [];
  const rate = (r: Counted): number => (options.calls / r.ms) * 1000;
  return {
    mode: callers === 1 ? 'sequential' : 'concurrent',
    callers,
    bySubject: list.map((subject) => {
      const own = runs.get(subject.name) ?? [];
      return {
        name: subject.name,
        callsPerSecond: figure(own.map(rate)),
        // provider / baseline, run by run: >= 1 means the provider is at least as fast.
        throughputRatio: pairedRatio(providerRuns.map(rate), own.map(rate)),
        secretsManagerCalls: figure(own.map((r) => r.secretsManagerCalls)),
        tokenRequests: figure(own.map((r) => r.tokenRequests)),
      };
    }),
  };
}

/** Token requests over a simulated span of several token lifetimes (one sequential caller). */
async function measureLifetimes(calls: number): Promise<{ lifetimeSeconds: number; spanSeconds: number; tokenRequests: number; expected: number; secretsManagerCalls: number }> {
  let clockMs = Date.now();
  const clock = (): number => clockMs;
  const sandbox = await startWorld({ genesys: { now: clock } });
  try {
    const org = await sandbox.createOrg('Consumer Lifetimes');
    const client = await sandbox.addManagedClient(org, { name: 'lifetimes', strategy: 'single' });
    const lifetimeSeconds = 86_400; // the stand-in's default accessTokenValiditySeconds (GENESYS-API.md §2)
    const spanSeconds = lifetimeSeconds * 3.5;
    const stepMs = (spanSeconds * 1000) / calls;
    const baseUrl = sandbox.genesys.baseUrl;
    const provider = createCredentialProvider({
      secretId: client.secretArn,
      // The provider's own Genesys client (Node's http), with the simulated clock.
      genesys: (environment) => new GenesysApiClient({ environment, baseUrl, transport: nodeTransport(), now: clock }),
      secretMaxAgeMs: CACHE_AGE_SECONDS * 1000,
      now: clock,
    });
    resetCounts(sandbox);
    for (let i = 0; i < calls; i++) {
      await provider.getAccessToken();
      clockMs += stepMs;
    }
    const counts = countsSinceReset(sandbox);
    // Renewal is due `margin` before expiry: one request per (lifetime − margin) of simulated time.
    const expected = Math.ceil(spanSeconds / (lifetimeSeconds - REFRESH_MARGIN_MS / 1000));
    return { lifetimeSeconds, spanSeconds, tokenRequests: counts[OP.token] ?? 0, expected, secretsManagerCalls: counts[OP.getValue] ?? 0 };
  } finally {
    await sandbox.close();
  }
}

export async function runConsumer(options: ConsumerOptions): Promise<{ json: Json; table: Table }> {
  const sandbox = await startWorld();
  const agent = new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 10_000 });
  let modes: ModeResult[];
  try {
    const org = await sandbox.createOrg('Consumer');
    const client = await sandbox.addManagedClient(org, { name: 'consumer', strategy: 'alternating' });
    const list = subjects(sandbox, client.secretArn, agent);
    modes = [await measureMode(sandbox, list, options, 1), await measureMode(sandbox, list, options, CONCURRENT_CALLERS)];
  } finally {
    await agent.close();
    await sandbox.close();
  }
  const lifetimes = await measureLifetimes(options.calls);

  const rows: string[][] = [];
  const json: Record<string, Json> = {};
  for (const mode of modes) {
    const provider = mode.bySubject[0];
    const modeJson: Record<string, Json> = {};
    for (const s of mode.bySubject) {
      const isProvider = s === provider;
      const fast = s.throughputRatio.median >= 1;
      const fewer = provider !== undefined && provider.secretsManagerCalls.median <= s.secretsManagerCalls.median && provider.tokenRequests.median <= s.tokenRequests.median;
      rows.push([
        `${mode.mode} (${mode.callers} caller${mode.callers === 1 ? '' : 's'})`,
        s.name,
        spread(s.callsPerSecond, 0),
        isProvider ? '1 (subject)' : spread(s.throughputRatio, 2),
        spread(s.secretsManagerCalls, 0),
        spread(s.tokenRequests, 0),
        isProvider ? '' : verdict(fast && fewer),
      ]);
      modeJson[s.name] = {
        callsPerSecond: { median: s.callsPerSecond.median, min: s.callsPerSecond.min, max: s.callsPerSecond.max },
        secretsManagerCalls: { median: s.secretsManagerCalls.median, min: s.secretsManagerCalls.min, max: s.secretsManagerCalls.max },
        tokenRequests: { median: s.tokenRequests.median, min: s.tokenRequests.min, max: s.tokenRequests.max },
        ...(isProvider ? {} : { providerThroughputRatio: { median: s.throughputRatio.median, min: s.throughputRatio.min, max: s.throughputRatio.max }, goalMet: fast && fewer }),
      };
    }
    json[mode.mode] = { callers: mode.callers, calls: options.calls, subjects: modeJson };
  }
  json.tokenLifetimes = { ...lifetimes, calls: options.calls, goalMet: lifetimes.tokenRequests <= lifetimes.expected };
  json.cacheAgeSeconds = CACHE_AGE_SECONDS;

  const table: Table = {
    title: `4. Consumer provider (${options.calls} getAccessToken() calls per run; secret cache age ${CACHE_AGE_SECONDS} s on both sides)`,
    head: ['mode', 'consumer', 'calls/s', 'provider throughput ratio', 'GetSecretValue', 'token requests', 'goal met'],
    rows,
    notes: [
      'goal per baseline: provider throughput ratio >= 1, and GetSecretValue and token requests <= the baseline\'s',
      `token lifetimes (simulated clock, ${lifetimes.lifetimeSeconds} s tokens, ${(lifetimes.spanSeconds / lifetimes.lifetimeSeconds).toFixed(1)} lifetimes): ${lifetimes.tokenRequests} token requests (one per lifetime minus the 5 min renewal margin: ${lifetimes.expected}), ${lifetimes.secretsManagerCalls} GetSecretValue; goal met: ${verdict(lifetimes.tokenRequests <= lifetimes.expected)}`,
    ],
  };
  return { json, table };
}
