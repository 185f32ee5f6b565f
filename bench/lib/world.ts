/**
 * The stand-in world every suite starts from (local/sandbox.ts), plus what the benchmarks add:
 * per-step call counting at the stand-ins and swapping the function Secrets Manager invokes.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE } from '../../lambdas/core/contract';
import type { RotationEvent, RotationHandler } from '../../local/aws';
import { ROTATE_FUNCTION_ARN, Sandbox, type SandboxOptions } from '../../local/sandbox';
import type { RotationStep } from '../../lambdas/core/rotation/engine';

/**
 * A silent logger: a benchmark measures the rotator, not the terminal. `BENCH_LOG_LEVEL=WARN` shows the
 * rotator's warnings (retries, timeouts) when a figure looks wrong.
 */
export function quietLogger(): Logger {
  const level = process.env.BENCH_LOG_LEVEL;
  const logLevel = level === 'DEBUG' || level === 'INFO' || level === 'WARN' || level === 'ERROR' ? level : 'SILENT';
  return new Logger({ serviceName: 'genesys-oauth-rotator', logLevel });
}

/**
 * The rotate handler's Metrics, built as the handler builds its default, whose EMF lines go to a sink
 * instead of stdout: serialising and writing them is still paid for, the terminal is spared a line per
 * rotation. Powertools keeps its console private and offers no output option, hence the assignment.
 */
export function quietMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'genesys-oauth-rotator' });
  const sink = new Writable({
    write: (_chunk, _encoding, done: () => void) => {
      done();
    },
  });
  Reflect.set(metrics, 'console', new Console({ stdout: sink, stderr: sink }));
  return metrics;
}

export async function startWorld(options: SandboxOptions = {}): Promise<Sandbox> {
  return await Sandbox.start({
    ...options,
    rotate: { logger: quietLogger(), metrics: quietMetrics(), ...options.rotate },
  });
}

/** Make `handler` the function Secrets Manager invokes for every managed secret of the sandbox. */
export function useRotationFunction(sandbox: Sandbox, handler: RotationHandler): void {
  sandbox.aws.secretsManager.registerRotationFunction(ROTATE_FUNCTION_ARN, handler);
}

const GENESYS_TEMPLATES: readonly (readonly [RegExp, string])[] = [
  [/^\/api\/v2\/oauth\/clients\/[^/]+\/secret$/, '/api/v2/oauth/clients/{clientId}/secret'],
  [/^\/api\/v2\/oauth\/clients\/[^/]+$/, '/api/v2/oauth/clients/{clientId}'],
  [/^\/api\/v2\/integrations\/credentials\/[^/]+$/, '/api/v2/integrations/credentials/{credentialId}'],
];

/** `METHOD /path` with ids replaced by `{placeholders}`. */
export function genesysOperation(method: string, path: string): string {
  for (const [pattern, template] of GENESYS_TEMPLATES) if (pattern.test(path)) return `${method} ${template}`;
  return `${method} ${path}`;
}

/** Calls that reached both stand-ins since the last reset, by operation. */
export function countsSinceReset(sandbox: Sandbox): Record<string, number> {
  const counts: Record<string, number> = { ...sandbox.aws.requestCounts() };
  for (const entry of sandbox.genesys.requests()) {
    const op = genesysOperation(entry.method, entry.path);
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}

export function resetCounts(sandbox: Sandbox): void {
  sandbox.aws.resetCounts();
  sandbox.genesys.resetRequests();
}

/**
 * Wrap the sandbox's rotate handler so the calls of each step invocation are recorded. Steps of one
 * rotation run one after another, and the suite rotates one secret at a time, so a reset before each
 * step isolates it.
 */
export function countPerStep(sandbox: Sandbox, record: (step: RotationStep, counts: Record<string, number>) => void): void {
  useRotationFunction(sandbox, async (event: RotationEvent, context) => {
    resetCounts(sandbox);
    try {
      // The function as deployed now: adding a secret redeploys it with new bindings.
      await sandbox.rotateHandler(event, context);
    } finally {
      record(event.Step, countsSinceReset(sandbox));
    }
  });
}
