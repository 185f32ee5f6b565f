/**
 * The CLI's side of the rotation ledger (lambdas/core/ledger/record.ts): when a command starts a
 * rotation (`rotate`, `emergency`, `bootstrap`), it records who asked and why as the version's
 * `request` entry, next to the step records the rotate function writes. The caller's identity is
 * what STS GetCallerIdentity says about the credentials that called RotateSecret.
 *
 * The record is evidence, never a gate: the rotation has already started when it is written, so a
 * failure (no permission, no table, throttling) is a warning on stderr and the command goes on.
 * Without a known ledger table (no tag on the secret, no `--ledger-table`) nothing is written.
 */
import { DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkClientConfig, type SdkTimeouts } from '../lambdas/core/aws/sdk-clients';
import { entryKey, LEDGER_KEYS, requestPartition, secretNameFromArn, type RequestRecord } from '../lambdas/core/ledger/record';
import { describeError } from '../lambdas/core/redaction';
import type { ParsedValues } from './args';
import type { SecretMeta } from './aws/managed-secrets';
import { secretsManagerConfig, type CliContext } from './context';
import type { Output } from './io';
import { ledgerClientConfig } from './ledger/dynamodb';
import { ledgerTableOption } from './ledger/options';
import { ledgerTableOf } from './ledger/reader';

/** STS's own endpoint variable, as the AWS SDKs name it. */
export const STS_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_STS';

/**
 * The request record is written after the rotation started: a slow DynamoDB or STS must not hold the
 * operator for the SDK's usual ~15 s per call. Two attempts of 3 s each.
 */
const REQUEST_RECORD_TIMEOUTS: Partial<SdkTimeouts> = { requestTimeoutMs: 3_000, connectionTimeoutMs: 1_000, maxAttempts: 2 };

/** What the command asked for. */
export interface RotationRequest {
  readonly rotationKind: RequestRecord['rotationKind'];
  readonly command: string;
  readonly reason?: string;
  /** When the command asked (for `emergency`, the instant written into the tag). */
  readonly requestedAt: Date;
}

/**
 * The PutItem of one request record; never overwrites (a version has one request). No TTL: the CLI
 * does not know the stack's retention, and a request record is a few hundred bytes.
 */
export function requestRecordPut(tableName: string, meta: Pick<SecretMeta, 'arn' | 'name'>, versionId: string, request: RotationRequest, requestedBy: string): PutItemCommand {
  const record: RequestRecord = {
    secret: requestPartition(secretNameFromArn(meta.name)),
    entry: entryKey(versionId, 'request'),
    kind: 'request',
    secretArn: meta.arn,
    versionId,
    rotationKind: request.rotationKind,
    requestedAt: request.requestedAt.toISOString(),
    requestedBy,
    command: request.command,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
  };
  const item: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(record)) item[name] = { S: String(value) };
  return new PutItemCommand({
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#entry)',
    ExpressionAttributeNames: { '#entry': LEDGER_KEYS.sort },
  });
}

/**
 * The client configuration for `service` in the CLI: endpoint as the ledger reader resolves it
 * (`--endpoint-url`, then the service's variable, then AWS_ENDPOINT_URL), and the Region and
 * credentials of the Secrets Manager client, so the record names the principal that rotated.
 */
function clientConfig(ctx: CliContext, values: ParsedValues, service: 'dynamodb' | 'sts', env: Readonly<Record<string, string | undefined>>) {
  const base =
    service === 'dynamodb'
      ? ledgerClientConfig(values, env, REQUEST_RECORD_TIMEOUTS)
      : secretsManagerConfig(values, { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: env[STS_ENDPOINT_VARIABLE] }, REQUEST_RECORD_TIMEOUTS);
  const { maxAttempts, requestHandler } = sdkClientConfig(REQUEST_RECORD_TIMEOUTS);
  const endpoint = typeof base.endpoint === 'string' ? base.endpoint : undefined;
  return {
    maxAttempts,
    requestHandler,
    ...(endpoint !== undefined ? { endpoint } : {}),
    region: ctx.secretsManager.config.region,
    credentials: ctx.secretsManager.config.credentials,
  };
}

/** The caller's ARN, or `unknown` when STS cannot say (the record is still written). */
async function callerArn(sts: STSClient): Promise<string> {
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Records `request` for each version this command started. Never throws: a failure is one warning on
 * stderr. `env` is the command's environment (endpoint variables), default process.env.
 * @returns how many records were written
 */
export async function recordRotationRequests(
  ctx: CliContext,
  values: ParsedValues,
  out: Pick<Output, 'warn'>,
  meta: Pick<SecretMeta, 'arn' | 'name' | 'tags'>,
  versionIds: readonly string[],
  request: RotationRequest,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  if (versionIds.length === 0) return 0;
  let table: string | undefined;
  let dynamoDb: DynamoDBClient | undefined;
  let sts: STSClient | undefined;
  let written = 0;
  try {
    table = ledgerTableOf(meta, ledgerTableOption(values));
    if (table === undefined) return 0;
    dynamoDb = new DynamoDBClient(clientConfig(ctx, values, 'dynamodb', env));
    sts = new STSClient(clientConfig(ctx, values, 'sts', env));
    const requestedBy = await callerArn(sts);
    for (const versionId of versionIds) {
      await dynamoDb.send(requestRecordPut(table, meta, versionId, request, requestedBy));
      written += 1;
    }
  } catch (error) {
    const { errorName, errorMessage } = describeError(error);
    out.warn(
      `Warning: the rotation ledger${table !== undefined ? ` (${table})` : ''} did not record this request (${String(errorName)}: ${String(errorMessage)}); the rotation goes on and its steps are still recorded.`,
    );
  } finally {
    dynamoDb?.destroy();
    sts?.destroy();
  }
  return written;
}
