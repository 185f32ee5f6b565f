import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Sandbox, ManagedClient } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

describe('CLI bad input', () => {
  let sandbox: Sandbox;
  let crm: ManagedClient;
  let unmanagedArn: string;

  beforeAll(async () => {
    sandbox = await startSandbox(new ShiftableClock());
    const org = await sandbox.createOrg('Acme');
    crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'alternating' });
    await sandbox.rotate(crm.secretArn);
    const out = await sandbox.secretsManager.send(new CreateSecretCommand({ Name: 'team/db-password', SecretString: '{"password":"hunter2"}' }));
    unmanagedArn = out.ARN!;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  /** Runs the CLI and checks that no write reached Secrets Manager and no secret was regenerated. */
  async function expectNothingChanged(argv: string[]) {
    const versions = sandbox.aws.secretsManager.versions(crm.secretArn);
    const regenerations = crm.clientIds.map((id) => sandbox.genesys.regenerateCount(id));
    sandbox.aws.resetCounts();
    const run = await runAgainst(sandbox, argv);
    const writes = ['PutSecretValue', 'UpdateSecretVersionStage', 'TagResource', 'UntagResource', 'RotateSecret'].filter((op) => (sandbox.aws.requestCounts()[op] ?? 0) > 0);
    expect(writes).toEqual([]);
    expect(sandbox.aws.secretsManager.versions(crm.secretArn)).toEqual(versions);
    expect(crm.clientIds.map((id) => sandbox.genesys.regenerateCount(id))).toEqual(regenerations);
    return run;
  }

  it.each([
    ['rotate', ['rotate', 'genesys-rotator/acme/nope']],
    ['emergency', ['emergency', 'genesys-rotator/acme/nope', '--reason', 'leak', '--yes']],
    ['verify', ['verify', 'genesys-rotator/acme/nope']],
  ])('%s: refuses an unknown secret with exit 2', async (_command, argv) => {
    const run = await expectNothingChanged(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown secret "genesys-rotator/acme/nope"');
    expect(run.stdout).toBe('');
  });

  it.each([
    ['rotate', ['rotate']],
    ['emergency', ['emergency', '--reason', 'leak', '--yes']],
  ])('%s: refuses a secret the rotator does not manage with exit 2', async (_command, argv) => {
    const run = await expectNothingChanged([argv[0]!, unmanagedArn, ...argv.slice(1)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Secret team/db-password is not managed by the rotator');
    expect(run.stderr).toContain('genesys-rotator:managed=true');
    expect(run.stderr).not.toContain('hunter2');
  });

  it('emergency: refuses to run without --reason (exit 2), before touching anything', async () => {
    const run = await expectNothingChanged(['emergency', crm.secretArn, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/field "--reason": expected why this emergency rotation is needed/);
    expect(sandbox.aws.requestCounts().DescribeSecret ?? 0).toBe(0);
  });

  it('emergency: a reason with nothing usable in AWS tag values counts as missing', async () => {
    const run = await expectNothingChanged(['emergency', crm.secretArn, '--yes', '--reason', '!!! ###']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--reason');
  });

  it('answers --json runs with an error document', async () => {
    const run = await expectNothingChanged(['emergency', crm.secretArn, '--yes', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ error: { type: 'ValidationError', message: expect.stringContaining('--reason') }, exitCode: 2 });
  });

  it.each([
    ['an unknown flag', ['status', '--colour'], /Unknown option '--colour'/],
    ['an unknown command', ['rotat', 'x'], /one of status, rotate, emergency, verify, plan, report, (?:[a-z]+, )*discover, pair, bootstrap, local \(got "rotat"\)/],
    ['a missing argument', ['rotate'], /rotate <secret>.*missing argument/],
    ['an extra argument', ['status', 'extra'], /unexpected "extra"/],
    ['a bad number', ['rotate', 'genesys-rotator/acme/crm', '--timeout', 'soon'], /field "--timeout": expected a number >= 0 \(got "soon"\)/],
    ['a report without a file', ['report'], /field "--html"/],
  ])('refuses %s with exit 2 and a clear message', async (_what, argv, message) => {
    const run = await expectNothingChanged(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a bad endpoint URL with exit 2', async () => {
    const run = await runAgainst(sandbox, ['status', '--endpoint-url', 'not a url'], { noEndpointFlags: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/field "--endpoint-url": expected an http\(s\) URL \(got "not a url"\)/);
  });

  it('with no command prints the help on stderr and exits 2', async () => {
    const run = await runAgainst(sandbox, [], { noEndpointFlags: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: genesys-rotator <command> [options]');
  });

  it('reads the endpoints from AWS_ENDPOINT_URL_SECRETS_MANAGER and GENESYS_CLOUD_BASE_URL when no flag is given', async () => {
    const run = await runAgainst(sandbox, ['verify', crm.secretArn, '--json'], {
      noEndpointFlags: true,
      env: {
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
        GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
      },
    });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(true);
  });
});
