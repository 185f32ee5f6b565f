/**
 * A Lambda function of the rotator with the defaults every one of them shares: Node.js 22 on arm64,
 * code from the handler bundle pre-built into the package (`assets/<name>/`, one CommonJS file with
 * the AWS SDK included and its source map), active X-Ray tracing, its own log group with a retention,
 * and its own role that may write only to that log group (and send traces). It also knows the size of
 * its environment, so the bindings go into the environment only when they fit (DESIGN.md §3 "Bindings").
 *
 * Nothing is bundled at synth: `npm run build` (scripts/bundle-lambdas.ts) bundles the handlers once,
 * with lib/lambda-settings.ts, and a user's `cdk synth` only copies the directory into the cloud
 * assembly, so it needs no esbuild, lockfile, Docker or network.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BINDINGS_FILE_VARIABLE, BINDINGS_VARIABLE } from '../../lambdas/core/bindings';
import { ConfigurationError } from '../../lambdas/core/errors';
import { LAMBDA_ASSETS, type LambdaAssetName } from '../lambda-settings';
import { BINDINGS_FILE_PATH, type RotatorBindings } from './rotator-bindings';

/** `name` in the package.json of this package: how its root is recognised from wherever this file runs. */
export const PACKAGE_NAME = 'genesys-oauth-rotator';

/**
 * A handler's pre-built bundle is not in the package (a checkout where `npm run build` has not run,
 * or a package built without it). Thrown while synthesising; nothing is bundled in its place.
 */
export class MissingLambdaAssetError extends ConfigurationError {
  /** The directory that should hold `index.js`. */
  readonly assetDirectory: string;

  constructor(asset: string, packageRoot: string, options?: ErrorOptions) {
    super(
      `The pre-bundled ${asset} handler is missing`,
      `assets/${asset}/index.js`,
      `the bundle \`npm run build\` writes (scripts/bundle-lambdas.ts): run \`npm run build\` in ${packageRoot}, or reinstall the package`,
      options,
    );
    this.assetDirectory = path.join(packageRoot, 'assets', asset);
  }
}

/**
 * The root of this package: the nearest directory above `from` whose package.json is named
 * `genesys-oauth-rotator`. This file runs from source in the repository (`lib/constructs/`) and
 * compiled in the installed package (`dist/lib/constructs/`), so the depth is not fixed.
 * @throws ConfigurationError when no such directory is above `from`.
 */
export function findPackageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      let name: unknown;
      try {
        name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      } catch {
        name = undefined; // another project's unreadable package.json: keep looking
      }
      if (name === PACKAGE_NAME) return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new ConfigurationError(`No ${PACKAGE_NAME} package above ${from}`, 'package.json', `a directory above this file whose package.json is named "${PACKAGE_NAME}"`);
    }
  }
}

/** `assets/<name>` of this package, checked to hold the bundle. @throws MissingLambdaAssetError */
export function lambdaAssetDirectory(asset: LambdaAssetName, packageRoot: string = findPackageRoot()): string {
  const directory = path.join(packageRoot, 'assets', asset);
  if (!existsSync(path.join(directory, 'index.js'))) throw new MissingLambdaAssetError(asset, packageRoot);
  return directory;
}

/** The asset a function deploys: `asset` as given, or the one built from `entry`. */
function assetOf(props: RotatorFunctionProps): LambdaAssetName {
  const known = Object.keys(LAMBDA_ASSETS) as LambdaAssetName[];
  if (props.asset !== undefined) {
    const found = known.find((name) => name === props.asset);
    if (found === undefined) throw new ConfigurationError('Unknown Lambda asset', 'asset', `one of ${known.join(', ')} (got "${props.asset}")`);
    return found;
  }
  if (props.entry !== undefined) {
    const entry = path.posix.normalize(props.entry.split(path.sep).join('/'));
    const found = known.find((name) => LAMBDA_ASSETS[name] === entry);
    if (found === undefined) throw new ConfigurationError('No pre-bundled asset for this handler', 'entry', `one of ${known.map((name) => LAMBDA_ASSETS[name]).join(', ')} (got "${props.entry}")`);
    return found;
  }
  throw new ConfigurationError('A rotator function needs its handler', 'asset', `one of ${known.join(', ')}`);
}

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
  /**
   * The pre-bundled handler the function runs: `rotate` or `notify` (`assets/<asset>/index.js` of
   * this package, handler `index.handler`).
   * @default - the asset built from `entry`
   */
  readonly asset?: string;
  /**
   * Handler source the asset was built from, e.g. `lambdas/rotate/handler.ts`: names the asset
   * (`rotate`); nothing is bundled from it at synth. Kept so callers from before the pre-bundled
   * assets still work; prefer `asset`.
   * @default - `asset` must be given
   */
  readonly entry?: string;
  /**
   * Ignored: the code comes from this package's `assets/`, found from this file. Kept so callers from
   * before the pre-bundled assets still compile.
   * @default - ignored
   */
  readonly projectRoot?: string;
  readonly description: string;
  /** `POWERTOOLS_SERVICE_NAME`. */
  readonly serviceName: string;
  /** Extra environment variables (never a secret: values are visible in the template and console). */
  readonly environment?: { readonly [name: string]: string };
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
  readonly environmentEstimates?: { readonly [name: string]: string };
}

/** How a function receives its bindings. */
export type BindingsDelivery = 'environment' | 'file';

export class RotatorFunction extends Construct {
  readonly function: lambda.Function;
  /** The asset the function runs (`rotate` or `notify`). */
  readonly asset: LambdaAssetName;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private delivery?: BindingsDelivery;
  private readonly environment: Record<string, string>;
  private readonly environmentEstimates: { readonly [name: string]: string };

  constructor(scope: Construct, id: string, props: RotatorFunctionProps) {
    super(scope, id);
    this.asset = assetOf(props);
    // Before anything else: a missing bundle is the one problem to report.
    const assetDirectory = lambdaAssetDirectory(this.asset);
    this.environmentEstimates = props.environmentEstimates ?? {};
    this.environment = {
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      LOG_LEVEL: 'INFO',
      // The bundle's source map is next to it; Node only applies it when asked.
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

    this.function = new lambda.Function(this, 'Function', {
      // The directory as built (index.js and its map): copied into the cloud assembly, hashed, zipped.
      code: lambda.Code.fromAsset(assetDirectory),
      handler: 'index.handler',
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
  environmentBytes(extra: { readonly [name: string]: string } = {}): number {
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
