import { createCredentialProvider, SecretsManagerError } from '../../../client';
import type { GenesysApi } from '../../../lambdas/core/genesys/types';
import { startAwsEmulator, type AwsEmulator } from '../../../local/aws';

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

// Two 2 s attempts; room for a loaded runner (nothing here asserts a duration).
jest.setTimeout(30_000);

describe('Integration: credential provider against a Secrets Manager that never answers', () => {
  let aws: AwsEmulator;
  const saved = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;

  beforeAll(async () => {
    aws = await startAwsEmulator();
    // The default client finds the stand-in the way it finds Secrets Manager: through the SDK's variable.
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = aws.endpoint;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = saved;
    await aws.close();
  });

  it("closes the stalled request with the default client's own timeouts (two attempts), not after the SDK's 300 s", async () => {
    // Prepare: the provider's read bound set far away, so only the SDK client's timeouts can end the call
    aws.secretsManager.faults.stall('GetSecretValue');
    const getToken = jest.fn();
    const provider = createCredentialProvider({ secretId: SECRET_ID, secretsManagerTimeoutMs: 120_000, genesys: () => ({ getToken }) as unknown as GenesysApi });

    // Act
    const run = provider.getAccessToken();

    // Assess: the SDK's TimeoutError, wrapped where the call is made
    await expect(run).rejects.toBeInstanceOf(SecretsManagerError);
    await expect(run).rejects.toMatchObject({ operation: 'GetSecretValue', awsErrorName: 'TimeoutError', cause: { name: 'TimeoutError' } });
    expect(aws.requestCounts().GetSecretValue).toBe(2);
    expect(getToken).not.toHaveBeenCalled();
  });
});
