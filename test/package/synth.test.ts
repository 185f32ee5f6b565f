/**
 * A CDK user's synth from the packed package, as the issue tried it: the tarball unpacked into a fresh
 * app's node_modules (its dependencies linked from this checkout: no network), a plain JavaScript app
 * that embeds the construct, `node app.js`. No lockfile, no esbuild, tsx or TypeScript resolvable, no
 * Docker on PATH: the functions' code must come from the package's pre-bundled assets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assertBuilt, npmPack, REPO_ROOT } from './packed';

jest.setTimeout(300_000);

const PACKAGE = 'genesys-oauth-rotator';

/** Preloaded into the synth: loading a bundler or a TypeScript runtime fails it, and is reported. */
const GUARD = `
const Module = require('node:module');
const resolve = Module._resolveFilename;
const forbidden = /^(esbuild|tsx|ts-node|typescript)(\\/|$)/;
Module._resolveFilename = function (request, ...rest) {
  if (forbidden.test(request)) throw new Error('synth must not load ' + request);
  return resolve.call(this, request, ...rest);
};
`;

/** The README's embedding, in JavaScript: one stack, the construct, the deployment file. */
const APP = `
const { App, Stack } = require('aws-cdk-lib');
const { GenesysOAuthRotator, RotatorConfigFile } = require('${PACKAGE}');

const app = new App();
const stack = new Stack(app, 'MyApp');
new GenesysOAuthRotator(stack, 'Rotator', RotatorConfigFile.load('rotator.config.json'));
app.synth();
`;

interface TemplateFunction {
  readonly Type: string;
  readonly Properties: { readonly Handler: string; readonly Runtime: string; readonly Code: { readonly S3Key: string }; readonly Environment?: { readonly Variables?: Record<string, unknown> } };
}

describe('Package: cdk synth of a user app from the packed tarball', () => {
  let work: string;
  let app: string;
  let installed: string;
  let synth: { status: number | null; stdout: string; stderr: string };

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'rotator-user-app-'));
    const { filename } = npmPack({ destination: work });

    // A fresh app: package.json, no lockfile; the tarball unpacked where npm would put it
    app = path.join(work, 'app');
    installed = path.join(app, 'node_modules', PACKAGE);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(work, filename), '-C', installed, '--strip-components=1']);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-cdk-app', version: '0.0.0', private: true }));

    // What npm install would add: the package's dependencies and peer dependencies (bundled ones are
    // in the tarball already), linked from this checkout instead of downloaded
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (existsSync(path.join(installed, 'node_modules', name))) continue;
      const link = path.join(app, 'node_modules', name);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(path.join(REPO_ROOT, 'node_modules', name), link, 'dir');
    }

    copyFileSync(path.join(REPO_ROOT, 'rotator.config.example.json'), path.join(app, 'rotator.config.json'));
    writeFileSync(path.join(app, 'guard.cjs'), GUARD);
    writeFileSync(path.join(app, 'app.js'), APP);

    // Act (once for the file): the synth `cdk synth` would run, without Docker or npx on PATH
    const result = spawnSync(process.execPath, ['--require', './guard.cjs', 'app.js'], {
      cwd: app,
      env: { PATH: path.dirname(process.execPath), HOME: work, CDK_OUTDIR: path.join(app, 'cdk.out') },
      encoding: 'utf8',
      timeout: 240_000,
    });
    synth = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('synthesises without error', () => {
    // Prepare: on failure, the end of stderr (Node prints the source line of a throw: cut it short)
    const stderrTail = synth.stderr
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-12)
      .map((line) => line.slice(0, 240));

    // Assess
    if (synth.status !== 0) throw new Error(`node app.js exited with ${String(synth.status)}:\n${stderrTail.join('\n')}`);
    expect(existsSync(path.join(app, 'cdk.out', 'MyApp.template.json'))).toBe(true);
  });

  it.each(['rotate', 'notify'])('deploys the packed assets/%s as the function code, byte for byte, handler index.handler', (asset) => {
    // Prepare
    const template = JSON.parse(readFileSync(path.join(app, 'cdk.out', 'MyApp.template.json'), 'utf8')) as { Resources: Record<string, TemplateFunction> };
    const fn = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === `${PACKAGE}-${asset}`,
    );
    expect(fn).toBeDefined();
    const deployed = path.join(app, 'cdk.out', `asset.${fn!.Properties.Code.S3Key.replace(/\.zip$/, '')}`);

    // Assess
    expect(fn!.Properties.Handler).toBe('index.handler');
    expect(fn!.Properties.Runtime).toBe('nodejs22.x');
    expect(readdirSync(deployed).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readFileSync(path.join(deployed, 'index.js')).equals(readFileSync(path.join(installed, 'assets', asset, 'index.js')))).toBe(true);
  });

  it('runs the genesys-rotator CLI from the installed package with plain node', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = manifest.bin['genesys-rotator'];
    expect(bin).toBeDefined();

    // Act
    const run = spawnSync(process.execPath, [path.join(installed, bin!), '--help'], { cwd: app, env: { PATH: path.dirname(process.execPath), HOME: work }, encoding: 'utf8', timeout: 60_000 });

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: genesys-rotator <command> [options]');
  });
});
