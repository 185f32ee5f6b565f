/**
 * The consumer client as it ships: scripts/build-client.mjs builds dist/client/, then plain `node`
 * programs (CommonJS and ES module, no TypeScript loader) get a token through it from the local
 * stand-ins; TypeScript consumers of both module kinds type-check against its declarations; and the
 * bundles contain no undici nor classic zod and import nothing at run time but
 * `@aws-sdk/client-secrets-manager`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import ts from 'typescript';
import { Sandbox, type ManagedClient } from '../../../local/sandbox';
import { runConsumerProgram, writeConsumerPrograms } from './consumer-programs';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist', 'client');

// Building the declarations type-checks the client (a few seconds on a 2-core runner).
jest.setTimeout(120_000);

describe('Integration: the built consumer client (dist/client)', () => {
  let sandbox: Sandbox;
  let managed: ManagedClient;
  let scratch: string;
  let metafiles: { cjs: Metafile; esm: Metafile };
  let env: Record<string, string>;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'built-client-'));
    const metafilePath = path.join(scratch, 'metafile.json');
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build-client.mjs'), `--metafile=${metafilePath}`, '--quiet'], { cwd: ROOT });
    metafiles = JSON.parse(readFileSync(metafilePath, 'utf8')) as { cjs: Metafile; esm: Metafile };

    sandbox = await Sandbox.start();
    const org = await sandbox.createOrg('built-client');
    managed = await sandbox.addManagedClient(org, { name: 'built-client-app', strategy: 'alternating' });
    env = {
      SECRET_ID: managed.secretArn,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
    };
  });

  afterAll(async () => {
    await sandbox.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each([
    ['CommonJS', 'cjs', path.join(DIST, 'index.cjs')],
    ['ES module', 'esm', pathToFileURL(path.join(DIST, 'index.mjs')).href],
  ] as const)('a plain %s program gets a token through the provider, without a loader', async (_kind, which, specifier) => {
    // Prepare
    const programs = writeConsumerPrograms(scratch, specifier);

    // Act
    const result = await runConsumerProgram(programs[which], env);

    // Assess: a token of the managed client, accepted by the API; class names kept; nothing preloaded
    expect(result.status).toBe(200);
    expect(managed.clientIds).toContain(result.oauthClientId);
    expect(result.errorName).toBe('GenesysAuthError');
    expect(result.execArgv).toEqual([]);
    expect(result.nodeOptions).toBeNull();
  });

  it('bundles no undici nor classic zod, and imports nothing at run time but the Secrets Manager client and Node built-ins', () => {
    for (const [format, metafile] of Object.entries(metafiles)) {
      // Assess: inputs that put bytes in the bundle
      const bundled = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input));
      expect(bundled.filter((input) => /node_modules\/undici\/|node_modules\/zod\/v4\/classic\//.test(input))).toEqual([]);
      const externals = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
      expect({ format, externals: [...new Set(externals)].filter((p) => !p.startsWith('node:')) }).toEqual({ format, externals: ['@aws-sdk/client-secrets-manager'] });
    }
  });

  it('declares types that CommonJS and ES module TypeScript consumers resolve, the official SDK client included', () => {
    // Prepare: one consumer of each module kind, importing the bundle as a relative path (index.d.cts / index.d.mts)
    const consumers = mkdtempSync(path.join(ROOT, 'dist', '.client-consumers-'));
    try {
      const relative = path.relative(consumers, DIST).split(path.sep).join('/');
      const source = (specifier: string) =>
        [
          `import { authorizePlatformClient, createCredentialProvider, GenesysAuthError, parseRotatedEvent, type CredentialProvider, type RotatedEventDetail } from '${specifier}';`,
          "import * as platformClient from 'purecloud-platform-client-v2';",
          "const provider: CredentialProvider = createCredentialProvider({ secretId: 'arn', secretsManagerTimeoutMs: 2_000 });",
          'const detach: () => void = authorizePlatformClient(platformClient.ApiClient.instance, provider);',
          'const token: Promise<string> = provider.getAccessToken();',
          'const detail: RotatedEventDetail = parseRotatedEvent({});',
          "const name: string = new GenesysAuthError('m', { method: 'GET', path: '/' }).name;",
          'export { detach, token, detail, name };',
          '',
        ].join('\n');
      const files = [path.join(consumers, 'consumer.cts'), path.join(consumers, 'consumer.mts')];
      writeFileSync(files[0]!, source(`${relative}/index.cjs`));
      writeFileSync(files[1]!, source(`${relative}/index.mjs`));

      // Act: no skipLibCheck, so the client's own declarations are checked too
      const program = ts.createProgram(files, {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        types: ['node'],
        skipLibCheck: false,
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.category === ts.DiagnosticCategory.Error)
        // Only what concerns the consumers and the client's declarations (not third-party .d.ts files).
        .filter((d) => d.file === undefined || !d.file.fileName.includes('/node_modules/'))
        .map((d) => `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);

      // Assess
      expect(diagnostics).toEqual([]);
      const clientDeclarations = program.getSourceFiles().map((f) => path.relative(DIST, f.fileName)).filter((f) => !f.startsWith('..'));
      expect(clientDeclarations).toEqual(expect.arrayContaining(['index.d.cts', 'index.d.mts', 'types/client/index.d.ts']));
      expect(program.getSourceFiles().some((f) => /node_modules\/(zod|undici)\//.test(f.fileName))).toBe(false);
    } finally {
      rmSync(consumers, { recursive: true, force: true });
    }
  });
});
