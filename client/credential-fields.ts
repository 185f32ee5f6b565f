/**
 * What a consumer reads from a secret document: `environment`, `clientId` and `clientSecret`, nothing
 * else (DESIGN.md §1: "Consumers need only environment, clientId, clientSecret"; README "For
 * integrations": "ignore the others"). The whole document, with the rotator's rules on `strategy`,
 * `alternateClientId` and `adminSecretId`, is validated by lambdas/core/secret-document.ts where the
 * rotator reads it; a consumer does not refuse a document over fields it never uses.
 *
 * Written with `zod/mini` (already in the client bundle for the Genesys response shapes): classic zod
 * would add about 90 KB to the bundle and most of its cold-start cost.
 */
import * as z from 'zod/mini';
import { SecretDocumentError, UnknownRegionError } from '../lambdas/core/errors';
import { isGenesysEnvironment, type GenesysEnvironment } from '../lambdas/core/regions';

/** The three fields a consumer uses. */
export interface ConsumerCredentials {
  readonly environment: GenesysEnvironment;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What each field must be, in the words the error carries (never the value: it may be the secret). */
const EXPECTED = {
  environment: 'a Genesys Cloud region domain such as "mypurecloud.com"',
  clientId: 'a non-empty string',
  clientSecret: 'a string (empty only before the first rotation)',
} as const;

const fieldsSchema = z.object({
  environment: z.string(),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string(),
});

/**
 * Parse a SecretString for the consumer's three fields; other fields are ignored.
 * @param label names the secret in errors (ARN or name), never its value.
 * @throws SecretDocumentError naming the first bad field and what was expected; UnknownRegionError for
 *   an `environment` that is not a known region.
 */
export function parseConsumerCredentials(secretString: string | undefined, label: string): ConsumerCredentials {
  if (secretString === undefined) throw new SecretDocumentError(`Secret ${label} has no SecretString`, '(root)', 'a JSON object in SecretString');
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    // The parser's message can quote the input (a secret): keep it out of ours and out of `cause`.
    throw new SecretDocumentError(`Secret ${label} is not valid JSON`, '(root)', 'a JSON object');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SecretDocumentError(`Secret ${label} is not a secret document`, '(root)', 'a JSON object');
  }
  const result = fieldsSchema.safeParse(json);
  if (!result.success) {
    const field = String(result.error.issues[0]?.path[0] ?? 'environment') as keyof typeof EXPECTED;
    const missing = !Object.hasOwn(json, field);
    throw new SecretDocumentError(`Secret ${label} is not a valid secret document`, field, missing ? `${EXPECTED[field]} (field is missing)` : EXPECTED[field]);
  }
  const { environment, clientId, clientSecret } = result.data;
  if (!isGenesysEnvironment(environment)) throw new UnknownRegionError(environment);
  return { environment, clientId, clientSecret };
}
