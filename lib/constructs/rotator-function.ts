/**
 * A Lambda function of the rotator with the defaults every one of them shares: Node.js 22 on arm64,
 * bundled by the local esbuild into one CommonJS file (AWS SDK included), source maps, its own log group
 * with a retention, and its own role that may write only to that log group.
 */
import * as path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from '../lambda-settings';

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
}

export class RotatorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RotatorFunctionProps) {
    super(scope, id);

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
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.deadLetterQueue !== undefined ? { deadLetterQueue: props.deadLetterQueue } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: 'INFO',
        // esbuild writes the map next to the bundle; Node only applies it when asked.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
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

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundle targets node22 and the runtime is an explicit, reviewed choice; a newer runtime is adopted by changing this line after the handlers are tested on it.',
    });
  }
}
