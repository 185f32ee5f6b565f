import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { MockAgent } from 'undici';
import { DeadLetterQueueError, GenesysNotFoundError } from '../../../lambdas/core/errors';
import { SqsDeadLetterQueue, type DeadLetter, type DeadLetterQueue } from '../../../lambdas/core/notify/dead-letter';
import { notifyDependents, type NotifierDeps } from '../../../lambdas/core/notify/notifier';
import { WEBHOOK_HEADERS } from '../../../lambdas/core/webhooks/signature';
import { ADMIN_ARN, APP_ARN, BINDINGS, detailFor, fakeGenesys, fakeSecrets, recordingLog } from './fakes';

const ORIGIN = 'https://hooks.example.test';
const KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-key-AbCdEf';
const APP_DOC = { environment: 'mypurecloud.com', clientId: 'app-b', clientSecret: 'app-b-new-secret', strategy: 'alternating', alternateClientId: 'app-a', adminSecretId: ADMIN_ARN };
const ADMIN_DOC = { environment: 'mypurecloud.com', clientId: 'admin-a', clientSecret: 'admin-a-secret', strategy: 'alternating', alternateClientId: 'admin-b' };

class MemoryDeadLetters implements DeadLetterQueue {
  readonly letters: DeadLetter[] = [];
  readonly attempted: string[] = [];
  failing = false;
  send(letter: DeadLetter): Promise<void> {
    this.attempted.push(letter.webhook);
    // What SqsDeadLetterQueue throws when SQS refuses the message.
    if (this.failing) return Promise.reject(new DeadLetterQueueError(`SQS SendMessage to the dead-letter queue failed for webhook ${letter.webhook}: QueueDoesNotExist`));
    this.letters.push(letter);
    return Promise.resolve();
  }
}

describe('Function: notifyDependents', () => {
  let agent: MockAgent;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  function setup(options: { credentialIds?: string[]; webhooks?: { name: string; path: string }[]; signingKey?: string | null } = {}) {
    const secrets = fakeSecrets({
      [APP_ARN]: { versionId: 'v-2', value: APP_DOC },
      [ADMIN_ARN]: { versionId: 'admin-v', value: ADMIN_DOC },
      ...(options.signingKey === null ? {} : { [KEY_ARN]: { versionId: 'k-1', value: options.signingKey ?? 'whsec-notifier' } }),
    });
    const genesys = fakeGenesys({ 'cred-1': { id: 'cred-1', name: 'gc-data-actions', type: { name: 'pureCloudOAuthClient' } } });
    const deadLetters = new MemoryDeadLetters();
    const log = recordingLog();
    const deps: NotifierDeps = {
      config: {
        allowLoopbackWebhooks: false,
        dependents: [
          {
            secretArn: APP_ARN,
            integrationCredentialIds: options.credentialIds ?? ['cred-1'],
            webhooks: (options.webhooks ?? [{ name: 'ops', path: '/ops' }]).map((w) => ({ name: w.name, url: `${ORIGIN}${w.path}`, signingKeySecretArn: KEY_ARN })),
          },
        ],
      },
      bindings: BINDINGS,
      secrets,
      genesysFor: () => genesys,
      deadLetters,
      log,
      webhookOptions: { dispatcher: agent, sleep: () => Promise.resolve(), retry: { maxAttempts: 3 } },
      now: () => Date.parse('2026-01-01T00:05:00.000Z'),
    };
    return { deps, genesys, deadLetters, log };
  }

  const reply = (path: string, status: number, times = 1, seen?: string[]) =>
    agent
      .get(ORIGIN)
      .intercept({ path, method: 'POST' })
      .reply(status, (options) => {
        seen?.push((options.headers as Record<string, string>)[WEBHOOK_HEADERS.idempotencyKey]!);
        return '';
      })
      .times(times);

  it('updates the credential and delivers the webhook', async () => {
    // Prepare
    const { deps, genesys, deadLetters } = setup();
    reply('/ops', 200);

    // Act
    const result = await notifyDependents(detailFor('v-2'), deps);

    // Assess
    expect(result.credentials).toEqual({ kind: 'updated', credentialIds: ['cred-1'] });
    expect(result.webhooks).toEqual([{ delivered: true, name: 'ops', attempts: 1, status: 200 }]);
    expect(genesys.putIntegrationCredential).toHaveBeenCalledTimes(1);
    expect(deadLetters.letters).toEqual([]);
  });

  it('keeps a webhook that always fails in the dead-letter queue, without throwing', async () => {
    // Prepare
    const { deps, deadLetters, log } = setup({ webhooks: [{ name: 'ops', path: '/ops' }, { name: 'broken', path: '/broken?token=abc' }] });
    reply('/ops', 200);
    reply('/broken?token=abc', 500, 3);

    // Act
    const result = await notifyDependents(detailFor('v-2'), deps);

    // Assess
    expect(result.deadLettered).toEqual(['broken']);
    expect(deadLetters.letters).toEqual([
      {
        kind: 'webhook-delivery-failed',
        webhook: 'broken',
        url: `${ORIGIN}/broken`,
        secretArn: APP_ARN,
        versionId: 'v-2',
        attempts: 3,
        reason: 'exhausted',
        status: 500,
        failedAt: '2026-01-01T00:05:00.000Z',
        detail: detailFor('v-2'),
      },
    ]);
    expect(log.lines.some((l) => l.startsWith('error Webhook delivery failed; kept in the dead-letter queue'))).toBe(true);
  });

  it('throws the DeadLetterQueueError when a failed webhook cannot be stored, after the other deliveries finished', async () => {
    // Prepare: 'broken' fails at once and its dead letter is refused; 'slow' is still retrying then
    const { deps, deadLetters, log } = setup({ webhooks: [{ name: 'broken', path: '/broken' }, { name: 'slow', path: '/slow' }] });
    deadLetters.failing = true;
    reply('/broken', 400);
    reply('/slow', 503);
    reply('/slow', 200);
    const slowSleep = async () => {
      while (deadLetters.attempted.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    const run = notifyDependents(detailFor('v-2'), { ...deps, webhookOptions: { ...deps.webhookOptions, sleep: slowSleep } });

    // Act
    const error = await run.then(
      () => undefined,
      (reason: unknown) => reason,
    );

    // Assess: the queue's own error, and 'slow' was delivered before the invocation failed
    expect(error).toBeInstanceOf(DeadLetterQueueError);
    expect((error as Error).message).toContain('broken');
    expect(log.lines.some((l) => l.startsWith('info Webhook delivered') && l.includes('"webhook":"slow"'))).toBe(true);
  });

  it('dead-letters a webhook whose signing key cannot be read instead of sending it unsigned', async () => {
    // Prepare
    const { deps, deadLetters } = setup({ signingKey: null });

    // Act
    await notifyDependents(detailFor('v-2'), deps);

    // Assess
    expect(deadLetters.letters.map((l) => l.reason)).toEqual(['signing-key-unavailable']);
  });

  it('still delivers webhooks when the credential update fails, then throws the credential error', async () => {
    // Prepare
    const { deps } = setup({ credentialIds: ['cred-gone'] });
    reply('/ops', 200);

    // Act & Assess
    await expect(notifyDependents(detailFor('v-2'), deps)).rejects.toBeInstanceOf(GenesysNotFoundError);
    // assertNoPendingInterceptors in afterEach proves the webhook was sent.
  });

  it('does no harm on a repeated event: same credential values, same idempotency key', async () => {
    // Prepare
    const { deps, genesys } = setup();
    const seen: string[] = [];
    reply('/ops', 200, 2, seen);

    // Act
    await notifyDependents(detailFor('v-2'), deps);
    await notifyDependents(detailFor('v-2'), deps);

    // Assess
    expect(genesys.putIntegrationCredential.mock.calls[0]).toEqual(genesys.putIntegrationCredential.mock.calls[1]);
    expect(seen).toEqual(['v-2', 'v-2']);
  });

  it('does nothing for a secret without dependents', async () => {
    const { deps, genesys } = setup();
    const result = await notifyDependents(detailFor('v-2', { secretArn: `${APP_ARN}-other` }), deps);
    expect(result).toEqual({ credentials: { kind: 'none-configured' }, webhooks: [], deadLettered: [] });
    expect(genesys.getToken).not.toHaveBeenCalled();
  });
});

describe('Class: SqsDeadLetterQueue', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  const letter: DeadLetter = {
    kind: 'webhook-delivery-failed',
    webhook: 'ops',
    url: `${ORIGIN}/ops`,
    secretArn: APP_ARN,
    versionId: 'v-2',
    attempts: 4,
    reason: 'exhausted',
    failedAt: '2026-01-01T00:05:00.000Z',
    detail: detailFor('v-2'),
  };

  it('sends the letter as the JSON message body to the queue', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    // Act
    await new SqsDeadLetterQueue(new SQSClient({}), 'https://sqs.example/q').send(letter);

    // Assess
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input.QueueUrl).toBe('https://sqs.example/q');
    expect(JSON.parse(input.MessageBody!)).toEqual(letter);
  });

  it('turns an SDK failure into a DeadLetterQueueError naming the queue and the webhook', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('boom'), { name: 'QueueDoesNotExist' }));

    // Act
    const run = new SqsDeadLetterQueue(new SQSClient({}), 'https://sqs.example/q').send(letter);

    // Assess
    await expect(run).rejects.toBeInstanceOf(DeadLetterQueueError);
    await expect(run).rejects.toThrow('https://sqs.example/q failed for webhook ops: QueueDoesNotExist');
  });
});
