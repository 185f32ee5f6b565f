/**
 * The EventBridge stand-in, driven through the real @aws-sdk/client-eventbridge.
 */
import { EventBridgeClient, InternalException, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type AwsEmulator, type EventBridgeEvent, startAwsEmulator } from '../../../local/aws';

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);

function rotatedEntry(overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    EventBusName: 'genesys-rotator',
    Source: 'genesys-oauth-rotator',
    DetailType: 'Genesys OAuth Secret Rotated',
    Detail: JSON.stringify({ secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', versionId: 'v2' }),
    Resources: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf'],
    ...overrides,
  };
}

describe('EventBridge emulator', () => {
  let aws: AwsEmulator;
  let events: EventBridgeClient;

  beforeEach(async () => {
    aws = await startAwsEmulator({ now: () => new Date(T0) });
    events = new EventBridgeClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });

  afterEach(async () => {
    events.destroy();
    await aws.close();
  });

  describe('PutEvents', () => {
    it('returns an EventId per entry and records each event with its bus', async () => {
      // Act
      const result = await events.send(new PutEventsCommand({ Entries: [rotatedEntry(), rotatedEntry({ EventBusName: undefined })] }));

      // Assess
      expect(result.FailedEntryCount).toBe(0);
      const recorded = aws.eventBridge.entries();
      expect(result.Entries?.map((entry) => entry.EventId)).toEqual(recorded.map((event) => event.eventId));
      expect(recorded.map((event) => event.eventBusName)).toEqual(['genesys-rotator', 'default']);
      expect(recorded[0]).toMatchObject({ source: 'genesys-oauth-rotator', detailType: 'Genesys OAuth Secret Rotated', time: new Date(T0) });
      expect(recorded[0]?.event).toMatchObject({ account: '123456789012', region: 'us-east-1', time: '2026-01-15T10:30:00Z', detail: { versionId: 'v2' } });
    });

    it('records a bus given as an ARN by its name', async () => {
      // Act
      await events.send(new PutEventsCommand({ Entries: [rotatedEntry({ EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/genesys-rotator' })] }));

      // Assess
      expect(aws.eventBridge.entries({ eventBusName: 'genesys-rotator' })).toHaveLength(1);
    });

    it('fails entries without a DetailType or with a Detail that is not a JSON object, and records only the others', async () => {
      // Act
      const result = await events.send(new PutEventsCommand({ Entries: [rotatedEntry({ DetailType: undefined }), rotatedEntry({ Detail: '[1,2]' }), rotatedEntry()] }));

      // Assess
      expect(result.FailedEntryCount).toBe(2);
      expect(result.Entries?.[0]).toMatchObject({ ErrorCode: 'InvalidArgument' });
      expect(result.Entries?.[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
      expect(result.Entries?.[2]?.EventId).toEqual(expect.any(String));
      expect(aws.eventBridge.entries()).toHaveLength(1);
    });

    it('refuses more than 10 entries in one call', async () => {
      await expect(events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => rotatedEntry()) }))).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('fault injection', () => {
    it('fails the next N entries with the given ErrorCode and FailedEntryCount', async () => {
      // Prepare
      aws.eventBridge.failNextEntries(1, { errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' });

      // Act
      const result = await events.send(new PutEventsCommand({ Entries: [rotatedEntry(), rotatedEntry()] }));

      // Assess
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]).toEqual({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' });
      expect(result.Entries?.[1]?.EventId).toBe(aws.eventBridge.entries()[0]?.eventId);
      expect(aws.eventBridge.entries()).toHaveLength(1);
    });

    it('fails the next N calls with InternalException and records nothing', async () => {
      // Prepare
      aws.eventBridge.failNextCalls(1);

      // Act
      const failed = events.send(new PutEventsCommand({ Entries: [rotatedEntry()] }));

      // Assess
      await expect(failed).rejects.toBeInstanceOf(InternalException);
      expect(aws.eventBridge.entries()).toHaveLength(0);
      await events.send(new PutEventsCommand({ Entries: [rotatedEntry()] }));
      expect(aws.eventBridge.entries()).toHaveLength(1);
      expect(aws.requestCounts()).toEqual({ PutEvents: 2 });
    });
  });

  describe('subscribe', () => {
    it('delivers matching events to an in-process rule target until unsubscribed', async () => {
      // Prepare
      const delivered: EventBridgeEvent[] = [];
      const unsubscribe = aws.eventBridge.subscribe(
        (event) => {
          delivered.push(event);
        },
        { eventBusName: 'genesys-rotator', detailType: 'Genesys OAuth Secret Rotated' },
      );

      // Act
      await events.send(new PutEventsCommand({ Entries: [rotatedEntry(), rotatedEntry({ EventBusName: 'other' })] }));
      await aws.eventBridge.idle();
      unsubscribe();
      await events.send(new PutEventsCommand({ Entries: [rotatedEntry()] }));
      await aws.eventBridge.idle();

      // Assess
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({ 'detail-type': 'Genesys OAuth Secret Rotated', source: 'genesys-oauth-rotator', detail: { versionId: 'v2' } });
    });

    it('keeps the error a subscriber throws without failing PutEvents', async () => {
      // Prepare
      aws.eventBridge.subscribe(() => {
        throw new Error('target failed');
      });

      // Act
      const result = await events.send(new PutEventsCommand({ Entries: [rotatedEntry()] }));
      await aws.eventBridge.idle();

      // Assess
      expect(result.FailedEntryCount).toBe(0);
      expect(aws.eventBridge.deliveryErrors()).toEqual([new Error('target failed')]);
    });
  });
});
