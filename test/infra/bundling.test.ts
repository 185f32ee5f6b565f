/**
 * The one infra test that really bundles the handlers with the local esbuild (no Docker): an import
 * that does not resolve fails here, not at deploy time. Every other infra test skips bundling.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { synthExample, type Synthesised } from './synth';

jest.setTimeout(180_000);

/** Harmless values for what the handlers may read at load time; nothing is called. */
const LOAD_ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  EVENT_BUS_NAME: 'bundling-check-bus',
  ROTATOR_DEPENDENTS: '[]',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bundling-check',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

describe('Bundling: rotate and notify handlers', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthExample({ bundle: true });
  });
  afterAll(() => {
    synth.cleanup();
  });

  it.each([['Rotate'], ['Notify']])('bundles the %s handler into one CommonJS file with a source map that exports handler', (name) => {
    // Prepare: the function's asset directory, found through its code hash
    const fn = Object.values(synth.template.findResources('AWS::Lambda::Function')).find((r) =>
      JSON.stringify(r).includes(`genesys-oauth-rotator-${name.toLowerCase()}`),
    ) as { Properties: { Code: { S3Key: string } } } | undefined;
    expect(fn).toBeDefined();
    const assetDir = path.join(synth.outdir, `asset.${fn!.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = path.join(assetDir, 'index.js');

    // Act: load the bundle in a clean Node process, as Lambda would
    const exported = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(bundle)}).handler)`], {
      env: LOAD_ENV,
      encoding: 'utf8',
      timeout: 30_000,
    });

    // Assess
    expect(statSync(bundle).size).toBeGreaterThan(1000);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(exported).toBe('function');
  });
});
