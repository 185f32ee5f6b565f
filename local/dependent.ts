/**
 * A demo dependent: an in-process integration that calls Genesys Cloud (`GET /api/v2/tokens/me`) every
 * `intervalMs` through the credential provider while rotations run, and counts what failed and why.
 * On a 401 it asks the provider for a fresh token once, as a real integration would.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { CredentialProvider } from '../client';
import { errorCode } from '../lambdas/core/genesys/retry';

export interface DependentOptions {
  readonly provider: Pick<CredentialProvider, 'getAccessToken' | 'invalidate'>;
  /** Base URL of the Genesys Cloud stand-in (serves `/api/v2`). */
  readonly genesysBaseUrl: string;
  /** @default 100 */
  readonly intervalMs?: number;
  /** @default a private undici Agent, closed by `stop()` */
  readonly dispatcher?: Dispatcher;
}

export interface DependentReport {
  readonly calls: number;
  readonly failures: number;
  /** Failure reason → count: `token:<code>` (no token), `api:<status>` (refused after one fresh token), `api:<error code>` (no answer). */
  readonly reasons: Record<string, number>;
}

export interface RunningDependent {
  /** Stop calling, wait for calls in flight, and report. */
  stop(): Promise<DependentReport>;
}

export type CallResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function tokenFailure(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return `token:${code ?? (error instanceof Error ? error.name : 'unknown')}`;
}

async function callOnce(url: string, token: string, dispatcher: Dispatcher): Promise<number | string> {
  try {
    const response = await request(url, { method: 'GET', headers: { authorization: `Bearer ${token}` }, dispatcher });
    await response.body.dump();
    return response.statusCode;
  } catch (error) {
    return errorCode(error) ?? (error instanceof Error ? error.name : 'unknown');
  }
}

/**
 * One call as an integration makes it: get a token, `GET url` with it; on a 401 drop that token, get a
 * fresh one and try once more. Never rejects: the result says why it failed.
 */
export async function callThroughProvider(provider: DependentOptions['provider'], url: string, dispatcher: Dispatcher): Promise<CallResult> {
  let token: string;
  try {
    token = await provider.getAccessToken();
  } catch (error) {
    return { ok: false, reason: tokenFailure(error) };
  }
  let outcome = await callOnce(url, token, dispatcher);
  if (outcome === 401) {
    provider.invalidate(token);
    try {
      token = await provider.getAccessToken();
    } catch (error) {
      return { ok: false, reason: tokenFailure(error) };
    }
    outcome = await callOnce(url, token, dispatcher);
  }
  return outcome === 200 ? { ok: true } : { ok: false, reason: `api:${outcome}` };
}

export function startDependent(options: DependentOptions): RunningDependent {
  let ownAgent: Agent | undefined;
  const dispatcher = options.dispatcher ?? (ownAgent = new Agent({ keepAliveTimeout: 1_000 }));
  const url = `${options.genesysBaseUrl.replace(/\/+$/, '')}/api/v2/tokens/me`;
  const inFlight = new Set<Promise<void>>();
  const reasons: Record<string, number> = {};
  let calls = 0;
  let failures = 0;

  function tick(): void {
    calls += 1;
    const run = callThroughProvider(options.provider, url, dispatcher).then((result) => {
      if (!result.ok) {
        failures += 1;
        reasons[result.reason] = (reasons[result.reason] ?? 0) + 1;
      }
    });
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }

  tick();
  const timer = setInterval(tick, options.intervalMs ?? 100);

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      if (ownAgent !== undefined) await ownAgent.close();
      return { calls, failures, reasons: { ...reasons } };
    },
  };
}
