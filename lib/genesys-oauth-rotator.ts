/**
 * The whole rotator as one construct: put it in any CDK app with one `new` statement.
 *
 * ```ts
 * new GenesysOAuthRotator(stack, 'Rotator', { config: loadRotatorConfig('rotator.config.json') });
 * ```
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TAGS } from '../lambdas/core/contract';
import { ConfigurationError } from '../lambdas/core/errors';
import { adminSecretName, bindingsOf, clientSecretName } from './config/bindings';
import { parseRotatorConfig } from './config/load';
import type { ClientConfig, OrganisationConfig, RotatorConfig, RotatorConfigInput } from './config/schema';
import { AgeReporter, METRIC_NAMESPACE } from './constructs/age-reporter';
import { ManagedSecret } from './constructs/managed-secret';
import { Monitoring } from './constructs/monitoring';
import { RotatorBindings } from './constructs/rotator-bindings';
import { ENVIRONMENT_HEADROOM_BYTES, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME, LAMBDA_ENVIRONMENT_LIMIT_BYTES, RotatorFunction } from './constructs/rotator-function';
import { TopicTarget } from './constructs/topic-target';
import { LAMBDA_TIMEOUT_SECONDS } from './lambda-settings';

/** The rotated event (DESIGN.md §4) the rotate function publishes. */
export const ROTATED_EVENT = { source: 'genesys-oauth-rotator', detailType: 'Genesys OAuth Secret Rotated' } as const;

/** Longest value a deploy-time name or URL of this stack can take, for the 4 KB environment estimate. */
const EVENT_BUS_NAME_ESTIMATE = 'x'.repeat(256);
const QUEUE_URL_ESTIMATE = `https://sqs.eusc-de-east-1.amazonaws.com.cn/123456789012/${'x'.repeat(80)}`;

export interface GenesysOAuthRotatorProps {
  /**
   * The deployment configuration. Validated here (again) with the same schema as the file, so an
   * inline object gets the same path-addressed errors.
   */
  readonly config: RotatorConfigInput | RotatorConfig;
  /**
   * Directory holding `package-lock.json` and `lambdas/`.
   * @default the directory above this file's `lib/` (this repository)
   */
  readonly projectRoot?: string;
}

/** One entry of the notify function's `ROTATOR_DEPENDENTS`. */
interface DependentsEntry {
  readonly secretArn: string;
  readonly integrationCredentialIds: readonly string[];
  readonly webhooks: readonly { readonly name: string; readonly url: string; readonly signingKeySecretArn: string }[];
}

export class GenesysOAuthRotator extends Construct {
  readonly config: RotatorConfig;
  /** Encrypts every secret, the topic and the dead-letter queues. */
  readonly key: kms.Key;
  readonly eventBus: events.EventBus;
  /** People: rotations, failures and alarms, by email. */
  readonly topic: sns.Topic;
  readonly rotateFunction: RotatorFunction;
  readonly notifyFunction: RotatorFunction;
  /** Managed client secrets by client name. */
  readonly clientSecrets: ReadonlyMap<string, ManagedSecret>;
  /** Admin-pair secrets by organisation name. */
  readonly adminSecrets: ReadonlyMap<string, ManagedSecret>;
  /** Webhook signing keys by `<client>/<webhook>`. */
  readonly signingKeys: ReadonlyMap<string, secretsmanager.Secret>;
  /** Webhook deliveries that still failed after retries (`DLQ_URL` of the notify function). */
  readonly webhookDlq: sqs.Queue;
  /** Rotated / failure events EventBridge or Lambda could not deliver. */
  readonly eventDeliveryDlq: sqs.Queue;
  readonly monitoring: Monitoring;
  readonly ageReporter: AgeReporter;
  /** The bindings both functions receive (DESIGN.md §3 "Bindings"). */
  readonly bindings: RotatorBindings;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: GenesysOAuthRotatorProps) {
    super(scope, id);
    const config = parseRotatorConfig(props.config);
    this.config = config;
    const projectRoot = props.projectRoot ?? path.resolve(__dirname, '..');
    const stack = Stack.of(this);
    const logRetention = retentionDays(config.logRetentionDays);
    this.removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.key = new kms.Key(this, 'Key', {
      description: 'Genesys OAuth rotator: secrets, notification topic and dead-letter queues',
      enableKeyRotation: true,
      removalPolicy: this.removalPolicy,
    });
    // EventBridge delivers to the encrypted topic and the encrypted dead-letter queue as a service, so the
    // key policy must let it use the key. Deliberately without aws:SourceAccount / aws:SourceArn: the SNS
    // guide ("Enable compatibility between event sources from AWS services and encrypted topics") says
    // they are not supported in a KMS key policy for EventBridge-to-encrypted-topic delivery, and with
    // them every rotated-event email would be dropped silently. What EventBridge may deliver is decided by
    // the topic and queue policies instead (TopicTarget, dead-letter queue policy), which do carry them.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeliveryToEncryptedTopicAndQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.eventBus = new events.EventBus(this, 'Bus', { description: 'Genesys OAuth rotator: rotated events' });
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Genesys OAuth rotator', masterKey: this.key, enforceSSL: true });
    for (const email of config.notifications.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    this.webhookDlq = this.deadLetterQueue('WebhookDlq');
    // cdk-nag sees the other queue used as the notify function's dead-letter queue; this one is filled by
    // the function's own code, which it cannot see.
    Validations.of(this.webhookDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of webhook deliveries that still failed after retries (DLQ_URL); it is alarmed when not empty.',
    });
    this.eventDeliveryDlq = this.deadLetterQueue('EventDeliveryDlq');

    // ---- functions -------------------------------------------------------------------------------
    this.rotateFunction = new RotatorFunction(this, 'Rotate', {
      entry: 'lambdas/rotate/handler.ts',
      projectRoot,
      description: 'Genesys OAuth rotator: Secrets Manager rotation function',
      serviceName: 'genesys-oauth-rotator-rotate',
      environment: { EVENT_BUS_NAME: this.eventBus.eventBusName, POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE },
      environmentEstimates: { EVENT_BUS_NAME: EVENT_BUS_NAME_ESTIMATE },
      logRetention,
      timeout: Duration.seconds(LAMBDA_TIMEOUT_SECONDS),
      // A fleet rotating at once must stay under Genesys Cloud's rate limits.
      reservedConcurrentExecutions: config.rotateConcurrency,
    });
    this.rotateFunction.function.addPermission('InvokedBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: stack.account,
    });

    // ---- secrets ---------------------------------------------------------------------------------
    // The function construct holds the permission above; the role holds its policy. Both must exist
    // before Secrets Manager validates the rotation configuration.
    const rotationDependencies = [this.rotateFunction.function, this.rotateFunction.role];
    const protection = { rotatorRole: this.rotateFunction.role, loaderArns: config.firstValueLoaders, removalPolicy: this.removalPolicy };
    const adminSecrets = new Map<string, ManagedSecret>();
    for (const org of config.organisations) {
      if (org.admin === undefined) continue;
      adminSecrets.set(
        org.name,
        new ManagedSecret(this, `Admin-${org.name}`, {
          secretName: adminSecretName(config, org.name),
          description: `Genesys Cloud admin client pair of organisation ${org.name} (${org.environment}); regenerates the other clients' secrets`,
          document: { environment: org.environment, clientId: org.admin.clientId, strategy: 'alternating', alternateClientId: org.admin.alternateClientId },
          encryptionKey: this.key,
          schedule: org.admin.schedule,
          rotationFunction: this.rotateFunction.function,
          rotationDependencies,
          maxRotationDays: config.policy.maxRotationDays,
          ...protection,
        }),
      );
    }
    const orgs = new Map<string, OrganisationConfig>(config.organisations.map((org) => [org.name, org]));
    const clientSecrets = new Map<string, ManagedSecret>();
    for (const client of config.clients) {
      const org = orgs.get(client.organisation);
      if (org === undefined) throw new ConfigurationError('Unknown organisation', 'clients.organisation', `one of ${[...orgs.keys()].join(', ')}`);
      const admin = adminSecrets.get(org.name);
      const managed = new ManagedSecret(this, `Client-${client.name}`, {
        secretName: clientSecretName(config, client),
        description: `Genesys Cloud OAuth client ${client.name} of organisation ${org.name} (${org.environment}), strategy ${client.strategy}`,
        document: {
          environment: org.environment,
          clientId: client.clientId,
          strategy: client.strategy,
          ...(client.strategy === 'alternating' ? { alternateClientId: client.alternateClientId } : {}),
          ...(admin !== undefined ? { adminSecretId: admin.secret.secretArn } : {}),
        },
        encryptionKey: this.key,
        schedule: client.schedule,
        rotationFunction: this.rotateFunction.function,
        rotationDependencies,
        maxRotationDays: config.policy.maxRotationDays,
        ...(client.verifyPath !== undefined ? { verifyPath: client.verifyPath } : {}),
        ...protection,
      });
      // Roles the configuration names (often in another account): resource side only; their own
      // account's administrators give them the identity side (README, "For integrations").
      for (const reader of client.readers) managed.grantRead(new iam.ArnPrincipal(reader));
      clientSecrets.set(client.name, managed);
    }
    this.adminSecrets = adminSecrets;
    this.clientSecrets = clientSecrets;
    const allManaged = [...adminSecrets.values(), ...clientSecrets.values()];
    this.grantRotate(allManaged);

    // ---- dependents: webhook signing keys and the notify function ---------------------------------
    const signingKeys = new Map<string, secretsmanager.Secret>();
    const dependents: DependentsEntry[] = [];
    const notifyReads: secretsmanager.ISecret[] = [];
    for (const client of config.clients) {
      if (client.integrationCredentialIds.length === 0 && client.webhooks.length === 0) continue;
      const managed = clientSecrets.get(client.name);
      if (managed === undefined) continue;
      const webhooks = client.webhooks.map((hook) => {
        const signingKey = this.signingKey(client, hook.name);
        signingKeys.set(`${client.name}/${hook.name}`, signingKey);
        notifyReads.push(signingKey);
        return { name: hook.name, url: hook.url, signingKeySecretArn: signingKey.secretArn };
      });
      dependents.push({ secretArn: managed.secret.secretArn, integrationCredentialIds: client.integrationCredentialIds, webhooks });
      notifyReads.push(managed.secret);
      const admin = adminSecrets.get(client.organisation);
      if (admin !== undefined && !notifyReads.includes(admin.secret)) notifyReads.push(admin.secret);
    }
    this.signingKeys = signingKeys;
    const dependentsEstimate = estimateDependents(config);
    assertDependentsFit(dependents, dependentsEstimate, this);

    this.notifyFunction = new RotatorFunction(this, 'Notify', {
      entry: 'lambdas/notify/handler.ts',
      projectRoot,
      description: 'Genesys OAuth rotator: updates integration credentials and calls webhooks after a rotation',
      serviceName: 'genesys-oauth-rotator-notify',
      environment: { ROTATOR_DEPENDENTS: stack.toJsonString(dependents), DLQ_URL: this.webhookDlq.queueUrl },
      environmentEstimates: { ROTATOR_DEPENDENTS: dependentsEstimate, DLQ_URL: QUEUE_URL_ESTIMATE },
      logRetention,
      timeout: Duration.seconds(LAMBDA_TIMEOUT_SECONDS),
      deadLetterQueue: this.eventDeliveryDlq,
    });
    this.grantNotify(notifyReads);

    // ---- bindings: what each secret may regenerate, decided by this deployment -----------------------
    this.bindings = new RotatorBindings(this, 'Bindings', { secrets: bindingsOf(config), runtime: FUNCTION_RUNTIME, architecture: FUNCTION_ARCHITECTURE });
    this.rotateFunction.useBindings(this.bindings);
    this.notifyFunction.useBindings(this.bindings);

    // ---- events ----------------------------------------------------------------------------------
    const rotatedRule = new events.Rule(this, 'RotatedRule', {
      description: 'Rotated events to the notify function and to people',
      eventBus: this.eventBus,
      eventPattern: { source: [ROTATED_EVENT.source], detailType: [ROTATED_EVENT.detailType] },
    });
    rotatedRule.addTarget(
      new targets.LambdaFunction(this.notifyFunction.function, {
        deadLetterQueue: this.eventDeliveryDlq,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    rotatedRule.addTarget(
      new TopicTarget(this.topic, {
        deadLetterQueue: this.eventDeliveryDlq,
        message: events.RuleTargetInput.fromText(
          `Genesys OAuth secret rotated: ${events.EventField.fromPath('$.detail.secretArn')} ` +
            `(client ${events.EventField.fromPath('$.detail.clientId')}, ${events.EventField.fromPath('$.detail.environment')}, ` +
            `version ${events.EventField.fromPath('$.detail.versionId')}, emergency ${events.EventField.fromPath('$.detail.emergency')}) ` +
            `at ${events.EventField.fromPath('$.detail.rotatedAt')}.`,
        ),
      }),
    );

    // Secrets Manager records rotation outcomes as CloudTrail service events on the default bus.
    const rotationFailedRule = new events.Rule(this, 'RotationFailedRule', {
      description: 'Secrets Manager RotationFailed / RotationAbandoned to people',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['RotationFailed', 'RotationAbandoned'] },
      },
    });
    rotationFailedRule.addTarget(
      new TopicTarget(this.topic, {
        deadLetterQueue: this.eventDeliveryDlq,
        message: events.RuleTargetInput.fromObject({
          alert: 'Secrets Manager could not rotate a secret',
          event: events.EventField.fromPath('$.detail.eventName'),
          time: events.EventField.time,
          region: events.EventField.region,
          detail: events.EventField.fromPath('$.detail'),
        }),
      }),
    );

    // ---- observation -----------------------------------------------------------------------------
    this.ageReporter = new AgeReporter(this, 'AgeReporter', {
      secrets: allManaged.map((m) => ({ secretName: m.secretName, secret: m.secret })),
      logRetention,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.topic,
      rotateFunction: this.rotateFunction.function,
      notifyFunction: this.notifyFunction.function,
      rotationFailedRule,
      deadLetterQueues: [
        { name: 'WebhookDlq', queue: this.webhookDlq },
        { name: 'EventDeliveryDlq', queue: this.eventDeliveryDlq },
      ],
      secretNames: allManaged.map((m) => m.secretName),
      maxRotationDays: config.policy.maxRotationDays,
    });
    this.allowAlarmsToPublish();
  }

  /**
   * Let a principal read one managed client's secret, as `clients[].readers` does for a role ARN: the
   * secret's resource policy allows GetSecretValue and DescribeSecret, the key policy allows kms:Decrypt
   * through Secrets Manager for that secret only, and a principal of this stack's account also gets the
   * same in its identity policy.
   * @throws ConfigurationError when no managed client has that name.
   */
  grantReadClientSecret(clientName: string, grantee: iam.IGrantable): void {
    const managed = this.clientSecrets.get(clientName);
    if (managed === undefined) {
      throw new ConfigurationError(
        `Cannot grant read access to client "${clientName}": it is not a managed client`,
        'clientName',
        `the name of a client in the configuration (${[...this.clientSecrets.keys()].join(', ')})`,
      );
    }
    managed.grantRead(grantee);
  }

  /**
   * CloudWatch alarms publish to the encrypted topic as a service, not as a role of ours: the key policy
   * must let them use the key (SNS guide, "Enable compatibility between event sources from AWS services
   * and encrypted topics"), and the topic policy lets them publish. Both only for this account's alarms
   * of this construct (aws:SourceAccount, aws:SourceArn by name prefix: the alarms refer to the topic,
   * so their ARNs cannot be referenced back here).
   */
  private allowAlarmsToPublish(): void {
    const principals = [new iam.ServicePrincipal('cloudwatch.amazonaws.com')];
    const conditions = {
      StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      ArnLike: { 'aws:SourceArn': this.monitoring.alarmArnPattern() },
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AllowAlarmDeliveryToEncryptedTopic', principals, actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
    );
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AllowAlarmsToPublish', principals, actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
    );
  }

  /** Encrypted with the rotator's key, TLS only, kept for the SQS maximum of 14 days. */
  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, { encryptionMasterKey: this.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
  }

  /** A generated HMAC key per webhook; the receiver needs the same value, so it is not rotated automatically. */
  private signingKey(client: ClientConfig, webhook: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, `SigningKey-${client.name}-${webhook}`, {
      secretName: `${clientSecretName(this.config, client)}/webhooks/${webhook}/signing-key`,
      description: `HMAC-SHA256 key that signs webhook "${webhook}" of client ${client.name}`,
      encryptionKey: this.key,
      removalPolicy: this.removalPolicy,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Webhook signing key shared out of band with the receiver: rotating it needs the receiver to accept the new key first, so it is rotated by hand (README, Operate), not on a schedule.',
    });
    return secret;
  }

  private grantRotate(secrets: readonly ManagedSecret[]): void {
    const arns = secrets.map((s) => s.secret.secretArn);
    const role = this.rotateFunction.role;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RotateManagedSecrets',
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        resources: arns,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ClearEmergencyTag',
        actions: ['secretsmanager:UntagResource'],
        resources: arns,
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAGS.emergency] }, Null: { 'aws:TagKeys': 'false' } },
      }),
    );
    // createSecret binds an emergency request to its own version by rewriting the emergency tag, so
    // only the rotation whose secret postdates the request reports it done (README, "The emergency tag").
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BindEmergencyTag',
        actions: ['secretsmanager:TagResource'],
        resources: arns,
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAGS.emergency] }, Null: { 'aws:TagKeys': 'false' } },
      }),
    );
    // No kms:Encrypt: Secrets Manager encrypts each new version under a data key it asks KMS for
    // (GenerateDataKey) and decrypts with Decrypt; it never calls Encrypt. The Secrets Manager guide
    // ("Permissions for rotation functions", and "Secret encryption and decryption") lists exactly
    // kms:Decrypt and kms:GenerateDataKey for a rotation function whose secret uses a customer managed key.
    role.addToPolicy(this.keyThrough('UseKeyThroughSecretsManager', ['kms:Decrypt', 'kms:GenerateDataKey'], ['secretsmanager']));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'PublishRotatedEvents', actions: ['events:PutEvents'], resources: [this.eventBus.eventBusArn] }));
  }

  private grantNotify(secrets: readonly secretsmanager.ISecret[]): void {
    const role = this.notifyFunction.role;
    if (secrets.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({ sid: 'ReadDependentSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secrets.map((s) => s.secretArn) }),
      );
    }
    role.addToPolicy(new iam.PolicyStatement({ sid: 'SendToWebhookDlq', actions: ['sqs:SendMessage'], resources: [this.webhookDlq.queueArn] }));
    role.addToPolicy(this.keyThrough('UseKeyThroughSecretsManagerAndSqs', ['kms:Decrypt', 'kms:GenerateDataKey'], ['secretsmanager', 'sqs']));
  }

  /** Use of the key only through the named services (kms:ViaService), never directly. */
  private keyThrough(sid: string, actions: string[], services: string[]): iam.PolicyStatement {
    const region = Stack.of(this).region;
    return new iam.PolicyStatement({
      sid,
      actions,
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': services.map((service) => `${service}.${region}.amazonaws.com`) } },
    });
  }
}

/** The schema only admits CloudWatch Logs retention values, so the lookup always finds one. */
function retentionDays(days: number): logs.RetentionDays {
  const byDays = new Map<number, logs.RetentionDays>(
    Object.values(logs.RetentionDays)
      .filter((value): value is logs.RetentionDays => typeof value === 'number')
      .map((value) => [value, value]),
  );
  const found = byDays.get(days);
  if (found === undefined) throw new ConfigurationError('Unsupported log retention', 'logRetentionDays', 'a CloudWatch Logs retention in days');
  return found;
}

/**
 * `ROTATOR_DEPENDENTS` as it could be at worst: ARNs are only known at deploy time, so each is the
 * longest ARN the names can produce.
 */
function estimateDependents(config: RotatorConfig): string {
  const arnFor = (secretName: string): string => `arn:aws-us-gov:secretsmanager:eusc-de-east-1:123456789012:secret:${secretName}-AbCdEf`;
  return JSON.stringify(
    config.clients
      .filter((c) => c.integrationCredentialIds.length > 0 || c.webhooks.length > 0)
      .map((c) => ({
        secretArn: arnFor(clientSecretName(config, c)),
        integrationCredentialIds: c.integrationCredentialIds,
        webhooks: c.webhooks.map((h) => ({ name: h.name, url: h.url, signingKeySecretArn: arnFor(`${clientSecretName(config, c)}/webhooks/${h.name}/signing-key`) })),
      })),
  );
}

/**
 * Lambda refuses environments over 4 KB: fail at synth, naming the cause, rather than in CloudFormation.
 * Measured as Lambda measures (inside the JSON of the variables, so quotes count twice), with room for
 * the function's other variables. The bindings never cause this: they move to a file when they do not fit.
 */
function assertDependentsFit(dependents: readonly DependentsEntry[], estimate: string, scope: Construct): void {
  const bytes = Buffer.byteLength(JSON.stringify(estimate));
  const budget = LAMBDA_ENVIRONMENT_LIMIT_BYTES - ENVIRONMENT_HEADROOM_BYTES;
  if (dependents.length > 0 && bytes > budget) {
    throw new ConfigurationError(
      `Configuration for ${scope.node.path} does not fit the notify function`,
      'clients',
      `integration credentials and webhooks that fit Lambda's 4 KB environment (about ${bytes} bytes needed, ${budget} available): split the clients over two stacks`,
    );
  }
}
