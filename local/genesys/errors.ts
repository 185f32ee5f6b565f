/**
 * Error bodies and emulator-internal errors.
 *
 * Platform API errors follow GENESYS-API.md §6 (GO `errorbody.go`), in the key order of the F429 example:
 * `{message, code, status, contextId, details, errors}`, `contextId` being the response's
 * `inin-correlation-id`. Token-endpoint errors follow §2: `{error, description, error_description}`.
 */
import type { Reply } from './reply';

/** A set-up call (createClient, defineRole, ...) was given something the emulator cannot accept. */
export class EmulatorSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorSetupError';
  }
}

export interface ErrorDetail {
  readonly errorCode: string;
  readonly fieldName?: string;
  readonly entityId?: string;
}

/** A Platform API error reply (GENESYS-API.md §6). */
export function platformError(
  status: number,
  code: string,
  message: string,
  correlationId: string,
  details: readonly ErrorDetail[] = [],
  headers?: Readonly<Record<string, string>>,
): Reply {
  return {
    status,
    body: { message, code, status, contextId: correlationId, details, errors: [] },
    ...(headers === undefined ? {} : { headers }),
  };
}

/** 429 exactly as F429 (GENESYS-API.md §6), `Retry-After` integer seconds. */
export function tooManyRequests(retryAfterSeconds: number, correlationId: string): Reply {
  const seconds = Math.max(0, Math.ceil(retryAfterSeconds));
  return platformError(
    429,
    'too.many.requests.retry.after',
    `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`,
    correlationId,
    [],
    { 'retry-after': String(seconds) },
  );
}

/** Messages for the documented codes; those in quotes in §6 are confirmed, the rest UNCONFIRMED wording. */
export const MESSAGES = {
  notFound: 'The requested resource was not found.', // §6
  badCredentials: 'Invalid login credentials.', // §6
  authenticationRequired: 'No authentication bearer token specified in authorization header.', // UNCONFIRMED
  methodNotAllowed: 'The requested HTTP method is not supported for this resource.', // UNCONFIRMED
  notImplemented: 'This Genesys Cloud endpoint exists but the local emulator does not implement it.',
} as const;

/** Code and message for a status injected by `failNext` (codes from §6; messages UNCONFIRMED). */
export function injectedFailure(status: number): { code: string; message: string } {
  switch (status) {
    case 500:
      return { code: 'internal.server.error', message: 'The server encountered an unexpected condition.' };
    case 503:
      return { code: 'service.unavailable', message: 'Service is currently unavailable.' };
    case 504:
      return { code: 'request.timeout', message: 'The request timed out.' };
    case 401:
      return { code: 'bad.credentials', message: MESSAGES.badCredentials };
    case 403:
      return { code: 'not.authorized', message: 'You are not authorized to perform the requested action.' };
    case 404:
      return { code: 'not.found', message: MESSAGES.notFound };
    case 429:
      return { code: 'too.many.requests', message: 'Rate limit exceeded the maximum.' };
    default:
      return status >= 500
        ? { code: 'internal.server.error', message: 'The server encountered an unexpected condition.' }
        : { code: 'bad.request', message: 'The request could not be understood by the server.' };
  }
}

/** A `/oauth/token` error reply (GENESYS-API.md §2, GO `AuthErrorResponse`). */
export function oauthError(status: number, error: string, description: string): Reply {
  return {
    status,
    body: { error, description, error_description: description },
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  };
}

/** 404 `not.found` (§6 text). Also the answer for another organisation's entity. */
export function notFound(correlationId: string): Reply {
  return platformError(404, 'not.found', MESSAGES.notFound, correlationId);
}

/** 400 `bad.request` naming the offending fields in `details` (UNCONFIRMED message and `errorCode` values). */
export function badRequest(message: string, correlationId: string, details: readonly ErrorDetail[] = []): Reply {
  return platformError(400, 'bad.request', message, correlationId, details);
}
