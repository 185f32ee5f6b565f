/**
 * The rotation ledger's table (issue 13, lambdas/core/ledger/record.ts): one DynamoDB item per
 * rotation step and per CLI request, kept by TTL for the configured retention, so an auditor can show a
 * year later what rotated, what failed and who asked. The stack owns it: on-demand (a few writes per
 * rotation), point-in-time recovery (a bad deploy or a mistaken delete must not erase the proof),
 * encrypted with the rotator's customer managed key, deletion-protected and retained unless the
 * configuration says `removalPolicy: "destroy"`.
 *
 * Who may do what is decided here, in one place: the rotate function may only UpdateItem records of
 * the managed secrets (dynamodb:LeadingKeys), operators' CLI may only PutItem request records of them,
 * readers may GetItem and Query. Nobody gets Scan, DeleteItem or BatchWriteItem from this construct.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LEDGER_KEYS, LEDGER_RETENTION_VARIABLE, LEDGER_TABLE_VARIABLE, LEDGER_TTL_ATTRIBUTE, REQUEST_PARTITION_PREFIX, requestPartition } from '../../lambdas/core/ledger/record';

/**
 * Longest list of secret names the LeadingKeys condition names one by one (bytes of the JSON list).
 * A role's inline policies share 10,240 characters and the rotate role already lists every secret ARN
 * three times; past this the condition uses the secret name prefix, which every managed name starts
 * with (`<prefix><client>`, `<prefix><organisation>/admin`), instead of growing with the fleet.
 */
export const LEADING_KEYS_LIST_BUDGET_BYTES = 2048;
/** A table name is at most 255 characters: the worst case for the rotate function's 4 KB environment. */
export const TABLE_NAME_ESTIMATE = 'x'.repeat(255);

/** The read actions `grantRead` gives: items of one secret (Query by partition key) or one record. */
export const LEDGER_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
/** What the rotate function needs: its writer updates each step's record in place (a retry is one record). */
export const LEDGER_STEP_WRITE_ACTIONS = ['dynamodb:UpdateItem'] as const;
/** What the CLI needs to record who asked for a rotation it starts. */
export const LEDGER_REQUEST_WRITE_ACTIONS = ['dynamodb:PutItem'] as const;

export interface RotationLedgerProps {
  /** The rotator's key (customer managed): encrypts the table. */
  readonly encryptionKey: kms.IKey;
  /** Days a record is kept (TTL); 0 keeps records forever. */
  readonly retentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  /** Names of the managed secrets: the only partition keys writers may use. */
  readonly secretNames: readonly string[];
  /** The prefix every managed secret name starts with (the fallback condition for a large fleet). */
  readonly secretNamePrefix: string;
}

export class RotationLedger extends Construct {
  readonly table: dynamodb.Table;
  readonly retentionDays: number;
  /**
   * The condition every writer's statement carries: `ForAllValues:StringEquals` on the secret names,
   * or `ForAllValues:StringLike` on `<prefix>*` when the names would not fit the budget.
   */
  readonly leadingKeysCondition: Record<string, Record<string, string[]>>;
  /** The same for request records, which live in `request#<name>` partitions (record.ts `requestPartition`). */
  readonly requestKeysCondition: Record<string, Record<string, string[]>>;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: RotationLedgerProps) {
    super(scope, id);
    this.retentionDays = props.retentionDays;
    this.encryptionKey = props.encryptionKey;
    const retain = props.removalPolicy !== RemovalPolicy.DESTROY;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: LEDGER_KEYS.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_KEYS.sort, type: dynamodb.AttributeType.STRING },
      // A few items per rotation: provisioned capacity would cost more idle than this costs busy.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      // Set on every record even when records are kept forever: the attribute is simply absent then.
      timeToLiveAttribute: LEDGER_TTL_ATTRIBUTE,
      // The proof outlives the stack unless the configuration says this is a test stack.
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.leadingKeysCondition = leadingKeysCondition(props.secretNames, props.secretNamePrefix);
    this.requestKeysCondition = leadingKeysCondition(props.secretNames.map(requestPartition), requestPartition(props.secretNamePrefix));
  }

  /** `ROTATION_LEDGER_TABLE` and `ROTATION_LEDGER_RETENTION_DAYS` of the rotate function. */
  environment(): Record<string, string> {
    return { [LEDGER_TABLE_VARIABLE]: this.table.tableName, [LEDGER_RETENTION_VARIABLE]: String(this.retentionDays) };
  }

  /** Worst-case sizes of `environment()` for the 4 KB estimate. */
  environmentEstimates(): Record<string, string> {
    return { [LEDGER_TABLE_VARIABLE]: TABLE_NAME_ESTIMATE };
  }

  /**
   * The rotate function's statements: UpdateItem on this table only, for the managed secrets' records
   * only, and the key only through DynamoDB. No read, no delete: a compromised function cannot erase or
   * read back the history, and cannot write records for secrets it does not rotate.
   */
  grantStepWrites(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLedgerRecords',
        actions: [...LEDGER_STEP_WRITE_ACTIONS],
        resources: [this.table.tableArn],
        conditions: {
          ...this.leadingKeysCondition,
          // Never a request partition, even when the name condition is a prefix wildcard.
          'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': [`${REQUEST_PARTITION_PREFIX}*`] },
          ...WRITE_ONLY,
        },
      }),
    );
    role.addToPrincipalPolicy(this.keyThroughDynamoDb('UseKeyThroughDynamoDb'));
  }

  /** GetItem and Query on the table, and kms:Decrypt through DynamoDB, in the grantee's identity policy. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const table = iam.Grant.addToPrincipal({ grantee, actions: [...LEDGER_READ_ACTIONS], resourceArns: [this.table.tableArn] });
    return table.combine(this.keyGrant(grantee, ['kms:Decrypt']));
  }

  /** PutItem of request records for the managed secrets only, and the key through DynamoDB. */
  grantRequestWrites(grantee: iam.IGrantable): iam.Grant {
    const table = iam.Grant.addToPrincipal({
      grantee,
      actions: [...LEDGER_REQUEST_WRITE_ACTIONS],
      resourceArns: [this.table.tableArn],
      // Only request partitions: an operator cannot overwrite or invent the rotate function's step records.
      conditions: { ...this.requestKeysCondition, ...WRITE_ONLY },
    });
    return table.combine(this.keyGrant(grantee, KEY_WRITE_ACTIONS));
  }

  /**
   * DynamoDB decrypts the table's key with the caller's permission (kms:Decrypt) on each access after
   * its cache expires, and asks for data keys (kms:GenerateDataKey) when it makes a new table key; it
   * never calls Encrypt for items. Only through DynamoDB in this region (kms:ViaService): the same
   * key also encrypts the secrets, which this statement must not open. The key policy needs nothing
   * more when it lets IAM policies of the account grant the key's use (a key this stack creates does).
   */
  private keyThroughDynamoDb(sid: string): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      actions: [...KEY_WRITE_ACTIONS],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': this.viaDynamoDb() } },
    });
  }

  private keyGrant(grantee: iam.IGrantable, actions: readonly string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': this.viaDynamoDb() } },
    });
  }

  private viaDynamoDb(): string {
    return `dynamodb.${Stack.of(this).region}.amazonaws.com`;
  }
}

/**
 * A writer may not read through its write: UpdateItem and PutItem return the item with `ReturnValues`
 * (ALL_OLD, ALL_NEW, ...); only NONE (the default when absent) is allowed.
 */
const WRITE_ONLY = { StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] } };

/** Key actions a writer needs through DynamoDB. */
const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/**
 * `dynamodb:LeadingKeys` is the partition key of the item a request touches (one value per UpdateItem
 * or PutItem), so `ForAllValues` with the list allows exactly those partitions. Records are keyed by
 * secret name, so this is "only records of the managed secrets". When the list would crowd the role's
 * policy, every managed name still starts with the prefix: `<prefix>*` admits the managed names and
 * the webhook signing keys' names (never rotated, so never written) in a table no other stack uses.
 * The prefix's characters (letters, digits, `/_+=.@-`) are no wildcards of StringLike.
 */
export function leadingKeysCondition(secretNames: readonly string[], prefix: string): Record<string, Record<string, string[]>> {
  const names = [...new Set(secretNames)].sort();
  if (Buffer.byteLength(JSON.stringify(names)) <= LEADING_KEYS_LIST_BUDGET_BYTES) {
    return { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': names } };
  }
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } };
}

