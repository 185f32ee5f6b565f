/**
 * The rotation function Secrets Manager calls (DESIGN.md §3): parse the event, run the step, map
 * the result. Everything else lives in lambdas/core/.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Dispatcher } from 'undici';
import { EventBridgePublisher } from '../core/aws/event-publisher';
import { sdkClientConfig } from '../core/aws/sdk-clients';
import { SecretsStore } from '../core/aws/secrets-store';
import { EMERGENCY_ROTATION_METRIC, METRIC_NAMESPACE, ROTATION_SUCCEEDED_METRIC, SECRET_NAME_DIMENSION } from '../core/contract';
import { genesysClientsByEnvironment } from '../core/genesys/client';
import { LEDGER_WRITE_FAILED_METRIC, secretNameFromArn } from '../core/ledger/record';
import type { StepAttempt } from '../core/ledger/step-record';
import { ledgerClientConfig, LedgerWriter } from '../core/ledger/writer';
import { fromPowertools } from '../core/log';
import { describeError } from '../core/redaction';
import { AdminTokenCache } from '../core/rotation/admin-tokens';
import { RotationEngine, type PropagationPolicy, type RotationRequest, type StepOutcome } from '../core/rotation/engine';
import { parseRotationEvent } from '../core/rotation/request';
import { loadRotateConfig } from '../core/runtime-config';
import { invocationDeadline } from '../core/deadline';

export interface RotateHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Where metrics go; default: Powertools Metrics (EMF on stdout), namespace `GenesysOAuthRotator`, no `service` dimension. */
  readonly metrics?: MetricsSink;
  /** undici dispatcher for Genesys Cloud calls (tests, benchmarks). */
  readonly dispatcher?: Dispatcher;
  readonly propagation?: PropagationPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Longest a ledger write may hold a step (default LEDGER_WRITE_TIMEOUT_MS); tests shorten it. */
  readonly ledgerWriteTimeoutMs?: number;
}

export type RotateHandler = (event: unknown, context?: Context) => Promise<void>;

/** The part of Powertools Metrics the handler uses (tests and the sandbox pass a recorder). */
export interface MetricsSink {
  addDimension(name: string, value: string): void;
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void;
  publishStoredMetrics(): void;
}

function defaultMetrics(): MetricsSink {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'genesys-oauth-rotator' });
  // Alarms and the dashboard select by SecretName alone: no `service` dimension.
  metrics.clearDefaultDimensions();
  return metrics;
}

/**
 * Build a handler. Clients are created on the first call and kept for the life of the process
 * (a warm Lambda reuses them and the cached admin token); the SDK reads its own variables
 * (`AWS_REGION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_EVENTBRIDGE`, `AWS_ENDPOINT_URL_DYNAMODB`).
 * Each step invocation is recorded in the ledger when one is configured, whatever its outcome.
 */
export function createRotateHandler(options: RotateHandlerOptions = {}): RotateHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'genesys-oauth-rotator' });
  const metrics = options.metrics ?? defaultMetrics();
  let engine: RotationEngine | undefined;
  let ledger: LedgerWriter | undefined;
  // The current invocation's deadline, read by the Genesys clients before each retry.
  let deadlineMs: number | undefined;

  const buildEngine = (): RotationEngine => {
    const config = loadRotateConfig(options.env ?? process.env);
    const log = fromPowertools(logger);
    if (config.ledger !== undefined) {
      const timeoutMs = options.ledgerWriteTimeoutMs;
      ledger = new LedgerWriter(new DynamoDBClient(ledgerClientConfig(timeoutMs)), config.ledger, log, timeoutMs !== undefined ? { timeoutMs } : {});
    }
    return new RotationEngine({
      store: new SecretsStore(new SecretsManagerClient(sdkClientConfig())),
      bindings: config.bindings,
      publisher: new EventBridgePublisher(new EventBridgeClient(sdkClientConfig()), config.eventBusName, { deadline: () => deadlineMs }),
      adminTokens: new AdminTokenCache(),
      log,
      genesys: genesysClientsByEnvironment({ log, baseUrl: config.genesysBaseUrl, dispatcher: options.dispatcher, sleep: options.sleep, deadline: () => deadlineMs }),
      ...(options.propagation !== undefined ? { propagation: options.propagation } : {}),
      ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    });
  };

  /** Records the step in the ledger (if any); a write that fails is counted, never thrown. */
  const record = async (request: RotationRequest, startedAt: Date, result: StepAttempt['result']): Promise<void> => {
    if (ledger === undefined) return;
    const written = await ledger.recordStep({ request, startedAt, endedAt: new Date(), result }, deadlineMs);
    if (!written) {
      metrics.addDimension(SECRET_NAME_DIMENSION, secretNameFromArn(request.secretId));
      metrics.addMetric(LEDGER_WRITE_FAILED_METRIC, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
  };

  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    deadlineMs = invocationDeadline(context);
    const startedAt = new Date();
    let request: RotationRequest | undefined;
    let result: StepAttempt['result'] | undefined;
    try {
      request = parseRotationEvent(event);
      logger.appendKeys({ secretId: request.secretId, versionId: request.token, step: request.step });
      engine ??= buildEngine();
      const outcome = await engine.run(deadlineMs === undefined ? request : { ...request, deadlineMs });
      result = { outcome };
      logger.info('Rotation step succeeded', { outcome: withoutReasons(outcome) });
      publishMetrics(metrics, outcome);
    } catch (error) {
      result = { error };
      // Thrown on: Secrets Manager retries the step. The log names the error, never a value.
      logger.error('Rotation step failed', describeError(error));
      throw error;
    } finally {
      // Whatever the step did (an unparseable event names no secret: nothing to record).
      if (request !== undefined && result !== undefined) await record(request, startedAt, result);
      logger.removeKeys(['secretId', 'versionId', 'step']);
    }
  };
}

/** The outcome for the log: an emergency's reason is left out (free text: it may quote anything). */
function withoutReasons(outcome: StepOutcome): StepOutcome {
  if ('emergency' in outcome && typeof outcome.emergency === 'object') return { ...outcome, emergency: { ...outcome.emergency, reason: '(not logged)' } };
  if ('emergencyRequest' in outcome && outcome.emergencyRequest !== undefined) return { ...outcome, emergencyRequest: { ...outcome.emergencyRequest, reason: '(not logged)' } };
  return outcome;
}

/**
 * One `RotationSucceeded` (and `EmergencyRotation`) data point when finishSecret completes. A
 * finishSecret retried after a failure past the label move completes as `republished`: it counts
 * too, so a rotation is counted even when its first finishSecret failed (a duplicate delivery of a
 * finishSecret that had succeeded counts twice: rare, and only the dashboard reads this metric).
 */
function publishMetrics(metrics: MetricsSink, outcome: StepOutcome): void {
  if (outcome.step !== 'finishSecret' || (outcome.result !== 'finished' && outcome.result !== 'republished')) return;
  metrics.addDimension(SECRET_NAME_DIMENSION, outcome.secretName);
  metrics.addMetric(ROTATION_SUCCEEDED_METRIC, MetricUnit.Count, 1);
  if (outcome.emergency) metrics.addMetric(EMERGENCY_ROTATION_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/** The function Secrets Manager invokes. */
export const handler: RotateHandler = createRotateHandler();
