/**
 * Item 3: cold start. Each function is bundled as the package's Lambda assets are (scripts/bundle-lambdas.ts
 * with `LAMBDA_BUNDLING` of lib/lambda-settings.ts: esbuild, one minified CommonJS file, target node22,
 * platform node, no externals, source map) into `.bench-tmp/bundles/`, then loaded in fresh `node`
 * processes with the stack's NODE_OPTIONS (`--enable-source-maps`). Init = time to `require()` the bundle
 * (module scope included), measured inside the child. The handlers are compared with a bundle that only
 * imports the Secrets Manager client (goal <= 1.5).
 *
 * The consumer client is measured as it ships (scripts/build-client.mjs, built into `.bench-tmp/client-dist/`)
 * against Powertools Parameters `getSecret`, the least a consumer would load instead (goal <= 1.3), twice:
 * - bundled into a function: an entry re-exporting `index.mjs`, bundled as above, like the same entry
 *   re-exporting `getSecret` (both with the SDK in the bundle);
 * - as installed: `require()` of `index.cjs` and of Powertools' own CommonJS entry, each loading the SDK
 *   from node_modules (a service or a zip-deployed function that does not bundle), without NODE_OPTIONS.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { figure, pairedRatio, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';
import { LAMBDA_BUNDLING } from '../lib/lambda-settings';

const run = promisify(execFile);

/** Rotate and notify handlers against the Secrets Manager client alone. */
export const COLD_START_GOAL = 1.5;
/** The consumer client against Powertools Parameters `getSecret` (the issue "Ship it as a library"). */
export const CONSUMER_COLD_START_GOAL = 1.3;

interface Subject {
  readonly name: string;
  /**
   * Bundled (as the Lambda assets are): an entry relative to the project root, or inline source written
   * to the temp dir (`{dir}` in it is replaced by the built client's directory). Installed: a file
   * `require`d as it is, its imports resolved from node_modules.
   */
  readonly entry: string | { readonly file: string; readonly source: string } | { readonly installed: (clientDir: string) => string };
  /** The row this one is measured against, run by run, and the goal; informational rows have none. */
  readonly compare?: { readonly with: string; readonly goal: number };
}

const BASELINE = 'secrets-manager-client-only';
const POWERTOOLS_BUNDLED = 'powertools getSecret, bundled';
const POWERTOOLS_INSTALLED = 'powertools getSecret, installed';

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
  },
  { name: 'rotate handler', entry: 'lambdas/rotate/handler.ts', compare: { with: BASELINE, goal: COLD_START_GOAL } },
  { name: 'notify handler', entry: 'lambdas/notify/handler.ts', compare: { with: BASELINE, goal: COLD_START_GOAL } },
  {
    name: POWERTOOLS_BUNDLED,
    entry: { file: 'powertools-get-secret.mjs', source: "export { getSecret } from '@aws-lambda-powertools/parameters/secrets';\n" },
  },
  {
    name: 'consumer client (dist/client), bundled',
    entry: { file: 'consumer-client.mjs', source: "export * from '{dir}/index.mjs';\n" },
    compare: { with: POWERTOOLS_BUNDLED, goal: CONSUMER_COLD_START_GOAL },
  },
  { name: POWERTOOLS_INSTALLED, entry: { installed: () => require.resolve('@aws-lambda-powertools/parameters/secrets') } },
  {
    name: 'consumer client (dist/client), installed',
    entry: { installed: (clientDir) => path.join(clientDir, 'index.cjs') },
    compare: { with: POWERTOOLS_INSTALLED, goal: CONSUMER_COLD_START_GOAL },
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

/** A plain Node process (a service, or a function that is not bundled): the same variables, no source maps. */
const INSTALLED_ENV: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LAMBDA_ENV).filter(([key]) => key !== 'NODE_OPTIONS'));

/** Runs in the child: time the require of the bundle, print it as JSON. */
const PROBE = [
  'const start = process.hrtime.bigint();',
  'require(process.argv[1]);',
  'const initMs = Number(process.hrtime.bigint() - start) / 1e6;',
  'process.stdout.write(JSON.stringify({ initMs }));',
].join('\n');

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

const isInstalled = (entry: Subject['entry']): entry is { readonly installed: (clientDir: string) => string } => typeof entry === 'object' && 'installed' in entry;

/** Builds the consumer client as it ships (bundles only) into `<tmp>/client-dist/`; returns its directory and the CommonJS metafile. */
async function buildClient(root: string, tmp: string): Promise<{ dir: string; metafile: Metafile }> {
  const dir = path.join(tmp, 'client-dist'); // inside the project: its `@aws-sdk/*` imports resolve from node_modules
  const metafileFile = path.join(tmp, 'client-dist.metafile.json');
  await run(process.execPath, [path.join(root, 'scripts', 'build-client.mjs'), `--outdir=${dir}`, `--metafile=${metafileFile}`, '--no-types', '--quiet'], { cwd: root });
  const metafiles = JSON.parse(readFileSync(metafileFile, 'utf8')) as { cjs: Metafile };
  return { dir, metafile: metafiles.cjs };
}

interface Loadable {
  readonly subject: Subject;
  readonly file: string;
  /** The bundle's bytes; for an installed file, the file's own (what it loads from node_modules is not counted). */
  readonly bytes: number;
  readonly largest: Record<string, number>;
  readonly env: Readonly<Record<string, string>>;
}

async function prepare(root: string, tmp: string, subject: Subject, client: { dir: string; metafile: Metafile }): Promise<Loadable> {
  if (isInstalled(subject.entry)) {
    const file = subject.entry.installed(client.dir);
    const largest = file.startsWith(client.dir) ? largestInputs(client.metafile, file, root, 4) : {};
    return { subject, file, bytes: statSync(file).size, largest, env: INSTALLED_ENV };
  }
  let entry: string;
  if (typeof subject.entry === 'string') {
    entry = path.join(root, subject.entry);
  } else {
    entry = path.join(tmp, 'entries', subject.entry.file);
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, subject.entry.source.replaceAll('{dir}', client.dir.split(path.sep).join('/')));
  }
  const outfile = path.join(tmp, 'bundles', subject.name.replace(/[^a-z0-9]+/gi, '-'), 'index.js');
  const { metafile } = await build({ ...LAMBDA_BUNDLING, entryPoints: [entry], outfile, logLevel: 'error', absWorkingDir: root, metafile: true });
  return { subject, file: outfile, bytes: statSync(outfile).size, largest: largestInputs(metafile, outfile, root, 4), env: LAMBDA_ENV };
}

async function initOnce(file: string, env: Readonly<Record<string, string>>): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', PROBE, file], { env, encoding: 'utf8' });
  const parsed = JSON.parse(stdout) as { initMs: number };
  return parsed.initMs;
}

export interface ColdStartRow {
  readonly name: string;
  readonly bytes: number;
  readonly initMs: Figure;
  readonly bytesRatio: number;
  /** Against the Secrets Manager client alone. */
  readonly initRatio: Figure;
  /** Against `compare.with`, when the row has a goal. */
  readonly compare?: { readonly with: string; readonly goal: number; readonly ratio: Figure; readonly bytesRatio: number };
  readonly installed: boolean;
  /** The largest contributors to the bundle, bytes by package. */
  readonly largest: Readonly<Record<string, number>>;
}

export async function runColdStart(root: string, tmp: string, runs: number): Promise<{ rows: ColdStartRow[]; json: Json; table: Table }> {
  const client = await buildClient(root, tmp);
  const loadables: Loadable[] = [];
  for (const subject of SUBJECTS) loadables.push(await prepare(root, tmp, subject, client));
  for (const l of loadables) await initOnce(l.file, l.env); // page cache and V8 code cache warm-up, not measured
  const times = new Map<string, number[]>(loadables.map((l) => [l.subject.name, []]));
  // Interleaved: each run loads every bundle once, so a slow moment of the machine hits all of them.
  for (let i = 0; i < runs; i++) for (const l of loadables) times.get(l.subject.name)?.push(await initOnce(l.file, l.env));

  const byName = new Map(loadables.map((l) => [l.subject.name, l]));
  const baseTimes = times.get(BASELINE) ?? [];
  const baseBytes = byName.get(BASELINE)?.bytes ?? Number.NaN;
  const rows: ColdStartRow[] = loadables.map((l) => {
    const own = times.get(l.subject.name) ?? [];
    const compare = l.subject.compare;
    return {
      name: l.subject.name,
      bytes: l.bytes,
      initMs: figure(own),
      bytesRatio: l.bytes / baseBytes,
      initRatio: pairedRatio(own, baseTimes),
      ...(compare !== undefined
        ? { compare: { ...compare, ratio: pairedRatio(own, times.get(compare.with) ?? []), bytesRatio: l.bytes / (byName.get(compare.with)?.bytes ?? Number.NaN) } }
        : {}),
      installed: isInstalled(l.subject.entry),
      largest: l.largest,
    };
  });
  const range = (f: Figure): Json => ({ median: f.median, min: f.min, max: f.max });
  const json: Json = Object.fromEntries(
    rows.map((row) => [
      row.name,
      {
        ...(row.installed ? { loadedAs: 'installed (require of the file; its imports from node_modules)', fileBytes: row.bytes } : { bundleBytes: row.bytes, bytesRatio: row.bytesRatio }),
        largestPackagesBytes: row.largest,
        initMs: range(row.initMs),
        ...(row.installed ? {} : { initRatio: range(row.initRatio) }),
        ...(row.compare !== undefined
          ? {
              comparedWith: row.compare.with,
              goalRatio: range(row.compare.ratio),
              goal: `<= ${row.compare.goal}`,
              met: row.compare.ratio.median <= row.compare.goal,
            }
          : {}),
      },
    ]),
  );
  const kib = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KiB`);
  const table: Table = {
    title: `3. Cold start (init = require in a fresh node ${process.version} process)`,
    head: ['loaded', 'bytes', 'init ms', 'init ratio', 'against', 'goal', 'met'],
    rows: rows.map((row) => [
      row.name,
      row.installed ? `${kib(row.bytes)} (file)` : `${kib(row.bytes)} (${row.bytesRatio.toFixed(2)}x)`,
      spread(row.initMs, 1),
      row.compare !== undefined ? spread(row.compare.ratio, 2) : row.name === BASELINE ? '1 (baseline)' : row.installed ? '' : spread(row.initRatio, 2),
      row.compare?.with ?? (row.name === BASELINE || row.installed ? '' : BASELINE),
      row.compare !== undefined ? `<= ${row.compare.goal}` : '',
      row.compare !== undefined ? verdict(row.compare.ratio.median <= row.compare.goal) : '',
    ]),
    notes: [
      'init ratio: run by run against the row named in "against", loaded in the same round',
      'bundled rows: bundled as the Lambda assets are, loaded with NODE_OPTIONS=--enable-source-maps; bytes: the .js file (the source map is beside it)',
      'installed rows: require() of the file itself, the AWS SDK from node_modules, no NODE_OPTIONS; bytes: that file only',
      ...rows
        .filter((row) => row.compare !== undefined && Object.keys(row.largest).length > 0)
        .map((row) => `${row.name} largest parts: ${Object.entries(row.largest).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`),
    ],
  };
  return { rows, json, table };
}
