/**
 * The DynamoDB stand-in, driven through the real @aws-sdk/client-dynamodb, and checked against an
 * implementation we did not write: every case of the shared table runs against dynalite and against
 * the stand-in and must give the same result (items, pages, errors).
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ResourceNotFoundException,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startAwsEmulator, type AwsEmulator } from '../../../local/aws';

// dynalite ships no types: it is a factory returning an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;

const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const TABLE = 'ledger';

interface Backend {
  readonly endpoint: string;
  close(): Promise<void>;
}

async function startDynalite(): Promise<Backend> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startStandIn(): Promise<Backend & { aws: AwsEmulator }> {
  const aws = await startAwsEmulator();
  return { aws, endpoint: aws.endpoint, close: async () => await aws.close() };
}

async function waitActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${name} never became ACTIVE`);
}

/** What a call did, comparable across implementations: the result, or the error's class name and message. */
async function outcome<T>(call: Promise<T>): Promise<{ ok: T } | { error: string; message: string }> {
  try {
    return { ok: await call };
  } catch (error) {
    const e = error as Error;
    return { error: e.name, message: e.message };
  }
}

function stripMetadata<T extends { $metadata?: unknown; ConsumedCapacity?: unknown }>(out: T): Omit<T, '$metadata' | 'ConsumedCapacity'> {
  const { $metadata: _m, ConsumedCapacity: _c, ...rest } = out;
  return rest;
}

const stepUpdate = (secret: string, entry: string, failed: boolean, at: string): UpdateItemCommandInput => ({
  TableName: TABLE,
  Key: { secret: { S: secret }, entry: { S: entry } },
  UpdateExpression: `SET #outcome = :outcome, #last = :at, #first = if_not_exists(#first, :at), #facts = :facts, #ids = :ids REMOVE #gone ADD #attempts :one${failed ? ', #failures :one' : ''}`,
  ExpressionAttributeNames: { '#outcome': 'outcome', '#last': 'lastAttemptAt', '#first': 'firstAttemptAt', '#facts': 'facts', '#ids': 'ids', '#gone': 'errorType', '#attempts': 'attempts', ...(failed ? { '#failures': 'failures' } : {}) },
  ExpressionAttributeValues: {
    ':outcome': { S: failed ? 'failed' : 'succeeded' },
    ':at': { S: at },
    ':one': { N: '1' },
    ':facts': { M: { emergency: { BOOL: true }, reason: { S: 'leak' }, none: { NULL: true }, list: { L: [{ S: 'a' }, { N: '2' }] } } },
    ':ids': { SS: ['c1', 'c2'] },
  },
});

/**
 * Results seen by the first implementation (dynalite), by case: the stand-in must give the same.
 * A case run alone against the stand-in (jest -t) has nothing to compare with and checks only its own assertions.
 */
const reference = new Map<string, unknown>();

function expectSame(name: string, key: string, value: unknown): void {
  if (name === 'dynalite') reference.set(key, value);
  else if (reference.has(key)) expect(value).toEqual(reference.get(key));
}

describe.each([
  ['dynalite', startDynalite],
  ['the stand-in', startStandIn],
])('DynamoDB behaviour (%s)', (name, start) => {
  let backend: Backend;
  let client: DynamoDBClient;

  beforeAll(async () => {
    backend = await start();
    client = new DynamoDBClient({ endpoint: backend.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'secret', KeyType: 'HASH' },
          { AttributeName: 'entry', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'secret', AttributeType: 'S' },
          { AttributeName: 'entry', AttributeType: 'S' },
        ],
      }),
    );
    await waitActive(client, TABLE);
  });

  afterAll(async () => {
    client.destroy();
    await backend.close();
  });

  describe('Method: UpdateItem', () => {
    it('creates the item on the first update and counts attempts on the second, keeping firstAttemptAt', async () => {
      // Act
      await client.send(new UpdateItemCommand(stepUpdate('s1', 'v1#createSecret', true, '2026-01-01T00:00:00Z')));
      await client.send(new UpdateItemCommand(stepUpdate('s1', 'v1#createSecret', false, '2026-01-01T00:01:00Z')));
      const out = await client.send(new GetItemCommand({ TableName: TABLE, Key: { secret: { S: 's1' }, entry: { S: 'v1#createSecret' } } }));

      // Assess
      expect(out.Item).toEqual({
        secret: { S: 's1' },
        entry: { S: 'v1#createSecret' },
        outcome: { S: 'succeeded' },
        lastAttemptAt: { S: '2026-01-01T00:01:00Z' },
        firstAttemptAt: { S: '2026-01-01T00:00:00Z' },
        attempts: { N: '2' },
        failures: { N: '1' },
        facts: { M: { emergency: { BOOL: true }, reason: { S: 'leak' }, none: { NULL: true }, list: { L: [{ S: 'a' }, { N: '2' }] } } },
        ids: { SS: ['c1', 'c2'] },
      });
    });

    it('adds to a number with SET a = a + :n and returns ALL_NEW', async () => {
      // Prepare
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { secret: { S: 's2' }, entry: { S: 'e' }, n: { N: '40' } } }));

      // Act
      const out = await client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { secret: { S: 's2' }, entry: { S: 'e' } },
          UpdateExpression: 'SET n = n + :two',
          ExpressionAttributeValues: { ':two': { N: '2' } },
          ReturnValues: 'ALL_NEW',
        }),
      );

      // Assess
      expect(out.Attributes).toEqual({ secret: { S: 's2' }, entry: { S: 'e' }, n: { N: '42' } });
    });

    it.each([
      ['an unused expression attribute value', { UpdateExpression: 'SET #a = :a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': { S: 'x' }, ':b': { S: 'y' } } }],
      ['an undefined expression attribute value', { UpdateExpression: 'SET #a = :zz', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': { S: 'x' } } }],
      ['an update of a key attribute', { UpdateExpression: 'SET #k = :a', ExpressionAttributeNames: { '#k': 'entry' }, ExpressionAttributeValues: { ':a': { S: 'x' } } }],
      ['ADD of a string', { UpdateExpression: 'ADD #a :a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': { S: 'x' } } }],
      ['a section given twice', { UpdateExpression: 'SET #a = :a SET #b = :a', ExpressionAttributeNames: { '#a': 'a', '#b': 'b' }, ExpressionAttributeValues: { ':a': { S: 'x' } } }],
      ['a missing key attribute', { Key: { secret: { S: 's3' } }, UpdateExpression: 'SET #a = :a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': { S: 'x' } } }],
    ])('refuses %s with a ValidationException and writes nothing', async (what, overrides) => {
      // Act
      const result = await outcome(client.send(new UpdateItemCommand({ TableName: TABLE, Key: { secret: { S: 's3' }, entry: { S: 'e' } }, ...overrides })));
      const after = await client.send(new GetItemCommand({ TableName: TABLE, Key: { secret: { S: 's3' }, entry: { S: 'e' } } }));

      // Assess
      expect(result).toMatchObject({ error: 'ValidationException' });
      expectSame(name, `update ${what}`, result);
      expect(after.Item).toBeUndefined();
    });

    it('answers ConditionalCheckFailedException when the condition fails', async () => {
      // Prepare
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { secret: { S: 's4' }, entry: { S: 'e' }, v: { S: 'first' } } }));

      // Act
      const result = await outcome(
        client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { secret: { S: 's4' }, entry: { S: 'e' } },
            UpdateExpression: 'SET v = :v',
            ConditionExpression: 'attribute_not_exists(v) OR v = :old',
            ExpressionAttributeValues: { ':v': { S: 'second' }, ':old': { S: 'other' } },
          }),
        ),
      );

      // Assess
      expect(result).toEqual({ error: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
    });
  });

  describe('Method: PutItem', () => {
    it('writes once under attribute_not_exists and refuses the second write', async () => {
      // Prepare
      const put = (v: string) =>
        client.send(new PutItemCommand({ TableName: TABLE, Item: { secret: { S: 's5' }, entry: { S: 'v#request' }, v: { S: v } }, ConditionExpression: 'attribute_not_exists(#e)', ExpressionAttributeNames: { '#e': 'entry' } }));

      // Act
      await put('first');
      const second = await outcome(put('second'));
      const item = await client.send(new GetItemCommand({ TableName: TABLE, Key: { secret: { S: 's5' }, entry: { S: 'v#request' } } }));

      // Assess
      expect(second).toEqual({ error: new ConditionalCheckFailedException({ message: '', $metadata: {} }).name, message: 'The conditional request failed' });
      expect(item.Item?.v).toEqual({ S: 'first' });
    });

    it.each([
      ['a key of the wrong type', { secret: { N: '1' }, entry: { S: 'e' } }],
      ['a missing sort key', { secret: { S: 's' } }],
      ['an empty string key', { secret: { S: '' }, entry: { S: 'e' } }],
    ])('refuses %s with a ValidationException', async (what, item) => {
      // Act
      const result = await outcome(client.send(new PutItemCommand({ TableName: TABLE, Item: item })));

      // Assess
      expect(result).toMatchObject({ error: 'ValidationException' });
      expectSame(name, `put ${what}`, result);
    });

    it('answers ResourceNotFoundException for a table that does not exist', async () => {
      // Act
      const result = await outcome(client.send(new PutItemCommand({ TableName: 'no-such-table', Item: { secret: { S: 's' }, entry: { S: 'e' } } })));

      // Assess
      expect(result).toEqual({ error: new ResourceNotFoundException({ message: '', $metadata: {} }).name, message: 'Requested resource not found' });
    });
  });

  describe('Method: Query', () => {
    beforeAll(async () => {
      for (const entry of ['v1#createSecret', 'v1#finishSecret', 'v1#request', 'v2#createSecret', 'v2#setSecret', 'v3#createSecret']) {
        await client.send(new PutItemCommand({ TableName: TABLE, Item: { secret: { S: 'q' }, entry: { S: entry }, kind: { S: entry.endsWith('request') ? 'request' : 'step' } } }));
      }
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { secret: { S: 'other' }, entry: { S: 'v1#createSecret' } } }));
    });

    const query = (extra: Partial<QueryCommandInput> = {}): QueryCommandInput => ({
      TableName: TABLE,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'secret' },
      ExpressionAttributeValues: { ':s': { S: 'q' } },
      ...extra,
    });

    it.each<[string, Partial<QueryCommandInput>]>([
      ['the whole partition in sort key order', {}],
      ['descending', { ScanIndexForward: false }],
      [
        'begins_with on the sort key',
        { KeyConditionExpression: '#s = :s AND begins_with(#e, :p)', ExpressionAttributeNames: { '#s': 'secret', '#e': 'entry' }, ExpressionAttributeValues: { ':s': { S: 'q' }, ':p': { S: 'v2#' } } },
      ],
      [
        'BETWEEN on the sort key',
        { KeyConditionExpression: '#s = :s AND #e BETWEEN :a AND :b', ExpressionAttributeNames: { '#s': 'secret', '#e': 'entry' }, ExpressionAttributeValues: { ':s': { S: 'q' }, ':a': { S: 'v1#d' }, ':b': { S: 'v2#d' } } },
      ],
      [
        'a filter on a non-key attribute',
        { FilterExpression: '#k = :k', ExpressionAttributeNames: { '#s': 'secret', '#k': 'kind' }, ExpressionAttributeValues: { ':s': { S: 'q' }, ':k': { S: 'request' } } },
      ],
      ['a limit', { Limit: 2 }],
      ['a limit with a filter (counted before filtering)', { Limit: 3, FilterExpression: '#k = :k', ExpressionAttributeNames: { '#s': 'secret', '#k': 'kind' }, ExpressionAttributeValues: { ':s': { S: 'q' }, ':k': { S: 'step' } } }],
      ['from an exclusive start key', { ExclusiveStartKey: { secret: { S: 'q' }, entry: { S: 'v1#request' } } }],
      ['from an exclusive start key, descending', { ExclusiveStartKey: { secret: { S: 'q' }, entry: { S: 'v2#createSecret' } }, ScanIndexForward: false }],
    ])('returns %s', async (what, extra) => {
      // Act
      const out = await client.send(new QueryCommand(query(extra)));

      // Assess
      expect(out.Count).toBeGreaterThan(0);
      expectSame(name, `query ${what}`, stripMetadata(out));
    });

    it('pages through a partition with LastEvaluatedKey', async () => {
      // Act
      const entries: string[] = [];
      let startKey: QueryCommandInput['ExclusiveStartKey'];
      let pages = 0;
      do {
        const out = await client.send(new QueryCommand(query({ Limit: 4, ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}) })));
        entries.push(...(out.Items ?? []).map((item) => item.entry?.S ?? '?'));
        startKey = out.LastEvaluatedKey;
        pages += 1;
      } while (startKey !== undefined);

      // Assess
      expect(entries).toEqual(['v1#createSecret', 'v1#finishSecret', 'v1#request', 'v2#createSecret', 'v2#setSecret', 'v3#createSecret']);
      expect(pages).toBe(2);
    });

    it.each<[string, Partial<QueryCommandInput>]>([
      ['a key condition without the partition key', { KeyConditionExpression: 'begins_with(#e, :s)', ExpressionAttributeNames: { '#e': 'entry' } }],
      ['a key condition on a non-key attribute', { KeyConditionExpression: '#s = :s AND #k = :s', ExpressionAttributeNames: { '#s': 'secret', '#k': 'kind' } }],
      ['a syntax error', { KeyConditionExpression: '#s = = :s' }],
      ['an undefined attribute name', { KeyConditionExpression: '#nope = :s' }],
    ])('refuses %s with a ValidationException', async (what, extra) => {
      // Act
      const result = await outcome(client.send(new QueryCommand(query(extra))));

      // Assess
      expect(result).toMatchObject({ error: 'ValidationException' });
      // Syntax errors: dynalite words the detail as its parser does, DynamoDB (and the stand-in) as
      // `token: "=", near: "..."`; the part before the detail must agree.
      expectSame(name, `query ${what}`, 'message' in result ? { ...result, message: result.message.replace(/Syntax error;.*/, 'Syntax error;') } : result);
    });
  });
});

describe('DynamoDB stand-in', () => {
  let standIn: Backend & { aws: AwsEmulator };
  let client: DynamoDBClient;

  beforeEach(async () => {
    standIn = await startStandIn();
    client = new DynamoDBClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    standIn.aws.dynamoDb.call('CreateTable', {
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'secret', KeyType: 'HASH' },
        { AttributeName: 'entry', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'secret', AttributeType: 'S' },
        { AttributeName: 'entry', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  afterEach(async () => {
    client.destroy();
    await standIn.close();
  });

  it('answers in AWS JSON 1.0 and names the table in the request log', async () => {
    // Act
    const out = await client.send(new DescribeTableCommand({ TableName: TABLE }));

    // Assess
    expect(out.Table).toMatchObject({ TableName: TABLE, TableStatus: 'ACTIVE', BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } });
    expect(standIn.aws.requestLog().at(-1)).toMatchObject({ service: 'dynamodb', operation: 'DescribeTable', status: 200, tableName: TABLE });
  });

  it('records the TTL setting', async () => {
    // Act
    await client.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    const out = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

    // Assess
    expect(out.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    expect(standIn.aws.dynamoDb.timeToLive(TABLE)).toEqual({ enabled: true, attributeName: 'expiresAt' });
  });

  it.each([
    ['a nested document path', 'SET #a.b = :v', 'nested document paths'],
    ['the DELETE section', 'DELETE #a :v', 'DELETE section'],
    ['the size function', 'SET #a = size(:v)', 'function size'],
  ])('refuses %s with a ValidationException naming what is not supported', async (_what, expression, named) => {
    // Act
    const result = await outcome(
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { secret: { S: 's' }, entry: { S: 'e' } },
          UpdateExpression: expression,
          ExpressionAttributeNames: { '#a': 'a' },
          ExpressionAttributeValues: { ':v': { S: 'x' } },
        }),
      ),
    );

    // Assess
    expect(result).toMatchObject({ error: 'ValidationException', message: expect.stringContaining(named) as string });
    expect(standIn.aws.dynamoDb.items(TABLE)).toEqual([]);
  });

  it('fails an injected write with the chosen error and leaves the table unchanged', async () => {
    // Prepare
    standIn.aws.dynamoDb.faults.failNext('UpdateItem', 1, 'ProvisionedThroughputExceededException');

    // Act
    const result = await outcome(client.send(new UpdateItemCommand(stepUpdate('s', 'v#createSecret', false, '2026-01-01T00:00:00Z'))));

    // Assess
    expect(result).toMatchObject({ error: 'ProvisionedThroughputExceededException' });
    expect(standIn.aws.dynamoDb.items(TABLE)).toEqual([]);
  });

  it('stalls a write until the client gives up', async () => {
    // Prepare
    standIn.aws.dynamoDb.faults.stall('UpdateItem');

    // Act
    const result = await outcome(client.send(new UpdateItemCommand(stepUpdate('s', 'v#createSecret', false, '2026-01-01T00:00:00Z')), { abortSignal: AbortSignal.timeout(50) }));

    // Assess
    expect(result).toMatchObject({ error: 'AbortError' });
    expect(standIn.aws.dynamoDb.items(TABLE)).toEqual([]);
  });
});
