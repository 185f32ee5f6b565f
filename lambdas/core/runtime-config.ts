/**
 * The rotate function's configuration, read once from the environment (DESIGN.md §3 "Runtime
 * contract"). Empty strings count as unset, as in t3-env.
 */
import * as z from 'zod';
import { loadBindings, type Bindings } from './bindings';
import { ConfigurationError } from './errors';
import { LEDGER_RETENTION_VARIABLE, LEDGER_TABLE_VARIABLE } from './ledger/record';
import { emptyAsUnset, firstIssue } from './validation';

const rotateEnvSchema = z.object({
  EVENT_BUS_NAME: z.preprocess(emptyAsUnset, z.string({ error: 'the EventBridge bus name the rotated event is published to (required)' })),
  GENESYS_CLOUD_BASE_URL: z.preprocess(
    emptyAsUnset,
    z.url({ protocol: /^https?$/, error: 'an http(s) URL serving /oauth/token and /api/v2 (local stand-ins only; unset in production)' }).optional(),
  ),
  // DynamoDB's own rule for table names; unset: no ledger (the rotation does not depend on it).
  [LEDGER_TABLE_VARIABLE]: z.preprocess(
    emptyAsUnset,
    z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, { error: 'a DynamoDB table name (3-255 characters: letters, digits, _ . -), or unset for no ledger' }).optional(),
  ),
  [LEDGER_RETENTION_VARIABLE]: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^\d{1,6}$/, { error: 'a whole number of days to keep ledger records (0 or unset: for ever)' })
      .transform(Number)
      .optional(),
  ),
});

/** Where the rotate function records each step (lambdas/core/ledger/record.ts). */
export interface LedgerConfig {
  readonly tableName: string;
  /** Days a record is kept (its TTL); undefined keeps records for ever. */
  readonly retentionDays: number | undefined;
}

export interface RotateConfig {
  readonly eventBusName: string;
  readonly genesysBaseUrl: string | undefined;
  /** From `ROTATOR_BINDINGS` or `ROTATOR_BINDINGS_FILE` (DESIGN.md §3 "Bindings"). */
  readonly bindings: Bindings;
  /** Undefined when no ledger table is configured. */
  readonly ledger: LedgerConfig | undefined;
}

/**
 * @throws ConfigurationError naming the variable and what was expected; bindings that are missing,
 * given twice, unreadable or of another version fail here, so every step fails closed.
 */
export function loadRotateConfig(env: Readonly<Record<string, string | undefined>>): RotateConfig {
  const result = rotateEnvSchema.safeParse(env);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error, '(environment)');
    throw new ConfigurationError('Invalid rotate function configuration', field, expected);
  }
  const tableName = result.data[LEDGER_TABLE_VARIABLE];
  const retention = result.data[LEDGER_RETENTION_VARIABLE];
  return {
    eventBusName: result.data.EVENT_BUS_NAME,
    genesysBaseUrl: result.data.GENESYS_CLOUD_BASE_URL,
    bindings: loadBindings(env),
    ledger: tableName === undefined ? undefined : { tableName, retentionDays: retention === undefined || retention === 0 ? undefined : retention },
  };
}
