/**
 * What Secrets Manager does when it rotates a secret with a Lambda rotation function:
 * 1. stage the new version: a version whose id is the ClientRequestToken, labelled AWSPENDING, without a
 *    value ("When rotation is unsuccessful, the AWSPENDING staging label might be attached to an empty
 *    secret version", RotateSecret API reference);
 * 2. invoke the function with `{ SecretId: <secret ARN>, ClientRequestToken, Step, RotationToken }` for
 *    createSecret, setSecret, testSecret, finishSecret in order;
 * 3. retry on failure. The user guide says Secrets Manager "retries the entire rotation process multiple
 *    times"; the default here retries the failed step (`scope: 'step'`), `scope: 'rotation'` restarts from
 *    createSecret. Either way a correct function must be idempotent;
 * 4. check that the token is now AWSCURRENT, then do the backend's clean-up: remove AWSPENDING from the new
 *    current version (an AWS maintainer: "our backend cleans up the pending label on rotation completion"),
 *    and record LastRotatedDate and NextRotationDate;
 * 5. when the rotation fails for good, report it (the emulator records the RotationFailed event).
 *
 * It works in-process on the store, as the service itself would; the rotation function talks to the
 * emulator over HTTP through the real SDK.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { AwsServiceError } from './aws-error';
import { sleep } from './clock';
import { AWSCURRENT, AWSPENDING, attachStage, detachStage, rotationInProgress, versionWithStage } from './secrets-manager/model';
import { nextRotationDate } from './secrets-manager/rotation-rules';
import type { SecretStore } from './secrets-manager/store';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
  /** "A unique identifier that indicates the source of the request" (used for cross-account rotation). */
  readonly RotationToken: string;
}

/** An in-process rotation function, registered for a Lambda ARN. A thrown error fails the step. */
export type RotationHandler = (event: RotationEvent, context: Context) => Promise<void> | void;

export interface StepRetryOptions {
  /** Invocations per step (scope `step`) or rounds of the whole sequence (scope `rotation`); default 3. */
  readonly attempts: number;
  /** Delay before each retry; default 10 ms, use 0 in tests. */
  readonly delayMs: number;
  /** Default `step`. */
  readonly scope?: 'step' | 'rotation';
}

export const DEFAULT_STEP_RETRY: StepRetryOptions = { attempts: 3, delayMs: 10, scope: 'step' };

export interface RotationOutcome {
  readonly ok: boolean;
  readonly secretArn: string;
  readonly token: string;
  /** `rotate`: the four steps; `test`: RotateImmediately=false, which runs only testSecret. */
  readonly mode: 'rotate' | 'test';
  /** The step that failed for good; `finishSecret` also when all steps passed but AWSCURRENT did not move. */
  readonly failedStep?: RotationStep;
  /** Name and message of the last error. */
  readonly error?: { readonly name: string; readonly message: string };
  /** Invocations per step, retries included. */
  readonly attempts: Readonly<Record<RotationStep, number>>;
}

export interface RotationFailure {
  readonly secretArn: string;
  readonly lambdaArn: string;
  readonly step: RotationStep;
  readonly token: string;
}

export interface RotationDriverOptions {
  readonly store: SecretStore;
  readonly retry?: Partial<StepRetryOptions>;
  /** Called once when a rotation (mode `rotate`) fails for good. */
  readonly onRotationFailed?: (failure: RotationFailure) => void;
  /** What `context.getRemainingTimeInMillis()` starts from; default 30 s. */
  readonly functionTimeoutMs?: number;
}

/** The error a step fails with when no function is registered for the secret's RotationLambdaARN. */
export class RotationFunctionNotFoundError extends Error {
  constructor(lambdaArn: string | undefined) {
    super(`No rotation function is registered for ${lambdaArn ?? '(no RotationLambdaARN)'}`);
    this.name = 'ResourceNotFoundException';
  }
}

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof AwsServiceError) return { name: error.type, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: typeof error };
}

function lambdaContext(lambdaArn: string, timeoutMs: number): Context {
  const functionName = lambdaArn.split(':')[6] ?? lambdaArn;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: lambdaArn,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The Context type still requires the callback-era members; rotation functions here are async.
    /* eslint-disable @typescript-eslint/no-deprecated */
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    /* eslint-enable @typescript-eslint/no-deprecated */
  };
}

export class RotationDriver {
  private readonly store: SecretStore;
  private readonly retry: Required<StepRetryOptions>;
  private readonly onRotationFailed: ((failure: RotationFailure) => void) | undefined;
  private readonly functionTimeoutMs: number;
  private readonly functions = new Map<string, RotationHandler>();

  constructor(options: RotationDriverOptions) {
    this.store = options.store;
    this.retry = {
      attempts: options.retry?.attempts ?? DEFAULT_STEP_RETRY.attempts,
      delayMs: options.retry?.delayMs ?? DEFAULT_STEP_RETRY.delayMs,
      scope: options.retry?.scope ?? 'step',
    };
    if (!Number.isInteger(this.retry.attempts) || this.retry.attempts < 1) throw new RangeError('stepRetry.attempts must be a positive integer');
    this.onRotationFailed = options.onRotationFailed;
    this.functionTimeoutMs = options.functionTimeoutMs ?? 30_000;
  }

  registerFunction(lambdaArn: string, handler: RotationHandler): void {
    this.functions.set(lambdaArn, handler);
  }

  /**
   * Stages `token` (a new UUID by default) as an AWSPENDING version without a value and returns it.
   * Refuses while a previous rotation is in progress, as RotateSecret does; a leftover AWSPENDING on the
   * current version (a completed rotation) is removed first.
   */
  stageToken(secretId: string, token: string = randomUUID()): string {
    const secret = this.store.getLive(secretId);
    if (rotationInProgress(secret) !== undefined) {
      throw new AwsServiceError('InvalidRequestException', "A previous rotation isn't complete. That rotation will be reattempted.");
    }
    if (secret.versions.has(token)) {
      throw new AwsServiceError('ResourceExistsException', `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secret.arn}.`);
    }
    const leftover = versionWithStage(secret, AWSPENDING);
    if (leftover !== undefined) detachStage(secret, AWSPENDING, leftover.versionId);
    this.store.addVersion(secret, token, undefined);
    attachStage(secret, AWSPENDING, token);
    secret.lastChangedDate = this.store.now();
    this.store.pruneDeprecatedVersions(secret);
    return token;
  }

  /** One invocation of the secret's rotation function for `step`; rejects with the function's error. */
  async runStep(secretId: string, token: string, step: RotationStep): Promise<void> {
    const secret = this.store.get(secretId);
    const lambdaArn = secret.rotation.lambdaArn;
    const handler = lambdaArn === undefined ? undefined : this.functions.get(lambdaArn);
    if (lambdaArn === undefined || handler === undefined) throw new RotationFunctionNotFoundError(lambdaArn);
    const event: RotationEvent = { SecretId: secret.arn, ClientRequestToken: token, Step: step, RotationToken: randomUUID() };
    await handler(event, lambdaContext(lambdaArn, this.functionTimeoutMs));
  }

  /** Runs a staged rotation to its end and reports how it went; never rejects. */
  async rotate(secretId: string, token: string, mode: 'rotate' | 'test' = 'rotate'): Promise<RotationOutcome> {
    const secret = this.store.get(secretId);
    const attempts: Record<RotationStep, number> = { createSecret: 0, setSecret: 0, testSecret: 0, finishSecret: 0 };
    const steps: readonly RotationStep[] = mode === 'test' ? ['testSecret'] : ROTATION_STEPS;
    const base = { secretArn: secret.arn, token, mode, attempts };

    const failure = await this.invokeSteps(secret.arn, token, steps, attempts);
    if (mode === 'test') {
      // "The test creates an AWSPENDING version of the secret and then removes it."
      detachStage(secret, AWSPENDING, token);
      return failure === undefined ? { ...base, ok: true } : { ...base, ok: false, failedStep: failure.step, error: describe(failure.error) };
    }
    if (failure !== undefined) return this.fail(secret.arn, token, failure.step, describe(failure.error), base);

    if (versionWithStage(secret, AWSCURRENT)?.versionId !== token) {
      const error = { name: 'RotationIncompleteError', message: `The rotation function did not move AWSCURRENT to version ${token}` };
      return this.fail(secret.arn, token, 'finishSecret', error, base);
    }
    detachStage(secret, AWSPENDING, token);
    const now = this.store.now();
    secret.rotation.lastRotatedDate = now;
    secret.rotation.nextRotationDate = nextRotationDate(secret.rotation.rules, now);
    return { ...base, ok: true };
  }

  private async invokeSteps(
    secretArn: string,
    token: string,
    steps: readonly RotationStep[],
    attempts: Record<RotationStep, number>,
  ): Promise<{ step: RotationStep; error: unknown } | undefined> {
    const { attempts: maxAttempts, delayMs, scope } = this.retry;
    if (scope === 'rotation') {
      let failure: { step: RotationStep; error: unknown } | undefined;
      for (let round = 1; round <= maxAttempts; round += 1) {
        if (round > 1) await sleep(delayMs);
        failure = await this.invokeSequence(secretArn, token, steps, attempts);
        if (failure === undefined) return undefined;
      }
      return failure;
    }
    for (const step of steps) {
      for (;;) {
        attempts[step] += 1;
        try {
          await this.runStep(secretArn, token, step);
          break;
        } catch (error: unknown) {
          if (attempts[step] >= maxAttempts) return { step, error };
          await sleep(delayMs);
        }
      }
    }
    return undefined;
  }

  private async invokeSequence(
    secretArn: string,
    token: string,
    steps: readonly RotationStep[],
    attempts: Record<RotationStep, number>,
  ): Promise<{ step: RotationStep; error: unknown } | undefined> {
    for (const step of steps) {
      attempts[step] += 1;
      try {
        await this.runStep(secretArn, token, step);
      } catch (error: unknown) {
        return { step, error };
      }
    }
    return undefined;
  }

  private fail(
    secretArn: string,
    token: string,
    step: RotationStep,
    error: { name: string; message: string },
    base: Omit<RotationOutcome, 'ok'>,
  ): RotationOutcome {
    const lambdaArn = this.store.find(secretArn)?.rotation.lambdaArn ?? '';
    this.onRotationFailed?.({ secretArn, lambdaArn, step, token });
    return { ...base, ok: false, failedStep: step, error };
  }
}
