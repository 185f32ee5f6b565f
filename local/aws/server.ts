/**
 * One node:http server for every AWS stand-in: `POST /` with `X-Amz-Target: secretsmanager.<Operation>`
 * or `AWSEvents.<Operation>` (AWS JSON 1.1), `DynamoDB_20120810.<Operation>` (AWS JSON 1.0), or a
 * form-encoded `Action=GetCallerIdentity` without a target (STS, AWS Query protocol, XML answers).
 * Signatures are not verified. Every request is counted and logged (never its values); faults,
 * latency and stalls are applied before the operation runs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AwsServiceError } from './aws-error';
import { type Clock, sleep } from './clock';
import type { DynamoDbEmulator } from './dynamodb/emulator';
import type { EventBridgeEmulator } from './eventbridge/emulator';
import type { FaultPlan } from './faults';
import { JsonInput } from './json-input';
import type { AwsServiceName, RequestLog } from './request-log';
import type { SecretsManagerEmulator } from './secrets-manager/emulator';
import { accessKeyIdOf, queryErrorXml, type StsEmulator } from './sts/emulator';
import { listenOnLoopback } from '../listen';

const JSON_1_1 = 'application/x-amz-json-1.1';
const JSON_1_0 = 'application/x-amz-json-1.0';
const DYNAMODB_TARGET = 'DynamoDB_20120810';

interface Route {
  readonly service: AwsServiceName;
  readonly faults: FaultPlan;
  readonly contentType: string;
  /** `__type` of an error answer: DynamoDB qualifies it (`com.amazonaws.dynamodb.v20120810#...`). */
  readonly errorType: (type: string) => string;
  readonly run: (operation: string, input: JsonInput, raw: Record<string, unknown>) => object;
}

export interface ServerDependencies {
  readonly secretsManager: SecretsManagerEmulator;
  readonly eventBridge: EventBridgeEmulator;
  readonly dynamoDb: DynamoDbEmulator;
  readonly sts: StsEmulator;
  readonly log: RequestLog;
  readonly now: Clock;
}

/** DynamoDB's error `__type`: validation and serialization errors come from the Coral framework. */
function dynamoDbErrorType(type: string): string {
  if (type === 'ValidationException') return 'com.amazon.coral.validate#ValidationException';
  if (type === 'SerializationException' || type === 'UnknownOperationException') return `com.amazon.coral.service#${type}`;
  return `com.amazonaws.dynamodb.v20120810#${type}`;
}

const plainType = (type: string): string => type;

export interface RunningServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

function routeFor(deps: ServerDependencies, prefix: string): Route | undefined {
  switch (prefix) {
    case 'secretsmanager':
      return { service: 'secretsmanager', faults: deps.secretsManager.faults, contentType: JSON_1_1, errorType: plainType, run: (operation, input) => deps.secretsManager.handle(operation, input) };
    case DYNAMODB_TARGET:
      return { service: 'dynamodb', faults: deps.dynamoDb.faults, contentType: JSON_1_0, errorType: dynamoDbErrorType, run: (operation, input, raw) => deps.dynamoDb.handle(operation, input, raw) };
    case 'AWSEvents':
      return {
        service: 'events',
        faults: deps.eventBridge.faults,
        contentType: JSON_1_1,
        errorType: plainType,
        run: (operation, input) => {
          if (operation === 'PutEvents') return deps.eventBridge.putEvents(input);
          throw new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the EventBridge stand-in.`);
        },
      };
    default:
      return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: object | string, errorType?: string, contentType = JSON_1_1): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...(errorType !== undefined ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(payload);
}

function memberOf(input: JsonInput | undefined, name: string): string | undefined {
  if (input === undefined) return undefined;
  try {
    return input.optionalString(name);
  } catch {
    return undefined;
  }
}

/** STS (AWS Query protocol): a form body naming the Action, answered in XML. */
async function handleSts(deps: ServerDependencies, request: IncomingMessage, response: ServerResponse, action: string): Promise<void> {
  deps.log.count(action);
  if (deps.sts.faults.stalls(action)) return;
  let status = 200;
  let errorType: string | undefined;
  try {
    await sleep(deps.sts.faults.latencyFor(action));
    const injected = deps.sts.faults.takeFailure(action);
    if (injected !== undefined) throw injected;
    const authorization = request.headers.authorization;
    send(response, 200, deps.sts.handle(action, accessKeyIdOf(typeof authorization === 'string' ? authorization : undefined)), undefined, 'text/xml');
  } catch (error: unknown) {
    const failure = error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', 'The STS stand-in failed', 500);
    status = failure.status;
    errorType = failure.type;
    send(response, failure.status, queryErrorXml(failure), undefined, 'text/xml');
  }
  deps.log.record({ at: deps.now(), service: 'sts', operation: action, status, ...(errorType !== undefined ? { errorType } : {}) });
}

async function handle(deps: ServerDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'];
  const [prefix = '', operation = ''] = (typeof target === 'string' ? target : '').split('.', 2);
  const route = request.method === 'POST' ? routeFor(deps, prefix) : undefined;
  const body = await readBody(request);
  const contentType = request.headers['content-type'] ?? '';
  if (target === undefined && request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body).get('Action') ?? '';
    if (action !== '') {
      await handleSts(deps, request, response, action);
      return;
    }
  }
  if (route === undefined || operation === '') {
    send(response, 400, { __type: 'UnknownOperationException', message: `Unknown target: ${typeof target === 'string' ? target : '(none)'}` }, 'UnknownOperationException');
    return;
  }

  deps.log.count(operation);
  let input: JsonInput | undefined;
  let status = 200;
  let errorType: string | undefined;
  // A stalled call is counted and then left unanswered (it never reaches the request log).
  if (route.faults.stalls(operation)) return;
  try {
    input = JsonInput.parse(body);
    await sleep(route.faults.latencyFor(operation));
    const injected = route.faults.takeFailure(operation);
    if (injected !== undefined) throw injected;
    // JsonInput.parse accepted the body, so it is a JSON object (or empty).
    const raw = (body.trim() === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
    send(response, 200, route.run(operation, input, raw), undefined, route.contentType);
  } catch (error: unknown) {
    const failure =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalFailure', `The AWS stand-in failed: ${error instanceof Error ? error.message : typeof error}`, 500);
    status = failure.status;
    errorType = failure.type;
    send(response, failure.status, { __type: route.errorType(failure.type), message: failure.message }, failure.type, route.contentType);
  }
  const secretId = route.service === 'secretsmanager' ? memberOf(input, operation === 'CreateSecret' ? 'Name' : 'SecretId') : undefined;
  const tableName = route.service === 'dynamodb' ? memberOf(input, 'TableName') : undefined;
  deps.log.record({
    at: deps.now(),
    service: route.service,
    operation,
    status,
    ...(errorType !== undefined ? { errorType } : {}),
    ...(secretId !== undefined ? { secretId } : {}),
    ...(tableName !== undefined ? { tableName } : {}),
  });
}

/** Starts the server on 127.0.0.1 and `port` (default an OS-chosen one). */
export async function startServer(deps: ServerDependencies, port?: number): Promise<RunningServer> {
  const server: Server = createServer((request, response) => {
    handle(deps, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : 'failure' }, 'InternalFailure');
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 1_000;
  const listening = await listenOnLoopback(server, port);
  return { endpoint: listening.url, close: listening.close };
}
