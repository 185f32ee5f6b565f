/**
 * The typed API of the construct (jsii: readonly structs, string-valued enums, arrays; no maps, no
 * unions, no zod types). The deployment file has the same shape (README, "Configuration reference"):
 * `RotatorConfigFile` maps it onto these props, and the construct validates the data part of its props
 * with the same schema as the file, so both get the same path-addressed errors.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** How a managed client's secret is rotated (DESIGN.md §2). The values are the file's strings. */
export enum Strategy {
  /**
   * One client: each rotation regenerates its secret through the organisation's admin pair (the old
   * secret dies at once). Needs an organisation with `admin`.
   */
  SINGLE = 'single',
  /**
   * Two clients with identical roles and divisions: each rotation regenerates the standby one's secret
   * and swaps them, so consumers holding the previous credentials keep working until the next rotation.
   */
  ALTERNATING = 'alternating',
}

/** When a secret rotates: Secrets Manager's `ScheduleExpression` and `Duration`. */
export interface RotationScheduleProps {
  /**
   * `rate(N days)` (1 to 1000) or `cron(minutes hours day-of-month month day-of-week year)` with a
   * single minute and hour, `?` in exactly one day field and year `*`. Its longest gap between two
   * rotations must not exceed `policy.maxRotationDays`.
   */
  readonly expression: string;
  /** The rotation window, `"1h"` to `"24h"`; a cron schedule's window must end by midnight UTC. */
  readonly window: string;
}

/** The admin client pair of an organisation (permission `oauth:client:edit`); it rotates itself, alternating. */
export interface AdminPairProps {
  /** The admin client active first. */
  readonly clientId: string;
  /** The standby admin client; must differ from `clientId`. */
  readonly alternateClientId: string;
  readonly schedule: RotationScheduleProps;
}

/** A Genesys Cloud organisation. */
export interface OrganisationProps {
  /** `[a-z][a-z0-9-]*`, at most 48 characters; clients refer to it, and it names the admin secret. */
  readonly name: string;
  /** Genesys Cloud region domain, e.g. `mypurecloud.com`, `mypurecloud.ie`, `usw2.pure.cloud`. */
  readonly environment: string;
  /**
   * The admin client pair that regenerates this organisation's client secrets.
   * @default - none: the organisation's clients must be `ALTERNATING` (each rotates itself)
   */
  readonly admin?: AdminPairProps;
}

/** A dependent called (HMAC-signed POST) after each rotation of its client. */
export interface WebhookProps {
  /** `[a-z][a-z0-9-]*`, unique within the client; names the signing key secret. */
  readonly name: string;
  /** An `https://` URL on a public host, without user info. */
  readonly url: string;
}

/** A managed Genesys Cloud OAuth client: one secret, rotated on its schedule. */
export interface ManagedClientProps {
  /** `[a-z][a-z0-9-]*`, at most 48 characters, unique; the secret is `<secretNamePrefix><name>`. */
  readonly name: string;
  /** The `name` of one of `organisations`. */
  readonly organisation: string;
  readonly strategy: Strategy;
  /** The client consumers use now. No client id may appear in two secrets. */
  readonly clientId: string;
  /**
   * The standby client with the same roles (`ALTERNATING` only); must differ from `clientId`.
   * @default - none (required for `ALTERNATING`, refused for `SINGLE`)
   */
  readonly alternateClientId?: string;
  readonly schedule: RotationScheduleProps;
  /**
   * Genesys Cloud integration credentials the notify function updates after each rotation.
   * @default []
   */
  readonly integrationCredentialIds?: string[];
  /**
   * Dependents told of each rotation; each gets its own generated signing key secret.
   * @default []
   */
  readonly webhooks?: WebhookProps[];
  /**
   * A read-only Platform API path (`/api/v2/...`) testSecret also calls with the new credentials.
   * @default - none
   */
  readonly verifyPath?: string;
  /**
   * IAM role ARNs (this or another account) that may read this client's secret: the secret's resource
   * policy and the key policy (when the stack owns the key) allow them. Each role must exist at deploy.
   * @default []
   */
  readonly readers?: string[];
  /**
   * Hold the scheduled rotation while the client it would regenerate is in use: before any regenerate,
   * the rotation looks at that client's use since the last rotation and, when it was used, refuses
   * (`ClientInUseError`, the failure alarm) without changing anything.
   * @default false
   */
  readonly holdWhileInUse?: boolean;
}

/** Who is told by email of rotations, failures and alarms. */
export interface NotificationProps {
  /**
   * SNS email subscriptions (each must confirm the email AWS sends).
   * @default []
   */
  readonly emails?: string[];
}

/** The rotation policy every schedule is checked against. */
export interface RotationPolicyProps {
  /** 1 to 365: no schedule may leave more days between rotations; the overdue alarms' threshold. */
  readonly maxRotationDays: number;
}

/** A region the managed client secrets are replicated to (rotation stays in the primary region). */
export interface ReplicaRegionProps {
  /** An AWS region name, e.g. `eu-central-1`; not the stack's own region. */
  readonly region: string;
  /**
   * ARN of a KMS key in that region that encrypts the replica (`arn:aws:kms:<region>:<account>:key/<id>`).
   * Readers in another account can only decrypt a replica encrypted with a customer managed key whose
   * policy allows them.
   * @default - the AWS managed key `aws/secretsmanager` of that region
   */
  readonly encryptionKeyArn?: string;
}

/** The rotation ledger: the DynamoDB table recording every rotation attempt and request (README, "Rotation ledger"). */
export interface RotationLedgerProps {
  /**
   * Days each record is kept (DynamoDB deletes it after, by TTL on `expiresAt`): a whole number from
   * 1 to 3653, at least `policy.maxRotationDays`, or 0 to keep records forever. Changing it applies to
   * records written from then on.
   * @default 400 - a year-old audit still finds its records, with a month to spare
   */
  readonly retentionDays?: number;
}

/** Properties of `GenesysOAuthRotator`. */
export interface GenesysOAuthRotatorProps {
  /** Genesys Cloud organisations, at least one. */
  readonly organisations: OrganisationProps[];
  /** Managed OAuth clients, at least one. */
  readonly clients: ManagedClientProps[];
  readonly policy: RotationPolicyProps;
  /**
   * Email subscriptions of the notification topic.
   * @default - no subscriptions
   */
  readonly notifications?: NotificationProps;
  /**
   * Prefix of every secret name: `<prefix><client>`, `<prefix><organisation>/admin`,
   * `<prefix><client>/webhooks/<webhook>/signing-key`. Letters, digits and `/_+=.@-`.
   * @default "genesys-oauth/"
   */
  readonly secretNamePrefix?: string;
  /**
   * Reserved concurrency of the rotate function (1 to 20): a fleet rotating at once must stay under
   * Genesys Cloud's rate limits.
   * @default 2
   */
  readonly rotateConcurrency?: number;
  /**
   * Days CloudWatch Logs keeps the functions' and the age reporter's logs: one of the values CloudWatch
   * Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
   * 2922, 3288, 3653). In TypeScript a `logs.RetentionDays` member other than `INFINITE` can be passed
   * (its value is the number of days).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * IAM role or user ARNs that may write managed secret values besides the rotate function (and
   * CloudFormation during a deploy): who loads the first values and repairs a broken document. Exact
   * ARNs only. Everyone else is denied by each secret's resource policy.
   * @default []
   */
  readonly firstValueLoaders?: string[];
  /**
   * What CloudFormation does with the managed secrets, the webhook signing keys and the KMS key the
   * stack creates when they leave the stack or the stack is deleted: `RETAIN` or `DESTROY` (test stacks
   * only). A key given as `encryptionKey` keeps its own policy.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Regions the managed client secrets are replicated to, for consumers there. Rotation stays in the
   * stack's region; Secrets Manager copies each new value to the replicas. Admin pairs and webhook
   * signing keys are not replicated (only the rotator reads them, in the stack's region).
   * @default - no replicas
   */
  readonly replicaRegions?: ReplicaRegionProps[];
  /**
   * The rotation ledger's retention. The table is always created: encrypted with the rotator's key,
   * point-in-time recovery on, deletion-protected and retained unless `removalPolicy` is `DESTROY`.
   * @default - records kept 400 days
   */
  readonly ledger?: RotationLedgerProps;
  /**
   * Bring your own KMS key for the secrets, the topic (when the stack creates it) and the dead-letter
   * queues. The stack adds the statements it needs to the key policy when the key is defined in this
   * CDK app (`new kms.Key`); an imported key keeps its policy, and you add them yourself (README, "Use
   * the construct in your own app"). Its removal policy is yours.
   * @default - a new key with yearly rotation, removed as `removalPolicy` says
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bring your own SNS topic for notifications and alarms. The email subscriptions are added to it;
   * publishing statements are added to its policy when the topic is defined in this CDK app, otherwise
   * you add them (README). Its encryption is yours: EventBridge and CloudWatch must be able to use its key.
   * @default - a new topic encrypted with the rotator's key, TLS only
   */
  readonly topic?: sns.ITopic;
  /**
   * Bring your own EventBridge bus (same account and region) for the rotated events. The rotate function
   * may put events on it, and the stack adds its rule for rotated events to it.
   * @default - a new bus
   */
  readonly eventBus?: events.IEventBus;
}
