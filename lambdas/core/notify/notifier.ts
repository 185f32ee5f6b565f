/**
 * What the notifier does with one rotated event (DESIGN.md §4): update the Genesys Cloud integration
 * credentials configured for the secret, and POST a signed webhook to each configured receiver; what
 * still fails goes to the dead-letter queue. The handler only parses the event and calls `notifyDependents`.
 *
 * Receiving the same event twice does no harm: the credential update writes the same values, and every
 * webhook delivery carries the version id as its idempotency key, covered by the signature.
 */
import { AWSCURRENT, type SecretsStore } from '../aws/secrets-store';
import type { RotatedEventDetail } from '../events';
import type { GenesysApi } from '../genesys/types';
import type { Log } from '../log';
import type { GenesysEnvironment } from '../regions';
import { describeError } from '../redaction';
import { deliverWebhook, type WebhookDeliveryOptions, type WebhookDeliveryResult } from '../webhooks/delivery';
import { describeWebhookUrl } from '../webhooks/url-policy';
import { dependentsOf, type NotifyConfig, type WebhookConfig } from './config';
import type { DeadLetter, DeadLetterQueue } from './dead-letter';
import type { Bindings } from '../bindings';
import { updateIntegrationCredentials, type CredentialUpdateOutcome } from './integration-credentials';

export interface NotifierDeps {
  readonly config: Pick<NotifyConfig, 'dependents' | 'allowLoopbackWebhooks'>;
  readonly secrets: Pick<SecretsStore, 'getValue'>;
  /** The deployment's bindings: the admin pair and clients each secret may use (DESIGN.md §3). */
  readonly bindings: Bindings;
  readonly genesysFor: (environment: GenesysEnvironment) => GenesysApi;
  readonly deadLetters: DeadLetterQueue;
  readonly log: Log;
  /** Dispatcher, retry policy, timer and deadline for webhook deliveries (tests shorten the backoff). */
  readonly webhookOptions?: Omit<WebhookDeliveryOptions, 'log' | 'allowLoopbackHttp'>;
  /** @default Date.now */
  readonly now?: () => number;
}

export type WebhookOutcome = WebhookDeliveryResult | { readonly delivered: false; readonly name: string; readonly attempts: 0; readonly reason: 'signing-key-unavailable' };

export interface NotifyResult {
  readonly credentials: CredentialUpdateOutcome;
  readonly webhooks: readonly WebhookOutcome[];
  /** Names of the webhooks whose failure was stored in the dead-letter queue. */
  readonly deadLettered: readonly string[];
}

async function notifyWebhook(detail: RotatedEventDetail, webhook: WebhookConfig, deps: NotifierDeps): Promise<WebhookOutcome> {
  let signingKey: string | undefined;
  try {
    signingKey = (await deps.secrets.getValue(webhook.signingKeySecretArn, { stage: AWSCURRENT })).secretString;
  } catch (error) {
    deps.log.error('Webhook signing key unavailable', { webhook: webhook.name, signingKeySecretArn: webhook.signingKeySecretArn, ...describeError(error) });
  }
  if (signingKey === undefined || signingKey === '') {
    return { delivered: false, name: webhook.name, attempts: 0, reason: 'signing-key-unavailable' };
  }
  return await deliverWebhook(webhook, signingKey, detail, { ...deps.webhookOptions, allowLoopbackHttp: deps.config.allowLoopbackWebhooks, log: deps.log });
}

function deadLetterOf(detail: RotatedEventDetail, webhook: WebhookConfig, outcome: Extract<WebhookOutcome, { delivered: false }>, nowMs: number): DeadLetter {
  return {
    kind: 'webhook-delivery-failed',
    webhook: webhook.name,
    url: describeWebhookUrl(webhook.url),
    secretArn: detail.secretArn,
    versionId: detail.versionId,
    attempts: outcome.attempts,
    reason: outcome.reason,
    ...('status' in outcome && outcome.status !== undefined ? { status: outcome.status } : {}),
    ...('errorCode' in outcome && outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
    failedAt: new Date(nowMs).toISOString(),
    detail,
  };
}

/**
 * Notify every dependent of one rotation. Webhooks are delivered even when a credential update fails.
 * @throws the credential update's error (so Lambda retries the event), or the dead-letter queue's error
 *   when a failed webhook could not be stored; webhook failures that reached the queue do not throw.
 */
export async function notifyDependents(detail: RotatedEventDetail, deps: NotifierDeps): Promise<NotifyResult> {
  const dependents = dependentsOf(deps.config, detail.secretArn);
  if (dependents.integrationCredentialIds.length === 0 && dependents.webhooks.length === 0) {
    deps.log.info('No dependents configured for this secret', { secretArn: detail.secretArn, versionId: detail.versionId });
  }

  const credentialsRun = updateIntegrationCredentials(detail, dependents.integrationCredentialIds, deps);
  // allSettled: one dead-letter failure must not leave the other deliveries unawaited (a frozen Lambda).
  const webhooksRun = Promise.allSettled(
    dependents.webhooks.map(async (webhook) => {
      const outcome = await notifyWebhook(detail, webhook, deps);
      if (outcome.delivered) return { outcome, deadLettered: false };
      await deps.deadLetters.send(deadLetterOf(detail, webhook, outcome, (deps.now ?? Date.now)()));
      deps.log.error('Webhook delivery failed; kept in the dead-letter queue', {
        webhook: webhook.name,
        secretArn: detail.secretArn,
        versionId: detail.versionId,
        reason: outcome.reason,
      });
      return { outcome, deadLettered: true };
    }),
  );
  const [credentials, webhooks] = await Promise.allSettled([credentialsRun, webhooksRun]);

  if (credentials.status === 'rejected') throw credentials.reason;
  if (webhooks.status === 'rejected') throw webhooks.reason;
  const settled = webhooks.value;
  const lost = settled.find((w) => w.status === 'rejected');
  if (lost !== undefined) throw lost.reason;
  const done = settled.flatMap((w) => (w.status === 'fulfilled' ? [w.value] : []));
  return {
    credentials: credentials.value,
    webhooks: done.map((w) => w.outcome),
    deadLettered: done.filter((w) => w.deadLettered).map((w) => w.outcome.name),
  };
}
