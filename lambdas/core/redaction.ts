/**
 * Log-safe projections. Anything derived from a secret document or an error goes through here
 * before it reaches a log line, an event or a CLI table.
 */
import type { SecretDocument } from './secret-document';

/** The parts of a secret document that are safe to log: never `clientSecret`, never user fields. */
export function describeDocument(doc: SecretDocument): {
  environment: string;
  clientId: string;
  strategy: string;
  alternateClientId?: string;
  adminSecretId?: string;
  hasClientSecret: boolean;
} {
  return {
    environment: doc.environment,
    clientId: doc.clientId,
    strategy: doc.strategy,
    ...(doc.alternateClientId !== undefined ? { alternateClientId: doc.alternateClientId } : {}),
    ...(doc.adminSecretId !== undefined ? { adminSecretId: doc.adminSecretId } : {}),
    hasClientSecret: doc.clientSecret !== '',
  };
}

/** An error as log attributes: name, message and the typed fields our errors carry; never a stack of a foreign body. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorName: 'NonError', errorMessage: typeof error };
  const out: Record<string, unknown> = { errorName: error.name, errorMessage: error.message };
  for (const key of ['status', 'code', 'correlationId', 'field', 'expected', 'operation', 'awsErrorName'] as const) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  if (error.cause instanceof Error) out.causeName = error.cause.name;
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Secret names and API paths (`genesys-rotator/acme/crm-AbCdEf`, `/api/v2/...`) are ids, not values. */
function isIdentifierPath(run: string): boolean {
  return run.includes('/') && run.split('/').every((part) => part.length < 32);
}

/**
 * Free text with every run that could be a secret or a token replaced by `[redacted]`: runs of the
 * base64/base64url/JWT alphabet at least `minLength` long (Genesys client secrets are 16 to 22
 * characters, GENESYS-API.md §3), except UUIDs and id paths. For text written by people (an emergency
 * reason may quote what leaked), runs of 16+ with a digit or mixed case; for our own error messages
 * (`minLength` 32), any run: they name fields and calls, never values, so this is only a belt.
 */
export function redactSecretLike(text: string, minLength: 16 | 32 = 16): string {
  const run = new RegExp(`[A-Za-z0-9+/=_.-]{${minLength},}`, 'g');
  return text.replace(run, (found) => {
    if (UUID.test(found) || isIdentifierPath(found)) return found;
    if (minLength === 32) return '[redacted]';
    // A long word of one case and no digit is prose ("misconfiguration"); anything else may be a value.
    const mixed = /[0-9]/.test(found) || (/[a-z]/.test(found) && /[A-Z]/.test(found));
    return mixed ? '[redacted]' : found;
  });
}
