/**
 * Item 5: the fleet. Each run is a fresh process (fleet-worker.ts) so its peak memory is its own; the
 * figures are medians over the runs. The rotate function's concurrency is the stack's reserved
 * concurrency, read from the deployment configuration (lib/stack-settings.ts).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { figure, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';

const run = promisify(execFile);

/** Marks the worker's result line: the rotator itself may write to stdout (EMF metrics). */
export const RESULT_MARKER = 'BENCH_FLEET_RESULT ';

export interface FleetParams {
  readonly secrets: number;
  readonly orgs: number;
  /** Genesys requests per second allowed per organization (the stand-in's `orgRequestLimit`). */
  readonly perSecond: number;
  /** The rotate function's reserved concurrency. */
  readonly concurrency: number;
}

export interface FleetRun {
  readonly seconds: number;
  readonly rotationsPerSecond: number;
  readonly rotated: number;
  readonly failures: number;
  readonly tooManyRequests: number;
  readonly genesysRequests: number;
  /** Step invocations beyond one per step: Secrets Manager retried a failed step. */
  readonly stepRetries: number;
  readonly peakRssMiB: number;
}

async function fleetRun(params: FleetParams): Promise<FleetRun> {
  const worker = path.join(__dirname, 'fleet-worker.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, JSON.stringify(params)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error('fleet: the worker printed no result');
  return JSON.parse(line.slice(RESULT_MARKER.length)) as FleetRun;
}

export async function runFleet(params: FleetParams, runs: number): Promise<{ json: Json; table: Table }> {
  const results: FleetRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await fleetRun(params));
  const f = (pick: (r: FleetRun) => number): Figure => figure(results.map(pick));
  const rate = f((r) => r.rotationsPerSecond);
  const tooMany = f((r) => r.tooManyRequests);
  const failures = f((r) => r.failures);
  const retries = f((r) => r.stepRetries);
  const rss = f((r) => r.peakRssMiB);
  const seconds = f((r) => r.seconds);
  const requests = f((r) => r.genesysRequests);
  const pick = (x: Figure): Json => ({ median: x.median, min: x.min, max: x.max });
  const json: Json = {
    ...params,
    rotationsPerSecond: pick(rate),
    seconds: pick(seconds),
    tooManyRequests: pick(tooMany),
    genesysRequests: pick(requests),
    failures: pick(failures),
    stepRetries: pick(retries),
    peakRssMiB: pick(rss),
    goal: 'failures = 0',
    met: failures.max === 0,
  };
  const table: Table = {
    title: `5. Fleet (${params.secrets} secrets in ${params.orgs} organizations, ${params.perSecond} Genesys requests/s per organization, reserved concurrency ${params.concurrency})`,
    head: ['rotations/s', 'seconds', '429s seen', 'Genesys requests', 'step retries', 'failures', 'goal 0', 'peak RSS MiB'],
    rows: [[spread(rate, 1), spread(seconds, 1), spread(tooMany, 0), spread(requests, 0), spread(retries, 0), spread(failures, 0), verdict(failures.max === 0), spread(rss, 0)]],
    notes: [
      '429s are answered by the Genesys client\'s Retry-After retries inside the step; "step retries" counts steps Secrets Manager had to invoke again',
      'peak RSS: the whole worker process (both stand-ins, the rotation driver and every rotate instance)',
    ],
  };
  return { json, table };
}
