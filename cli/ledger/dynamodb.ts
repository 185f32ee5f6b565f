/**
 * The CLI's one door to the ledger table: the DynamoDB client, configured the way the Secrets Manager
 * client is (cli/context.ts: same flags, Region, profile, credentials and timeouts), and the paged
 * Query of one secret's partition. DynamoDB failures become our typed errors here.
 */
import { DynamoDBClient, QueryCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RotatorError, ValidationError } from '../../lambdas/core/errors';
import { LEDGER_KEYS } from '../../lambdas/core/ledger/record';
import type { SdkTimeouts } from '../../lambdas/core/aws/sdk-clients';
import { usageError, type ParsedValues } from '../args';
import { secretsManagerConfig } from '../context';

/** DynamoDB's own endpoint variable, as the AWS SDKs name it. */
export const DYNAMODB_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_DYNAMODB';

/** A DynamoDB call on the ledger failed (network, permissions, throttling). Keeps the SDK error as `cause`. */
export class LedgerReadError extends RotatorError {
  readonly awsErrorName: string | undefined;

  constructor(table: string, error: unknown) {
    const name = error instanceof Error ? error.name : undefined;
    // AWS error messages name resources and actions, never item values: safe to show.
    const detail = error instanceof Error && error.message !== '' && error.message !== name ? `: ${error.message}` : '';
    super(`DynamoDB Query on the ledger table ${table} failed (${name ?? 'unknown error'})${detail}`, { cause: error });
    this.awsErrorName = name;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The ledger client's configuration: an `--endpoint-url` flag wins (the local stand-ins serve every
 * service on one endpoint), then AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, as the AWS CLI
 * resolves them. Everything else is the Secrets Manager client's, so both reach the same account.
 */
export function ledgerClientConfig(values: ParsedValues, env: Readonly<Record<string, string | undefined>>, timeouts: Partial<SdkTimeouts> = {}): DynamoDBClientConfig {
  const own = env[DYNAMODB_ENDPOINT_VARIABLE]?.trim();
  if (own !== undefined && own !== '' && !isHttpUrl(own)) throw usageError(DYNAMODB_ENDPOINT_VARIABLE, `an http(s) URL (got "${own}")`);
  // secretsManagerConfig resolves flag > service variable > AWS_ENDPOINT_URL: hand it DynamoDB's variable in place of Secrets Manager's.
  return secretsManagerConfig(values, { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: own }, timeouts);
}

export function createLedgerClient(values: ParsedValues, env: Readonly<Record<string, string | undefined>>, timeouts: Partial<SdkTimeouts> = {}): DynamoDBClient {
  return new DynamoDBClient(ledgerClientConfig(values, env, timeouts));
}

/**
 * Every item of the secret's partition, unmarshalled, following LastEvaluatedKey to the end. Eventually
 * consistent reads: a history a second behind is fine, and they cost half.
 * @throws ValidationError (exit code 2) when the table does not exist; LedgerReadError otherwise
 */
export async function queryPartition(client: DynamoDBClient, table: string, secretName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition },
          ExpressionAttributeValues: { ':p': { S: secretName } },
          ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new ValidationError(`No ledger table "${table}" in this account and Region`, '--ledger-table', 'the name of the rotation ledger table the stack deployed (the tag genesys-rotator:ledger-table on a managed secret names it)', { cause: error });
      }
      throw new LedgerReadError(table, error);
    }
    for (const item of out.Items ?? []) items.push(unmarshall(item));
    startKey = out.LastEvaluatedKey !== undefined && Object.keys(out.LastEvaluatedKey).length > 0 ? out.LastEvaluatedKey : undefined;
  } while (startKey !== undefined);
  return items;
}
