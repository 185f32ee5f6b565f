/**
 * `npm run bench`: the rotator's performance claims as ratios against baselines measured in the same
 * run (docs: /work/notes/readme-performance.md, "Performance"). Prints one table per figure and
 * writes `bench/results.json`.
 *
 *   npm run bench                      full run (about 6-8 minutes on 2 cores)
 *   npm run bench -- --quick           smaller workloads, same number of runs (about 2 minutes)
 *   npm run bench -- --only=fleet      one or more of: round-trips, overhead, cold-start, consumer, fleet
 *   npm run bench -- --config=FILE     deployment file to read the reserved concurrency from
 *
 * Only a full run of every suite writes bench/results.json; --quick and --only write
 * .bench-tmp/results.json, so committed figures always come from a full run. A Markdown copy of the
 * tables goes to .bench-tmp/results.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runColdStart } from './cold-start';
import { runConsumer } from './consumer';
import { runFleet } from './fleet';
import { MIN_RUNS } from './lib/stats';
import { writeResults, type Json } from './lib/results';
import { renderMarkdown, renderText, type Table } from './lib/table';
import { rotateConcurrency, stackConfigPath } from './lib/stack-settings';
import { runOverhead } from './overhead';
import { runRoundTrips } from './round-trips';

const SUITES = ['round-trips', 'overhead', 'cold-start', 'consumer', 'fleet'] as const;
type Suite = (typeof SUITES)[number];

interface Args {
  readonly quick: boolean;
  readonly only: readonly Suite[] | undefined;
  readonly config: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let only: Suite[] | undefined;
  let config: string | undefined;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) {
      only = arg
        .slice('--only='.length)
        .split(',')
        .map((name) => {
          if (!(SUITES as readonly string[]).includes(name)) throw new Error(`--only: unknown suite "${name}" (one of ${SUITES.join(', ')})`);
          return name as Suite;
        });
    } else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
    else throw new Error(`unknown argument ${arg} (use --quick, --only=..., --config=FILE)`);
  }
  return { quick, only, config };
}

/** Workloads per mode. Every figure is the median of at least MIN_RUNS runs in both modes. */
function workloads(quick: boolean) {
  return {
    roundTripRuns: MIN_RUNS,
    overhead: { runs: quick ? MIN_RUNS : 7, rotations: quick ? { zero: 10, latency: 1 } : { zero: 40, latency: 3 }, latencyMs: 20 },
    coldStartRuns: quick ? MIN_RUNS : 9,
    consumer: { runs: quick ? MIN_RUNS : 7, calls: quick ? 1_000 : 10_000 },
    fleet: { runs: MIN_RUNS, secrets: quick ? 200 : 1_000, orgs: 10, perSecond: 25 },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(__dirname, '..');
  const tmp = path.join(root, '.bench-tmp');
  mkdirSync(tmp, { recursive: true });
  const w = workloads(args.quick);
  const selected = (suite: Suite): boolean => args.only === undefined || args.only.includes(suite);
  const configPath = stackConfigPath(root, args.config);
  const concurrency = rotateConcurrency(configPath);

  const tables: Table[] = [];
  const results: Record<string, Json> = {};
  const started = Date.now();
  const show = (table: Table): void => {
    tables.push(table);
    process.stdout.write(`\n${renderText(table)}\n`);
  };

  if (selected('round-trips')) {
    const r = await runRoundTrips(w.roundTripRuns);
    results.roundTrips = r.json;
    show(r.table);
  }
  if (selected('overhead')) {
    const r = await runOverhead(w.overhead);
    results.overhead = r.json;
    show(r.table);
  }
  if (selected('cold-start')) {
    const r = await runColdStart(root, tmp, w.coldStartRuns);
    results.coldStart = r.json;
    show(r.table);
  }
  if (selected('consumer')) {
    const r = await runConsumer(w.consumer);
    results.consumer = r.json;
    show(r.table);
  }
  if (selected('fleet')) {
    const r = await runFleet({ secrets: w.fleet.secrets, orgs: w.fleet.orgs, perSecond: w.fleet.perSecond, concurrency }, w.fleet.runs);
    results.fleet = { ...(r.json as Record<string, Json>), concurrencySource: path.relative(root, configPath) };
    show(r.table);
  }

  const full = !args.quick && args.only === undefined;
  const out = full ? path.join(root, 'bench', 'results.json') : path.join(tmp, 'results.json');
  const cpus = os.cpus();
  writeResults(out, {
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    mode: args.quick ? 'quick' : 'full',
    workloads: w as unknown as Json,
    results,
  });
  writeFileSync(path.join(tmp, 'results.md'), `${tables.map(renderMarkdown).join('\n\n')}\n`);
  process.stdout.write(`\nWrote ${path.relative(root, out)} and .bench-tmp/results.md in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
