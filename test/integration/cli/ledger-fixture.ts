/**
 * A rotation ledger for CLI tests: dynalite (an independent DynamoDB implementation) on a loopback
 * port with the table the contract describes, and builders for the records the rotate function and
 * the CLI write (lambdas/core/ledger/record.ts), so tests seed exactly the history they assert on.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { entryKey, LEDGER_STEPS, ledgerTableDefinition, requestPartition, secretNameFromArn, type LedgerRecord, type LedgerStep, type RequestRecord, type StepRecord } from '../../../lambdas/core/ledger/record';

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

export interface TestLedger {
  readonly endpoint: string;
  readonly table: string;
  readonly client: DynamoDBClient;
  put(records: readonly LedgerRecord[]): Promise<void>;
  /** One raw item, as written (for malformed-item tests). */
  putRaw(item: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startLedger(table = 'rotation-ledger'): Promise<TestLedger> {
  // dynalite ships no types; loaded here so the record builders below need no server.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand(ledgerTableDefinition(table)));
  return {
    endpoint,
    table,
    client,
    put: async (records) => {
      for (let i = 0; i < records.length; i += 25) {
        const batch = records.slice(i, i + 25).map((record) => ({ PutRequest: { Item: marshall(record, { removeUndefinedValues: true }) } }));
        await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
      }
    },
    putRaw: async (item) => {
      await client.send(new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }));
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RotationSpec {
  readonly secretArn: string;
  readonly versionId: string;
  readonly startedAt: Date;
  /** Stop at this step with this error (the step's last attempt failed). */
  readonly failAt?: { readonly step: LedgerStep; readonly errorType: string; readonly errorMessage: string };
  /** Steps Secrets Manager retried: extra attempts per step (the last attempt is the recorded outcome). */
  readonly retries?: Partial<Record<LedgerStep, number>>;
  /** Steps not run yet (a rotation in progress): the records end before this step. */
  readonly stopBefore?: LedgerStep;
  readonly targetClientId?: string;
  readonly organizationId?: string;
  readonly revokedClientId?: string;
  readonly disabledClientIds?: readonly string[];
  /** A step record honoured an emergency (as the rotate function writes it). */
  readonly emergency?: { readonly reason: string; readonly requestedAt: Date };
  /** The CLI's request record. */
  readonly request?: { readonly rotationKind: 'manual' | 'emergency'; readonly requestedBy: string; readonly command: string; readonly reason?: string };
}

const STEP_MS = 2_000;

/** The records one rotation leaves in the ledger: its request (if the CLI asked) and one record per step run. */
export function rotationRecords(spec: RotationSpec): LedgerRecord[] {
  const secret = secretNameFromArn(spec.secretArn);
  const base = { secret, secretArn: spec.secretArn, versionId: spec.versionId };
  const records: LedgerRecord[] = [];
  if (spec.request !== undefined) {
    const request: RequestRecord = {
      ...base,
      secret: requestPartition(secret),
      entry: entryKey(spec.versionId, 'request'),
      kind: 'request',
      rotationKind: spec.request.rotationKind,
      requestedAt: new Date(spec.startedAt.getTime() - 1_000).toISOString(),
      requestedBy: spec.request.requestedBy,
      command: spec.request.command,
      ...(spec.request.reason !== undefined ? { reason: spec.request.reason } : {}),
    };
    records.push(request);
  }
  let at = spec.startedAt.getTime();
  for (const step of LEDGER_STEPS) {
    if (spec.stopBefore === step) break;
    const failed = spec.failAt?.step === step;
    const extra = spec.retries?.[step] ?? 0;
    const attempts = 1 + extra;
    const first = at;
    const last = at + extra * 30_000;
    const record: StepRecord = {
      ...base,
      entry: entryKey(spec.versionId, step),
      kind: 'step',
      step,
      outcome: failed ? 'failed' : 'succeeded',
      ...(failed ? {} : { result: step === 'createSecret' ? 'created' : step === 'testSecret' ? 'verified' : step === 'finishSecret' ? 'finished' : 'nothing-to-do' }),
      attempts,
      failures: failed ? attempts : extra,
      firstAttemptAt: new Date(first).toISOString(),
      lastAttemptAt: new Date(last).toISOString(),
      durationMs: 800,
      ...(failed ? { errorType: spec.failAt.errorType, errorMessage: spec.failAt.errorMessage } : {}),
      ...(step === 'createSecret' && spec.targetClientId !== undefined ? { targetClientId: spec.targetClientId } : {}),
      ...(step === 'testSecret' && !failed && spec.targetClientId !== undefined ? { verifiedClientId: spec.targetClientId, ...(spec.organizationId !== undefined ? { organizationId: spec.organizationId } : {}) } : {}),
      ...(step === 'finishSecret' && !failed
        ? {
            ...(spec.targetClientId !== undefined ? { currentClientId: spec.targetClientId } : {}),
            ...(spec.revokedClientId !== undefined ? { revokedClientId: spec.revokedClientId } : {}),
            ...(spec.disabledClientIds !== undefined ? { disabledClientIds: spec.disabledClientIds } : {}),
          }
        : {}),
      ...(spec.emergency !== undefined && (step === 'createSecret' || step === 'finishSecret')
        ? { emergency: true, emergencyReason: spec.emergency.reason, emergencyRequestedAt: spec.emergency.requestedAt.toISOString() }
        : {}),
    };
    records.push(record);
    if (failed) break;
    at = last + STEP_MS;
  }
  return records;
}
