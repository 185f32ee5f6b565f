/**
 * The whole rotator as one construct: put it in any CDK app with one `new` statement.
 *
 * ```ts
 * new GenesysOAuthRotator(stack, 'Rotator', RotatorConfigFile.load('rotator.config.json'));
 * ```
 *
 * Public API (jsii): typed props (lib/rotator-props.ts), the resources users wire to (`key`, `eventBus`,
 * `topic`, the functions, the alarms, the rotation ledger's table, each secret through `clientSecret` /
 * `adminSecret` / `signingKey`) and the grants (`grantReadClientSecret`, `grantReadLedger`, `grantRecordRequests`). Everything else (the validated configuration, the function wrappers, the
 * maps of secrets) stays private.
 */
import * as path from 'node:path';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TAGS } from '../lambdas/core/contract';
import { ConfigurationError } from '../lambdas/core/errors';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../lambdas/core/events';
import { adminSecretName, bindingsOf, clientSecretName } from './config/bindings';
import { parseRotatorSettings } from './config/load';
import type { ClientConfig, RotatorSettings } from './config/schema';
import { AgeReporter, METRIC_NAMESPACE } from './constructs/age-reporter';
import { ManagedSecret } from './constructs/managed-secret';
import { RotationLedger } from './constructs/rotation-ledger';
import { Monitoring } from './constructs/monitoring';
import { RotatorBindings } from './constructs/rotator-bindings';
import { ENVIRONMENT_HEADROOM_BYTES, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME, LAMBDA_ENVIRONMENT_LIMIT_BYTES, RotatorFunction } from './constructs/rotator-function';
import { TopicTarget } from './constructs/topic-target';
import { DeploymentConfigError, UnknownNameError } from './errors';
import { LAMBDA_TIMEOUT_SECONDS } from './lambda-settings';
import type { GenesysOAuthRotatorProps } from './rotator-props';

/** The rotated event (DESIGN.md §4) the rotate function publishes. */
export const ROTATED_EVENT = { source: ROTATED_EVENT_SOURCE, detailType: ROTATED_EVENT_DETAIL_TYPE } as const;

/** Longest value a deploy-time name or URL of this stack can take, for the 4 KB environment estimate. */
const EVENT_BUS_NAME_ESTIMATE = 'x'.repeat(256);
const QUEUE_URL_ESTIMATE = `https://sqs.eusc-de-east-1.amazonaws.com.cn/123456789012/${'x'.repeat(80)}`;

/** Prefix of the ids of the warnings this construct adds (acknowledge them with `Annotations.acknowledgeWarning`). */
const WARNING_PREFIX = 'genesys-oauth-rotator';

/** One entry of the notify function's `ROTATOR_DEPENDENTS`. */
interface DependentsEntry {
  readonly secretArn: string;
  readonly integrationCredentialIds: readonly string[];
  readonly webhooks: readonly { readonly name: string; readonly url: string; readonly signingKeySecretArn: string }[];
}

/**
 * Rotates Genesys Cloud OAuth client secrets through Secrets Manager (DESIGN.md): one secret per
 * managed client and per admin pair, the rotate and notify functions, the rotated-event bus, the
 * people topic, dead-letter queues, an age reporter, alarms and a dashboard.
 */
export class GenesysOAuthRotator extends Construct {
  /** Encrypts every secret, the topic (when the stack creates it) and the dead-letter queues. */
  readonly key: kms.IKey;
  /** Where the rotate function publishes the rotated events (DESIGN.md §4). */
  readonly eventBus: events.IEventBus;
  /** People: rotations, failures and alarms, by email. */
  readonly topic: sns.ITopic;
  /** The function Secrets Manager calls for the four rotation steps. */
  readonly rotateFunction: lambda.IFunction;
  /** Updates integration credentials and calls webhooks after each rotation. */
  readonly notifyFunction: lambda.IFunction;
  /** Webhook deliveries that still failed after retries (`DLQ_URL` of the notify function). */
  readonly webhookDlq: sqs.IQueue;
  /** Rotated / failure events EventBridge or Lambda could not deliver. */
  readonly eventDeliveryDlq: sqs.IQueue;
  /**
   * Every alarm (all publish to `topic`): rotate errors and throttles, notify errors, RotationFailed
   * events, each dead-letter queue not empty, each managed secret overdue against the policy.
   */
  readonly alarms: cloudwatch.IAlarm[];
  /** Rotations, failures and age per secret. */
  readonly dashboard: cloudwatch.Dashboard;
  /** Samples every managed secret's age hourly (`GenesysOAuthRotator/SecretAgeDays`). */
  readonly ageReporter: sfn.IStateMachine;
  /** Names of the managed clients, in configuration order. */
  readonly clientNames: string[];
  /**
   * The rotation ledger: one item per rotation step and per CLI request, partition key `secret` (the
   * secret's name), sort key `entry` (`<versionId>#<step or request>`), TTL attribute `expiresAt`.
   * Give readers access with `grantReadLedger`, the operators' CLI with `grantRecordRequests`.
   */
  readonly ledgerTable: dynamodb.ITable;
  /** Any ledger write failed (`GenesysOAuthRotator/LedgerWriteFailed`, summed over every secret, 5 minutes); also in `alarms`. */
  readonly ledgerWriteFailedAlarm: cloudwatch.IAlarm;

  private readonly config: RotatorSettings;
  private readonly removalPolicy: RemovalPolicy;
  private readonly rotator: RotatorFunction;
  private readonly notifier: RotatorFunction;
  private readonly monitoring: Monitoring;
  private readonly ledger: RotationLedger;
  /** Managed client secrets by client name. */
  private readonly clientSecrets = new Map<string, ManagedSecret>();
  /** Admin-pair secrets by organisation name. */
  private readonly adminSecrets = new Map<string, ManagedSecret>();
  /** Webhook signing keys by client name, then webhook name. */
  private readonly signingKeys = new Map<string, Map<string, secretsmanager.Secret>>();
  /** Ids of the warnings already added (each once). */
  private readonly warned = new Set<string>();

  constructor(scope: Construct, id: string, props: GenesysOAuthRotatorProps) {
    super(scope, id);
    // The construct-only options are resources, not data: the rest is validated like the file.
    const { encryptionKey, topic, eventBus, ...data } = props;
    const config = parseRotatorSettings(data, `of ${this.node.path} (GenesysOAuthRotatorProps)`);
    this.config = config;
    this.clientNames = config.clients.map((client) => client.name);
    const projectRoot = path.resolve(__dirname, '..');
    const stack = Stack.of(this);
    const logRetention = retentionDays(config.logRetentionDays);
    this.removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const replicaRegions = this.replicaRegions(stack);

    this.key =
      encryptionKey ??
      new kms.Key(this, 'Key', {
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
    this.addToKeyPolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeliveryToEncryptedTopicAndQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
      'events.amazonaws.com may use it (kms:Decrypt, kms:GenerateDataKey*) to deliver to the encrypted dead-letter queues and topic',
    );

    // ---- the rotation ledger: before the rotate function, which gets its name -----------------------
    this.ledger = new RotationLedger(this, 'Ledger', {
      encryptionKey: this.key,
      retentionDays: config.ledger.retentionDays,
      removalPolicy: this.removalPolicy,
      secretNames: Object.keys(bindingsOf(config)),
      secretNamePrefix: config.secretNamePrefix,
    });
    this.ledgerTable = this.ledger.table;
    this.warnImportedKeyForLedger(encryptionKey);
    new CfnOutput(this, 'LedgerTableName', {
      description: 'Rotation ledger table (also tag genesys-rotator:ledger-table on every managed secret)',
      value: this.ledger.table.tableName,
    });

    this.eventBus = eventBus ?? new events.EventBus(this, 'Bus', { description: 'Genesys OAuth rotator: rotated events' });
    this.topic = topic ?? new sns.Topic(this, 'Topic', { displayName: 'Genesys OAuth rotator', masterKey: this.key, enforceSSL: true });
    for (const email of config.notifications.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    const webhookDlq = this.deadLetterQueue('WebhookDlq');
    // cdk-nag sees the other queue used as the notify function's dead-letter queue; this one is filled by
    // the function's own code, which it cannot see.
    Validations.of(webhookDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of webhook deliveries that still failed after retries (DLQ_URL); it is alarmed when not empty.',
    });
    this.webhookDlq = webhookDlq;
    const eventDeliveryDlq = this.deadLetterQueue('EventDeliveryDlq');
    this.eventDeliveryDlq = eventDeliveryDlq;

    // ---- functions -------------------------------------------------------------------------------
    this.rotator = new RotatorFunction(this, 'Rotate', {
      entry: 'lambdas/rotate/handler.ts',
      projectRoot,
      description: 'Genesys OAuth rotator: Secrets Manager rotation function',
      serviceName: 'genesys-oauth-rotator-rotate',
      environment: { EVENT_BUS_NAME: this.eventBus.eventBusName, POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE, ...this.ledger.environment() },
      environmentEstimates: { EVENT_BUS_NAME: EVENT_BUS_NAME_ESTIMATE, ...this.ledger.environmentEstimates() },
      logRetention,
      timeout: Duration.seconds(LAMBDA_TIMEOUT_SECONDS),
      // A fleet rotating at once must stay under Genesys Cloud's rate limits.
      reservedConcurrentExecutions: config.rotateConcurrency,
    });
    this.rotateFunction = this.rotator.function;
    this.rotator.function.addPermission('InvokedBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: stack.account,
    });

    // ---- secrets ---------------------------------------------------------------------------------
    // The function construct holds the permission above; the role holds its policy. Both must exist
    // before Secrets Manager validates the rotation configuration.
    const rotationDependencies = [this.rotator.function, this.rotator.role];
    const protection = {
      rotatorRole: this.rotator.role,
      loaderArns: config.firstValueLoaders,
      removalPolicy: this.removalPolicy,
      ledgerTableName: this.ledger.table.tableName,
    };
    for (const org of config.organisations) {
      if (org.admin === undefined) continue;
      this.adminSecrets.set(
        org.name,
        new ManagedSecret(this, `Admin-${org.name}`, {
          secretName: adminSecretName(config, org.name),
          description: `Genesys Cloud admin client pair of organisation ${org.name} (${org.environment}); regenerates the other clients' secrets`,
          document: { environment: org.environment, clientId: org.admin.clientId, strategy: 'alternating', alternateClientId: org.admin.alternateClientId },
          encryptionKey: this.key,
          schedule: org.admin.schedule,
          rotationFunction: this.rotator.function,
          rotationDependencies,
          maxRotationDays: config.policy.maxRotationDays,
          ...protection,
        }),
      );
    }
    const orgs = new Map(config.organisations.map((org) => [org.name, org]));
    for (const client of config.clients) {
      const org = orgs.get(client.organisation);
      if (org === undefined) throw new ConfigurationError('Unknown organisation', 'clients.organisation', `one of ${[...orgs.keys()].join(', ')}`);
      const admin = this.adminSecrets.get(org.name);
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
        rotationFunction: this.rotator.function,
        rotationDependencies,
        maxRotationDays: config.policy.maxRotationDays,
        ...(client.verifyPath !== undefined ? { verifyPath: client.verifyPath } : {}),
        ...(replicaRegions.length > 0 ? { replicaRegions } : {}),
        ...protection,
      });
      // Roles the configuration names (often in another account): resource side only; their own
      // account's administrators give them the identity side (README, "For integrations").
      for (const reader of client.readers) this.readerKeyPolicy(managed.grantRead(new iam.ArnPrincipal(reader)));
      this.clientSecrets.set(client.name, managed);
    }
    const allManaged = [...this.adminSecrets.values(), ...this.clientSecrets.values()];
    this.grantRotate(allManaged);
    this.ledger.grantStepWrites(this.rotator.role);

    // ---- dependents: webhook signing keys and the notify function ---------------------------------
    const dependents: DependentsEntry[] = [];
    const notifyReads: secretsmanager.ISecret[] = [];
    for (const client of config.clients) {
      if (client.integrationCredentialIds.length === 0 && client.webhooks.length === 0) continue;
      const managed = this.clientSecrets.get(client.name);
      if (managed === undefined) continue;
      const keys = new Map<string, secretsmanager.Secret>();
      const webhooks = client.webhooks.map((hook) => {
        const signingKey = this.createSigningKey(client, hook.name);
        keys.set(hook.name, signingKey);
        notifyReads.push(signingKey);
        return { name: hook.name, url: hook.url, signingKeySecretArn: signingKey.secretArn };
      });
      this.signingKeys.set(client.name, keys);
      dependents.push({ secretArn: managed.secret.secretArn, integrationCredentialIds: client.integrationCredentialIds, webhooks });
      notifyReads.push(managed.secret);
      const admin = this.adminSecrets.get(client.organisation);
      if (admin !== undefined && !notifyReads.includes(admin.secret)) notifyReads.push(admin.secret);
    }
    const dependentsEstimate = estimateDependents(config);
    assertDependentsFit(dependents, dependentsEstimate, this);

    this.notifier = new RotatorFunction(this, 'Notify', {
      entry: 'lambdas/notify/handler.ts',
      projectRoot,
      description: 'Genesys OAuth rotator: updates integration credentials and calls webhooks after a rotation',
      serviceName: 'genesys-oauth-rotator-notify',
      environment: { ROTATOR_DEPENDENTS: stack.toJsonString(dependents), DLQ_URL: webhookDlq.queueUrl },
      environmentEstimates: { ROTATOR_DEPENDENTS: dependentsEstimate, DLQ_URL: QUEUE_URL_ESTIMATE },
      logRetention,
      timeout: Duration.seconds(LAMBDA_TIMEOUT_SECONDS),
      deadLetterQueue: eventDeliveryDlq,
    });
    this.notifyFunction = this.notifier.function;
    this.grantNotify(notifyReads);

    // ---- bindings: what each secret may regenerate, decided by this deployment -----------------------
    const bindings = new RotatorBindings(this, 'Bindings', { secrets: bindingsOf(config), runtime: FUNCTION_RUNTIME, architecture: FUNCTION_ARCHITECTURE });
    this.rotator.useBindings(bindings);
    this.notifier.useBindings(bindings);

    // ---- events ----------------------------------------------------------------------------------
    const rotatedRule = new events.Rule(this, 'RotatedRule', {
      description: 'Rotated events to the notify function and to people',
      eventBus: this.eventBus,
      eventPattern: { source: [ROTATED_EVENT.source], detailType: [ROTATED_EVENT.detailType] },
    });
    rotatedRule.addTarget(
      new targets.LambdaFunction(this.notifier.function, {
        deadLetterQueue: eventDeliveryDlq,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    rotatedRule.addTarget(
      new TopicTarget(this.topic, {
        deadLetterQueue: eventDeliveryDlq,
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
        deadLetterQueue: eventDeliveryDlq,
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
    const ageReporter = new AgeReporter(this, 'AgeReporter', {
      secrets: allManaged.map((m) => ({ secretName: m.secretName, secret: m.secret })),
      logRetention,
    });
    this.ageReporter = ageReporter.stateMachine;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.topic,
      rotateFunction: this.rotator.function,
      notifyFunction: this.notifier.function,
      rotationFailedRule,
      deadLetterQueues: [
        { name: 'WebhookDlq', queue: webhookDlq },
        { name: 'EventDeliveryDlq', queue: eventDeliveryDlq },
      ],
      secretNames: allManaged.map((m) => m.secretName),
      maxRotationDays: config.policy.maxRotationDays,
    });
    this.ledgerWriteFailedAlarm = this.monitoring.ledgerWriteFailedAlarm;
    this.alarms = [...this.monitoring.alarms];
    this.dashboard = this.monitoring.dashboard;
    this.allowAlarmsToPublish();
  }

  /**
   * The secret of a managed client (its document: `environment`, `clientId`, `clientSecret`, ...).
   * @param clientName a `clients[].name`
   * @throws UnknownNameError (a `ConfigurationError`) naming the client and listing the managed ones
   */
  clientSecret(clientName: string): secretsmanager.ISecret {
    return this.managedClient(clientName, `No secret for client "${clientName}": it is not a managed client`).secret;
  }

  /**
   * The admin-pair secret of an organisation.
   * @param organisationName an `organisations[].name` that has an `admin` pair
   * @throws UnknownNameError naming the organisation and listing those with an admin pair
   */
  adminSecret(organisationName: string): secretsmanager.ISecret {
    const managed = this.adminSecrets.get(organisationName);
    if (managed === undefined) {
      throw new UnknownNameError(
        `No admin secret for organisation "${organisationName}": it is not an organisation with an admin pair`,
        'organisationName',
        `the name of an organisation with "admin" in the configuration (${[...this.adminSecrets.keys()].join(', ') || 'none has one'})`,
      );
    }
    return managed.secret;
  }

  /**
   * The generated HMAC-SHA256 key that signs a webhook's deliveries; share it with the receiver.
   * @param clientName a `clients[].name`
   * @param webhookName a `clients[].webhooks[].name` of that client
   * @throws UnknownNameError naming the client or webhook and listing the known ones
   */
  signingKey(clientName: string, webhookName: string): secretsmanager.ISecret {
    this.managedClient(clientName, `No signing key for client "${clientName}": it is not a managed client`);
    const keys = this.signingKeys.get(clientName) ?? new Map<string, secretsmanager.Secret>();
    const key = keys.get(webhookName);
    if (key === undefined) {
      throw new UnknownNameError(
        `No signing key for webhook "${webhookName}" of client "${clientName}"`,
        'webhookName',
        `the name of a webhook of client "${clientName}" (${[...keys.keys()].join(', ') || 'it has none'})`,
      );
    }
    return key;
  }

  /**
   * Let a principal read one managed client's secret, as `clients[].readers` does for a role ARN: the
   * secret's resource policy allows GetSecretValue and DescribeSecret, the key policy allows kms:Decrypt
   * through Secrets Manager for that secret only (when the key's policy can be changed here), and a
   * principal of this stack's account also gets the same in its identity policy.
   * @throws UnknownNameError (a `ConfigurationError`) when no managed client has that name.
   */
  grantReadClientSecret(clientName: string, grantee: iam.IGrantable): void {
    const managed = this.managedClient(clientName, `Cannot grant read access to client "${clientName}": it is not a managed client`);
    this.readerKeyPolicy(managed.grantRead(grantee));
  }

  /**
   * Let a principal of this account read the rotation ledger (auditors, operators running `history` and
   * `report`): dynamodb:GetItem and dynamodb:Query on the table, and kms:Decrypt on the key only through
   * DynamoDB, in its identity policy. No Scan, no write.
   * @returns the grant; for a principal whose policy this app cannot change (an imported role), add the
   * statements README "Rotation ledger" lists to it yourself
   */
  grantReadLedger(grantee: iam.IGrantable): iam.Grant {
    return this.ledger.grantRead(grantee);
  }

  /**
   * Let a principal of this account record the rotations it starts (the CLI's `rotate`, `emergency` and
   * `bootstrap` write who asked and why): dynamodb:PutItem on the table for the managed secrets' records
   * only (dynamodb:LeadingKeys), and the key through DynamoDB. No read, no update, no delete.
   */
  grantRecordRequests(grantee: iam.IGrantable): iam.Grant {
    return this.ledger.grantRequestWrites(grantee);
  }

  private managedClient(clientName: string, what: string): ManagedSecret {
    const managed = this.clientSecrets.get(clientName);
    if (managed === undefined) throw new UnknownNameError(what, 'clientName', `the name of a client in the configuration (${this.clientNames.join(', ')})`);
    return managed;
  }

  /**
   * Replica regions as the secrets take them; a replica key is imported by ARN (no resource). The
   * schema checked the shape; the stack's region is only known here.
   */
  private replicaRegions(stack: Stack): secretsmanager.ReplicaRegion[] {
    return this.config.replicaRegions.map((replica, i) => {
      if (!Token.isUnresolved(stack.region) && replica.region === stack.region) {
        const expected = `a region other than the stack's own (${stack.region}): the primary secret is there`;
        throw new DeploymentConfigError(`Deployment configuration of ${this.node.path} is invalid`, [{ path: `replicaRegions.${i}.region`, expected }], expected);
      }
      return {
        region: replica.region,
        ...(replica.encryptionKeyArn !== undefined ? { encryptionKey: kms.Key.fromKeyArn(this, `ReplicaKey-${replica.region}`, replica.encryptionKeyArn) } : {}),
      };
    });
  }

  /** Add a statement to the key policy, or warn what to add by hand when the key is imported. */
  private addToKeyPolicy(statement: iam.PolicyStatement, what: string): void {
    if (this.key.addToResourcePolicy(statement).statementAdded) return;
    this.warnOnce(
      `${WARNING_PREFIX}:importedKeyPolicy:${statement.sid ?? what}`,
      `The policy of the imported key ${this.key.keyArn} cannot be changed by this stack: add to it that ${what} (README, "Use the construct in your own app").`,
    );
  }

  /**
   * The ledger adds nothing to the key policy: DynamoDB uses the key with the permissions of whoever
   * calls it, which the identity policies here give, as long as the key policy lets IAM policies of the
   * account grant the key's use (a `kms.Key` of this app has that default statement). An imported key's
   * policy cannot be read here: say what it needs.
   */
  private warnImportedKeyForLedger(given: kms.IKey | undefined): void {
    if (given === undefined || given instanceof kms.Key) return;
    this.warnOnce(
      `${WARNING_PREFIX}:importedKeyPolicy:Ledger`,
      `The policy of the imported key ${this.key.keyArn} cannot be checked by this stack: for the rotation ledger table it must let IAM policies of this account grant its use (the default key policy does), or allow the rotate function's role kms:Decrypt and kms:GenerateDataKey with kms:ViaService dynamodb.<region>.amazonaws.com, and the deploying role kms:CreateGrant and kms:DescribeKey (README, "Rotation ledger").`,
    );
  }

  private readerKeyPolicy(added: boolean): void {
    if (added) return;
    this.warnOnce(
      `${WARNING_PREFIX}:importedKeyPolicyReaders`,
      'The policy of the imported key cannot be changed by this stack: a reader of a client secret in another account also needs kms:Decrypt on the key in its policy, with kms:ViaService secretsmanager.<region>.amazonaws.com and kms:EncryptionContext:SecretARN of that secret.',
    );
  }

  private warnOnce(id: string, message: string): void {
    if (this.warned.has(id)) return;
    this.warned.add(id);
    Annotations.of(this).addWarningV2(id, message);
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
    this.addToKeyPolicy(
      new iam.PolicyStatement({ sid: 'AllowAlarmDeliveryToEncryptedTopic', principals, actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
      `cloudwatch.amazonaws.com may use it (kms:Decrypt, kms:GenerateDataKey*) for alarms named ${this.monitoring.alarmNamePrefix}-* of this account, when the topic is encrypted with it`,
    );
    const topicPolicy = this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AllowAlarmsToPublish', principals, actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
    );
    if (!topicPolicy.statementAdded) {
      // TopicTarget's statements for EventBridge went nowhere either.
      this.warnOnce(
        `${WARNING_PREFIX}:importedTopicPolicy`,
        `The policy of the imported topic ${this.topic.topicArn} cannot be changed by this stack: add to it that events.amazonaws.com may sns:Publish for the rules RotatedRule and RotationFailedRule of ${this.node.path}, and cloudwatch.amazonaws.com for alarms named ${this.monitoring.alarmNamePrefix}-* of this account (README, "Use the construct in your own app").`,
      );
    }
  }

  /** Encrypted with the rotator's key, TLS only, kept for the SQS maximum of 14 days. */
  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, { encryptionMasterKey: this.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
  }

  /** A generated HMAC key per webhook; the receiver needs the same value, so it is not rotated automatically. */
  private createSigningKey(client: ClientConfig, webhook: string): secretsmanager.Secret {
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
    const role = this.rotator.role;
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
    const role = this.notifier.role;
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
function estimateDependents(config: RotatorSettings): string {
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
