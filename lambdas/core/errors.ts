/**
 * Every error the rotator throws. One tree, one file (STYLE.md §4.1).
 *
 * Rules that hold for every class here:
 * - messages name the field or the call and what was expected, never a secret, token or request body;
 * - a foreign error (SDK, undici, zod) is kept as `cause`, never copied into the message.
 */

/** Base of every error this project throws. */
export class RotatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value failed validation: a secret document, an event, configuration. Names the field and what was expected. */
export class ValidationError extends RotatorError {
  /** Dotted path of the offending field, e.g. `alternateClientId`; `(root)` for the whole value. */
  readonly field: string;
  /** What was expected there, in words. */
  readonly expected: string;

  constructor(what: string, field: string, expected: string, options?: ErrorOptions) {
    super(`${what}: field "${field}": expected ${expected}`, options);
    this.field = field;
    this.expected = expected;
  }
}

/** A secret's JSON is not a valid secret document (DESIGN.md §1). */
export class SecretDocumentError extends ValidationError {}

/** The Lambda's environment configuration is missing or invalid (DESIGN.md §3 runtime contract). */
export class ConfigurationError extends ValidationError {}

/**
 * The deployment's bindings (DESIGN.md §3 "Bindings") refuse this secret: thrown before any Genesys
 * Cloud call, with nothing written. The failure alarm fires and the runbook says what to check.
 */
export class BindingError extends ValidationError {}

/** The secret is not among the secrets the deployment bound to this rotator (`field` is the secret name). */
export class UnboundSecretError extends BindingError {
  constructor(what: string, secretName: string, options?: ErrorOptions) {
    super(what, secretName, 'a secret this deployment manages (ROTATOR_BINDINGS has no entry for this name)', options);
  }
}

/** A secret document names another region, other clients, another strategy or another admin pair than its binding. */
export class BindingMismatchError extends BindingError {}

/** An `environment` value that is not a known Genesys Cloud region. */
export class UnknownRegionError extends SecretDocumentError {
  constructor(environment: string, field = 'environment', options?: ErrorOptions) {
    super('Unknown Genesys Cloud region', field, `one of the known region domains (got "${environment}")`, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Genesys Cloud
// ---------------------------------------------------------------------------------------------

/** Details of a failed Genesys Cloud HTTP exchange; never a body sent, a secret or a token. */
export interface GenesysErrorDetails {
  readonly method: string;
  /** Path without query string, e.g. `/api/v2/oauth/clients/{id}/secret` with the real id. */
  readonly path: string;
  readonly status?: number;
  /** Platform API error `code` (e.g. `missing.permissions`) or OAuth `error` (e.g. `invalid_client`). */
  readonly code?: string;
  /** `inin-correlation-id` response header (or `contextId`). */
  readonly correlationId?: string;
}

/** Base of Genesys Cloud failures. */
export class GenesysError extends RotatorError {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly correlationId: string | undefined;

  constructor(message: string, details: GenesysErrorDetails, options?: ErrorOptions) {
    const parts = [`${details.method} ${details.path}`];
    if (details.status !== undefined) parts.push(`status ${details.status}`);
    if (details.code !== undefined) parts.push(`code ${details.code}`);
    if (details.correlationId !== undefined) parts.push(`correlation id ${details.correlationId}`);
    super(`${message} (${parts.join(', ')})`, options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.correlationId = details.correlationId;
  }
}

/** The Platform API answered with an error status not covered by a more specific class. */
export class GenesysApiError extends GenesysError {}

/** `/oauth/token` refused the credentials (`invalid_client`, `unauthorized_client`, ...), or an API refused a bearer token (401). */
export class GenesysAuthError extends GenesysError {}

/** OAuth error codes that say the request, not the credentials, was wrong (RFC 6749 §5.2). */
const NOT_A_CREDENTIAL_REFUSAL = new Set(['invalid_request', 'unsupported_grant_type', 'invalid_scope', 'unauthorized_client']);

/**
 * Whether `/oauth/token` refused the client id / secret pair itself: a wrong or not-yet-accepted
 * secret. GENESYS-API.md §2 documents the `invalid_client` body but not the status, so any 400/401
 * from the token endpoint counts, whatever its body, unless its code names another problem.
 */
export function isCredentialRefusal(error: unknown): error is GenesysAuthError {
  if (!(error instanceof GenesysAuthError) || error.path !== '/oauth/token') return false;
  if (error.status !== 400 && error.status !== 401) return false;
  return error.code === undefined || !NOT_A_CREDENTIAL_REFUSAL.has(error.code);
}

/** 403: the token lacks a permission (e.g. `oauth:client:edit` on the admin client). */
export class GenesysPermissionError extends GenesysError {}

/** 404 on a Genesys Cloud entity (OAuth client, integration credential). */
export class GenesysNotFoundError extends GenesysError {}

/** 429 persisted past the retry budget. */
export class GenesysRateLimitError extends GenesysError {}

/** Connection refused or dropped, DNS failure, or no answer within the timeout. */
export class GenesysNetworkError extends GenesysError {}

/** A response body did not match the documented shape. */
export class GenesysResponseError extends GenesysError {}

/**
 * A change of an OAuth client's `state` (PUT of the whole client, GENESYS-API.md §3) did not leave the
 * client as intended: read back, another field had changed (`fields`: names only, e.g. `roles`,
 * `accessTokenValiditySeconds`), or the state had not taken. Also thrown, before any write, when the
 * client as read lacks a field the PUT requires. The client must be checked by hand.
 */
export class OAuthClientUpdateError extends GenesysError {
  readonly clientId: string;
  /** Fields that differ from the read before the PUT (or that are missing, before any PUT). */
  readonly fields: readonly string[];

  constructor(message: string, details: GenesysErrorDetails & { readonly clientId: string; readonly fields: readonly string[] }, options?: ErrorOptions) {
    super(message, details, options);
    this.clientId = details.clientId;
    this.fields = details.fields;
  }
}

// ---------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------

/** A Secrets Manager call failed. `awsErrorName` is the SDK's error name (e.g. `ResourceNotFoundException`). */
export class SecretsManagerError extends RotatorError {
  readonly operation: string;
  readonly awsErrorName: string | undefined;

  constructor(operation: string, secretId: string, awsErrorName: string | undefined, options?: ErrorOptions) {
    super(`Secrets Manager ${operation} failed for ${secretId}${awsErrorName ? `: ${awsErrorName}` : ''}`, options);
    this.operation = operation;
    this.awsErrorName = awsErrorName;
  }
}

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

/** Base of failures to tell dependents about a rotation (the notify function then fails and Lambda retries it). */
export class NotificationError extends RotatorError {}

/** A webhook delivery that failed for good could not be stored in the dead-letter queue either. */
export class DeadLetterQueueError extends NotificationError {}

/** Several integration credential updates failed; `cause` is an AggregateError of the typed errors. */
export class IntegrationCredentialUpdateError extends NotificationError {}

/** EventBridge refused the rotated event (the step fails so that Secrets Manager retries it). */
export class EventPublishError extends RotatorError {}

// ---------------------------------------------------------------------------------------------
// Rotation
// ---------------------------------------------------------------------------------------------

/** Base of failures of the rotation contract itself. */
export class RotationError extends RotatorError {}

/** A step guard refused the call: rotation disabled, token not a version, token not AWSPENDING. */
export class RotationGuardError extends RotationError {}

/** testSecret: the pending credentials did not prove themselves (no token, wrong client, wrong organization). */
export class VerificationError extends RotationError {}

/** The rotation would make a client regenerate its own secret, or otherwise break the admin-pair rules. */
export class UnsafeRotationError extends RotationError {}

/** Two createSecret calls for one version ran at once: only one regenerated secret could be stored. */
export class ConcurrentRotationError extends RotationError {}

/**
 * testSecret found the pending version's credentials dead (two regenerates raced, or Genesys applied
 * a lost regenerate late) and recovered the client: it regenerated the secret again, stored it as a
 * new version now AWSCURRENT, and abandoned this rotation's version. Thrown so that Secrets Manager
 * records the rotation as failed and the alarm fires; the client works again and the next rotation
 * starts clean (README "Troubleshooting").
 */
export class RotationRecoveredError extends RotationError {
  /** The version this rotation made, whose credentials were dead; AWSPENDING was removed from it. */
  readonly abandonedVersionId: string;
  /** The new version holding the working credentials (AWSCURRENT). */
  readonly recoveredVersionId: string;

  constructor(message: string, versions: { readonly abandonedVersionId: string; readonly recoveredVersionId: string }, options?: ErrorOptions) {
    super(message, options);
    this.abandonedVersionId = versions.abandonedVersionId;
    this.recoveredVersionId = versions.recoveredVersionId;
  }
}

/**
 * An emergency revoked the leaked secrets but could not disable the leaked client(s), so access tokens
 * issued before the emergency still work until they expire. Thrown by finishSecret after the revoke
 * and the rotated event, with the emergency tag kept: the alarm fires, and a retry (Secrets Manager's,
 * or the next `emergency`) disables them once the cause (`cause`, e.g. a GenesysPermissionError naming
 * `oauth:client:edit`) is fixed.
 */
export class TokensNotEndedError extends RotationError {
  /** The clients still to disable. */
  readonly clientIds: readonly string[];
  /** The Genesys Cloud permission the admin client lacks, when a 403 was the cause. */
  readonly missingPermission: string | undefined;

  constructor(message: string, details: { readonly clientIds: readonly string[]; readonly missingPermission?: string | undefined }, options?: ErrorOptions) {
    super(message, options);
    this.clientIds = details.clientIds;
    this.missingPermission = details.missingPermission;
  }
}

/**
 * `holdWhileInUse`: the scheduled rotation refused, before any regenerate, because the client it would
 * regenerate was used since the last rotation. Nothing was changed; the failure alarm fires, and the
 * next attempt (retry or schedule) asks again (README "Troubleshooting").
 */
export class ClientInUseError extends RotationError {
  /** The client that would have been regenerated. */
  readonly clientId: string;
  /** Its requests since the last rotation (the rotator's own calls left out). */
  readonly requests: number;
  /** Last day (`YYYY-MM-DD`) it was used, if known. */
  readonly lastUsedDay: string | undefined;

  constructor(message: string, usage: { readonly clientId: string; readonly requests: number; readonly lastUsedDay: string | undefined }, options?: ErrorOptions) {
    super(message, options);
    this.clientId = usage.clientId;
    this.requests = usage.requests;
    this.lastUsedDay = usage.lastUsedDay;
  }
}
