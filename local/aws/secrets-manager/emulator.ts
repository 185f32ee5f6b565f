/**
 * Secrets Manager stand-in: the operations, the rotation driver wired to RotateSecret, and an in-process
 * surface for tests, the demo and benchmarks (register rotation functions, wait for rotations, look at
 * versions, inject faults).
 */
import { AwsServiceError, EmulatorUsageError } from '../aws-error';
import type { Clock } from '../clock';
import type { EventBridgeEmulator } from '../eventbridge/emulator';
import { ANY_OPERATION, FaultPlan } from '../faults';
import { JsonInput } from '../json-input';
import type { PagingQuirks } from '../pagination';
import { RotationDriver, type RotationHandler, type RotationOutcome, type RotationStep, type StepRetryOptions } from '../rotation-driver';
import { type Operation, secretsManagerOperations } from './operations';
import { rotationFailedEvent } from './rotation-failed-event';
import { SecretStore } from './store';

/** One version as the admin view shows it. `value` is the SecretString (or base64 SecretBinary). */
export interface VersionView {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly value: string | undefined;
  readonly createdDate: Date;
}

export interface SecretsManagerEmulatorOptions {
  readonly accountId: string;
  readonly region: string;
  readonly now: Clock;
  readonly eventBridge: EventBridgeEmulator;
  readonly stepRetry?: Partial<StepRetryOptions>;
  /** The rotation function's timeout, for `context.getRemainingTimeInMillis()`; default 30 s. */
  readonly functionTimeoutMs?: number;
}

export class SecretsManagerEmulator {
  /** Call-level faults and latency; see also `failNext` and `latencyMs`. */
  readonly faults = new FaultPlan();
  /**
   * How ListSecrets and ListSecretVersionIds page (tests of clients' paging loops): e.g.
   * `{ pageSize: 2, emptyFinalToken: true }` behaves like an implementation that ends with `NextToken: ""`.
   */
  paging: PagingQuirks = {};
  /** The rotation driver RotateSecret uses (exposed for property tests: `stageToken`, `runStep`, `rotate`). */
  readonly driver: RotationDriver;
  private readonly store: SecretStore;
  private readonly operations: Record<string, Operation>;
  private readonly running = new Map<string, Promise<RotationOutcome>>();
  private readonly latest = new Map<string, Promise<RotationOutcome>>();
  private readonly history = new Map<string, RotationOutcome[]>();

  constructor(options: SecretsManagerEmulatorOptions) {
    this.store = new SecretStore({ accountId: options.accountId, region: options.region, now: options.now });
    this.driver = new RotationDriver({
      store: this.store,
      ...(options.stepRetry !== undefined ? { retry: options.stepRetry } : {}),
      ...(options.functionTimeoutMs !== undefined ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
      onRotationFailed: (failure) => {
        options.eventBridge.record(
          rotationFailedEvent({
            accountId: options.accountId,
            region: options.region,
            secretArn: failure.secretArn,
            errorMessage: `Error when executing lambda ${failure.lambdaArn} during ${failure.step} step`,
            time: options.now(),
          }),
        );
      },
    });
    this.operations = secretsManagerOperations(this.store, {
      stageToken: (secretId, token) => this.driver.stageToken(secretId, token),
      start: (secretArn, token, mode) => {
        this.startRotation(secretArn, token, mode);
      },
      reattempt: (secretArn, token) => {
        if (!this.running.has(secretArn)) this.startRotation(secretArn, token, 'rotate');
      },
    }, () => this.paging);
  }

  /** Runs one operation; the server calls this for `secretsmanager.<Operation>` requests. */
  handle(operation: string, input: JsonInput): object {
    const run = this.operations[operation];
    if (run === undefined) throw new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the Secrets Manager stand-in.`);
    return run(input);
  }

  /** Calls an operation in-process with a request object (not counted, no faults): handy for seeding. */
  call(operation: string, request: Record<string, unknown>): object {
    return this.handle(operation, new JsonInput(request));
  }

  /** Makes `handler` the function invoked for rotations whose RotationLambdaARN is `lambdaArn`. */
  registerRotationFunction(lambdaArn: string, handler: RotationHandler): void {
    this.driver.registerFunction(lambdaArn, handler);
  }

  /** Resolves when the rotation running for the secret (or the last one) finishes. */
  async waitForRotation(secretId: string): Promise<RotationOutcome> {
    const arn = this.store.get(secretId).arn;
    const rotation = this.running.get(arn) ?? this.latest.get(arn);
    if (rotation === undefined) throw new EmulatorUsageError(`No rotation has started for ${secretId}`);
    return await rotation;
  }

  /** Resolves when no rotation is running (rotations started meanwhile are awaited too). */
  async waitForAllRotations(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Every finished rotation of the secret, oldest first. */
  rotationHistory(secretId: string): readonly RotationOutcome[] {
    return [...(this.history.get(this.store.get(secretId).arn) ?? [])];
  }

  /** The secret's versions, oldest first, deprecated ones included. For assertions only. */
  versions(secretId: string): VersionView[] {
    return [...this.store.get(secretId).versions.values()].map((version) => ({
      versionId: version.versionId,
      stages: [...version.stages],
      value: version.value?.secretString ?? version.value?.secretBinary,
      createdDate: version.createdDate,
    }));
  }

  /** The secret's ARN, resolved from a name or ARN. */
  arnOf(secretId: string): string {
    return this.store.get(secretId).arn;
  }

  /** Fails the next `count` calls of `operation` (`'*'` for any) with `errorType` (5xx for service faults). */
  failNext(operation: string, count: number, errorType = 'InternalServiceError', message?: string): void {
    this.faults.failNext(operation, count, errorType, message);
  }

  /** Drops every planned failure and latency. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Delay added to every Secrets Manager call (use `faults.setLatency(ms, operation)` for one operation). */
  get latencyMs(): number {
    return this.faults.latencyFor(ANY_OPERATION);
  }

  set latencyMs(ms: number) {
    this.faults.setLatency(ms, ANY_OPERATION);
  }

  /** Property-test entry points, as on the driver. */
  stageToken(secretId: string, token?: string): string {
    return this.driver.stageToken(secretId, token);
  }

  async runStep(secretId: string, token: string, step: RotationStep): Promise<void> {
    await this.driver.runStep(secretId, token, step);
  }

  private startRotation(secretArn: string, token: string, mode: 'rotate' | 'test'): void {
    // Starts after the RotateSecret response is written: the API returns at once, rotation is asynchronous.
    const rotation = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => await this.driver.rotate(secretArn, token, mode))
      .catch((error: unknown): RotationOutcome => {
        const described = error instanceof Error ? { name: error.name, message: error.message } : { name: 'NonError', message: typeof error };
        return { ok: false, secretArn, token, mode, error: described, attempts: { createSecret: 0, setSecret: 0, testSecret: 0, finishSecret: 0 } };
      })
      .then((outcome) => {
        this.running.delete(secretArn);
        const past = this.history.get(secretArn) ?? [];
        past.push(outcome);
        this.history.set(secretArn, past);
        return outcome;
      });
    this.running.set(secretArn, rotation);
    this.latest.set(secretArn, rotation);
  }
}
