/**
 * `npm run build:assets`: pre-bundles the rotate and notify handlers into `assets/<name>/index.js` and
 * `index.js.map`, the directories the construct deploys with `Code.fromAsset`
 * (lib/constructs/rotator-function.ts). A user's `cdk synth` then needs no esbuild, lockfile, Docker or
 * network: the package carries the bundles.
 *
 * Options come from lib/lambda-settings.ts (`LAMBDA_BUNDLING`), the one definition the benchmarks use
 * too. The output is deterministic (same sources and lockfile, same bytes), so the asset hashes, and
 * with them the deployed functions, change only when the code does. Files are replaced by rename, so a
 * synth reading the directory meanwhile sees the old bytes or the new ones, never half a file.
 *
 * Usage: `tsx scripts/bundle-lambdas.ts [--outdir DIR]` (default `assets/`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_ASSETS, LAMBDA_BUNDLING, type LambdaAssetName } from '../lib/lambda-settings';

/** The repository root: `lambdas/`, `node_modules/` and the default `assets/` are here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_ASSETS_DIR = path.join(PROJECT_ROOT, 'assets');

export interface BundledLambda {
  readonly name: LambdaAssetName;
  /** The asset directory: `index.js` and `index.js.map`, nothing else. */
  readonly directory: string;
  readonly bytes: number;
  readonly mapBytes: number;
  /** Bytes in the bundle by npm package (or project folder), largest first. */
  readonly largest: Readonly<Record<string, number>>;
}

/**
 * Write `contents` to `file` through a temporary file beside the asset directory and a rename (atomic
 * on one file system). The temporary file is never inside the directory, which is hashed as it is.
 */
function replaceFile(file: string, contents: Uint8Array): void {
  const temporary = path.join(path.dirname(path.dirname(file)), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Output bytes by npm package (or project folder), largest first. */
function largestInputs(metafile: Metafile, top: number): Record<string, number> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top));
}

/** Bundle one handler into `<outdir>/<name>/`, leaving exactly `index.js` and `index.js.map` there. */
async function bundleOne(name: LambdaAssetName, outdir: string): Promise<BundledLambda> {
  const directory = path.join(outdir, name);
  const result = await build({
    ...LAMBDA_BUNDLING,
    entryPoints: [path.join(PROJECT_ROOT, LAMBDA_ASSETS[name])],
    outfile: path.join(directory, 'index.js'),
    // Paths in the metafile and the output are relative to the project, wherever it is checked out.
    absWorkingDir: PROJECT_ROOT,
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  mkdirSync(directory, { recursive: true });
  const written = new Set<string>();
  let bytes = 0;
  let mapBytes = 0;
  for (const file of result.outputFiles) {
    replaceFile(file.path, file.contents);
    written.add(path.basename(file.path));
    if (file.path.endsWith('.map')) mapBytes = file.contents.byteLength;
    else bytes = file.contents.byteLength;
  }
  // Anything else in the directory would be hashed into the asset and deployed with the function.
  for (const entry of readdirSync(directory)) {
    if (!written.has(entry)) rmSync(path.join(directory, entry), { recursive: true, force: true });
  }
  return { name, directory, bytes, mapBytes, largest: largestInputs(result.metafile, 5) };
}

/** Bundle every handler of `LAMBDA_ASSETS` into `<outdir>/<name>/`. */
export async function bundleLambdas(options: { readonly outdir?: string } = {}): Promise<BundledLambda[]> {
  const outdir = path.resolve(options.outdir ?? DEFAULT_ASSETS_DIR);
  const bundled: BundledLambda[] = [];
  for (const name of Object.keys(LAMBDA_ASSETS) as LambdaAssetName[]) bundled.push(await bundleOne(name, outdir));
  return bundled;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

async function main(argv: readonly string[]): Promise<void> {
  const outdirFlag = argv.indexOf('--outdir');
  const outdir = outdirFlag === -1 ? undefined : argv[outdirFlag + 1];
  if (outdirFlag !== -1 && outdir === undefined) throw new Error('--outdir needs a directory');
  for (const lambda of await bundleLambdas(outdir === undefined ? {} : { outdir })) {
    const parts = Object.entries(lambda.largest).map(([input, bytes]) => `${input} ${kib(bytes)}`).join(', ');
    process.stdout.write(
      `${path.relative(process.cwd(), path.join(lambda.directory, 'index.js'))}: ${kib(lambda.bytes)} (map ${kib(lambda.mapBytes)}); largest: ${parts}\n`,
    );
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bundle-lambdas: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
