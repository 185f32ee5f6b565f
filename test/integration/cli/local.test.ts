/**
 * `genesys-rotator local` as a user runs it: a long-running process that starts the stand-ins and
 * prints how to reach them (`--json`: one document on stdout); then other CLI processes, pointed at it
 * with nothing but the printed environment, rotate and revoke; then SIGINT stops it cleanly.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'genesys-rotator.cjs');
/** Only what a shell passes on; no AWS or Genesys variable of the machine running the tests. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

interface LocalInfo {
  readonly env: Record<string, string>;
  readonly flags: string[];
  readonly secrets: { readonly name: string; readonly strategy: string; readonly clientIds: string[] }[];
  readonly examples: string[];
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...BASE_ENV, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** Reads stdout until it holds one whole JSON document. */
function firstDocument(child: ChildProcessWithoutNullStreams): Promise<LocalInfo> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      try {
        const info = JSON.parse(buffered) as LocalInfo;
        child.stdout.off('data', onData);
        resolve(info);
      } catch {
        // not whole yet
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`local exited (${String(code)}) before printing its document: ${buffered}`));
    });
  });
}

describe('genesys-rotator local (a process)', () => {
  let child: ChildProcessWithoutNullStreams;
  let stderr = '';
  let info: LocalInfo;

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'local', '--json'], { cwd: ROOT, env: BASE_ENV });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    info = await firstDocument(child);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the environment, flags and secrets of the sample organization', () => {
    expect(Object.keys(info.env).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL_STS', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'GENESYS_CLOUD_BASE_URL']);
    expect(info.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.flags).toEqual(['--endpoint-url', info.env.AWS_ENDPOINT_URL_SECRETS_MANAGER, '--region', 'us-east-1', '--genesys-base-url', info.env.GENESYS_CLOUD_BASE_URL]);
    expect(info.secrets.map((s) => [s.name, s.strategy])).toEqual([
      ['genesys-rotator/acme/admin', 'alternating'],
      ['genesys-rotator/acme/crm', 'single'],
      ['genesys-rotator/acme/jobs', 'alternating'],
    ]);
  });

  it('serves status, rotate, verify and emergency run as separate processes with the printed environment', async () => {
    // Act
    const status = await runCli(['status', '--json'], info.env);
    const rotate = await runCli(['rotate', 'genesys-rotator/acme/jobs', '--json'], info.env);
    const verify = await runCli(['verify', '--json'], info.env);
    const emergency = await runCli(['emergency', 'genesys-rotator/acme/crm', '--reason', 'x', '--yes', '--json'], info.env);

    // Assess
    expect([status.code, rotate.code, verify.code, emergency.code]).toEqual([0, 0, 0, 0]);
    const secrets = (JSON.parse(status.stdout) as { secrets: { name: string; rotationEnabled: boolean; failing: boolean }[] }).secrets;
    expect(secrets.map((s) => [s.name, s.rotationEnabled, s.failing])).toEqual([
      ['genesys-rotator/acme/admin', true, false],
      ['genesys-rotator/acme/crm', true, false],
      ['genesys-rotator/acme/jobs', true, false],
    ]);
    const jobs = info.secrets[2]?.clientIds ?? [];
    expect(JSON.parse(rotate.stdout)).toMatchObject({ succeeded: true, clientBefore: jobs[0], clientAfter: jobs[1] });
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    expect(JSON.parse(emergency.stdout)).toMatchObject({ honoured: true, emergencyTagCleared: true, leakedCredentialsRefused: true });
  });

  it('reports the rotations on stderr, and stops cleanly (exit 0) on SIGINT', async () => {
    // Act
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');

    // Assess
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/rotated genesys-rotator\/acme\/jobs \(alternating\)/);
    expect(stderr).toMatch(/rotated genesys-rotator\/acme\/crm \(single, emergency\)/);
    expect(stderr).toMatch(/notified for genesys-rotator\/acme\/crm .*integration credentials updated, 1 webhook\(s\) delivered/);
    expect(stderr).toMatch(/SIGINT: stopping the stand-ins\n.*stopped; nothing was kept\n$/);
    expect(stderr).not.toMatch(/error|Error|at .*\.ts:\d+/);
  });
});
