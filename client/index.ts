/**
 * `genesys-oauth-rotator/client`: what integrations and webhook receivers import.
 *
 * - `createCredentialProvider({ secretId })` → `getAccessToken()` for a Genesys Cloud integration whose
 *   credentials the rotator manages, and the errors it throws;
 * - `authorizePlatformClient(apiClient, provider)` to give the official Genesys Cloud SDK's `ApiClient`
 *   the provider's token, renewed on 401;
 * - `verifyWebhook(...)` for a receiver of the rotator's webhooks;
 * - the rotated event's parser, for EventBridge subscribers and webhook bodies.
 *
 * Shipped as one bundle per module format (scripts/build-client.mjs): its only runtime import is
 * `@aws-sdk/client-secrets-manager`; Genesys Cloud is reached with Node's own `https`.
 */
export { createCredentialProvider, type CredentialProvider, type CredentialProviderOptions } from './credential-provider';
export { authorizePlatformClient, platformErrorStatus, type DetachPlatformClient, type PlatformApiClient } from './platform-client';
/** Timeouts for a `secretsManager` client of your own: `new SecretsManagerClient({ ...sdkClientConfig(), region })`. */
export { sdkClientConfig, type SdkTimeouts } from '../lambdas/core/aws/sdk-clients';
/** What `getAccessToken()` throws, for `instanceof` checks (e.g. a Secrets Manager read that timed out). */
export {
  GenesysAuthError,
  GenesysError,
  GenesysNetworkError,
  GenesysRateLimitError,
  GenesysResponseError,
  RotatorError,
  SecretDocumentError,
  SecretsManagerError,
  UnknownRegionError,
  ValidationError,
} from '../lambdas/core/errors';
export type { AccessToken, ClientCredentials, GenesysApi } from '../lambdas/core/genesys/types';
export type { FetchFunction } from '../lambdas/core/genesys/fetch-transport';
export type { Log, LogAttributes } from '../lambdas/core/log';
export type { GenesysEnvironment } from '../lambdas/core/regions';
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
  type RotatedEventDetailSchema,
  type RotatedEventIssue,
  type RotatedEventSafeParseResult,
} from './rotated-event';
