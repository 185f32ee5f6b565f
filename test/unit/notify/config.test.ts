import { ConfigurationError } from '../../../lambdas/core/errors';
import { dependentsOf, loadNotifyConfig } from '../../../lambdas/core/notify/config';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-key-AbCdEf';
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/rotator-webhooks-dlq';

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ROTATOR_DEPENDENTS: JSON.stringify([
      { secretArn: ARN, integrationCredentialIds: ['cred-1'], webhooks: [{ name: 'ops', url: 'https://hooks.example.test/r', signingKeySecretArn: KEY_ARN }] },
    ]),
    DLQ_URL: DLQ,
    ...overrides,
  };
}

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('Function: loadNotifyConfig', () => {
  it('reads dependents, the queue and the optional variables', () => {
    // Act
    const config = loadNotifyConfig(env({ GENESYS_CLOUD_BASE_URL: 'http://127.0.0.1:8080', ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true' }));

    // Assess
    expect(config).toEqual({
      dependents: [{ secretArn: ARN, integrationCredentialIds: ['cred-1'], webhooks: [{ name: 'ops', url: 'https://hooks.example.test/r', signingKeySecretArn: KEY_ARN }] }],
      deadLetterQueueUrl: DLQ,
      genesysBaseUrl: 'http://127.0.0.1:8080',
      allowLoopbackWebhooks: true,
    });
  });

  it('treats empty strings as unset', () => {
    const config = loadNotifyConfig(env({ GENESYS_CLOUD_BASE_URL: '', ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: '' }));
    expect(config.genesysBaseUrl).toBeUndefined();
    expect(config.allowLoopbackWebhooks).toBe(false);
  });

  it('names DLQ_URL when it is empty', () => {
    const error = configError(() => loadNotifyConfig(env({ DLQ_URL: '' })));
    expect(error.field).toBe('DLQ_URL');
    expect(error.message).toContain('dead-letter queue');
  });

  it('names ROTATOR_DEPENDENTS when it is missing or not JSON', () => {
    expect(configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: undefined }))).field).toBe('ROTATOR_DEPENDENTS');
    expect(configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: '[{' }))).field).toBe('ROTATOR_DEPENDENTS');
  });

  it('names the path of a bad field inside ROTATOR_DEPENDENTS', () => {
    const dependents = JSON.stringify([{ secretArn: ARN, webhooks: [{ name: 'ops', url: 'https://x.test', signingKeySecretArn: '' }] }]);
    const error = configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: dependents })));
    expect(error.field).toBe('ROTATOR_DEPENDENTS.0.webhooks.0.signingKeySecretArn');
  });

  it('refuses a webhook to a private or link-local address, even with the loopback flag set', () => {
    // Prepare
    const withUrl = (url: string) => JSON.stringify([{ secretArn: ARN, webhooks: [{ name: 'imds', url, signingKeySecretArn: KEY_ARN }] }]);

    // Act
    const metadata = configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: withUrl('https://169.254.169.254/latest/meta-data') })));
    const vpc = configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: withUrl('https://10.0.0.1/hook'), ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true' })));

    // Assess
    expect(metadata.field).toBe('ROTATOR_DEPENDENTS.0.webhooks.0.url');
    expect(metadata.expected).toBe('an https:// URL to a public host');
    expect(vpc.field).toBe('ROTATOR_DEPENDENTS.0.webhooks.0.url');
  });

  it('refuses a plain-http webhook unless the loopback flag is set, and then only for 127.0.0.1', () => {
    // Prepare
    const withUrl = (url: string) => JSON.stringify([{ secretArn: ARN, webhooks: [{ name: 'local', url, signingKeySecretArn: KEY_ARN }] }]);

    // Act
    const refused = configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: withUrl('http://127.0.0.1:9000/hook') })));
    const allowed = loadNotifyConfig(env({ ROTATOR_DEPENDENTS: withUrl('http://127.0.0.1:9000/hook'), ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true' }));
    const otherHost = configError(() => loadNotifyConfig(env({ ROTATOR_DEPENDENTS: withUrl('http://hooks.example.test/hook'), ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true' })));

    // Assess
    expect(refused.field).toBe('ROTATOR_DEPENDENTS.0.webhooks.0.url');
    expect(refused.expected).toBe('an https:// URL');
    expect(allowed.dependents[0]?.webhooks[0]?.url).toBe('http://127.0.0.1:9000/hook');
    expect(otherHost.field).toBe('ROTATOR_DEPENDENTS.0.webhooks.0.url');
  });

  it('refuses a loopback flag that is not true or false', () => {
    expect(configError(() => loadNotifyConfig(env({ ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'yes' }))).field).toBe('ROTATOR_ALLOW_LOOPBACK_WEBHOOKS');
  });
});

describe('Function: dependentsOf', () => {
  it('merges every entry for the secret and ignores other secrets', () => {
    // Prepare
    const config = loadNotifyConfig(
      env({
        ROTATOR_DEPENDENTS: JSON.stringify([
          { secretArn: ARN, integrationCredentialIds: ['cred-1'] },
          { secretArn: `${ARN}-other`, integrationCredentialIds: ['cred-x'] },
          { secretArn: ARN, integrationCredentialIds: ['cred-1', 'cred-2'], webhooks: [{ name: 'ops', url: 'https://x.test', signingKeySecretArn: KEY_ARN }] },
        ]),
      }),
    );

    // Act
    const dependents = dependentsOf(config, ARN);

    // Assess
    expect(dependents.integrationCredentialIds).toEqual(['cred-1', 'cred-2']);
    expect(dependents.webhooks.map((w) => w.name)).toEqual(['ops']);
  });
});
