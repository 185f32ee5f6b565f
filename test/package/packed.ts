/**
 * Shared by the package tests: what `npm run build` must have produced, and `npm pack` of this
 * repository without lifecycle scripts (so a `prepack` build does not run inside a test: the tests
 * check what the build left, and `npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Files `npm run build` writes that the package cannot do without. */
export const BUILD_OUTPUTS = ['.jsii', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'assets/rotate/index.js', 'assets/notify/index.js', 'dist/cli/genesys-rotator.cjs'] as const;

/** @throws Error naming what is missing and how to build it, before a test reads a half-built tree. */
export function assertBuilt(): void {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(path.join(REPO_ROOT, file)));
  if (missing.length > 0) throw new Error(`Not built: ${missing.join(', ')} missing. Run \`npm run build\` first (npm test does).`);
}

export interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string; readonly size: number; readonly mode: number }[];
  readonly size: number;
  readonly unpackedSize: number;
}

/**
 * `npm pack --json --ignore-scripts` of the repository: the dry run only lists, otherwise the tarball is
 * written into `destination`.
 */
export function npmPack(options: { readonly destination?: string } = {}): PackResult {
  const args = ['pack', '--json', '--ignore-scripts', ...(options.destination === undefined ? ['--dry-run'] : ['--pack-destination', options.destination])];
  const stdout = execFileSync('npm', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const [result] = JSON.parse(stdout) as PackResult[];
  if (result === undefined) throw new Error('npm pack --json printed no result');
  return result;
}
