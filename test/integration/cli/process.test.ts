/** The CLI as a real process (`npx tsx bin/cli.ts`), as an operator or a pipeline runs it. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../../local/sandbox';
import { ShiftableClock, startSandbox } from './harness';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..', '..');

function runProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'bin/cli.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('bin/cli.ts as a process', () => {
  it('prints the help with the commands and exit codes, and exits 0', async () => {
    const run = await runProcess(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: genesys-rotator <command> [options]');
    for (const command of ['status', 'rotate', 'emergency', 'verify', 'report']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('2  usage error');
  });

  it('has --help on a command, with its options', async () => {
    const run = await runProcess(['emergency', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: genesys-rotator emergency <secret> --reason TEXT');
    expect(run.stdout).toContain('--reason TEXT');
    expect(run.stdout).toContain('up to');
  });

  describe('against the stand-ins, through the environment variables', () => {
    let sandbox: Sandbox;

    beforeAll(async () => {
      sandbox = await startSandbox(new ShiftableClock());
      const org = await sandbox.createOrg('Acme');
      const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
      await sandbox.rotate(crm.secretArn);
    });

    afterAll(async () => {
      await sandbox.close();
    });

    it('rotates with piped output: no progress on stderr, exit 0', async () => {
      const env = {
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: sandbox.aws.endpoint,
        AWS_ENDPOINT_URL_STS: sandbox.aws.endpoint,
        GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
      };
      const run = await runProcess(['rotate', 'genesys-rotator/acme/crm'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/finishSecret\s+done/);
      expect(run.stderr).not.toMatch(/rotating|\r/);
    });
  });
});
