/**
 * A Lambda function of the rotator with the defaults every one of them shares: Node.js 22 on arm64,
 * bundled by the local esbuild into one CommonJS file (AWS SDK included), source maps, active X-Ray
 * tracing, its own log group with a retention, and its own role that may write only to that log group
 * (and send traces). It also knows the size of its environment, so the bindings go into the environment
 * only when they fit (DESIGN.md §3 "Bindings").
 */
import * as path from 'node:path';
import { type Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BINDINGS_FILE_VARIABLE, BINDINGS_VARIABLE } from '../../lambdas/core/bindings';
import { ConfigurationError } from '../../lambdas/core/errors';
import { LAMBDA_BUNDLING } from '../lambda-settings';
import { BINDINGS_FILE_PATH, type RotatorBindings } from './rotator-bindings';

/**
 * Lambda refuses a function whose environment variables exceed 4 KB in total, measured on the JSON of
 * the variables (its error quotes the "String measured"), so quotes inside a value count twice.
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * What the bindings leave free when they go into the environment: room for a variable added later (an
 * operator's LOG_LEVEL change, a wrapper's settings) without the next deploy failing.
 */
export const ENVIRONMENT_HEADROOM_BYTES = 512;
/** Stand-in for a deploy-time value without a declared estimate: longer than any ARN, name or URL here. */
const UNKNOWN_TOKEN_ESTIMATE = 'x'.repeat(1024);

export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;

export interface RotatorFunctionProps {
  /** Handler source, relative to `projectRoot`, e.g. `lambdas/rotate/handler.ts`. */
  readonly entry: string;
  /** Directory holding `package-lock.json` and the `lambdas/` tree. */
  readonly projectRoot: string;
  readonly description: string;
  /** `POWERTOOLS_SERVICE_NAME`. */
  readonly serviceName: string;
  /** Extra environment variables (never a secret: values are visible in the template and console). */
  readonly environment?: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Where asynchronous invocations that still fail after Lambda's retries go. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Worst-case stand-ins for environment values only known at deploy time (a bus name, a queue URL, a
   * JSON with ARNs), by variable name, for the 4 KB check. @default - 1 KB for each such value
   */
  readonly environmentEstimates?: Readonly<Record<string, string>>;
}

/** How a function receives its bindings. */
export type BindingsDelivery = 'environment' | 'file';

export class RotatorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private delivery?: BindingsDelivery;
  private readonly environment: Record<string, string>;
  private readonly environmentEstimates: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RotatorFunctionProps) {
    super(scope, id);
    this.environmentEstimates = props.environmentEstimates ?? {};
    this.environment = {
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      LOG_LEVEL: 'INFO',
      // esbuild writes the map next to the bundle; Node only applies it when asked.
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });

    // An explicit role instead of the default AWSLambdaBasicExecutionRole managed policy, which allows
    // writing to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(props.projectRoot, props.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      description: props.description,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.deadLetterQueue !== undefined ? { deadLetterQueue: props.deadLetterQueue } : {}),
      // Lambda records a trace of every invocation (init, duration, errors), sampled by X-Ray; the
      // handlers may add subsegments for their calls.
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...this.environment },
      bundling: {
        // Bundle the AWS SDK too (no externals): the versions the lockfile pins are the versions that
        // run, instead of whatever SDK the managed runtime ships that week.
        externalModules: [],
        format: OutputFormat.CJS,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        // Local esbuild only (a devDependency): synth works offline and without Docker.
        forceDockerBundling: false,
      },
    });

    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords to the role's default policy.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy !== undefined) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray actions of active tracing use "*": xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions (Service Authorization Reference, AWS X-Ray). Every other statement names its resources.',
      });
    }

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundle targets node22 and the runtime is an explicit, reviewed choice; a newer runtime is adopted by changing this line after the handlers are tested on it.',
    });
  }

  /** How the function receives its bindings; `undefined` until `useBindings`. */
  get bindingsDelivery(): BindingsDelivery | undefined {
    return this.delivery;
  }

  /** Add a variable (kept in the size estimate). */
  addEnvironment(name: string, value: string): void {
    this.environment[name] = value;
    this.function.addEnvironment(name, value);
  }

  /**
   * Bytes of the environment as Lambda measures it (the JSON of the variables), deploy-time values
   * replaced by their worst-case stand-ins.
   * @param extra variables to count as if they were set
   */
  environmentBytes(extra: Readonly<Record<string, string>> = {}): number {
    const measured: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...this.environment, ...extra })) {
      measured[name] = Token.isUnresolved(value) ? (this.environmentEstimates[name] ?? UNKNOWN_TOKEN_ESTIMATE) : value;
    }
    return Buffer.byteLength(JSON.stringify(measured));
  }

  /**
   * Give the function the bindings: `ROTATOR_BINDINGS` when the environment still has
   * `ENVIRONMENT_HEADROOM_BYTES` free with them in it, otherwise `ROTATOR_BINDINGS_FILE` and the layer
   * that ships the file. Exactly one of the two variables is set.
   * @throws ConfigurationError when even the file variable does not fit the 4 KB limit.
   */
  useBindings(bindings: RotatorBindings): BindingsDelivery {
    if (this.delivery !== undefined) throw new ConfigurationError(`Bindings given twice to ${this.node.path}`, BINDINGS_VARIABLE, 'one call of useBindings');
    const inline = { [BINDINGS_VARIABLE]: bindings.json };
    if (this.environmentBytes(inline) <= LAMBDA_ENVIRONMENT_LIMIT_BYTES - ENVIRONMENT_HEADROOM_BYTES) {
      this.addEnvironment(BINDINGS_VARIABLE, bindings.json);
      this.delivery = 'environment';
      return this.delivery;
    }
    this.function.addLayers(bindings.layer);
    this.addEnvironment(BINDINGS_FILE_VARIABLE, BINDINGS_FILE_PATH);
    const bytes = this.environmentBytes();
    if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
      throw new ConfigurationError(
        `The environment of ${this.node.path} does not fit Lambda's limit`,
        'clients',
        `a configuration whose other variables leave room (about ${bytes} bytes needed, ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} allowed): split the clients over two stacks`,
      );
    }
    this.delivery = 'file';
    return this.delivery;
  }
}
