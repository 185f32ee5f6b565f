/**
 * `genesys-rotator local`, in-process: what it prints works as printed (the export lines, then every
 * suggested command, and every CLI example of the README's "Operating" section, line by line), nothing
 * it or those commands print is a secret or a token the stand-in issued, and its flags are checked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { LOCAL_EXAMPLES } from '../../../cli/commands/local';
import { runCli } from '../../../cli/main';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import { startPlayground, type Playground } from '../../../local/playground';

jest.setTimeout(60_000);

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command line as a shell splits it (double quotes only, as in the examples). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

async function run(argv: readonly string[], env: Record<string, string | undefined>, extra: { untilStopped?: () => Promise<string> } = {}): Promise<Captured> {
  const captured = { code: -1, stdout: '', stderr: '' };
  captured.code = await runCli(argv, {
    stdout: { write: (text: string) => (captured.stdout += text) },
    stderr: { write: (text: string) => (captured.stderr += text) },
    env,
    pollIntervalMs: 20,
    ...extra,
  });
  return captured;
}

/** Runs an example line (`genesys-rotator ...`) with only the given environment. */
async function example(line: string, env: Record<string, string>): Promise<Captured> {
  const [program, ...argv] = shellWords(line);
  expect(program).toBe('genesys-rotator');
  return await run(argv, env);
}

describe('genesys-rotator local (in-process)', () => {
  it('prints export lines that point every suggested command at the stand-ins, then stops on the signal', async () => {
    // Prepare: the stop signal is ours to give
    let stop: (signal: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    let stdout = '';
    const local = runCli(['local'], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => undefined }, env: {}, untilStopped: async () => await stopped });
    while (!stdout.includes('Activity:')) await new Promise((resolve) => setTimeout(resolve, 20));
    const env = Object.fromEntries([...stdout.matchAll(/^ {2}export (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));

    // Act
    const runs = [];
    for (const line of LOCAL_EXAMPLES.filter((l) => !l.includes('report'))) runs.push(await example(line, env));
    stop('SIGINT');

    // Assess
    expect(Object.keys(env)).toEqual(['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_STS', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'GENESYS_CLOUD_BASE_URL']);
    expect(stdout).toMatch(/^genesys-rotator\/acme\/crm {4}single {7}[0-9a-f-]{36} +Data Actions credential "crm data actions", webhook data-platform$/m);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0));
    expect(await local).toBe(0);
    expect(stdout).toMatch(/rotated genesys-rotator\/acme\/jobs \(alternating\): version \S+ is AWSCURRENT/);
    expect(stdout).toMatch(/stopped; nothing was kept\n$/);
  });

  it('takes only --json and --help of the global options, and checks its ports (exit 2)', async () => {
    const region = await run(['local', '--region', 'eu-west-1'], {});
    const badPort = await run(['local', '--aws-port', '70000'], {});
    const samePorts = await run(['local', '--aws-port', '4566', '--genesys-port', '4566'], {});
    const help = await run(['local', '--help'], {});

    expect([region.code, badPort.code, samePorts.code, help.code]).toEqual([2, 2, 2, 0]);
    expect(region.stderr).toContain("Unknown option '--region'");
    expect(badPort.stderr).toContain('field "--aws-port": expected a port from 1 to 65535 (got "70000")');
    expect(samePorts.stderr).toContain('field "--genesys-port": expected a port other than --aws-port');
    expect(help.stdout).toContain('Usage: genesys-rotator local [--aws-port PORT] [--genesys-port PORT]');
    expect(help.stdout).not.toContain('--endpoint-url');
  });

  it('refuses a port in use with exit 2, before printing anything on stdout', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;

    // Act: the AWS stand-in's port is taken after the Genesys stand-in started on a free one
    const taken = await run(['local', '--genesys-port', String(port), '--json'], {});
    const awsTaken = await run(['local', '--aws-port', String(port)], {});
    await new Promise<void>((resolve) => blocker.close(() => resolve()));

    // Assess
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('Cannot start the local stand-ins: field "--genesys-port": expected a port this user may listen on that is free on 127.0.0.1 (EADDRINUSE)');
    expect(JSON.parse(taken.stdout)).toMatchObject({ error: { type: 'ValidationError' }, exitCode: 2 });
    expect(awsTaken.code).toBe(2);
    expect(awsTaken.stderr).toContain('field "--aws-port"');
    expect(awsTaken.stdout).toBe('');
  });
});

describe('the README examples against the playground', () => {
  let playground: Playground;
  let dir: string;
  const outputs: string[] = [];

  beforeAll(async () => {
    playground = await startPlayground();
    dir = mkdtempSync(join(tmpdir(), 'local-examples-'));
  });

  afterAll(async () => {
    await playground.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The "Operating" section's examples, in the README's order (the report goes to a temporary file).
  it.each([
    ['genesys-rotator status --skip-usage', 0],
    ['genesys-rotator rotate genesys-rotator/acme/jobs', 0],
    ['genesys-rotator emergency genesys-rotator/acme/jobs --reason "secret pasted in ticket 4711" --yes', 0],
    ['genesys-rotator verify', 0],
    ['genesys-rotator rotate genesys-rotator/acme/crm', 0],
    ['genesys-rotator status', 0],
    ['genesys-rotator report --html REPORT', 0],
  ])('%s exits %d', async (line, code) => {
    const result = await example(line.replace('REPORT', join(dir, 'rotation-report.html')), playground.info.env);
    outputs.push(result.stdout, result.stderr);

    expect(result.code).toBe(code);
  });

  it('kept every dependent in step and printed no secret or token', async () => {
    // Assess: the Data Actions credential holds the crm client's current credentials
    await playground.sandbox.aws.eventBridge.idle();
    const crm = playground.info.secrets.find((s) => s.name === 'genesys-rotator/acme/crm');
    const current = parseSecretDocument(
      (await playground.sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: crm?.arn }))).SecretString,
    );
    const credential = playground.sandbox.genesys.integrationCredential(playground.info.integrationCredentials[0]?.id ?? '');
    expect(credential?.fields.clientId).toBe(current.clientId);
    expect(credential?.fields.clientSecret === current.clientSecret).toBe(true);
    // one signed delivery per rotation (jobs twice, crm once), each verified by the receiver
    expect(playground.receiver.received.map((r) => r.valid)).toEqual([true, true, true]);

    // Assess: nothing printed (by the commands, or in the playground's facts) is a secret or token
    const printed = [...outputs, JSON.stringify(playground.info)].join('\n');
    const issued = [...playground.sandbox.genesys.issuedSecrets(), ...playground.sandbox.genesys.issuedTokens()];
    expect(issued.length).toBeGreaterThan(10);
    expect(issued.filter((value) => printed.includes(value))).toHaveLength(0);
  });
});
