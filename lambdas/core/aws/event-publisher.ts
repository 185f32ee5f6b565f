/**
 * Publishes the rotated event (DESIGN.md §4) to EventBridge. A refused entry is an error, so the
 * finishSecret step fails and Secrets Manager retries it: delivery is at least once. With a deadline
 * (the invocation's), a PutEvents still unanswered then is abandoned and fails the same way.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventPublishError } from '../errors';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE, type RotatedEventDetail } from '../events';
import { deadlineSignal } from './sdk-clients';

export interface RotatedEventPublisher {
  publish(detail: RotatedEventDetail): Promise<void>;
}

export interface EventBridgePublisherOptions {
  /**
   * The current invocation's deadline (epoch ms), read at each publish; PutEvents is aborted then.
   * @default no deadline (the client's own timeouts still apply)
   */
  readonly deadline?: () => number | undefined;
}

export class EventBridgePublisher implements RotatedEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly options: EventBridgePublisherOptions = {},
  ) {}

  async publish(detail: RotatedEventDetail): Promise<void> {
    let failed: { code?: string } | undefined;
    const abortSignal = deadlineSignal(this.options.deadline?.());
    try {
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.eventBusName,
              Source: ROTATED_EVENT_SOURCE,
              DetailType: ROTATED_EVENT_DETAIL_TYPE,
              Resources: [detail.secretArn],
              Detail: JSON.stringify(detail),
            },
          ],
        }),
        abortSignal !== undefined ? { abortSignal } : {},
      );
      if ((out.FailedEntryCount ?? 0) > 0) failed = { code: out.Entries?.[0]?.ErrorCode ?? 'unknown' };
    } catch (error) {
      throw new EventPublishError(`EventBridge PutEvents to bus ${this.eventBusName} failed: ${error instanceof Error ? error.name : 'unknown error'}`, {
        cause: error,
      });
    }
    if (failed) throw new EventPublishError(`EventBridge refused the rotated event for ${detail.secretArn} on bus ${this.eventBusName}: ${failed.code ?? ''}`);
  }
}
