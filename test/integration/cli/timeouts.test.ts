import { runCli } from '../../../cli/main';
import { secretsManagerConfig } from '../../../cli/context';
import { DEFAULT_SDK_TIMEOUTS, sdkClientConfig } from '../../../lambdas/core/aws/sdk-clients';
import { startAwsEmulator, type AwsEmulator } from '../../../local/aws';
import { LOCAL_CREDENTIALS } from './harness';

jest.setTimeout(30_000);

describe('CLI against a Secrets Manager that never answers', () => {
  let aws: AwsEmulator;

  beforeAll(async () => {
    aws = await startAwsEmulator();
  });

  afterAll(async () => {
    await aws.close();
  });

  it('builds its Secrets Manager client with the shared connection and request timeouts', () => {
    // Act
    const config = secretsManagerConfig({ region: 'eu-west-1' }, {});

    // Assess
    expect(config).toMatchObject({ region: 'eu-west-1', ...sdkClientConfig() });
    expect(config.maxAttempts).toBe(DEFAULT_SDK_TIMEOUTS.maxAttempts);
  });

  it('fails the command with the SDK timeout (exit 1) instead of waiting for ever', async () => {
    // Prepare: short timeouts through the io seam, as tests shorten the poll interval
    aws.secretsManager.faults.stall('ListSecrets');
    let stdout = '';
    let stderr = '';

    // Act
    const code = await runCli(['status', '--json', '--skip-usage', '--endpoint-url', aws.endpoint, '--region', 'us-east-1'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: LOCAL_CREDENTIALS,
      sdkTimeouts: { requestTimeoutMs: 200, maxAttempts: 2 },
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/Secrets Manager ListSecrets failed .*: TimeoutError/);
    expect(JSON.parse(stdout)).toMatchObject({ error: { type: 'SecretsManagerError' }, exitCode: 1 });
    expect(aws.requestCounts().ListSecrets).toBe(2);
  });
});
