import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { MockAgent } from 'undici';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../../../lambdas/core/events';
import type { DeadLetter } from '../../../lambdas/core/notify/dead-letter';
import { createNotifyHandler } from '../../../lambdas/notify/handler';
import { APP_ARN, BINDINGS, detailFor } from './fakes';

const ORIGIN = 'https://hooks.example.test';
const KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-key-AbCdEf';
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/rotator-webhooks-dlq';

const ENV = {
  ROTATOR_DEPENDENTS: JSON.stringify([{ secretArn: APP_ARN, webhooks: [{ name: 'ops', url: `${ORIGIN}/ops`, signingKeySecretArn: KEY_ARN }] }]),
  DLQ_URL: DLQ,
  ROTATOR_BINDINGS: JSON.stringify(BINDINGS),
};

const EVENT = { version: '0', id: 'e-1', source: ROTATED_EVENT_SOURCE, 'detail-type': ROTATED_EVENT_DETAIL_TYPE, detail: detailFor('v-2') };

/** A Lambda context with `remainingMs` left; only getRemainingTimeInMillis matters here. */
function contextWith(remainingMs: number): Context {
  return Object.freeze({
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'notify',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:notify',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/notify',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  });
}

describe('Function: createNotifyHandler', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const sqs = mockClient(SQSClient);
  let agent: MockAgent;
  let sleeps: number[];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  beforeEach(() => {
    secretsManager.on(GetSecretValueCommand).resolves({ VersionId: 'k-1', SecretString: 'whsec-handler', VersionStages: ['AWSCURRENT'] });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    agent = new MockAgent();
    agent.disableNetConnect();
    sleeps = [];
  });

  afterEach(async () => {
    secretsManager.reset();
    sqs.reset();
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const deadLetters = () => sqs.commandCalls(SendMessageCommand).map((call) => JSON.parse(call.args[0].input.MessageBody ?? '{}') as DeadLetter);
  const rateLimited = (times: number) =>
    agent.get(ORIGIN).intercept({ path: '/ops', method: 'POST' }).reply(429, '', { headers: { 'retry-after': '30' } }).times(times);

  it('dead-letters with reason deadline rather than waiting past the invocation timeout (429 + Retry-After 30)', async () => {
    // Prepare: 40 s left; minus the 10 s margin, a 30 s wait plus one attempt does not fit
    rateLimited(1);
    const handler = createNotifyHandler({ env: ENV, webhookDispatcher: agent, sleep });

    // Act
    const result = await handler(EVENT, contextWith(40_000));

    // Assess
    expect(result).toMatchObject({ webhooksDelivered: 0, webhooksDeadLettered: 1 });
    expect(sleeps).toEqual([]);
    expect(deadLetters()).toEqual([expect.objectContaining({ webhook: 'ops', attempts: 1, reason: 'deadline', status: 429 })]);
  });

  it('reads the deadline afresh on each invocation of a warm handler', async () => {
    // Prepare: a short first invocation, then one with time to spare
    rateLimited(1);
    const handler = createNotifyHandler({ env: ENV, webhookDispatcher: agent, sleep });
    await handler(EVENT, contextWith(40_000));
    rateLimited(1);
    agent.get(ORIGIN).intercept({ path: '/ops', method: 'POST' }).reply(204, '');

    // Act
    const result = await handler(EVENT, contextWith(120_000));

    // Assess
    expect(result).toMatchObject({ webhooksDelivered: 1, webhooksDeadLettered: 0 });
    expect(sleeps).toEqual([30_000]);
  });

  it('still works when called with the event alone (no deadline: the retry policy decides)', async () => {
    // Prepare
    rateLimited(4);
    const handler = createNotifyHandler({ env: ENV, webhookDispatcher: agent, sleep });

    // Act
    const result = await handler(EVENT);

    // Assess
    expect(result).toMatchObject({ webhooksDelivered: 0, webhooksDeadLettered: 1 });
    expect(sleeps).toEqual([30_000, 30_000, 30_000]);
    expect(deadLetters()).toEqual([expect.objectContaining({ attempts: 4, reason: 'exhausted' })]);
  });

  it('fails closed without bindings, before any delivery', async () => {
    // Prepare
    const { ROTATOR_BINDINGS: _dropped, ...withoutBindings } = ENV;
    const handler = createNotifyHandler({ env: withoutBindings, webhookDispatcher: agent, sleep });

    // Act / Assess
    await expect(handler(EVENT)).rejects.toMatchObject({ name: 'ConfigurationError', field: 'ROTATOR_BINDINGS' });
    expect(deadLetters()).toEqual([]);
  });
});
