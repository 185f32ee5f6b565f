/**
 * The rotation ledger's contract (issue 13): the durable record of every rotation attempt, kept in a
 * DynamoDB table the stack owns. Shared by the rotate function (writes step records), the CLI
 * (writes request records for what it starts, reads everything for `history` and `report`), the
 * stack (key schema, TTL attribute, IAM conditions) and the local stand-in.
 *
 * Layout: one item per (secret, rotation version, entry):
 * - partition key `secret` (S): the managed secret's NAME (not its ARN: an auditor follows a name
 *   across years; the ARN is kept as an attribute). Derived from the ARN without a call
 *   (`secretNameFromArn`).
 * - sort key `entry` (S): `<versionId>#<kind>` where kind is a rotation step (`createSecret`,
 *   `setSecret`, `testSecret`, `finishSecret`) written by the rotate function, or `request`,
 *   written by the CLI when it starts a rotation (who asked, why).
 * - request records live in their own partition, `request#<secret name>` (`requestPartition`): IAM
 *   can scope a writer only by partition key (dynamodb:LeadingKeys), so the operators who may record
 *   requests cannot overwrite or invent the rotate function's step records, and the rotate function
 *   cannot write requests. Readers query both partitions.
 *
 * A step that Secrets Manager retries updates the same item (UpdateItem, `attempts` +1,
 * `firstAttemptAt` kept), so a retried step is one record with attempts > 1, never two records.
 * No item ever holds a secret, a token or a secret document: only ids, outcomes, error names and
 * redacted messages, timings.
 */

/** Environment variable of the rotate function naming the ledger table (unset: no ledger). */
export const LEDGER_TABLE_VARIABLE = 'ROTATION_LEDGER_TABLE';
/** Environment variable: days a record is kept (TTL); unset or 0 keeps records forever. */
export const LEDGER_RETENTION_VARIABLE = 'ROTATION_LEDGER_RETENTION_DAYS';
/** Tag the stack sets on every managed secret: the ledger table's name, so the CLI finds it unaided. */
export const LEDGER_TABLE_TAG = 'genesys-rotator:ledger-table';
/** Metric (namespace GenesysOAuthRotator, dimension SecretName) counting ledger writes that failed. */
export const LEDGER_WRITE_FAILED_METRIC = 'LedgerWriteFailed';
/** How long the rotate function waits for a ledger write before giving up (it never fails a step). */
export const LEDGER_WRITE_TIMEOUT_MS = 1_500;

export const LEDGER_KEYS = { partition: 'secret', sort: 'entry' } as const;
/** TTL attribute (epoch seconds), set from the retention; DynamoDB deletes the item after it. */
export const LEDGER_TTL_ATTRIBUTE = 'expiresAt';

export const LEDGER_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type LedgerStep = (typeof LEDGER_STEPS)[number];
export type LedgerEntryKind = LedgerStep | 'request';

/** Why a rotation ran. `scheduled` unless a CLI request record or an honoured emergency says otherwise. */
export type RotationKind = 'scheduled' | 'manual' | 'emergency';

/** A step's record, written by the rotate function. */
export interface StepRecord {
  readonly secret: string;
  readonly entry: string;
  readonly kind: 'step';
  readonly secretArn: string;
  readonly versionId: string;
  readonly step: LedgerStep;
  /** The last attempt's outcome. */
  readonly outcome: 'succeeded' | 'failed';
  /** The engine's result word on success (`created`, `verified`, `finished`, `already-current`, ...). */
  readonly result?: string;
  /** How many times the step ran for this version (Secrets Manager retries). */
  readonly attempts: number;
  /** How many of those attempts failed. */
  readonly failures: number;
  /** ISO-8601 instants the first and the last attempt started. */
  readonly firstAttemptAt: string;
  readonly lastAttemptAt: string;
  /** Duration of the last attempt, ms. */
  readonly durationMs: number;
  /** Error class name and redacted message of the last failed attempt (never a value). */
  readonly errorType?: string;
  readonly errorMessage?: string;
  /** createSecret: the client whose secret was regenerated. */
  readonly targetClientId?: string;
  /** testSecret: the client and organisation the new token proved. */
  readonly verifiedClientId?: string;
  readonly organizationId?: string;
  /** finishSecret: the client now current, the client revoked on emergency, clients disabled (issue 14). */
  readonly currentClientId?: string;
  readonly revokedClientId?: string;
  readonly disabledClientIds?: readonly string[];
  /** finishSecret (issue 14): whether the revoked client's outstanding tokens were ended. */
  readonly tokensEnded?: boolean;
  /** Set when this rotation honoured an emergency request (createSecret bound it / finishSecret completed it). */
  readonly emergency?: boolean;
  readonly emergencyReason?: string;
  readonly emergencyRequestedAt?: string;
  /** Epoch seconds: TTL. */
  readonly expiresAt?: number;
}

/** What the CLI records when it starts a rotation (`rotate`, `emergency`, `bootstrap`). */
export interface RequestRecord {
  readonly secret: string;
  readonly entry: string;
  readonly kind: 'request';
  readonly secretArn: string;
  readonly versionId: string;
  readonly rotationKind: 'manual' | 'emergency';
  /** ISO-8601 instant the CLI asked. */
  readonly requestedAt: string;
  /** The caller's identity as STS GetCallerIdentity reports it (ARN), or `unknown`. */
  readonly requestedBy: string;
  /** The CLI command that asked (`rotate`, `emergency`, `bootstrap`). */
  readonly command: string;
  readonly reason?: string;
  readonly expiresAt?: number;
}

export type LedgerRecord = StepRecord | RequestRecord;

/** Prefix of the partition that holds a secret's request records. */
export const REQUEST_PARTITION_PREFIX = 'request#';

/** The partition of a secret's request records (the CLI's), apart from its step records (the rotate function's). */
export function requestPartition(secretName: string): string {
  return `${REQUEST_PARTITION_PREFIX}${secretName}`;
}

/** Sort key of an entry. Version ids are RotateSecret's (UUIDs): they contain no `#`. */
export function entryKey(versionId: string, kind: LedgerEntryKind): string {
  return `${versionId}#${kind}`;
}

/** The secret's name from its ARN (`arn:...:secret:<name>-<6 chars>`), or the input when it is already a name. */
export function secretNameFromArn(secretIdOrArn: string): string {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretIdOrArn);
  return match?.[1] ?? secretIdOrArn;
}

/** TTL for a record written at `now`, or undefined when records are kept forever. */
export function expiresAt(now: Date, retentionDays: number | undefined): number | undefined {
  if (retentionDays === undefined || retentionDays <= 0) return undefined;
  return Math.floor(now.getTime() / 1000) + Math.round(retentionDays * 86_400);
}

/**
 * The table's definition as CreateTable takes it (plain data, no SDK): the key schema the stack
 * declares (lib/constructs/rotation-ledger.ts), for the stand-ins and tests that create the table.
 */
export function ledgerTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    KeySchema: [
      { AttributeName: LEDGER_KEYS.partition, KeyType: 'HASH' as const },
      { AttributeName: LEDGER_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      { AttributeName: LEDGER_KEYS.partition, AttributeType: 'S' as const },
      { AttributeName: LEDGER_KEYS.sort, AttributeType: 'S' as const },
    ],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
