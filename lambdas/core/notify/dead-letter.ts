/**
 * The dead-letter queue: webhooks that still failed after every retry are kept here (an SQS queue
 * whose depth raises a CloudWatch alarm), with enough to replay them by hand. A dead letter carries
 * the event detail (never a secret), the receiver's name and URL without query string, and why it failed.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterQueueError } from '../errors';
import type { RotatedEventDetail } from '../events';

export interface DeadLetter {
  readonly kind: 'webhook-delivery-failed';
  readonly webhook: string;
  /** Origin and path only: a query string may hold a receiver's own token. */
  readonly url: string;
  readonly secretArn: string;
  readonly versionId: string;
  readonly attempts: number;
  readonly reason: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly failedAt: string;
  /** The body the receiver should have got: `JSON.stringify(detail)`, signed with `versionId` as idempotency key (signature.ts). */
  readonly detail: RotatedEventDetail;
}

export interface DeadLetterQueue {
  /** @throws DeadLetterQueueError when the letter could not be stored (the notifier then fails, so Lambda retries). */
  send(letter: DeadLetter): Promise<void>;
}

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    try {
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(letter) }));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown error';
      throw new DeadLetterQueueError(`SQS SendMessage to the dead-letter queue ${this.queueUrl} failed for webhook ${letter.webhook}: ${name}`, { cause: error });
    }
  }
}
