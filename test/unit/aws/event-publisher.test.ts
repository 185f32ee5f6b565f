import { EventBridgeClient, InternalException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '../../../lambdas/core/aws/event-publisher';
import { EventPublishError } from '../../../lambdas/core/errors';
import type { RotatedEventDetail } from '../../../lambdas/core/events';
import { startAwsEmulator, type AwsEmulator } from '../../../local/aws';

const BUS = 'genesys-rotator';
const DETAIL: RotatedEventDetail = {
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf',
  versionId: 'v-2',
  clientId: 'client-b',
  environment: 'mypurecloud.com',
  strategy: 'alternating',
  emergency: false,
  rotatedAt: '2026-12-01T10:00:00.000Z',
};

describe('Class: EventBridgePublisher', () => {
  describe('Method: publish', () => {
    const eventBridge = mockClient(EventBridgeClient);

    beforeEach(() => {
      eventBridge.reset();
    });

    afterAll(() => {
      eventBridge.restore();
    });

    it('puts the rotated event on the bus', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), BUS);

      // Act
      await publisher.publish(DETAIL);

      // Assess
      const [call] = eventBridge.commandCalls(PutEventsCommand);
      expect(call?.args[0].input.Entries).toEqual([
        expect.objectContaining({ EventBusName: BUS, Resources: [DETAIL.secretArn], Detail: JSON.stringify(DETAIL) }),
      ]);
    });

    it('throws EventPublishError when EventBridge refuses the entry', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), BUS);

      // Act & Assess
      await expect(publisher.publish(DETAIL)).rejects.toThrow(EventPublishError);
    });

    it('throws EventPublishError with the SDK error as cause when the call fails', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).rejects(new InternalException({ message: 'down', $metadata: {} }));
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), BUS);

      // Act
      const run = publisher.publish(DETAIL);

      // Assess
      await expect(run).rejects.toBeInstanceOf(EventPublishError);
      await expect(run).rejects.toMatchObject({ cause: { name: 'InternalException' } });
    });

    it('passes the SDK an abort signal for the invocation deadline', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), BUS, { deadline: () => Date.now() - 1 });

      // Act
      await publisher.publish(DETAIL);

      // Assess: the mock ignores the signal; the test below shows the SDK honouring it
      const [call] = eventBridge.commandCalls(PutEventsCommand);
      expect(((call?.args as unknown[] | undefined)?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal?.aborted).toBe(true);
    });

    it('passes no signal without a deadline (outside Lambda)', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), BUS, { deadline: () => undefined });

      // Act
      await publisher.publish(DETAIL);

      // Assess
      const [call] = eventBridge.commandCalls(PutEventsCommand);
      expect(((call?.args as unknown[] | undefined)?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal).toBeUndefined();
    });
  });

  describe('Method: publish, against an EventBridge that never answers', () => {
    let aws: AwsEmulator;
    let client: EventBridgeClient;

    beforeAll(async () => {
      aws = await startAwsEmulator();
      // A client without timeouts of its own: only the deadline bounds the call.
      client = new EventBridgeClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    });

    afterAll(async () => {
      client.destroy();
      await aws.close();
    });

    it('gives up at the invocation deadline with EventPublishError (cause AbortError)', async () => {
      // Prepare
      aws.eventBridge.faults.stall('PutEvents');
      const deadlineMs = Date.now() + 200;
      const publisher = new EventBridgePublisher(client, BUS, { deadline: () => deadlineMs });

      // Act
      const run = publisher.publish(DETAIL);

      // Assess
      await expect(run).rejects.toBeInstanceOf(EventPublishError);
      await expect(run).rejects.toMatchObject({ cause: { name: 'AbortError' } });
      expect(aws.requestCounts().PutEvents).toBe(1);
    });
  });
});
