import { createServer } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LAMBDA_TIMEOUT_SECONDS } from '../../../lib/lambda-settings';
import { DEFAULT_SDK_TIMEOUTS, deadlineSignal, sdkClientConfig, worstCaseCallMs } from '../../../lambdas/core/aws/sdk-clients';
import { DEADLINE_MARGIN_MS } from '../../../lambdas/core/deadline';
import { startAwsEmulator, type AwsEmulator } from '../../../local/aws';
import { listenOnLoopback, type Listening } from '../../../local/listen';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('Function: sdkClientConfig', () => {
  it('gives the request handler a connection, request and socket timeout, and makes a request timeout an error', () => {
    // Act
    const config = sdkClientConfig();

    // Assess
    expect(config).toEqual({
      maxAttempts: DEFAULT_SDK_TIMEOUTS.maxAttempts,
      requestHandler: {
        connectionTimeout: DEFAULT_SDK_TIMEOUTS.connectionTimeoutMs,
        requestTimeout: DEFAULT_SDK_TIMEOUTS.requestTimeoutMs,
        socketTimeout: DEFAULT_SDK_TIMEOUTS.requestTimeoutMs,
        // Without it the SDK only logs a warning when requestTimeout passes.
        throwOnRequestTimeout: true,
      },
    });
  });

  it('takes overrides for one client', () => {
    // Act
    const config = sdkClientConfig({ requestTimeoutMs: 1_500, maxAttempts: 2 });

    // Assess
    expect(config).toEqual({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: DEFAULT_SDK_TIMEOUTS.connectionTimeoutMs, requestTimeout: 1_500, socketTimeout: 1_500, throwOnRequestTimeout: true },
    });
  });

  it('refuses a timeout or attempt count that would mean "no bound"', () => {
    // Act & Assess
    expect(() => sdkClientConfig({ requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => sdkClientConfig({ connectionTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => sdkClientConfig({ maxAttempts: 0 })).toThrow(RangeError);
  });

  it('keeps the worst case of one call under half of what a Lambda invocation may use', () => {
    // Assess: a call that never answers leaves most of the step's time to the rest of the step
    expect(worstCaseCallMs()).toBeLessThan((LAMBDA_TIMEOUT_SECONDS * 1000 - DEADLINE_MARGIN_MS) / 2);
  });
});

describe('SDK client built with sdkClientConfig', () => {
  let aws: AwsEmulator;
  let client: SecretsManagerClient | undefined;

  beforeAll(async () => {
    aws = await startAwsEmulator();
  });

  afterEach(() => {
    client?.destroy();
    client = undefined;
    aws.secretsManager.clearFaults();
    aws.resetCounts();
  });

  afterAll(async () => {
    await aws.close();
  });

  it('fails a call Secrets Manager never answers with TimeoutError, after maxAttempts attempts', async () => {
    // Prepare
    aws.secretsManager.faults.stall('GetSecretValue');
    client = new SecretsManagerClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, ...sdkClientConfig({ requestTimeoutMs: 100, maxAttempts: 2 }) });

    // Act
    const call = client.send(new GetSecretValueCommand({ SecretId: 'any' }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(aws.requestCounts().GetSecretValue).toBe(2);
  });

  describe('against a server whose answer stops midway', () => {
    let server: Listening;
    let requests = 0;

    beforeAll(async () => {
      server = await listenOnLoopback(
        createServer((_request, response) => {
          requests += 1;
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '100' });
          response.write('{"ARN":');
        }),
      );
    });

    afterAll(async () => {
      await server.close();
    });

    it('fails the call once the socket stays idle for the request timeout', async () => {
      // Prepare
      client = new SecretsManagerClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS, ...sdkClientConfig({ requestTimeoutMs: 100, maxAttempts: 1 }) });

      // Act
      const call = client.send(new GetSecretValueCommand({ SecretId: 'any' }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(requests).toBe(1);
    });
  });
});

describe('Function: deadlineSignal', () => {
  it('gives no signal without a deadline', () => {
    expect(deadlineSignal(undefined)).toBeUndefined();
  });

  it('is already aborted when the deadline has passed', () => {
    // Act
    const signal = deadlineSignal(1_000, () => 2_000);

    // Assess
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts when the deadline comes', async () => {
    // Prepare
    const now = Date.now();

    // Act
    const signal = deadlineSignal(now + 20, () => now);

    // Assess
    expect(signal?.aborted).toBe(false);
    await new Promise((resolve) => signal?.addEventListener('abort', resolve));
    expect(signal?.reason).toMatchObject({ name: 'TimeoutError' });
  });
});
