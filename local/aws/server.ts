/**
 * One node:http server speaking the AWS JSON 1.1 protocol for both stand-ins: `POST /` with
 * `X-Amz-Target: secretsmanager.<Operation>` or `AWSEvents.<Operation>`. Signatures are not verified.
 * Every request is counted and logged (never its values); faults, latency and stalls are applied
 * before the operation runs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AwsServiceError } from './aws-error';
import { type Clock, sleep } from './clock';
import type { EventBridgeEmulator } from './eventbridge/emulator';
import type { FaultPlan } from './faults';
import { JsonInput } from './json-input';
import type { AwsServiceName, RequestLog } from './request-log';
import type { SecretsManagerEmulator } from './secrets-manager/emulator';
import { listenOnLoopback } from '../listen';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

interface Route {
  readonly service: AwsServiceName;
  readonly faults: FaultPlan;
  readonly run: (operation: string, input: JsonInput) => object;
}

export interface ServerDependencies {
  readonly secretsManager: SecretsManagerEmulator;
  readonly eventBridge: EventBridgeEmulator;
  readonly log: RequestLog;
  readonly now: Clock;
}

export interface RunningServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

function routeFor(deps: ServerDependencies, prefix: string): Route | undefined {
  switch (prefix) {
    case 'secretsmanager':
      return { service: 'secretsmanager', faults: deps.secretsManager.faults, run: (operation, input) => deps.secretsManager.handle(operation, input) };
    case 'AWSEvents':
      return {
        service: 'events',
        faults: deps.eventBridge.faults,
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

function send(response: ServerResponse, status: number, body: object, errorType?: string): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...(errorType !== undefined ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(payload);
}

function secretIdOf(input: JsonInput | undefined, operation: string): string | undefined {
  if (input === undefined) return undefined;
  try {
    return input.optionalString(operation === 'CreateSecret' ? 'Name' : 'SecretId');
  } catch {
    return undefined;
  }
}

async function handle(deps: ServerDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'];
  const [prefix = '', operation = ''] = (typeof target === 'string' ? target : '').split('.', 2);
  const route = request.method === 'POST' ? routeFor(deps, prefix) : undefined;
  const body = await readBody(request);
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
    send(response, 200, route.run(operation, input));
  } catch (error: unknown) {
    const failure =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalFailure', `The AWS stand-in failed: ${error instanceof Error ? error.message : typeof error}`, 500);
    status = failure.status;
    errorType = failure.type;
    send(response, failure.status, { __type: failure.type, message: failure.message }, failure.type);
  }
  const secretId = route.service === 'secretsmanager' ? secretIdOf(input, operation) : undefined;
  deps.log.record({
    at: deps.now(),
    service: route.service,
    operation,
    status,
    ...(errorType !== undefined ? { errorType } : {}),
    ...(secretId !== undefined ? { secretId } : {}),
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
