/**
 * How every Lambda is bundled (esbuild, one CommonJS file). The stack and the cold-start benchmark
 * both read it, so the benchmark measures what deploys. No CDK import here: the benchmark loads it.
 */
export const LAMBDA_BUNDLING = {
  /** The Lambda runtime is nodejs22.x. */
  target: 'node22',
  minify: true,
  sourceMap: true,
} as const;
