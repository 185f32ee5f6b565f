/**
 * `genesys-oauth-rotator/client`: what integrations and webhook receivers import.
 *
 * - `createCredentialProvider({ secretId })` → `getAccessToken()` for a Genesys Cloud integration whose
 *   credentials the rotator manages, and the errors it throws;
 * - `verifyWebhook(...)` for a receiver of the rotator's webhooks;
 * - the rotated event's schema, for EventBridge subscribers and webhook bodies.
 */
export { createCredentialProvider, type CredentialProvider, type CredentialProviderOptions } from './credential-provider';
/** Timeouts for a `secretsManager` client of your own: `new SecretsManagerClient({ ...sdkClientConfig(), region })`. */
export { sdkClientConfig, type SdkTimeouts } from '../lambdas/core/aws/sdk-clients';
/** What `getAccessToken()` throws, for `instanceof` checks (e.g. a Secrets Manager read that timed out). */
export { GenesysAuthError, GenesysError, GenesysNetworkError, RotatorError, SecretDocumentError, SecretsManagerError } from '../lambdas/core/errors';
export {
  DEFAULT_TOLERANCE_SECONDS,
  WEBHOOK_HEADERS,
  verifyWebhook,
  type HeaderSource,
  type VerifyWebhookInput,
  type WebhookVerification,
} from '../lambdas/core/webhooks/signature';
export {
  ROTATED_EVENT_DETAIL_TYPE,
  ROTATED_EVENT_SOURCE,
  parseRotatedEvent,
  rotatedEventDetailSchema,
  type RotatedEventDetail,
} from '../lambdas/core/events';
