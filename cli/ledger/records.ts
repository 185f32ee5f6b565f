/**
 * Ledger items as they come out of DynamoDB, checked against the contract (lambdas/core/ledger/record.ts)
 * before anything reads them: a malformed item is refused with the field and what was expected, never
 * guessed at. The schemas name only the contract's fields; anything else in an item is dropped.
 */
import * as z from 'zod';
import { RotatorError } from '../../lambdas/core/errors';
import { entryKey, LEDGER_STEPS, requestPartition, type LedgerRecord, type RequestRecord, type StepRecord } from '../../lambdas/core/ledger/record';
import { firstIssue } from '../../lambdas/core/validation';

/**
 * A ledger item that does not follow the contract. Not a usage error (exit code 1): the command line
 * was right, the table holds something the CLI cannot read. Names the item by its keys (ids only).
 */
export class LedgerRecordError extends RotatorError {
  readonly field: string;
  readonly expected: string;

  constructor(where: string, field: string, expected: string, options?: ErrorOptions) {
    super(`Malformed ledger item ${where}: field "${field}": expected ${expected}`, options);
    this.field = field;
    this.expected = expected;
  }
}

const text = (what: string) => z.string({ error: what }).min(1, { error: what });
const instant = z.iso.datetime({ offset: true, error: 'an ISO-8601 date-time' });
const count = (min: number) => z.number({ error: `a whole number >= ${min}` }).int({ error: `a whole number >= ${min}` }).min(min, { error: `a whole number >= ${min}` });
/** DynamoDB has string sets as well as lists: unmarshall gives a Set for the former. */
const idList = z.preprocess((value) => (value instanceof Set ? [...(value as Set<unknown>)] : value), z.array(text('a client id'), { error: 'a list of client ids' }));

const common = {
  secret: text('the secret name (partition key)'),
  entry: text('"<versionId>#<step|request>" (sort key)'),
  secretArn: text('the secret ARN'),
  versionId: text('the rotation version id'),
  expiresAt: count(0).optional(),
};

const stepSchema = z.object({
  ...common,
  kind: z.literal('step'),
  step: z.enum(LEDGER_STEPS, { error: `one of ${LEDGER_STEPS.join(', ')}` }),
  outcome: z.enum(['succeeded', 'failed'], { error: '"succeeded" or "failed"' }),
  result: z.string({ error: 'a result word' }).optional(),
  attempts: count(1),
  failures: count(0),
  firstAttemptAt: instant,
  lastAttemptAt: instant,
  durationMs: z.number({ error: 'a duration in ms >= 0' }).min(0, { error: 'a duration in ms >= 0' }),
  errorType: z.string({ error: 'an error class name' }).optional(),
  errorMessage: z.string({ error: 'an error message' }).optional(),
  targetClientId: text('a client id').optional(),
  verifiedClientId: text('a client id').optional(),
  organizationId: text('an organisation id').optional(),
  currentClientId: text('a client id').optional(),
  revokedClientId: text('a client id').optional(),
  disabledClientIds: idList.optional(),
  tokensEnded: z.boolean({ error: 'a boolean' }).optional(),
  emergency: z.boolean({ error: 'a boolean' }).optional(),
  emergencyReason: z.string({ error: 'the emergency reason' }).optional(),
  emergencyRequestedAt: instant.optional(),
});

const requestSchema = z.object({
  ...common,
  kind: z.literal('request'),
  rotationKind: z.enum(['manual', 'emergency'], { error: '"manual" or "emergency"' }),
  requestedAt: instant,
  requestedBy: text('the caller identity (ARN) or "unknown"'),
  command: text('the CLI command that asked'),
  reason: z.string({ error: 'the reason given' }).optional(),
});

const recordSchema = z.discriminatedUnion('kind', [stepSchema, requestSchema], { error: '"step" or "request"' });

/**
 * One unmarshalled item as a typed record of the secret `secretName`.
 * @throws LedgerRecordError naming the first bad field, or a key that disagrees with the item
 */
export function parseLedgerItem(item: Readonly<Record<string, unknown>>, secretName: string, table: string): LedgerRecord {
  const entry = typeof item.entry === 'string' ? item.entry : '?';
  const where = `(table ${table}, secret ${secretName}, entry ${entry})`;
  const result = recordSchema.safeParse(item);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error);
    throw new LedgerRecordError(where, field, expected);
  }
  const record = result.data;
  // Each kind only in its own partition: a step record in the request partition (which operators may
  // write) would be a forgery of the rotate function's record, and is refused, not shown.
  const partition = record.kind === 'request' ? requestPartition(secretName) : secretName;
  if (record.secret !== partition) throw new LedgerRecordError(where, 'secret', `"${partition}", the partition of the secret's ${record.kind === 'request' ? 'request' : 'step'} records`);
  const key = entryKey(record.versionId, record.kind === 'step' ? record.step : 'request');
  if (record.entry !== key) throw new LedgerRecordError(where, 'entry', `"${key}" (its versionId and ${record.kind === 'step' ? 'step' : 'kind'})`);
  if (record.kind === 'step' && record.failures > record.attempts) throw new LedgerRecordError(where, 'failures', `at most attempts (${record.attempts})`);
  return record.kind === 'step' ? (record satisfies StepRecord) : (record satisfies RequestRecord);
}
