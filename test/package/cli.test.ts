/**
 * The `genesys-rotator` command as the package ships it: built here by the script `npm run build:cli`
 * runs (scripts/bundle-cli.ts), into a directory away from the repository and its node_modules (not
 * dist/, which the pack tests read meanwhile), and run with plain `node`: no tsx, no TypeScript,
 * nothing to resolve but Node's built-ins. synth.test.ts runs the packed dist/cli copy.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Sandbox } from '../../local/sandbox';
import { PROJECT_ROOT } from '../../scripts/bundle-cli';

jest.setTimeout(120_000);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('Package: the bundled genesys-rotator CLI', () => {
  let away: string;
  let cli: string;

  /** Run the copied CLI with only PATH, HOME and `env`, from a directory without node_modules. */
  function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [cli, ...args],
        { cwd: away, env: { PATH: process.env.PATH ?? '', HOME: away, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
        },
      );
    });
  }

  beforeAll(() => {
    away = mkdtempSync(path.join(tmpdir(), 'rotator-cli-'));
    cli = path.join(away, 'genesys-rotator.cjs');
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/bundle-cli.ts', '--outfile', cli], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
  });
  afterAll(() => {
    rmSync(away, { recursive: true, force: true });
  });

  it('is one executable CommonJS file for node, requiring only built-ins', () => {
    // Prepare
    const code = readFileSync(cli, 'utf8');
    // Only the SDK's optional CRT signer (inside a try/catch, for SigV4a) may stay unresolved.
    const optional = ['@aws-sdk/signature-v4-crt'];

    // Act
    const required = [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? ''))];

    // Assess
    expect(code.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(cli).mode & 0o111).not.toBe(0);
    expect(required.filter((name) => !name.startsWith('node:') && !optional.includes(name))).toEqual([]);
    expect(code).not.toMatch(/tsx/);
  });

  it('prints the help with every command and exits 0', async () => {
    // Act
    const run = await runCli(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: genesys-rotator <command> [options]');
    for (const command of ['status', 'rotate', 'emergency', 'verify', 'report']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stderr).toBe('');
  });

  it('exits 2 on an unknown command, naming the error class in --json', async () => {
    // Act
    const run = await runCli(['nonsense', '--json']);

    // Assess
    expect(run.code).toBe(2);
    const parsed = JSON.parse(run.stdout) as { error: { type: string }; exitCode: number };
    // Minified, but class names kept: the type is ours, not a mangled identifier.
    expect(parsed.error.type).toMatch(/^[A-Z][A-Za-z]+Error$/);
    expect(parsed.exitCode).toBe(2);
  });

  describe('against the stand-ins (local/sandbox.ts), through the environment variables', () => {
    let sandbox: Sandbox;

    beforeAll(async () => {
      sandbox = await Sandbox.start({ rotate: { propagation: { maxWaitMs: 1, initialDelayMs: 1, maxDelayMs: 1 } } });
      const org = await sandbox.createOrg('Acme');
      const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
      await sandbox.rotate(crm.secretArn);
    });
    afterAll(async () => {
      await sandbox.close();
    });

    it('reports status --json for every managed secret and exits 0 when all are fine', async () => {
      // Prepare
      const env = {
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
        GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
      };

      // Act
      const run = await runCli(['status', '--json'], env);

      // Assess
      const parsed = JSON.parse(run.stdout) as { secrets: { name: string; failing: boolean }[]; exitCode: number };
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(parsed.exitCode).toBe(0);
      expect(parsed.secrets.map((secret) => secret.name)).toContain('genesys-rotator/acme/crm');
      expect(parsed.secrets.every((secret) => !secret.failing)).toBe(true);
    });
  });
});
