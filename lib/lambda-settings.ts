/**
 * Settings of the deployed Lambdas, in one place: `scripts/bundle-lambdas.ts` bundles the handlers with
 * them at build time, and the benchmarks reproduce them, so they measure what deploys.
 * No CDK or esbuild import here: the benchmarks load this file, and it ships in the package.
 */

/**
 * The handlers, by the name of their pre-bundled asset: `assets/<name>/index.js` in the package, built
 * from this source. The deployed handler is `index.handler`.
 */
export const LAMBDA_ASSETS = {
  rotate: 'lambdas/rotate/handler.ts',
  notify: 'lambdas/notify/handler.ts',
} as const;

/** `rotate` or `notify`. */
export type LambdaAssetName = keyof typeof LAMBDA_ASSETS;

/**
 * How every Lambda handler is bundled: esbuild options (JS API spelling), one minified CommonJS file
 * per handler with a linked source map. No `external`: the AWS SDK, Powertools, undici and zod are all
 * in the bundle, so the versions the lockfile pins are the versions that run, instead of whatever SDK
 * the managed runtime ships that week.
 */
export const LAMBDA_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  /** The Lambda runtime is nodejs22.x (`FUNCTION_RUNTIME` in lib/constructs/rotator-function.ts). */
  target: 'node22',
  minify: true,
  /**
   * Class and function names survive minification: errors set `name` from their class
   * (lambdas/core/errors.ts), and logs, Lambda's `errorType` and the CLI's JSON show that name.
   */
  keepNames: true,
  /** `index.js.map` beside the bundle; the functions set `NODE_OPTIONS=--enable-source-maps`. */
  sourcemap: true,
  /**
   * The map holds positions, not copies of the sources: stack traces still name the original file and
   * line, and each map is about 1.6 MB instead of 4.8 MB in the package and in the deployed function.
   */
  sourcesContent: false,
  /** Licence comments of bundled packages go to the end of the file, as esbuild does by default. */
  legalComments: 'eof',
} as const;

/** Timeout of the rotate and notify functions: room for Genesys retries and testSecret's 30 s propagation wait. */
export const LAMBDA_TIMEOUT_SECONDS = 120;
