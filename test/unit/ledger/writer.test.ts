import { DynamoDBClient, ProvisionedThroughputExceededException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LEDGER_WRITE_TIMEOUT_MS } from '../../../lambdas/core/ledger/record';
import { ledgerClientConfig, LedgerWriter } from '../../../lambdas/core/ledger/writer';
import type { Log } from '../../../lambdas/core/log';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-rotator/acme/crm-AbCdEf';
const ATTEMPT = {
  request: { secretId: ARN, token: 'v1', step: 'setSecret' as const },
  startedAt: new Date('2026-03-01T10:00:00Z'),
  endedAt: new Date('2026-03-01T10:00:00.010Z'),
  result: { outcome: { step: 'setSecret' as const, result: 'nothing-to-do' as const } },
};

function recordingLog(): Log & { warnings: { message: string; attributes: Record<string, unknown> | undefined }[] } {
  const warnings: { message: string; attributes: Record<string, unknown> | undefined }[] = [];
  return { warnings, debug: () => undefined, info: () => undefined, error: () => undefined, warn: (message, attributes) => warnings.push({ message, attributes }) };
}

describe('Class: LedgerWriter', () => {
  const dynamoDb = mockClient(DynamoDBClient);

  beforeEach(() => {
    dynamoDb.reset();
  });

  describe('Method: recordStep', () => {
    it('sends one UpdateItem to the configured table and reports it written', async () => {
      // Prepare
      dynamoDb.on(UpdateItemCommand).resolves({});
      const log = recordingLog();
      const writer = new LedgerWriter(new DynamoDBClient({}), { tableName: 'ledger', retentionDays: undefined }, log);

      // Act
      const written = await writer.recordStep(ATTEMPT);

      // Assess
      expect(written).toBe(true);
      expect(dynamoDb.commandCalls(UpdateItemCommand)).toHaveLength(1);
      expect(dynamoDb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({ TableName: 'ledger', Key: { entry: { S: 'v1#setSecret' } } });
      expect(log.warnings).toEqual([]);
    });

    it('never throws: a failed write is a warning naming the error, and `false`', async () => {
      // Prepare
      dynamoDb.on(UpdateItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
      const log = recordingLog();
      const writer = new LedgerWriter(new DynamoDBClient({}), { tableName: 'ledger', retentionDays: 30 }, log);

      // Act
      const written = await writer.recordStep(ATTEMPT);

      // Assess
      expect(written).toBe(false);
      expect(log.warnings).toEqual([
        {
          message: 'Rotation ledger write failed; the step goes on',
          attributes: expect.objectContaining({ ledgerTable: 'ledger', secretName: 'genesys-rotator/acme/crm', errorName: 'ProvisionedThroughputExceededException' }) as unknown,
        },
      ]);
    });

    it('gives up at an invocation deadline that is already past', async () => {
      // Prepare: a client that gives up on an aborted signal, as the SDK does
      let abortedAtSend: boolean | undefined;
      const send = (_command: unknown, options: { abortSignal: AbortSignal }) => {
        abortedAtSend = options.abortSignal.aborted;
        return Promise.reject(new Error('Request aborted'));
      };
      const client = { send } as unknown as DynamoDBClient;
      const log = recordingLog();
      const writer = new LedgerWriter(client, { tableName: 'ledger', retentionDays: undefined }, log, { timeoutMs: 60_000 });

      // Act
      const written = await writer.recordStep(ATTEMPT, Date.now() - 1_000);

      // Assess
      expect(abortedAtSend).toBe(true);
      expect(written).toBe(false);
      expect(log.warnings).toHaveLength(1);
    });
  });
});

describe('Function: ledgerClientConfig', () => {
  it('bounds each attempt by the write timeout and tries twice', () => {
    expect(ledgerClientConfig()).toEqual({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 500, requestTimeout: LEDGER_WRITE_TIMEOUT_MS, socketTimeout: LEDGER_WRITE_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
  });
});
