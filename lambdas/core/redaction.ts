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
