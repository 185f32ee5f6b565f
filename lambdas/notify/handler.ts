/**
 * The notify function EventBridge calls with the rotated event (DESIGN.md §4): parse the event, run
 * the notifier, map the result. Everything else lives in lambdas/core/notify/.
 *
 * Throws when an integration credential update failed (Lambda's asynchronous retry runs the event
 * again; the update is idempotent) or a failed webhook could not be stored in the dead-letter queue.
 * Webhook failures stored there do not throw: the queue's alarm tells people.
 *
 * With a Lambda `context`, webhook retries and Genesys Cloud retries stop DEADLINE_MARGIN_MS (core/deadline.ts) before the
 * invocation's timeout (a webhook is then dead-lettered with reason `deadline`), so the invocation ends
 * with its dead letters stored instead of being killed mid-wait.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Dispatcher } from 'undici';
import { sdkClientConfig } from '../core/aws/sdk-clients';
import { SecretsStore } from '../core/aws/secrets-store';
import { loadBindings } from '../core/bindings';
import { parseRotatedEvent } from '../core/events';
import { genesysClientsByEnvironment } from '../core/genesys/client';
import { fromPowertools } from '../core/log';
import { loadNotifyConfig } from '../core/notify/config';
import { SqsDeadLetterQueue } from '../core/notify/dead-letter';
import { notifyDependents, type NotifierDeps } from '../core/notify/notifier';
import { describeError } from '../core/redaction';
import type { RetryPolicy } from '../core/genesys/retry';
import { invocationDeadline } from '../core/deadline';

export interface NotifyHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** undici dispatcher for Genesys Cloud calls (tests). */
  readonly dispatcher?: Dispatcher;
  /** undici dispatcher for webhook deliveries (tests). */
  readonly webhookDispatcher?: Dispatcher;
  /** Webhook retry policy overrides (tests shorten the backoff). */
  readonly webhookRetry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the invocation did, for the Lambda's response and tests. Never a secret. */
export interface NotifyHandlerResult {
  readonly secretArn: string;
  readonly versionId: string;
  readonly credentials: string;
  readonly webhooksDelivered: number;
  readonly webhooksDeadLettered: number;
}

export type NotifyHandler = (event: unknown, context?: Context) => Promise<NotifyHandlerResult>;

/**
 * Build a handler. Configuration is validated and clients are created on the first call, then kept
 * for the life of the process; the SDK reads its own variables (`AWS_REGION`,
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SQS`).
 */
export function createNotifyHandler(options: NotifyHandlerOptions = {}): NotifyHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'genesys-oauth-rotator' });
  let deps: NotifierDeps | undefined;
  // The current invocation's deadline, read by webhook deliveries and the Genesys clients before each wait.
  let deadlineMs: number | undefined;
  const deadline = () => deadlineMs;

  const buildDeps = (): NotifierDeps => {
    const env = options.env ?? process.env;
    const config = loadNotifyConfig(env);
    const log = fromPowertools(logger);
    return {
      config,
      // Fail closed like the rotate function: no bindings, no admin pair to use.
      bindings: loadBindings(env),
      secrets: new SecretsStore(new SecretsManagerClient(sdkClientConfig())),
      deadLetters: new SqsDeadLetterQueue(new SQSClient(sdkClientConfig()), config.deadLetterQueueUrl),
      log,
      genesysFor: genesysClientsByEnvironment({ log, baseUrl: config.genesysBaseUrl, dispatcher: options.dispatcher, sleep: options.sleep, deadline }),
      webhookOptions: {
        deadline,
        ...(options.webhookDispatcher !== undefined ? { dispatcher: options.webhookDispatcher } : {}),
        ...(options.webhookRetry !== undefined ? { retry: options.webhookRetry } : {}),
        ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
      },
    };
  };

  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    deadlineMs = invocationDeadline(context);
    try {
      const detail = parseRotatedEvent(event);
      logger.appendKeys({ secretArn: detail.secretArn, versionId: detail.versionId });
      deps ??= buildDeps();
      const result = await notifyDependents(detail, deps);
      const summary: NotifyHandlerResult = {
        secretArn: detail.secretArn,
        versionId: detail.versionId,
        credentials: result.credentials.kind,
        webhooksDelivered: result.webhooks.filter((w) => w.delivered).length,
        webhooksDeadLettered: result.deadLettered.length,
      };
      logger.info('Dependents notified', { ...summary });
      return summary;
    } catch (error) {
      logger.error('Notifying dependents failed', describeError(error));
      throw error;
    } finally {
      logger.removeKeys(['secretArn', 'versionId']);
    }
  };
}

/** The function EventBridge invokes. */
export const handler: NotifyHandler = createNotifyHandler();
