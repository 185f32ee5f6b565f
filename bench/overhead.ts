/**
 * Item 2: rotation overhead. Wall time of full rotations (the four steps, invoked by the Secrets
 * Manager stand-in's rotation driver) with the real rotate handler, divided by the same with the
 * bare function of bare-rotation.ts, which makes only the minimal calls. Both rotate the same secret
 * in the same world; samples alternate between them so machine drift hits both alike. Then again
 * with latency injected into every call at both stand-ins, to show the remaining cost is the
 * network's.
 */
import type { RotationHandler } from '../local/aws';
import { EVENT_BUS_NAME, type Sandbox } from '../local/sandbox';
import { createBareRotation } from './bare-rotation';
import { figure, pairedRatio, timed, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';
import { startWorld, useRotationFunction } from './lib/world';

export const OVERHEAD_GOAL = 1.3;

export interface OverheadOptions {
  readonly runs: number;
  /** Rotations per run at zero latency and with latency. */
  readonly rotations: { readonly zero: number; readonly latency: number };
  readonly latencyMs: number;
}

interface Measured {
  readonly latencyMs: number;
  readonly rotator: Figure;
  readonly bare: Figure;
  readonly ratio: Figure;
}

async function rotateMany(sandbox: Sandbox, secretArn: string, count: number): Promise<void> {
  const { driver } = sandbox.aws.secretsManager;
  for (let i = 0; i < count; i++) {
    const outcome = await driver.rotate(secretArn, driver.stageToken(secretArn));
    if (!outcome.ok) throw new Error(`overhead: rotation failed at ${outcome.failedStep ?? '?'}: ${outcome.error?.name ?? ''} ${outcome.error?.message ?? ''}`);
  }
}

function setLatency(sandbox: Sandbox, ms: number): void {
  sandbox.genesys.faults.latencyMs = ms;
  sandbox.aws.secretsManager.latencyMs = ms;
  sandbox.aws.eventBridge.faults.setLatency(ms);
  sandbox.aws.dynamoDb.faults.setLatency(ms);
}

async function measure(sandbox: Sandbox, secretArn: string, subjects: { rotator: RotationHandler; bare: RotationHandler }, runs: number, rotations: number, latencyMs: number): Promise<Measured> {
  setLatency(sandbox, latencyMs);
  const times = { rotator: [] as number[], bare: [] as number[] };
  // Warm-up (JIT, connections), not measured.
  for (const name of ['rotator', 'bare'] as const) {
    useRotationFunction(sandbox, subjects[name]);
    await rotateMany(sandbox, secretArn, Math.min(rotations, 10));
  }
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? (['rotator', 'bare'] as const) : (['bare', 'rotator'] as const);
    for (const name of order) {
      useRotationFunction(sandbox, subjects[name]);
      times[name].push((await timed(() => rotateMany(sandbox, secretArn, rotations))) / rotations);
    }
  }
  setLatency(sandbox, 0);
  return { latencyMs, rotator: figure(times.rotator), bare: figure(times.bare), ratio: pairedRatio(times.rotator, times.bare) };
}

export async function runOverhead(options: OverheadOptions): Promise<{ results: Measured[]; json: Json; table: Table }> {
  // One admin token regenerates hundreds of times a minute here, far above Genesys Cloud's 300 requests
  // per minute per token (GENESYS-API.md §6): lifted, or a 429 with a long Retry-After would be timed.
  const sandbox = await startWorld({ genesys: { tokenRatePerMinute: 1_000_000 }, aws: { stepRetry: { attempts: 1, delayMs: 0 } } });
  const bare = createBareRotation(sandbox.genesys.baseUrl, EVENT_BUS_NAME, sandbox.ledgerTableName);
  try {
    const org = await sandbox.createOrg('Overhead');
    const client = await sandbox.addManagedClient(org, { name: 'overhead', strategy: 'alternating' });
    // The first rotation goes through RotateSecret: it turns rotation on and warms the admin token.
    const first = await sandbox.rotate(client.secretArn);
    if (!first.ok) throw new Error('overhead: first rotation failed');
    const subjects = { rotator: sandbox.rotateHandler, bare: bare.handler };
    const results = [
      await measure(sandbox, client.secretArn, subjects, options.runs, options.rotations.zero, 0),
      await measure(sandbox, client.secretArn, subjects, options.runs, options.rotations.latency, options.latencyMs),
    ];
    const json: Json = Object.fromEntries(
      results.map((r) => [
        `latency${r.latencyMs}ms`,
        {
          latencyMsPerCall: r.latencyMs,
          rotationMs: { median: r.rotator.median, min: r.rotator.min, max: r.rotator.max },
          bareMs: { median: r.bare.median, min: r.bare.min, max: r.bare.max },
          ratio: { median: r.ratio.median, min: r.ratio.min, max: r.ratio.max },
          ...(r.latencyMs === 0 ? { goal: `<= ${OVERHEAD_GOAL}`, met: r.ratio.median <= OVERHEAD_GOAL } : {}),
        },
      ]),
    );
    const table: Table = {
      title: '2. Rotation overhead (alternating, warm; ms per full rotation; ratio = rotator / bare minimal-call script)',
      head: ['latency per call', 'rotator ms', 'bare ms', 'ratio', 'goal', 'met'],
      rows: results.map((r) => [
        `${r.latencyMs} ms`,
        spread(r.rotator, 2),
        spread(r.bare, 2),
        spread(r.ratio, 2),
        r.latencyMs === 0 ? `<= ${OVERHEAD_GOAL}` : 'network-bound',
        r.latencyMs === 0 ? verdict(r.ratio.median <= OVERHEAD_GOAL) : '',
      ]),
      notes: [`latency: added to every Genesys, Secrets Manager, EventBridge and DynamoDB call at the stand-ins; ${options.rotations.zero} / ${options.rotations.latency} rotations per run`],
    };
    return { results, json, table };
  } finally {
    await bare.close();
    await sandbox.close();
  }
}
