/**
 * The secret document (DESIGN.md §1): the JSON in each managed secret's SecretString.
 * Unknown fields are kept through every rotation, so users can add metadata.
 */
import * as z from 'zod';
import { SecretDocumentError, UnknownRegionError } from './errors';
import { isGenesysEnvironment, type GenesysEnvironment } from './regions';
import { firstIssue } from './validation';

export const STRATEGIES = ['single', 'alternating'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const nonEmpty = (field: string) => z.string({ error: `${field}: a non-empty string` }).min(1, { error: `a non-empty string` });

const documentSchema = z
  .looseObject({
    environment: z.string({ error: 'a Genesys Cloud region domain such as "mypurecloud.com"' }),
    clientId: nonEmpty('clientId'),
    clientSecret: z.string({ error: 'a string (empty only before the first rotation)' }),
    strategy: z.enum(STRATEGIES, { error: '"single" or "alternating"' }),
    alternateClientId: nonEmpty('alternateClientId').optional(),
    adminSecretId: nonEmpty('adminSecretId').optional(),
  })
  .superRefine((doc, ctx) => {
    if (doc.strategy === 'alternating') {
      if (doc.alternateClientId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['alternateClientId'], message: 'a second client id: strategy "alternating" needs a standby client' });
      } else if (doc.alternateClientId === doc.clientId) {
        ctx.addIssue({ code: 'custom', path: ['alternateClientId'], message: 'a client id different from clientId' });
      }
    }
    if (doc.strategy === 'single' && doc.adminSecretId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['adminSecretId'],
        message: 'the admin secret id: a "single" client cannot regenerate its own secret',
      });
    }
  });

/** A validated secret document. Extra keys (users' metadata) are preserved as-is. */
export interface SecretDocument {
  readonly environment: GenesysEnvironment;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly strategy: Strategy;
  readonly alternateClientId?: string | undefined;
  readonly adminSecretId?: string | undefined;
  readonly [userField: string]: unknown;
}

/** The admin pair: an alternating document without adminSecretId. */
export type CredentialPair = { readonly clientId: string; readonly clientSecret: string };


/**
 * Parse a SecretString into a secret document.
 * @param label names the secret in the error (ARN or name), never its value.
 * @throws SecretDocumentError (or UnknownRegionError) naming the first bad field and what was expected.
 */
export function parseSecretDocument(secretString: string | undefined, label = 'secret'): SecretDocument {
  if (secretString === undefined) {
    throw new SecretDocumentError(`Secret ${label} has no SecretString`, '(root)', 'a JSON object in SecretString');
  }
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    // The parser's message can quote the input (a secret): keep it out of ours and out of `cause`.
    throw new SecretDocumentError(`Secret ${label} is not valid JSON`, '(root)', 'a JSON object');
  }
  return validateSecretDocument(json, label);
}

/** Validate an already-parsed value as a secret document. */
export function validateSecretDocument(value: unknown, label = 'secret'): SecretDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecretDocumentError(`Secret ${label} is not a secret document`, '(root)', 'a JSON object');
  }
  const result = documentSchema.safeParse(value);
  if (!result.success) {
    const { field, expected, missing } = firstIssue(result.error);
    // `nonEmpty()` prefixes its type error with the field name; the error names the field already.
    const what = expected.replace(/^[a-zA-Z]+: /, '');
    throw new SecretDocumentError(`Secret ${label} is not a valid secret document`, field, missing ? `${what} (field is missing)` : what);
  }
  const doc = result.data;
  if (!isGenesysEnvironment(doc.environment)) {
    throw new UnknownRegionError(doc.environment);
  }
  return { ...doc, environment: doc.environment };
}

/** Serialize for SecretString. Keys keep their order, the user's own fields included. */
export function serializeSecretDocument(doc: SecretDocument): string {
  return JSON.stringify(doc);
}

