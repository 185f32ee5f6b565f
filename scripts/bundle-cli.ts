/**
 * `npm run build:cli`: bundles the operator CLI (bin/cli.ts) into `dist/cli/genesys-rotator.cjs`, the
 * package's `genesys-rotator` command. One CommonJS file for Node 20+ with every dependency inside (the
 * AWS SDK clients, undici, zod), so the installed package runs it with plain `node`: no tsx, no
 * TypeScript, nothing to resolve at run time but Node's built-ins.
 *
 * From a checkout, `npm run cli -- ...` (bin/genesys-rotator.cjs) runs the sources through tsx instead.
 *
 * Usage: `tsx scripts/bundle-cli.ts [--outfile FILE]`.
 */
import { chmodSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const CLI_ENTRY = path.join(PROJECT_ROOT, 'bin', 'cli.ts');
export const DEFAULT_CLI_OUTFILE = path.join(PROJECT_ROOT, 'dist', 'cli', 'genesys-rotator.cjs');

/**
 * How the CLI is bundled. Minified with names kept: errors set `name` from their class, and the CLI
 * prints it (`--json` puts it in `error.type`). Licence comments of bundled packages stay at the end.
 */
export const CLI_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  /** `engines.node` of the package. */
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  banner: {
    // After the entry's `#!/usr/bin/env node`, which esbuild keeps as the first line; the directive
    // comes first again so the file stays in strict mode (esbuild's own "use strict" follows the banner).
    // Lambda runs nodejs22.x, but an operator's machine may run Node 20, where the SDK prints an
    // "upgrade Node" notice on every command; an operator who wants it sets the variable to false.
    js: `'use strict';\nprocess.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';`,
  },
} as const satisfies BuildOptions;

/** Bundle the CLI into `outfile` (executable); returns its size in bytes. */
export async function bundleCli(options: { readonly outfile?: string } = {}): Promise<{ readonly outfile: string; readonly bytes: number }> {
  const outfile = path.resolve(options.outfile ?? DEFAULT_CLI_OUTFILE);
  const result = await build({ ...CLI_BUNDLING, entryPoints: [CLI_ENTRY], outfile, absWorkingDir: PROJECT_ROOT, metafile: true, logLevel: 'warning' });
  chmodSync(outfile, 0o755);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outfile, bytes };
}

async function main(argv: readonly string[]): Promise<void> {
  const flag = argv.indexOf('--outfile');
  const outfile = flag === -1 ? undefined : argv[flag + 1];
  if (flag !== -1 && outfile === undefined) throw new Error('--outfile needs a file');
  const bundled = await bundleCli(outfile === undefined ? {} : { outfile });
  process.stdout.write(`${path.relative(process.cwd(), bundled.outfile)}: ${(bundled.bytes / 1024).toFixed(0)} KiB\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bundle-cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
