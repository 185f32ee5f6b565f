/**
 * DynamoDB stand-in over AWS JSON 1.0 (`X-Amz-Target: DynamoDB_20120810.<Operation>`): the operations the
 * rotation ledger and its tests use (CreateTable, DescribeTable, PutItem, UpdateItem, GetItem, Query,
 * Scan, UpdateTimeToLive, DescribeTimeToLive), answering errors as DynamoDB does so the real SDK raises
 * the same exception classes. Checked against an implementation we did not write (dynalite) by
 * test/integration/local/dynamodb-emulator.test.ts. Tables are in memory; TTL is recorded, never
 * enforced (DynamoDB deletes expired items within days, not on time).
 */
import { AwsServiceError, validationError } from '../aws-error';
import { type Clock, epochSeconds } from '../clock';
import { FaultPlan } from '../faults';
import { JsonInput } from '../json-input';
import { type AttributeValue, checkItem, compareScalars, dynamoValidation, type Item, itemSize, typeOf } from './attribute-values';
import { applyUpdate, type Condition, evaluate, ExpressionContext, parseCondition, parseUpdate } from './expressions';

const MAX_ITEM_BYTES = 400 * 1024;

interface KeySchema {
  readonly partition: { readonly name: string; readonly type: string };
  readonly sort?: { readonly name: string; readonly type: string };
}

interface Table {
  readonly name: string;
  readonly arn: string;
  readonly key: KeySchema;
  readonly attributeDefinitions: readonly { AttributeName: string; AttributeType: string }[];
  readonly createdAt: Date;
  readonly billingMode: string;
  /** Items by their key (JSON of the key values). */
  readonly items: Map<string, Item>;
  ttl: { readonly enabled: boolean; readonly attributeName: string } | undefined;
}

type Operation = (input: JsonInput, raw: Record<string, unknown>) => object;

export interface DynamoDbEmulatorOptions {
  readonly accountId: string;
  readonly region: string;
  readonly now: Clock;
}

export class DynamoDbEmulator {
  /** Call-level faults, latency and stalls (e.g. make ledger writes fail or hang). */
  readonly faults = new FaultPlan();
  private readonly tables = new Map<string, Table>();
  private readonly operations: Record<string, Operation>;

  constructor(private readonly options: DynamoDbEmulatorOptions) {
    this.operations = {
      CreateTable: (input) => this.createTable(input),
      DescribeTable: (input) => ({ Table: this.describe(this.table(input, true), true) }),
      PutItem: (input, raw) => this.putItem(input, raw),
      GetItem: (input, raw) => this.getItem(input, raw),
      UpdateItem: (input, raw) => this.updateItem(input, raw),
      Query: (input, raw) => this.query(input, raw, true),
      Scan: (input, raw) => this.query(input, raw, false),
      UpdateTimeToLive: (input) => this.updateTimeToLive(input),
      DescribeTimeToLive: (input) => {
        const ttl = this.table(input, true).ttl;
        return { TimeToLiveDescription: ttl?.enabled === true ? { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.attributeName } : { TimeToLiveStatus: 'DISABLED' } };
      },
    };
  }

  handle(operation: string, input: JsonInput, raw: Record<string, unknown>): object {
    const run = this.operations[operation];
    if (run === undefined) throw new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the DynamoDB stand-in.`);
    return run(input, raw);
  }

  /** Calls an operation in-process (not counted, no faults): handy for seeding. */
  call(operation: string, request: Record<string, unknown>): object {
    return this.handle(operation, new JsonInput(request), request);
  }

  /** Every item of a table, in key order, for assertions (the wire format: `{"S": ...}`). */
  items(tableName: string): Item[] {
    const table = this.tables.get(tableName);
    if (table === undefined) throw new AwsServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
    return sortItems([...table.items.values()], table.key, true);
  }

  /** The TTL setting of a table (UpdateTimeToLive), for assertions. */
  timeToLive(tableName: string): { readonly enabled: boolean; readonly attributeName: string } | undefined {
    return this.tables.get(tableName)?.ttl;
  }

  private table(input: JsonInput, describeOnly = false): Table {
    const name = input.string('TableName');
    const table = this.tables.get(name);
    if (table === undefined) {
      throw new AwsServiceError('ResourceNotFoundException', describeOnly ? `Requested resource not found: Table: ${name} not found` : 'Requested resource not found');
    }
    return table;
  }

  private createTable(input: JsonInput): object {
    const name = input.string('TableName');
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
      throw validationError('tableName', name, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+');
    }
    const definitions = (input.optionalObjectArray('AttributeDefinitions') ?? []).map((d) => ({ AttributeName: d.string('AttributeName'), AttributeType: d.string('AttributeType') }));
    const schema = (input.optionalObjectArray('KeySchema') ?? []).map((k) => ({ name: k.string('AttributeName'), type: k.string('KeyType') }));
    const hash = schema.find((k) => k.type === 'HASH');
    const range = schema.find((k) => k.type === 'RANGE');
    if (hash === undefined || schema.length > 2 || (schema.length === 2 && range === undefined) || schema[0]?.type !== 'HASH') {
      throw dynamoValidation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
    }
    const typeOfKey = (attribute: string): string => {
      const definition = definitions.find((d) => d.AttributeName === attribute);
      if (definition === undefined) throw dynamoValidation('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [' + attribute + '], AttributeDefinitions: [' + definitions.map((d) => d.AttributeName).join(', ') + ']');
      return definition.AttributeType;
    };
    const key: KeySchema = {
      partition: { name: hash.name, type: typeOfKey(hash.name) },
      ...(range !== undefined ? { sort: { name: range.name, type: typeOfKey(range.name) } } : {}),
    };
    if (definitions.length !== schema.length) {
      throw dynamoValidation('One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
    }
    if (this.tables.has(name)) throw new AwsServiceError('ResourceInUseException', `Table already exists: ${name}`);
    const table: Table = {
      name,
      arn: `arn:aws:dynamodb:${this.options.region}:${this.options.accountId}:table/${name}`,
      key,
      attributeDefinitions: definitions,
      createdAt: this.options.now(),
      billingMode: input.optionalString('BillingMode') ?? 'PROVISIONED',
      items: new Map(),
      ttl: undefined,
    };
    this.tables.set(name, table);
    return { TableDescription: this.describe(table, false) };
  }

  /** CreateTable answers CREATING, as DynamoDB does; the stand-in's table is usable at once, so DescribeTable says ACTIVE. */
  private describe(table: Table, active: boolean): object {
    return {
      TableName: table.name,
      TableArn: table.arn,
      TableStatus: active ? 'ACTIVE' : 'CREATING',
      CreationDateTime: epochSeconds(table.createdAt),
      KeySchema: [
        { AttributeName: table.key.partition.name, KeyType: 'HASH' },
        ...(table.key.sort !== undefined ? [{ AttributeName: table.key.sort.name, KeyType: 'RANGE' }] : []),
      ],
      AttributeDefinitions: table.attributeDefinitions,
      ItemCount: table.items.size,
      TableSizeBytes: [...table.items.values()].reduce((sum, item) => sum + itemSize(item), 0),
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      ...(table.billingMode === 'PAY_PER_REQUEST' ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } } : {}),
    };
  }

  private updateTimeToLive(input: JsonInput): object {
    const table = this.table(input);
    const spec = input.optionalObject('TimeToLiveSpecification');
    if (spec === undefined) throw validationError('timeToLiveSpecification', undefined, 'Member must not be null');
    const enabled = spec.optionalBoolean('Enabled');
    const attributeName = spec.string('AttributeName');
    if (enabled === undefined) throw validationError('timeToLiveSpecification.enabled', undefined, 'Member must not be null');
    if ((table.ttl?.enabled ?? false) === enabled) throw dynamoValidation(`TimeToLive is already ${enabled ? 'enabled' : 'disabled'}`);
    table.ttl = { enabled, attributeName };
    return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } };
  }

  /** The stored key of an item or a Key member, checked against the schema. */
  private keyOf(table: Table, item: Item, exact: boolean): string {
    const parts: AttributeValue[] = [];
    for (const element of [table.key.partition, table.key.sort]) {
      if (element === undefined) continue;
      const value = item[element.name];
      if (value === undefined) {
        throw dynamoValidation(exact ? 'The provided key element does not match the schema' : `One or more parameter values were invalid: Missing the key ${element.name} in the item`);
      }
      if (typeOf(value) !== element.type) {
        throw dynamoValidation(
          exact ? 'The provided key element does not match the schema' : `One or more parameter values were invalid: Type mismatch for key ${element.name} expected: ${element.type} actual: ${typeOf(value)}`,
        );
      }
      if ('S' in value && value.S === '') {
        throw dynamoValidation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${element.name}`);
      }
      parts.push(value);
    }
    if (exact && Object.keys(item).length !== parts.length) throw dynamoValidation('The provided key element does not match the schema');
    return JSON.stringify(parts);
  }

  private context(input: JsonInput, raw: Record<string, unknown>): ExpressionContext {
    const names = raw.ExpressionAttributeNames;
    if (names !== undefined && (typeof names !== 'object' || names === null || Object.values(names).some((v) => typeof v !== 'string'))) {
      throw new AwsServiceError('SerializationException', 'Member ExpressionAttributeNames must be a map of strings');
    }
    const values = input.has('ExpressionAttributeValues') ? checkItem(raw.ExpressionAttributeValues, 'expressionAttributeValues') : undefined;
    if (names !== undefined && Object.keys(names).length === 0) throw dynamoValidation('ExpressionAttributeNames must not be empty');
    if (values !== undefined && Object.keys(values).length === 0) throw dynamoValidation('ExpressionAttributeValues must not be empty');
    return new ExpressionContext(names as Record<string, string> | undefined, values);
  }

  private condition(input: JsonInput, context: ExpressionContext, member: 'ConditionExpression' | 'FilterExpression'): Condition | undefined {
    if (input.has('Expected') || input.has('QueryFilter') || input.has('ScanFilter')) {
      throw dynamoValidation('The DynamoDB stand-in does not support legacy conditional parameters (Expected, QueryFilter, ScanFilter): use expressions');
    }
    return input.has(member) ? parseCondition(input.optionalString(member), member, context) : undefined;
  }

  private projection(input: JsonInput, context: ExpressionContext): string[] | undefined {
    const text = input.optionalString('ProjectionExpression');
    if (text === undefined) return undefined;
    if (input.has('AttributesToGet')) throw dynamoValidation('The DynamoDB stand-in does not support AttributesToGet: use ProjectionExpression');
    return text.split(',').map((part) => {
      const name = part.trim();
      if (!/^#?[A-Za-z0-9_]+$/.test(name)) throw dynamoValidation(`Invalid ProjectionExpression: the DynamoDB stand-in does not support nested document paths (only top-level attribute names)`);
      return name.startsWith('#') ? context.name(name, 'ConditionExpression') : name;
    });
  }

  private returnValues(input: JsonInput, allowed: readonly string[]): string {
    const value = input.optionalString('ReturnValues') ?? 'NONE';
    if (!['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'].includes(value)) {
      throw validationError('returnValues', value, 'Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]');
    }
    if (!allowed.includes(value)) throw dynamoValidation(`ReturnValues can only be ${allowed.join(' or ')}`);
    return value;
  }

  private putItem(input: JsonInput, raw: Record<string, unknown>): object {
    const table = this.table(input);
    const item = checkItem(raw.Item, 'item');
    const context = this.context(input, raw);
    const condition = this.condition(input, context, 'ConditionExpression');
    context.checkAllUsed();
    const returnValues = this.returnValues(input, ['NONE', 'ALL_OLD']);
    const key = this.keyOf(table, item, false);
    if (itemSize(item) > MAX_ITEM_BYTES) throw dynamoValidation('Item size has exceeded the maximum allowed size');
    const old = table.items.get(key);
    if (condition !== undefined && !evaluate(condition, old)) throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
    table.items.set(key, item);
    return returnValues === 'ALL_OLD' && old !== undefined ? { Attributes: old } : {};
  }

  private getItem(input: JsonInput, raw: Record<string, unknown>): object {
    const table = this.table(input);
    const key = checkItem(raw.Key, 'key');
    const context = this.context(input, raw);
    const projection = this.projection(input, context);
    context.checkAllUsed();
    const item = table.items.get(this.keyOf(table, key, true));
    return item === undefined ? {} : { Item: project(item, projection) };
  }

  private updateItem(input: JsonInput, raw: Record<string, unknown>): object {
    const table = this.table(input);
    const key = checkItem(raw.Key, 'key');
    if (input.has('AttributeUpdates')) throw dynamoValidation('The DynamoDB stand-in does not support AttributeUpdates: use UpdateExpression');
    const context = this.context(input, raw);
    const actions = input.has('UpdateExpression') ? parseUpdate(input.optionalString('UpdateExpression'), context) : [];
    const condition = this.condition(input, context, 'ConditionExpression');
    context.checkAllUsed();
    const returnValues = this.returnValues(input, ['NONE', 'ALL_OLD', 'ALL_NEW']);
    const storedKey = this.keyOf(table, key, true);
    for (const action of actions) {
      if (action.path === table.key.partition.name || action.path === table.key.sort?.name) {
        throw dynamoValidation(`One or more parameter values were invalid: Cannot update attribute ${action.path}. This attribute is part of the key`);
      }
    }
    const old = table.items.get(storedKey);
    if (condition !== undefined && !evaluate(condition, old)) throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
    const next = applyUpdate(actions, old ?? key);
    if (itemSize(next) > MAX_ITEM_BYTES) throw dynamoValidation('Item size to update has exceeded the maximum allowed size');
    table.items.set(storedKey, next);
    if (returnValues === 'ALL_NEW') return { Attributes: next };
    if (returnValues === 'ALL_OLD' && old !== undefined) return { Attributes: old };
    return {};
  }

  /** Query (`keyed`) or Scan: items in key order, a page of at most `Limit` evaluated items. */
  private query(input: JsonInput, raw: Record<string, unknown>, keyed: boolean): object {
    const table = this.table(input);
    if (input.has('IndexName')) throw dynamoValidation('The DynamoDB stand-in does not support secondary indexes (IndexName)');
    if (input.has('KeyConditions')) throw dynamoValidation('The DynamoDB stand-in does not support KeyConditions: use KeyConditionExpression');
    const select = input.optionalString('Select');
    if (select !== undefined && select !== 'ALL_ATTRIBUTES' && select !== 'COUNT') throw dynamoValidation(`The DynamoDB stand-in does not support Select ${select}`);
    const context = this.context(input, raw);
    let keyCondition: Condition | undefined;
    if (keyed) {
      if (!input.has('KeyConditionExpression')) throw dynamoValidation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
      keyCondition = parseCondition(input.optionalString('KeyConditionExpression'), 'KeyConditionExpression', context);
      checkKeyCondition(keyCondition, table.key);
    }
    const filter = this.condition(input, context, 'FilterExpression');
    const projection = this.projection(input, context);
    context.checkAllUsed();
    const limit = input.optionalNumber('Limit');
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw validationError('limit', limit, 'Member must have value greater than or equal to 1');
    const forward = input.optionalBoolean('ScanIndexForward') ?? true;

    let candidates = sortItems([...table.items.values()], table.key, forward);
    if (keyCondition !== undefined) candidates = candidates.filter((item) => evaluate(keyCondition, item));
    if (input.has('ExclusiveStartKey')) {
      const start = checkItem(raw.ExclusiveStartKey, 'exclusiveStartKey');
      try {
        this.keyOf(table, start, true);
      } catch {
        throw dynamoValidation('The provided starting key is invalid: The provided key element does not match the schema');
      }
      const position = compareToKey(table.key, start);
      const after = candidates.findIndex((item) => position(item) * (forward ? 1 : -1) > 0);
      candidates = after === -1 ? [] : candidates.slice(after);
    }
    const evaluated = limit !== undefined ? candidates.slice(0, limit) : candidates;
    const matched = filter === undefined ? evaluated : evaluated.filter((item) => evaluate(filter, item));
    const last = evaluated.at(-1);
    const more = limit !== undefined && evaluated.length === limit && last !== undefined;
    return {
      ...(select === 'COUNT' ? {} : { Items: matched.map((item) => project(item, projection)) }),
      Count: matched.length,
      ScannedCount: evaluated.length,
      ...(more ? { LastEvaluatedKey: keyOnly(last, table.key) } : {}),
    };
  }
}

/** A key condition must be `partition = :v`, optionally AND one condition on the sort key. */
function checkKeyCondition(condition: Condition, key: KeySchema): void {
  const parts = condition.kind === 'and' ? [condition.left, condition.right] : [condition];
  if (parts.some((part) => part.kind === 'and')) throw dynamoValidation('Conditions can be of length 1 or 2 only');
  const onPartition = parts.filter((part) => part.kind === 'compare' && part.op === '=' && pathOf(part.left) === key.partition.name);
  if (onPartition.length !== 1) throw dynamoValidation(`Query condition missed key schema element: ${key.partition.name}`);
  for (const part of parts) {
    if (onPartition.includes(part)) continue;
    const sortPath =
      part.kind === 'compare' && part.op !== '<>' ? pathOf(part.left) : part.kind === 'between' ? pathOf(part.operand) : part.kind === 'begins_with' ? pathOf(part.left) : undefined;
    if (sortPath === undefined || key.sort === undefined) throw dynamoValidation('Query key condition not supported');
    if (sortPath !== key.sort.name) throw dynamoValidation(`Query condition missed key schema element: ${key.sort.name}`);
  }
}

function pathOf(operand: { readonly kind: string; readonly name?: string }): string | undefined {
  return operand.kind === 'path' ? operand.name : undefined;
}

function keyOnly(item: Item, key: KeySchema): Item {
  const out: Item = {};
  for (const element of [key.partition, key.sort]) {
    const value = element === undefined ? undefined : item[element.name];
    if (element !== undefined && value !== undefined) out[element.name] = value;
  }
  return out;
}

/** Items ordered by partition key, then sort key (descending sort key when `forward` is false). */
function sortItems(items: Item[], key: KeySchema, forward: boolean): Item[] {
  const order = compareBy(key);
  return items.sort((a, b) => order(a, b) * (forward ? 1 : -1));
}

function compareBy(key: KeySchema): (a: Item, b: Item) => number {
  return (a, b) => {
    for (const element of [key.partition, key.sort]) {
      if (element === undefined) continue;
      const left = a[element.name];
      const right = b[element.name];
      if (left === undefined || right === undefined) continue;
      const order = compareScalars(left, right) ?? 0;
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** How an item stands relative to a start key: > 0 after it, in key order. */
function compareToKey(key: KeySchema, start: Item): (item: Item) => number {
  const order = compareBy(key);
  return (item) => order(item, start);
}

function project(item: Item, names: readonly string[] | undefined): Item {
  if (names === undefined) return item;
  return Object.fromEntries(names.flatMap((name) => (item[name] !== undefined ? [[name, item[name]]] : [])));
}

