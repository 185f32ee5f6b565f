/**
 * AWS stand-ins for tests, the demo and benchmarks: Secrets Manager and EventBridge (AWS JSON 1.1),
 * DynamoDB (AWS JSON 1.0) and STS GetCallerIdentity (AWS Query) behind one loopback server, used with
 * the real SDK clients through `endpoint` (or the variables of `endpointEnv()`:
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `_EVENTBRIDGE`, `_DYNAMODB`, `_STS`).
 *
 * ```ts
 * const aws = await startAwsEmulator({ stepRetry: { attempts: 3, delayMs: 0 } });
 * const sm = new SecretsManagerClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials });
 * aws.secretsManager.registerRotationFunction(lambdaArn, handler);
 * // ... RotateSecret through the SDK ...
 * const outcome = await aws.secretsManager.waitForRotation('my-secret');
 * sm.destroy(); await aws.close();
 * ```
 */
import { type Clock, systemClock } from './clock';
import { DynamoDbEmulator } from './dynamodb/emulator';
import { EventBridgeEmulator } from './eventbridge/emulator';
import { RequestLog, type RequestLogEntry } from './request-log';
import type { StepRetryOptions } from './rotation-driver';
import { SecretsManagerEmulator } from './secrets-manager/emulator';
import { startServer } from './server';
import { StsEmulator } from './sts/emulator';

export interface AwsEmulatorOptions {
  /** Clock for every date the stand-ins record (CreatedDate, LastChangedDate, ...). Default: system time. */
  readonly now?: Clock;
  /** Default `123456789012`. */
  readonly accountId?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Rotation retries: default `{ attempts: 3, delayMs: 10, scope: 'step' }`; use `delayMs: 0` in tests. */
  readonly stepRetry?: Partial<StepRetryOptions>;
  /** The rotation function's timeout as the driver reports it in the Lambda context; default 30 s. */
  readonly functionTimeoutMs?: number;
  /** Loopback port to listen on; default a free one. */
  readonly port?: number;
}

export interface AwsEmulator {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly accountId: string;
  readonly region: string;
  readonly secretsManager: SecretsManagerEmulator;
  readonly eventBridge: EventBridgeEmulator;
  readonly dynamoDb: DynamoDbEmulator;
  readonly sts: StsEmulator;
  /** The SDK's endpoint variables pointing at this emulator (plus AWS_REGION), for child processes or `process.env`. */
  endpointEnv(): Record<string, string>;
  /** Requests by operation name (`GetSecretValue`, `PutEvents`, ...), failed ones included. */
  requestCounts(): Record<string, number>;
  /** Every request in order: operation, status, error type, secret id. Never a value. */
  requestLog(): readonly RequestLogEntry[];
  /** Clears the counts and the request log. */
  resetCounts(): void;
  /** Stops the server (open keep-alive connections are closed). Running rotations are not awaited. */
  close(): Promise<void>;
}

export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const now = options.now ?? systemClock;
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const eventBridge = new EventBridgeEmulator({ accountId, region, now });
  const secretsManager = new SecretsManagerEmulator({
    accountId,
    region,
    now,
    eventBridge,
    ...(options.stepRetry !== undefined ? { stepRetry: options.stepRetry } : {}),
    ...(options.functionTimeoutMs !== undefined ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
  });
  const dynamoDb = new DynamoDbEmulator({ accountId, region, now });
  const sts = new StsEmulator(accountId);
  const log = new RequestLog();
  const server = await startServer({ secretsManager, eventBridge, dynamoDb, sts, log, now }, options.port);
  return {
    endpoint: server.endpoint,
    accountId,
    region,
    secretsManager,
    eventBridge,
    dynamoDb,
    sts,
    endpointEnv: () => ({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: server.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: server.endpoint,
      AWS_ENDPOINT_URL_STS: server.endpoint,
      AWS_REGION: region,
    }),
    requestCounts: () => log.snapshotCounts(),
    requestLog: () => log.snapshotEntries(),
    resetCounts: () => {
      log.reset();
    },
    close: async () => {
      await server.close();
    },
  };
}

export { AwsServiceError, EmulatorUsageError } from './aws-error';
export type { Clock } from './clock';
export type { EventBridgeEvent, EventFilter, EventInput, EventListener, RecordedEvent } from './eventbridge/emulator';
export { EventBridgeEmulator } from './eventbridge/emulator';
export type { AttributeValue, Item } from './dynamodb/attribute-values';
export { DynamoDbEmulator } from './dynamodb/emulator';
export type { CallerIdentity } from './sts/emulator';
export { StsEmulator } from './sts/emulator';
export type { RequestLogEntry } from './request-log';
export type { RotationEvent, RotationFailure, RotationHandler, RotationOutcome, RotationStep, StepRetryOptions } from './rotation-driver';
export { DEFAULT_STEP_RETRY, ROTATION_STEPS, RotationDriver, RotationFunctionNotFoundError } from './rotation-driver';
export { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from './secrets-manager/model';
export { SECRETS_MANAGER_EVENT_SOURCE, SERVICE_EVENT_DETAIL_TYPE } from './secrets-manager/rotation-failed-event';
export type { VersionView } from './secrets-manager/emulator';
export { SecretsManagerEmulator } from './secrets-manager/emulator';
