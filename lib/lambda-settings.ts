/**
 * Settings of the deployed Lambdas that the benchmarks reproduce, so they measure what deploys.
 * No CDK import here: the benchmarks load this file.
 */

/** How every Lambda is bundled (esbuild, one CommonJS file). */
export const LAMBDA_BUNDLING = {
  /** The Lambda runtime is nodejs22.x. */
  target: 'node22',
  minify: true,
  sourceMap: true,
} as const;

/** Timeout of the rotate and notify functions: room for Genesys retries and testSecret's 30 s propagation wait. */
export const LAMBDA_TIMEOUT_SECONDS = 120;
