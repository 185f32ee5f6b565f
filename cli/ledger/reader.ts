/**
 * A managed secret's rotation history from the ledger: which table (the `--ledger-table` flag, else the
 * tag the stack sets on each managed secret), every item of the secret's partition, checked and grouped
 * into attempts. `history` and `report` read through here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../lambdas/core/errors';
import { LEDGER_TABLE_TAG, requestPartition, secretNameFromArn } from '../../lambdas/core/ledger/record';
import type { SecretMeta } from '../aws/managed-secrets';
import { groupAttempts, type RotationAttempt } from './attempts';
import { queryPartition } from './dynamodb';
import { parseLedgerItem } from './records';

export interface SecretLedger {
  readonly table: string;
  /** Every attempt recorded, newest first (filter with attemptsSince). */
  readonly attempts: readonly RotationAttempt[];
}

/** The ledger table of a secret: the flag wins over the tag; undefined when neither names one. */
export function ledgerTableOf(meta: Pick<SecretMeta, 'tags'>, override: string | undefined): string | undefined {
  const named = override?.trim() ?? meta.tags[LEDGER_TABLE_TAG]?.trim();
  return named === undefined || named === '' ? undefined : named;
}

/** The usage error for a secret no table is known for (history needs one; report falls back). */
export function noLedgerTableError(meta: Pick<SecretMeta, 'name'>): ValidationError {
  return new ValidationError(
    `No rotation ledger is known for ${meta.name}`,
    '--ledger-table',
    `the ledger table's name (the secret has no ${LEDGER_TABLE_TAG} tag: deploy the stack with the ledger, which tags every managed secret, or pass --ledger-table NAME)`,
  );
}

/** The secret's attempts from `table`. The partition is the secret's NAME (an ARN's suffix changes if it is re-created). */
export async function readSecretLedger(client: DynamoDBClient, meta: Pick<SecretMeta, 'name' | 'arn'>, table: string): Promise<SecretLedger> {
  const name = secretNameFromArn(meta.name);
  // Step records (the rotate function's) and request records (the CLI's) sit in two partitions.
  const steps = await queryPartition(client, table, name);
  const requests = await queryPartition(client, table, requestPartition(name));
  return { table, attempts: groupAttempts([...steps, ...requests].map((item) => parseLedgerItem(item, name, table))) };
}
