/**
 * Item 3: cold start. Each function is bundled as the stack bundles it (lib/constructs/rotator-function.ts:
 * esbuild, one minified CommonJS file, target node22, platform node, no externals, source map) into
 * `.bench-tmp/bundles/`, then loaded in fresh `node` processes with the stack's NODE_OPTIONS
 * (`--enable-source-maps`). Init = time to `require()` the bundle (module scope included), measured
 * inside the child, against a bundle that only imports the Secrets Manager client.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { figure, pairedRatio, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';
import { LAMBDA_BUNDLING } from '../lib/lambda-settings';

const run = promisify(execFile);

export const COLD_START_GOAL = 1.5;

interface Subject {
  readonly name: string;
  /** Entry relative to the project root, or inline source written to the temp dir. */
  readonly entry: string | { readonly file: string; readonly source: string };
  /** Compared with the baseline against the goal; informational rows are not. */
  readonly goal: boolean;
}

const BASELINE = 'secrets-manager-client-only';

const SUBJECTS: readonly Subject[] = [
  {
    name: BASELINE,
    entry: {
      file: 'secrets-manager-only.mjs',
      // The least a rotation function needs: the Secrets Manager client, created at module scope.
      source: [
        "import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
        'const client = new SecretsManagerClient({});',
        'export const handler = async (event) => client.send(new DescribeSecretCommand({ SecretId: event.SecretId }));',
        '',
      ].join('\n'),
    },
    goal: false,
  },
  { name: 'rotate handler', entry: 'lambdas/rotate/handler.ts', goal: true },
  { name: 'notify handler', entry: 'lambdas/notify/handler.ts', goal: true },
  { name: 'consumer provider (client/)', entry: 'client/index.ts', goal: true },
  {
    name: 'powertools getSecret (for reference)',
    entry: { file: 'powertools-get-secret.mjs', source: "export { getSecret } from '@aws-lambda-powertools/parameters/secrets';\n" },
    goal: false,
  },
];

/** The environment a deployed function starts with (values are placeholders; nothing is called). */
const LAMBDA_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  EVENT_BUS_NAME: 'genesys-oauth-rotator',
  POWERTOOLS_SERVICE_NAME: 'genesys-oauth-rotator',
  LOG_LEVEL: 'INFO',
  NODE_OPTIONS: '--enable-source-maps',
  // The SDK's "upgrade Node" notice on Node 20 would only add noise to the child's stderr.
  NODE_NO_WARNINGS: '1',
};

/** Runs in the child: time the require of the bundle, print it as JSON. */
const PROBE = [
  'const start = process.hrtime.bigint();',
  'require(process.argv[1]);',
  'const initMs = Number(process.hrtime.bigint() - start) / 1e6;',
  'process.stdout.write(JSON.stringify({ initMs }));',
].join('\n');

/** The stack's bundling options (lib/constructs/rotator-function.ts `bundling`), as esbuild JS API options. */
/** The stack's bundling (lib/bundling.ts), as esbuild options. */
export const STACK_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: LAMBDA_BUNDLING.target,
  minify: LAMBDA_BUNDLING.minify,
  sourcemap: LAMBDA_BUNDLING.sourceMap,
} as const;

/** Output bytes by npm package (or project folder), largest first: what makes a bundle heavy. */
function largestInputs(metafile: Metafile, outfile: string, root: string, top: number): Record<string, number> {
  const output = metafile.outputs[path.relative(root, outfile)];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top));
}

async function bundle(root: string, tmp: string, subject: Subject): Promise<{ file: string; bytes: number; largest: Record<string, number> }> {
  let entry: string;
  if (typeof subject.entry === 'string') {
    entry = path.join(root, subject.entry);
  } else {
    entry = path.join(tmp, 'entries', subject.entry.file);
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, subject.entry.source);
  }
  const outfile = path.join(tmp, 'bundles', subject.name.replace(/[^a-z0-9]+/gi, '-'), 'index.js');
  const { metafile } = await build({ ...STACK_BUNDLING, entryPoints: [entry], outfile, logLevel: 'error', absWorkingDir: root, metafile: true });
  return { file: outfile, bytes: statSync(outfile).size, largest: largestInputs(metafile, outfile, root, 4) };
}

async function initOnce(file: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', PROBE, file], { env: LAMBDA_ENV, encoding: 'utf8' });
  const parsed = JSON.parse(stdout) as { initMs: number };
  return parsed.initMs;
}

export interface ColdStartRow {
  readonly name: string;
  readonly bytes: number;
  readonly initMs: Figure;
  readonly bytesRatio: number;
  readonly initRatio: Figure;
  readonly goal: boolean;
  /** The largest contributors to the bundle, bytes by package. */
  readonly largest: Readonly<Record<string, number>>;
}

export async function runColdStart(root: string, tmp: string, runs: number): Promise<{ rows: ColdStartRow[]; json: Json; table: Table }> {
  const bundles = [];
  for (const subject of SUBJECTS) bundles.push({ subject, ...(await bundle(root, tmp, subject)) });
  for (const b of bundles) await initOnce(b.file); // page cache and V8 code cache warm-up, not measured
  const times = new Map<string, number[]>(bundles.map((b) => [b.subject.name, []]));
  // Interleaved: each run loads every bundle once, so a slow moment of the machine hits all of them.
  for (let i = 0; i < runs; i++) for (const b of bundles) times.get(b.subject.name)?.push(await initOnce(b.file));

  const baseTimes = times.get(BASELINE) ?? [];
  const baseBytes = bundles.find((b) => b.subject.name === BASELINE)?.bytes ?? Number.NaN;
  const rows: ColdStartRow[] = bundles.map((b) => {
    const own = times.get(b.subject.name) ?? [];
    return { name: b.subject.name, bytes: b.bytes, initMs: figure(own), bytesRatio: b.bytes / baseBytes, initRatio: pairedRatio(own, baseTimes), goal: b.subject.goal, largest: b.largest };
  });
  const json: Json = Object.fromEntries(
    rows.map((row) => [
      row.name,
      {
        bundleBytes: row.bytes,
        bytesRatio: row.bytesRatio,
        largestPackagesBytes: row.largest,
        initMs: { median: row.initMs.median, min: row.initMs.min, max: row.initMs.max },
        initRatio: { median: row.initRatio.median, min: row.initRatio.min, max: row.initRatio.max },
        ...(row.goal ? { goal: `<= ${COLD_START_GOAL}`, met: row.initRatio.median <= COLD_START_GOAL } : {}),
      },
    ]),
  );
  const table: Table = {
    title: `3. Cold start (bundled as the stack bundles it; init = require in a fresh node ${process.version} process)`,
    head: ['bundle', 'bytes', 'init ms', 'init ratio', 'goal', 'met'],
    rows: rows.map((row) => [
      row.name,
      `${(row.bytes / 1024).toFixed(0)} KiB (${row.bytesRatio.toFixed(2)}x)`,
      spread(row.initMs, 1),
      row.name === BASELINE ? '1 (baseline)' : spread(row.initRatio, 2),
      row.goal ? `<= ${COLD_START_GOAL}` : '',
      row.goal ? verdict(row.initRatio.median <= COLD_START_GOAL) : '',
    ]),
    notes: [
      'init ratio: run by run against the baseline bundle loaded in the same round; bytes: the .js file (the source map is beside it)',
      ...rows
        .filter((row) => row.goal)
        .map((row) => `${row.name} largest parts: ${Object.entries(row.largest).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`).join(', ')}`),
    ],
  };
  return { rows, json, table };
}
