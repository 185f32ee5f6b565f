import { DynamoDBClient, QueryCommand, ResourceNotFoundException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LedgerReadError, ledgerClientConfig, queryPartition } from '../../../../cli/ledger/dynamodb';
import { ValidationError } from '../../../../lambdas/core/errors';

describe('Function: queryPartition', () => {
  const dynamo = mockClient(DynamoDBClient);
  const client = new DynamoDBClient({ region: 'us-east-1' });

  afterEach(() => {
    dynamo.reset();
  });

  it('follows LastEvaluatedKey through every page of the secret partition, and stops at an empty one', async () => {
    // Prepare: three pages, the last with an empty LastEvaluatedKey as some implementations answer
    const key = (entry: string): Record<string, AttributeValue> => ({ secret: { S: 's' }, entry: { S: entry } });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [key('v1#createSecret')], LastEvaluatedKey: key('v1#createSecret') })
      .resolvesOnce({ Items: [key('v1#finishSecret')], LastEvaluatedKey: key('v1#finishSecret') })
      .resolvesOnce({ Items: [key('v2#request')], LastEvaluatedKey: {} });

    // Act
    const items = await queryPartition(client, 'ledger', 'genesys-rotator/acme/jobs');

    // Assess
    expect(items.map((item) => item.entry)).toEqual(['v1#createSecret', 'v1#finishSecret', 'v2#request']);
    const calls = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({ TableName: 'ledger', KeyConditionExpression: '#p = :p', ExpressionAttributeNames: { '#p': 'secret' }, ExpressionAttributeValues: { ':p': { S: 'genesys-rotator/acme/jobs' } } });
    expect(calls[0]?.ExclusiveStartKey).toBeUndefined();
    expect(calls[1]?.ExclusiveStartKey).toEqual(key('v1#createSecret'));
    expect(calls[2]?.ExclusiveStartKey).toEqual(key('v1#finishSecret'));
  });

  it('turns a missing table into a usage error naming --ledger-table', async () => {
    dynamo.on(QueryCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(queryPartition(client, 'nope', 's')).rejects.toThrow(ValidationError);
    await expect(queryPartition(client, 'nope', 's')).rejects.toThrow(/No ledger table "nope" in this account and Region: field "--ledger-table"/);
  });

  it('turns any other failure into LedgerReadError with the AWS error name and the cause', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: dynamodb:Query'), { name: 'AccessDeniedException' });
    dynamo.on(QueryCommand).rejects(denied);
    const error = await queryPartition(client, 'ledger', 's').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LedgerReadError);
    expect(error).toMatchObject({ awsErrorName: 'AccessDeniedException', cause: denied });
    expect((error as Error).message).toBe('DynamoDB Query on the ledger table ledger failed (AccessDeniedException): User is not authorized to perform: dynamodb:Query');
  });
});

describe('Function: ledgerClientConfig', () => {
  it('takes --endpoint-url first, then AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, never Secrets Manager\'s own variable', () => {
    const env = { AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb:2', AWS_ENDPOINT_URL: 'http://all:3' };
    expect(ledgerClientConfig({ 'endpoint-url': 'http://flag:4' }, env).endpoint).toBe('http://flag:4');
    expect(ledgerClientConfig({}, env).endpoint).toBe('http://ddb:2');
    expect(ledgerClientConfig({}, { AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm:1', AWS_ENDPOINT_URL: 'http://all:3' }).endpoint).toBe('http://all:3');
    expect(ledgerClientConfig({}, { AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm:1' }).endpoint).toBeUndefined();
  });

  it('refuses an AWS_ENDPOINT_URL_DYNAMODB that is not an http(s) URL, naming it', () => {
    expect(() => ledgerClientConfig({}, { AWS_ENDPOINT_URL_DYNAMODB: 'ftp://x' })).toThrow(/field "AWS_ENDPOINT_URL_DYNAMODB": expected an http\(s\) URL \(got "ftp:\/\/x"\)/);
  });
});
