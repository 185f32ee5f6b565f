/**
 * A whole rotator world in one process: the Genesys Cloud and AWS stand-ins, the real rotate
 * handler registered as the secrets' rotation function, and helpers to create organizations,
 * admin pairs and managed clients the way an operator would. The demo, the integration tests,
 * the CLI tests and the benchmarks all start from here, so they exercise the same code paths.
 */
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createNotifyHandler, type NotifyHandlerResult } from '../lambdas/notify/handler';
import { createRotateHandler, type MetricsSink, type RotateHandlerOptions } from '../lambdas/rotate/handler';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../lambdas/core/events';
import { BINDINGS_VARIABLE, parseSecretArn, serializeBindings, type SecretBinding } from '../lambdas/core/bindings';
import {
  LEDGER_KEYS,
  LEDGER_RETENTION_VARIABLE,
  LEDGER_TABLE_TAG,
  LEDGER_TABLE_VARIABLE,
  LEDGER_TTL_ATTRIBUTE,
  ledgerTableDefinition,
  requestPartition,
  secretNameFromArn,
  type LedgerRecord,
} from '../lambdas/core/ledger/record';
import { TAGS } from '../lambdas/core/rotation/engine';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import type { SecretDocument, Strategy } from '../lambdas/core/secret-document';
import { startAwsEmulator, type AwsEmulator, type AwsEmulatorOptions, type RotationOutcome, type RotationStep } from './aws';
import { startGenesysEmulator, type GenesysEmulator, type GenesysEmulatorOptions } from './genesys';
import { startSqsEmulator, type SqsEmulator } from './sqs';

export const ROTATE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:genesys-oauth-rotator-rotate';
export const EVENT_BUS_NAME = 'genesys-oauth-rotator';
/** The rotation ledger's table in the DynamoDB stand-in (the stack names its own). */
export const LEDGER_TABLE_NAME = 'genesys-oauth-rotator-ledger';
/** Retention the sandbox gives the rotate function (the deployment file's default). */
export const LEDGER_RETENTION_DAYS = 365;

/** Permissions of the admin pair's role (GENESYS-API.md §3-5). */
export const ADMIN_PERMISSIONS = [
  'oauth:client:view',
  'oauth:client:edit',
  'integrations:integration:view',
  'integrations:integration:edit',
  'usage:client:view',
] as const;

export interface SandboxOptions {
  readonly genesys?: GenesysEmulatorOptions;
  readonly aws?: AwsEmulatorOptions;
  /** Options of the rotate handler (log capture, propagation policy, sleep). */
  readonly rotate?: Omit<RotateHandlerOptions, 'env'>;
  /** Powertools log level of the rotate handler when no logger is given; default SILENT. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * The rotation ledger, as the stack creates it (table with TTL, its name in the rotate function's
   * environment and on every managed secret's tag). Default true; false runs without a ledger.
   */
  readonly ledger?: boolean;
}

export interface SandboxOrg {
  readonly orgId: string;
  readonly name: string;
  readonly environment: GenesysEnvironment;
  readonly adminSecretArn: string;
  readonly adminClientIds: readonly [string, string];
  /** Role of the admin pair (ADMIN_PERMISSIONS), to restore after a test takes permissions away. */
  readonly adminRoleId: string;
  /** Role with the managed clients' permissions. */
  readonly appRoleId: string;
  readonly divisionId: string;
}

export interface ManagedClient {
  readonly secretArn: string;
  readonly name: string;
  readonly strategy: Strategy;
  readonly clientIds: readonly string[];
}

/** Records the rotate function's metrics instead of printing EMF lines. */
export class RecordedMetrics implements MetricsSink {
  readonly published: { readonly dimensions: Record<string, string>; readonly metrics: Record<string, number> }[] = [];
  #dimensions: Record<string, string> = {};
  #metrics: Record<string, number> = {};

  addDimension(name: string, value: string): void {
    this.#dimensions[name] = value;
  }

  addMetric(name: string, _unit: unknown, value: number): void {
    this.#metrics[name] = (this.#metrics[name] ?? 0) + value;
  }

  publishStoredMetrics(): void {
    this.published.push({ dimensions: this.#dimensions, metrics: this.#metrics });
    this.#dimensions = {};
    this.#metrics = {};
  }
}

/** One entry of the notify function's `ROTATOR_DEPENDENTS` (as the stack builds it). */
export interface DependentsEntry {
  readonly secretArn: string;
  readonly integrationCredentialIds?: readonly string[];
  readonly webhooks?: readonly { readonly name: string; readonly url: string; readonly signingKeySecretArn: string }[];
}

/** The notify function subscribed to the bus, as the stack's EventBridge rule does. */
export interface AttachedNotifier {
  /** What each invocation returned, in order. */
  readonly results: readonly NotifyHandlerResult[];
  /** What invocations threw (Lambda would retry them). */
  readonly errors: readonly unknown[];
  readonly deadLetterQueueUrl: string;
  /** Message bodies stored in the webhook dead-letter queue. */
  deadLetters(): string[];
  /** Resolves when every published event has been handled. */
  idle(): Promise<void>;
}

/** A rotation schedule, as a managed client's `schedule` in the deployment file. */
export interface SandboxSchedule {
  /** `rate(N days)` or `cron(...)`. */
  readonly expression: string;
  /** The rotation window, e.g. `2h`; Secrets Manager's default when absent. */
  readonly window?: string;
}

/** The schedule `scheduleRotation` uses when given none (the example deployment file's first client). */
export const DEFAULT_SCHEDULE: SandboxSchedule = { expression: 'rate(30 days)', window: '2h' };

/** Runs after the rotate handler completed `step` of a rotation of `secretId`. */
export type AfterStepHook = (step: RotationStep, secretId: string) => Promise<void>;

export class Sandbox {
  private sqs: SqsEmulator | undefined;
  /** Puts back the process.env values the sandbox replaced, on close. */
  private readonly restoreEnv: (() => void)[] = [];

  /**
   * Called after each rotation step the rotation function completed (e.g. to move a clock or put
   * load on a dependent inside the rotation window); set and clear it between rotations.
   */
  afterStep: AfterStepHook | undefined;

  readonly secretsManager: SecretsManagerClient;
  readonly eventBridge: EventBridgeClient;
  readonly dynamoDb: DynamoDBClient;
  /**
   * What the "deployment" binds (DESIGN.md §3 "Bindings"), by secret name. Secrets created through
   * the sandbox's helpers are bound as the stack would bind them; a test that plays an attacker
   * changes a document, never this.
   */
  private readonly bindings: Record<string, SecretBinding> = {};
  #rotateHandler: ReturnType<typeof createRotateHandler>;

  private constructor(
    readonly genesys: GenesysEmulator,
    readonly aws: AwsEmulator,
    private readonly makeHandler: (env: Readonly<Record<string, string>>) => ReturnType<typeof createRotateHandler>,
    private readonly baseEnv: Readonly<Record<string, string>>,
    readonly metrics: RecordedMetrics,
    restoreEnv: () => void,
  ) {
    this.restoreEnv.push(restoreEnv);
    const clientConfig = { endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    this.secretsManager = new SecretsManagerClient(clientConfig);
    this.eventBridge = new EventBridgeClient(clientConfig);
    this.dynamoDb = new DynamoDBClient(clientConfig);
    this.#rotateHandler = makeHandler(this.env);
  }

  /** The ledger table's name, or undefined when the sandbox runs without a ledger. */
  get ledgerTableName(): string | undefined {
    return this.baseEnv[LEDGER_TABLE_VARIABLE];
  }

  /**
   * The ledger's records of a secret (name or ARN), in key order (by version, then entry kind), read
   * through the SDK as the CLI reads them. Empty without a ledger.
   */
  async ledgerRecords(secretId: string): Promise<LedgerRecord[]> {
    const tableName = this.ledgerTableName;
    if (tableName === undefined) return [];
    const records: LedgerRecord[] = [];
    // Step records and request records sit in two partitions (record.ts `requestPartition`).
    for (const partition of [secretNameFromArn(secretId), requestPartition(secretNameFromArn(secretId))]) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const out = await this.dynamoDb.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#secret = :secret',
            ExpressionAttributeNames: { '#secret': LEDGER_KEYS.partition },
            ExpressionAttributeValues: { ':secret': { S: partition } },
            ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        records.push(...(out.Items ?? []).map((item) => unmarshall(item) as LedgerRecord));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return records.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  }

  /** The rotate function's environment, as the stack sets it (bindings included) plus the stand-ins' endpoints. */
  get env(): Readonly<Record<string, string>> {
    return { ...this.baseEnv, [BINDINGS_VARIABLE]: serializeBindings(this.bindings) };
  }

  /** The rotate function as deployed now (a change of bindings deploys a new one, as `cdk deploy` would). */
  get rotateHandler(): ReturnType<typeof createRotateHandler> {
    return this.#rotateHandler;
  }

  /** The secrets bound so far, as the stack would write them. */
  get boundSecrets(): Readonly<Record<string, SecretBinding>> {
    return { ...this.bindings };
  }

  /**
   * Bind a secret (by name) as a deployment would, and "redeploy" the rotate function with the new
   * bindings. `undefined` removes the binding.
   */
  bind(secretName: string, binding: SecretBinding | undefined): void {
    if (binding === undefined) Reflect.deleteProperty(this.bindings, secretName);
    else this.bindings[secretName] = binding;
    this.#rotateHandler = this.makeHandler(this.env);
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const genesys = await startGenesysEmulator(options.genesys);
    let aws: AwsEmulator;
    try {
      aws = await startAwsEmulator(options.aws);
    } catch (error) {
      await genesys.close(); // e.g. the AWS port is taken: leave nothing listening
      throw error;
    }
    const withLedger = options.ledger ?? true;
    if (withLedger) createLedgerTable(aws);
    const env: Record<string, string> = {
      EVENT_BUS_NAME,
      GENESYS_CLOUD_BASE_URL: genesys.baseUrl,
      ...aws.endpointEnv(),
      AWS_REGION: 'us-east-1',
      ...(withLedger ? { [LEDGER_TABLE_VARIABLE]: LEDGER_TABLE_NAME, [LEDGER_RETENTION_VARIABLE]: String(LEDGER_RETENTION_DAYS) } : {}),
    };
    // The SDK reads its endpoint variables from process.env, as it does in Lambda.
    const restoreEnv = overrideEnv({
      ...env,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
    const logger = options.rotate?.logger ?? new Logger({ serviceName: 'genesys-oauth-rotator', logLevel: options.logLevel ?? 'SILENT' });
    const metrics = new RecordedMetrics();
    const makeHandler = (handlerEnv: Readonly<Record<string, string>>) => createRotateHandler({ metrics, ...options.rotate, logger, env: handlerEnv });
    const sandbox = new Sandbox(genesys, aws, makeHandler, env, metrics, restoreEnv);
    aws.secretsManager.registerRotationFunction(ROTATE_FUNCTION_ARN, async (event, context) => {
      await sandbox.rotateHandler(event, context);
      await sandbox.afterStep?.(event.Step, event.SecretId);
    });
    return sandbox;
  }

  /**
   * An organization with an admin pair (two clients with `oauth:client:edit`) and its secret.
   * `adminPermissions` replaces the admin role's permissions (default ADMIN_PERMISSIONS).
   */
  async createOrg(name: string, environment: GenesysEnvironment = 'mypurecloud.com', options: { adminPermissions?: readonly string[] } = {}): Promise<SandboxOrg> {
    const org = this.genesys.createOrganization({ name });
    const adminRole = this.genesys.defineRole(org.id, { name: 'OAuth rotator admin', permissions: [...(options.adminPermissions ?? ADMIN_PERMISSIONS)] });
    const appRole = this.genesys.defineRole(org.id, { name: `${name} integration`, permissions: ['analytics:conversationDetail:view', 'routing:queue:view'] });
    const divisionId = `division-${org.id}`;
    const roleDivisions = [{ roleId: adminRole.id, divisionId }];
    const a = this.genesys.createClient(org.id, { name: `${name}-rotator-admin-a`, roleDivisions });
    const b = this.genesys.createClient(org.id, { name: `${name}-rotator-admin-b`, roleDivisions });
    const adminSecretArn = await this.createSecret(`genesys-rotator/${slug(name)}/admin`, {
      environment,
      clientId: a.id,
      clientSecret: a.secret,
      strategy: 'alternating',
      alternateClientId: b.id,
    });
    return { orgId: org.id, name, environment, adminSecretArn, adminClientIds: [a.id, b.id], adminRoleId: adminRole.id, appRoleId: appRole.id, divisionId };
  }

  /**
   * A managed client (or pair) and its secret, loaded with the client's current secret as an
   * operator would after creating it. Extra document fields are kept by every rotation.
   * `tokenLifetimeSeconds` is the clients' accessTokenValiditySeconds (Genesys default otherwise).
   */
  async addManagedClient(
    org: SandboxOrg,
    input: { name: string; strategy: Strategy; extra?: Record<string, unknown>; verifyPath?: string; tokenLifetimeSeconds?: number },
  ): Promise<ManagedClient> {
    const client = {
      roleDivisions: [{ roleId: org.appRoleId, divisionId: org.divisionId }],
      ...(input.tokenLifetimeSeconds !== undefined ? { accessTokenValiditySeconds: input.tokenLifetimeSeconds } : {}),
    };
    const first = this.genesys.createClient(org.orgId, { name: `${input.name}-a`, ...client });
    const second = input.strategy === 'alternating' ? this.genesys.createClient(org.orgId, { name: `${input.name}-b`, ...client }) : undefined;
    const doc: SecretDocument = {
      ...input.extra,
      environment: org.environment,
      clientId: first.id,
      clientSecret: first.secret,
      strategy: input.strategy,
      ...(second ? { alternateClientId: second.id } : {}),
      adminSecretId: org.adminSecretArn,
    };
    const secretArn = await this.createSecret(`genesys-rotator/${slug(org.name)}/${slug(input.name)}`, doc, input.verifyPath);
    return { secretArn, name: input.name, strategy: input.strategy, clientIds: second ? [first.id, second.id] : [first.id] };
  }

  /**
   * CreateSecret with the tags the stack sets, bound as the stack binds it: by default the binding
   * is what the document says at creation (the deployment's configuration); pass `bind: false` for
   * a secret the deployment does not manage, or a binding of your own.
   */
  async createSecret(name: string, doc: SecretDocument, verifyPath?: string, options: { bind?: SecretBinding | false } = {}): Promise<string> {
    if (options.bind !== false) this.bind(name, options.bind ?? bindingOf(doc));
    const ledgerTable = this.ledgerTableName;
    const tags = [
      { Key: TAGS.managed, Value: 'true' },
      { Key: TAGS.maxRotationDays, Value: '90' },
      ...(ledgerTable !== undefined ? [{ Key: LEDGER_TABLE_TAG, Value: ledgerTable }] : []),
      ...(verifyPath !== undefined ? [{ Key: TAGS.verifyPath, Value: verifyPath }] : []),
    ];
    const out = await this.secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(doc), Tags: tags }));
    if (out.ARN === undefined) throw new Error(`CreateSecret returned no ARN for ${name}`);
    return out.ARN;
  }

  /**
   * Configure the secret's rotation as the stack's `RotationSchedule` does (lib/constructs/managed-secret.ts):
   * RotateSecret with the rotate function's ARN, the schedule and `RotateImmediately: false`, on which
   * Secrets Manager only "tests the rotation configuration by running the testSecret step". From then on
   * a RotateSecret that names no function (the CLI's `rotate` and `emergency`) runs the rotate function,
   * as on a deployed stack; without this, Secrets Manager refuses it (no Lambda function ARN configured).
   * @returns the outcome of the configuration test (`ok: false` when the rotate function refused the secret)
   */
  async scheduleRotation(secretArn: string, schedule: SandboxSchedule = DEFAULT_SCHEDULE): Promise<RotationOutcome> {
    await this.secretsManager.send(
      new RotateSecretCommand({
        SecretId: secretArn,
        RotationLambdaARN: ROTATE_FUNCTION_ARN,
        RotationRules: { ScheduleExpression: schedule.expression, ...(schedule.window !== undefined ? { Duration: schedule.window } : {}) },
        RotateImmediately: false,
      }),
    );
    return await this.aws.secretsManager.waitForRotation(secretArn);
  }

  /** RotateSecret as the schedule (or an admin) would, then wait for the rotation to end. */
  async rotate(secretArn: string, options: { emergency?: boolean; reason?: string } = {}) {
    if (options.emergency === true) {
      await this.secretsManager.send(new TagResourceCommand({ SecretId: secretArn, Tags: [{ Key: TAGS.emergency, Value: options.reason ?? 'sandbox' }] }));
    }
    const out = await this.secretsManager.send(
      new RotateSecretCommand({ SecretId: secretArn, RotationLambdaARN: ROTATE_FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 } }),
    );
    const outcome = await this.aws.secretsManager.waitForRotation(secretArn);
    return { versionId: out.VersionId, ...outcome };
  }

  /**
   * Run the real notify handler for every rotated event, configured as the stack configures it
   * (`ROTATOR_DEPENDENTS`, `DLQ_URL`), with an SQS stand-in for the dead-letter queue.
   */
  async attachNotifier(
    dependents: readonly DependentsEntry[],
    options: {
      sleep?: (ms: number) => Promise<void>;
      /** Called after each invocation with what it returned, or what it threw. */
      onInvocation?: (outcome: { readonly result: NotifyHandlerResult } | { readonly error: unknown }) => void;
    } = {},
  ): Promise<AttachedNotifier> {
    this.sqs ??= await startSqsEmulator();
    const sqs = this.sqs;
    this.restoreEnv.push(overrideEnv({ AWS_ENDPOINT_URL_SQS: sqs.endpoint }));
    const queueUrl = sqs.createQueue('genesys-oauth-rotator-webhook-dlq');
    // The notify function as the stack deploys it, with the bindings of the moment: a change of
    // bindings redeploys it, as it does the rotate function.
    const deploy = (bindings: string) =>
      createNotifyHandler({
        env: {
          ROTATOR_DEPENDENTS: JSON.stringify(dependents),
          DLQ_URL: queueUrl,
          GENESYS_CLOUD_BASE_URL: this.genesys.baseUrl,
          ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true',
          [BINDINGS_VARIABLE]: bindings,
        },
        logger: new Logger({ serviceName: 'genesys-oauth-rotator', logLevel: 'SILENT' }),
        ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
      });
    let deployed = { bindings: this.env[BINDINGS_VARIABLE] ?? '', handler: deploy(this.env[BINDINGS_VARIABLE] ?? '') };
    const handlerNow = () => {
      const bindings = this.env[BINDINGS_VARIABLE] ?? '';
      if (bindings !== deployed.bindings) deployed = { bindings, handler: deploy(bindings) };
      return deployed.handler;
    };
    const results: NotifyHandlerResult[] = [];
    const errors: unknown[] = [];
    this.aws.eventBridge.subscribe(
      async (event) => {
        try {
          const result = await handlerNow()(event);
          results.push(result);
          options.onInvocation?.({ result });
        } catch (error) {
          errors.push(error);
          options.onInvocation?.({ error });
        }
      },
      { source: ROTATED_EVENT_SOURCE, detailType: ROTATED_EVENT_DETAIL_TYPE },
    );
    return {
      results,
      errors,
      deadLetterQueueUrl: queueUrl,
      deadLetters: () => [...sqs.sentBodies(queueUrl)],
      idle: () => this.aws.eventBridge.idle(),
    };
  }

  async close(): Promise<void> {
    await this.aws.secretsManager.waitForAllRotations();
    await this.aws.eventBridge.idle();
    this.secretsManager.destroy();
    this.eventBridge.destroy();
    this.dynamoDb.destroy();
    await Promise.all([this.genesys.close(), this.aws.close(), this.sqs?.close()]);
    for (const restore of this.restoreEnv.splice(0).reverse()) restore();
  }
}

/**
 * Sets `values` in process.env; the returned function puts back what was there before, except where
 * something else (another sandbox started later) has replaced a value since.
 */
function overrideEnv(values: Readonly<Record<string, string>>): () => void {
  const previous = Object.entries(values).map(([key, value]) => ({ key, value, before: process.env[key] }));
  Object.assign(process.env, values);
  return () => {
    for (const { key, value, before } of previous) {
      if (process.env[key] !== value) continue;
      if (before === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = before;
    }
  };
}

/** The ledger table as the stack creates it: key `secret` / `entry` (both S), on demand, TTL on `expiresAt`. */
function createLedgerTable(aws: AwsEmulator): void {
  aws.dynamoDb.call('CreateTable', ledgerTableDefinition(LEDGER_TABLE_NAME));
  aws.dynamoDb.call('UpdateTimeToLive', { TableName: LEDGER_TABLE_NAME, TimeToLiveSpecification: { Enabled: true, AttributeName: LEDGER_TTL_ATTRIBUTE } });
}

/** The binding a deployment would give a secret whose first document is `doc`. */
export function bindingOf(doc: SecretDocument): SecretBinding {
  const adminSecret = doc.adminSecretId === undefined ? undefined : (parseSecretArn(doc.adminSecretId)?.name ?? doc.adminSecretId);
  return {
    environment: doc.environment,
    clientIds: doc.alternateClientId === undefined ? [doc.clientId] : [doc.clientId, doc.alternateClientId],
    ...(adminSecret !== undefined ? { adminSecret } : {}),
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
