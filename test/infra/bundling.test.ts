/**
 * The Lambda assets the package ships: built here as `npm run build` builds them
 * (scripts/bundle-lambdas.ts), then checked as Lambda loads them and as a synth uses them: copied into
 * the cloud assembly byte for byte, nothing bundled at synth.
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConfigurationError } from '../../lambdas/core/errors';
import { findPackageRoot, lambdaAssetDirectory, MissingLambdaAssetError, PACKAGE_NAME, RotatorFunction } from '../../lib/constructs/rotator-function';
import { LAMBDA_ASSETS, type LambdaAssetName } from '../../lib/lambda-settings';
import { bundleLambdas } from '../../scripts/bundle-lambdas';
import { REPO_ROOT, synthExample, testAppContext, type Synthesised } from './synth';

jest.setTimeout(180_000);

const ASSETS = Object.keys(LAMBDA_ASSETS) as LambdaAssetName[];

/**
 * Requires a bundle may leave in place: the SDK's optional CRT signer, loaded inside a try/catch only
 * to sign SigV4a (multi-region access points), which the rotator never does.
 */
const OPTIONAL_REQUIRES = ['@aws-sdk/signature-v4-crt'];

/** Harmless values for what the handlers may read at load time; nothing is called. */
const LOAD_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bundling-check',
  AWS_SECRET_ACCESS_KEY: 'bundling-check',
  EVENT_BUS_NAME: 'bundling-check-bus',
  ROTATOR_DEPENDENTS: '[]',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bundling-check',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Runs in a clean Node process, as Lambda's runtime would: require the bundle, call its handler with an
 * event that is not a rotation event, print what it exports and the name of the error it throws.
 */
const PROBE = [
  'const bundle = require(process.argv[1]);',
  'Promise.resolve()',
  '  .then(() => bundle.handler({}))',
  '  .then(',
  '    () => ({ exports: Object.keys(bundle), handler: typeof bundle.handler, errorName: null }),',
  '    (error) => ({ exports: Object.keys(bundle), handler: typeof bundle.handler, errorName: error.name }),',
  '  )',
  '  .then((out) => process.stdout.write(JSON.stringify(out)));',
].join('\n');

interface Probe {
  readonly exports: string[];
  readonly handler: string;
  readonly errorName: string | null;
}

function probe(bundle: string): Probe {
  return JSON.parse(execFileSync(process.execPath, ['-e', PROBE, bundle], { env: LOAD_ENV, encoding: 'utf8', timeout: 30_000 })) as Probe;
}

/** The asset directory a synthesised function deploys, found through the S3 key (its hash). */
function deployedDirectory(synth: Synthesised, asset: LambdaAssetName): { dir: string; handler: string; runtime: string } {
  const fn = Object.values(synth.template.findResources('AWS::Lambda::Function')).find((r) => JSON.stringify(r).includes(`genesys-oauth-rotator-${asset}`)) as
    | { Properties: { Code: { S3Key: string }; Handler: string; Runtime: string } }
    | undefined;
  if (fn === undefined) throw new Error(`no ${asset} function in the template`);
  return { dir: path.join(synth.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`), handler: fn.Properties.Handler, runtime: fn.Properties.Runtime };
}

describe('Script: scripts/bundle-lambdas.ts', () => {
  let secondBuild: string;
  let synth: Synthesised;

  beforeAll(async () => {
    // Prepare: the assets as `npm run build:assets` writes them, then a second build elsewhere
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/bundle-lambdas.ts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    secondBuild = mkdtempSync(path.join(tmpdir(), 'rotator-assets-'));
    await bundleLambdas({ outdir: secondBuild });
    // A synth that does not skip bundling: if anything were bundled at synth, it would run here.
    synth = synthExample({ bundle: true });
  });
  afterAll(() => {
    synth.cleanup();
    rmSync(secondBuild, { recursive: true, force: true });
  });

  it.each(ASSETS)('writes assets/%s as index.js and its source map, nothing else', (asset) => {
    // Act
    const files = readdirSync(path.join(REPO_ROOT, 'assets', asset)).sort();

    // Assess
    expect(files).toEqual(['index.js', 'index.js.map']);
  });

  it.each(ASSETS)('builds assets/%s deterministically: a second build has the same bytes', (asset) => {
    // Prepare
    const first = path.join(REPO_ROOT, 'assets', asset);
    const second = path.join(secondBuild, asset);
    const mapOf = (dir: string): { mappings: string; names: string[] } => JSON.parse(readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { mappings: string; names: string[] };

    // Assess: the code is the same; the map differs only in where its `sources` are relative to
    expect(readFileSync(path.join(second, 'index.js')).equals(readFileSync(path.join(first, 'index.js')))).toBe(true);
    expect(mapOf(second).mappings).toBe(mapOf(first).mappings);
    expect(mapOf(second).names).toEqual(mapOf(first).names);
  });

  it.each(ASSETS)('bundles the %s handler from its source, with every package inside (only Node built-ins are required)', (asset) => {
    // Prepare
    const dir = path.join(REPO_ROOT, 'assets', asset);
    const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
    const map = JSON.parse(readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    // `node:` always names a built-in (node:sqlite is one on Lambda's Node 22, not on this Node 20)
    const builtin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name);

    // Act
    const required = [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? ''))];

    // Assess
    expect(required.filter((name) => !builtin(name) && !OPTIONAL_REQUIRES.includes(name))).toEqual([]);
    expect(map.sources).toContain(path.relative(dir, path.join(REPO_ROOT, LAMBDA_ASSETS[asset])));
    expect(map.sources.some((source) => source.includes('node_modules/@aws-sdk/client-secrets-manager/'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it.each(ASSETS)('ships the %s handler as JavaScript: no TypeScript syntax left, CommonJS, a linked source map', (asset) => {
    // Prepare
    const code = readFileSync(path.join(REPO_ROOT, 'assets', asset, 'index.js'), 'utf8');

    // Assess: `import type` or `interface` would not parse; a CommonJS bundle starts in strict mode
    // and assigns module.exports (esbuild's __toCommonJS)
    expect(code.startsWith('"use strict";')).toBe(true);
    expect(code).toMatch(/module\.exports=/);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\bimport\s+type\b|\binterface\s+[A-Z]\w*\s*\{/);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
  });

  it.each(ASSETS)('has the synth deploy assets/%s as it is: handler index.handler, the same bytes in the cloud assembly', (asset) => {
    // Act
    const deployed = deployedDirectory(synth, asset);

    // Assess
    expect(deployed.handler).toBe('index.handler');
    expect(deployed.runtime).toBe('nodejs22.x');
    expect(readdirSync(deployed.dir).sort()).toEqual(['index.js', 'index.js.map']);
    for (const file of ['index.js', 'index.js.map']) {
      expect(readFileSync(path.join(deployed.dir, file)).equals(readFileSync(path.join(REPO_ROOT, 'assets', asset, file)))).toBe(true);
    }
  });

  it.each(ASSETS)('loads the deployed %s bundle in a clean Node process: exports handler, and its errors keep their class names', (asset) => {
    // Prepare: the copy in the cloud assembly, away from any package.json, as Lambda unzips it
    const bundle = path.join(deployedDirectory(synth, asset).dir, 'index.js');

    // Act
    const loaded = probe(bundle);

    // Assess
    expect(loaded.handler).toBe('function');
    expect(loaded.exports).toContain('handler');
    // An event that is not a rotation (or rotated) event is refused with one of our typed errors,
    // named as in lambdas/core/errors.ts, not by a minified name.
    expect(loaded.errorName).toMatch(/^[A-Z][A-Za-z]+Error$/);
  });
});

describe('Class: RotatorFunction', () => {
  const props = { description: 'test', serviceName: 'test', logRetention: logs.RetentionDays.ONE_WEEK, timeout: Duration.seconds(10) };
  const stack = (): Stack => new Stack(new App({ context: testAppContext() }), 'Test');

  describe('Method: constructor', () => {
    it('runs the named asset, handler index.handler, with no bundling', () => {
      // Prepare
      const scope = stack();

      // Act
      const fn = new RotatorFunction(scope, 'Fn', { ...props, asset: 'notify' });

      // Assess
      expect(fn.asset).toBe('notify');
      Template.fromStack(scope).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    });

    it('still takes the handler source as entry (and ignores projectRoot)', () => {
      // Act
      const fn = new RotatorFunction(stack(), 'Fn', { ...props, entry: 'lambdas/rotate/handler.ts', projectRoot: '/nowhere' });

      // Assess
      expect(fn.asset).toBe('rotate');
    });

    it('throws ConfigurationError for a handler that has no asset', () => {
      // Act / Assess
      expect(() => new RotatorFunction(stack(), 'A', { ...props, asset: 'cleanup' })).toThrow(ConfigurationError);
      expect(() => new RotatorFunction(stack(), 'B', { ...props, entry: 'lambdas/cleanup/handler.ts' })).toThrow(/field "entry"/);
      expect(() => new RotatorFunction(stack(), 'C', props)).toThrow(/field "asset"/);
    });
  });

  describe('Function: lambdaAssetDirectory', () => {
    it('throws MissingLambdaAssetError, telling to run npm run build, when the package has no bundle', () => {
      // Prepare
      const root = mkdtempSync(path.join(tmpdir(), 'rotator-no-assets-'));

      try {
        // Act
        let thrown: unknown;
        try {
          lambdaAssetDirectory('rotate', root);
        } catch (error) {
          thrown = error;
        }

        // Assess
        expect(thrown).toBeInstanceOf(MissingLambdaAssetError);
        expect(thrown).toBeInstanceOf(ConfigurationError);
        expect((thrown as MissingLambdaAssetError).field).toBe('assets/rotate/index.js');
        expect((thrown as MissingLambdaAssetError).assetDirectory).toBe(path.join(root, 'assets', 'rotate'));
        expect((thrown as Error).message).toContain('npm run build');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('Function: findPackageRoot', () => {
    it('finds this repository from the source tree', () => {
      // Act / Assess
      expect(findPackageRoot()).toBe(REPO_ROOT);
    });

    it('finds the installed package from its compiled dist/lib/constructs, past another package.json', () => {
      // Prepare: node_modules/genesys-oauth-rotator/dist/lib/constructs inside a user's project
      const project = mkdtempSync(path.join(tmpdir(), 'rotator-user-'));
      const installed = path.join(project, 'node_modules', PACKAGE_NAME);
      const compiled = path.join(installed, 'dist', 'lib', 'constructs');
      mkdirSync(compiled, { recursive: true });
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-cdk-app' }));
      writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: PACKAGE_NAME }));
      writeFileSync(path.join(installed, 'dist', 'package.json'), '{ not json');

      try {
        // Act / Assess
        expect(findPackageRoot(compiled)).toBe(installed);
        expect(() => findPackageRoot(project)).toThrow(ConfigurationError);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    });
  });
});
