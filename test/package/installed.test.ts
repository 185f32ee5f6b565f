/**
 * The installed experience, as a user meets it: `npm install` of the packed tarball (from the npm
 * registry for everything else, as a user would; the CI cache makes it quick) into
 *  (a) a fresh CDK app laid out as `cdk init app --language typescript` lays it out, synthesised by
 *      the aws-cdk CLI under tsx and under ts-node, with cdk-nag's AwsSolutions checks clean;
 *  (b) a client-only install (`--omit=peer`: no aws-cdk-lib), whose size is measured, used by plain
 *      CommonJS and ESM programs (no TypeScript loader) that get a token through the provider from
 *      the local stand-ins.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Sandbox } from '../../local/sandbox';
import { assertBuilt, npmPack, REPO_ROOT } from './packed';

// Installs and synths are slow on a 2-core machine (jest's testTimeout is a global option, not a project's).
jest.setTimeout(300_000);

const run = promisify(execFile);

const CDK_CLI = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const repoVersion = (name: string): string => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

function npmInstall(cwd: string, args: readonly string[]): void {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}

function diskBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

describe('Package: installed from the packed tarball', () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'rotator-installed-'));
    tarball = path.join(work, npmPack({ destination: work }).filename);
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe('(a) in a fresh CDK app laid out as `cdk init app --language typescript`', () => {
    let app: string;

    beforeAll(() => {
      app = path.join(work, 'platform-app');
      mkdirSync(path.join(app, 'bin'), { recursive: true });
      mkdirSync(path.join(app, 'lib'), { recursive: true });
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'platform-app', version: '0.1.0', bin: { 'platform-app': 'bin/platform-app.js' } }, null, 2));
      // cdk init's tsconfig (NodeNext, strict, noEmit).
      writeFileSync(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['es2022'], declaration: true, strict: true, noImplicitReturns: true, skipLibCheck: true, noEmit: true, isolatedModules: true, types: ['node'] },
          exclude: ['node_modules', 'cdk.out'],
        }),
      );
      writeFileSync(
        path.join(app, 'bin', 'platform-app.ts'),
        [
          "import * as cdk from 'aws-cdk-lib/core';",
          "import { AwsSolutionsChecks } from 'cdk-nag';",
          "import { PlatformAppStack } from '../lib/platform-app-stack';",
          '',
          'const app = new cdk.App();',
          "new PlatformAppStack(app, 'PlatformAppStack', { env: { account: '111122223333', region: 'eu-west-1' } });",
          '// cdk-nag 3: a validation plugin (findings fail the synth).',
          'cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));',
          '',
        ].join('\n'),
      );
      // The README's embedding example: typed props, a grant to the app's own function.
      writeFileSync(
        path.join(app, 'lib', 'platform-app-stack.ts'),
        [
          "import * as cdk from 'aws-cdk-lib/core';",
          "import * as iam from 'aws-cdk-lib/aws-iam';",
          "import { Construct } from 'constructs';",
          "import { GenesysOAuthRotator, Strategy } from 'genesys-oauth-rotator';",
          '',
          'export class PlatformAppStack extends cdk.Stack {',
          '  constructor(scope: Construct, id: string, props?: cdk.StackProps) {',
          '    super(scope, id, props);',
          "    const rotator = new GenesysOAuthRotator(this, 'GenesysRotator', {",
          "      organisations: [{ name: 'acme-eu', environment: 'mypurecloud.ie', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule: { expression: 'cron(0 3 1 * ? *)', window: '3h' } } }],",
          '      clients: [',
          "        { name: 'crm', organisation: 'acme-eu', strategy: Strategy.SINGLE, clientId: 'crm-a', schedule: { expression: 'rate(30 days)', window: '2h' } },",
          "        { name: 'wfm-export', organisation: 'acme-eu', strategy: Strategy.ALTERNATING, clientId: 'wfm-a', alternateClientId: 'wfm-b', schedule: { expression: 'rate(14 days)', window: '4h' } },",
          '      ],',
          '      policy: { maxRotationDays: 45 },',
          "      firstValueLoaders: ['arn:aws:iam::111122223333:role/genesys-secret-loader'],",
          '    });',
          "    const exporter = new iam.Role(this, 'Exporter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });",
          "    rotator.grantReadClientSecret('wfm-export', exporter);",
          "    new cdk.CfnOutput(this, 'WfmSecretArn', { value: rotator.clientSecret('wfm-export').secretArn });",
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      npmInstall(app, [
        tarball,
        `aws-cdk-lib@${repoVersion('aws-cdk-lib')}`,
        `constructs@${repoVersion('constructs')}`,
        `cdk-nag@${repoVersion('cdk-nag')}`,
        `typescript@${repoVersion('typescript')}`,
        `tsx@${repoVersion('tsx')}`,
        'ts-node@10',
        '@types/node@20',
      ]);
    });

    it('type-checks against the installed declarations', () => {
      const result = spawnSync(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it.each([
      ['tsx', 'npx tsx bin/platform-app.ts'],
      ['ts-node', 'npx ts-node --prefer-ts-exts bin/platform-app.ts'],
    ])('synthesises under %s with the aws-cdk CLI, cdk-nag clean, no bundling', (_runner, appCommand) => {
      // Prepare
      const out = path.join(app, `cdk.out-${_runner}`);
      // Act: no Docker and no esbuild reachable (the Lambdas are pre-bundled in the package).
      const result = spawnSync(process.execPath, [CDK_CLI, 'synth', '--app', appCommand, '--output', out, '--quiet', '--no-notices'], {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin', CDK_DISABLE_VERSION_CHECK: '1' },
        timeout: 240_000,
      });
      // Assess
      const output = result.stdout + result.stderr;
      expect(output).not.toMatch(/AwsSolutions-\w+.*(Error|Warning)|\[Error at|LockFileDoesnTExist|Cannot find module/);
      expect(result.status).toBe(0);
      const template = JSON.parse(readFileSync(path.join(out, 'PlatformAppStack.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      const types = Object.values(template.Resources).map((r) => r.Type);
      expect(types.filter((t) => t === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(2);
      expect(types.filter((t) => t === 'AWS::SecretsManager::Secret').length).toBe(3);
    });
  });

  describe('(b) the client alone, from plain CommonJS and ESM programs', () => {
    let consumer: string;
    let sandbox: Sandbox;
    let secretArn: string;

    beforeAll(async () => {
      consumer = path.join(work, 'consumer');
      mkdirSync(consumer);
      writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
      npmInstall(consumer, ['--omit=peer', tarball]);
      sandbox = await Sandbox.start();
      const org = await sandbox.createOrg('Installed');
      const client = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
      secretArn = client.secretArn;
    });

    afterAll(async () => {
      await sandbox.close();
    });

    it('installs without the peers and stays under 30 MB on disk', () => {
      const bytes = diskBytes(path.join(consumer, 'node_modules'));
      // Reported in the README's "For integrations" (measured by this test).
      process.stdout.write(`client-only install: ${(bytes / 1024 / 1024).toFixed(1)} MB\n`);
      expect(readdirSync(path.join(consumer, 'node_modules'))).not.toContain('aws-cdk-lib');
      expect(bytes).toBeLessThan(30 * 1024 * 1024);
    });

    const programs = {
      'program.cjs': [
        "const { createCredentialProvider } = require('genesys-oauth-rotator/client');",
        'const provider = createCredentialProvider({ secretId: process.env.SECRET_ARN });',
        "provider.getAccessToken().then((t) => { console.log(typeof t === 'string' && t.length > 0 ? 'token ok' : 'no token'); }, (e) => { console.error(e.name); process.exit(1); });",
      ].join('\n'),
      'program.mjs': [
        "import { createCredentialProvider } from 'genesys-oauth-rotator/client';",
        'const provider = createCredentialProvider({ secretId: process.env.SECRET_ARN });',
        'const token = await provider.getAccessToken();',
        "console.log(typeof token === 'string' && token.length > 0 ? 'token ok' : 'no token');",
      ].join('\n'),
    };

    it.each(Object.keys(programs))('%s gets a token through the installed client with plain node', async (file) => {
      // Prepare
      writeFileSync(path.join(consumer, file), programs[file as keyof typeof programs]);
      // Act: asynchronously, so that the stand-ins in this process can answer.
      const result = await run(process.execPath, [file], {
        cwd: consumer,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          SECRET_ARN: secretArn,
          AWS_REGION: 'us-east-1',
          // The SDK warns on Node 20 (here); users on 22+ never see it.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
          GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
        },
      });
      // Assess
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('token ok');
      for (const issued of sandbox.genesys.issuedTokens()) expect(result.stdout).not.toContain(issued);
    });
  });
});
