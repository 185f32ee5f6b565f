/**
 * Jest `globalSetup` of the infra project: every synth needs the pre-bundled Lambda assets
 * (`assets/<name>/index.js`, lib/constructs/rotator-function.ts), so build them once when a checkout has
 * none yet. `npm test` builds them first anyway; this keeps a single infra test file runnable after a
 * fresh clone. bundling.test.ts rebuilds them and checks them.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LAMBDA_ASSETS } from '../../lib/lambda-settings';
import { bundleLambdas, DEFAULT_ASSETS_DIR } from '../../scripts/bundle-lambdas';

export default async function buildMissingLambdaAssets(): Promise<void> {
  const missing = Object.keys(LAMBDA_ASSETS).some((name) => !existsSync(path.join(DEFAULT_ASSETS_DIR, name, 'index.js')));
  if (missing) await bundleLambdas();
}
