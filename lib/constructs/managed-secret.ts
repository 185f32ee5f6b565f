/**
 * One Secrets Manager secret holding one secret document (DESIGN.md §1), encrypted with the rotator's
 * key, tagged for the CLI and the rotate function, with a rotation schedule (L1: the L2 has no cron and
 * no rotation window), and a resource policy that denies writes to everyone but the rotator, the named
 * first-value loaders and CloudFormation on a deploy (DESIGN.md §3, after "Bindings").
 */
import { ArnFormat, DefaultStackSynthesizer, Fn, type RemovalPolicy, SecretValue, Stack, Tags, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import { TAGS } from '../../lambdas/core/contract';
import { LEDGER_TABLE_TAG } from '../../lambdas/core/ledger/record';
import type { Strategy } from '../../lambdas/core/secret-document';
import type { ScheduleConfig } from '../config/schema';

/** Tag keys other components read (the CLI, the rotate function). */
export const SECRET_TAGS = TAGS;

/** The non-secret fields of the initial document; `clientSecret` starts empty. */
export interface InitialSecretDocument {
  readonly environment: string;
  readonly clientId: string;
  readonly strategy: Strategy;
  readonly alternateClientId?: string;
  /** ARN of the admin-pair secret; absent for the admin pair itself. */
  readonly adminSecretId?: string;
}

export interface ManagedSecretProps {
  readonly secretName: string;
  readonly description: string;
  readonly document: InitialSecretDocument;
  readonly encryptionKey: kms.IKey;
  readonly schedule: ScheduleConfig;
  readonly rotationFunction: lambda.IFunction;
  /** What must exist before Secrets Manager may call the function (its permission and role policy). */
  readonly rotationDependencies: readonly IDependable[];
  readonly maxRotationDays: number;
  /** Read-only Platform API path testSecret also calls. @default - none */
  readonly verifyPath?: string;
  /** The rotate function's role: the one principal that writes values on every rotation. */
  readonly rotatorRole: iam.IRole;
  /** IAM role or user ARNs that may also write values (first values, repairs). */
  readonly loaderArns: readonly string[];
  readonly removalPolicy: RemovalPolicy;
  /** Regions Secrets Manager copies every value to (rotation stays here). @default - none */
  readonly replicaRegions?: readonly secretsmanager.ReplicaRegion[];
  /**
   * Name of the rotation ledger's table, set as tag `genesys-rotator:ledger-table` so the CLI finds the
   * table from any managed secret without being told. @default - no tag
   */
  readonly ledgerTableName?: string;
}

/** CloudFormation's service principal, as it appears in `aws:CalledVia`. */
export const CLOUDFORMATION_SERVICE = 'cloudformation.amazonaws.com';

/**
 * Writes that change what the rotator (or a consumer) reads: a new value, or AWSCURRENT moved to another
 * version (an older, leaked one included). Denied to everyone but the rotator's role, the loaders and
 * CloudFormation. A loader may also move stages: it can write any value anyway, so this adds no power
 * and lets it roll back a bad value.
 */
export const DENIED_VALUE_WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'] as const;

/**
 * Changes nobody but CloudFormation (on a deploy) makes, each denied for a reason:
 * - UpdateSecret: can replace SecretString (a write like PutSecretValue) or KmsKeyId (the rotator could
 *   no longer decrypt, or a key the caller controls would hold every future value);
 * - CancelRotateSecret: turns rotation off, silently (the overdue alarm would only notice days later);
 * - PutResourcePolicy / DeleteResourcePolicy: would remove this very policy;
 * - DeleteSecret: a deleted secret's name can be created again by anyone, and the bindings are by name;
 * - ReplicateSecretToRegions: copies every value to a region and a key the caller chooses.
 * Left allowed, on purpose: TagResource/UntagResource (the CLI's emergency tag; tags only steer the
 * rotator towards revoking more, and a verify path is a read-only GET); RestoreSecret (only a secret
 * scheduled for deletion can be restored, and deletion is denied here; after a deletion by
 * CloudFormation this policy is gone with it). A secret with replicas also denies
 * `DENIED_REPLICATION_CHANGES`.
 */
export const DENIED_CONFIGURATION_CHANGES = [
  'secretsmanager:UpdateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:DeleteSecret',
  'secretsmanager:ReplicateSecretToRegions',
] as const;

/**
 * Denied as well on a secret with replicas (Secrets Manager copies the resource policy to them), to all
 * but CloudFormation: RemoveRegionsFromReplication deletes a replica consumers in that region read;
 * StopReplicationToReplica (called on a replica) turns it into a standalone secret that rotation no
 * longer updates, so its consumers would keep a secret that dies at the next rotation.
 */
export const DENIED_REPLICATION_CHANGES = ['secretsmanager:RemoveRegionsFromReplication', 'secretsmanager:StopReplicationToReplica'] as const;

/** What a reader gets on the secret (resource policy) and, for a same-account principal, in its identity policy. */
export const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

export class ManagedSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly rotationSchedule: secretsmanager.CfnRotationSchedule;
  readonly secretName: string;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ManagedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.encryptionKey = props.encryptionKey;
    const doc = props.document;

    // Every field written here is an identifier (region domain, client ids, strategy, an ARN), never a
    // credential: clientSecret is the empty string until a human loads the first value or the first
    // rotation runs. So nothing secret reaches the template, and "unsafe" plain text is safe here.
    const plain = (value: string): SecretValue => SecretValue.unsafePlainText(value);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      ...(props.replicaRegions !== undefined && props.replicaRegions.length > 0 ? { replicaRegions: [...props.replicaRegions] } : {}),
      secretObjectValue: {
        environment: plain(doc.environment),
        clientId: plain(doc.clientId),
        clientSecret: plain(''),
        strategy: plain(doc.strategy),
        ...(doc.alternateClientId !== undefined ? { alternateClientId: plain(doc.alternateClientId) } : {}),
        ...(doc.adminSecretId !== undefined ? { adminSecretId: plain(doc.adminSecretId) } : {}),
      },
    });

    Tags.of(this.secret).add(SECRET_TAGS.managed, 'true');
    Tags.of(this.secret).add(SECRET_TAGS.maxRotationDays, String(props.maxRotationDays));
    if (props.verifyPath !== undefined) Tags.of(this.secret).add(SECRET_TAGS.verifyPath, props.verifyPath);
    // Set by CloudFormation like the tags above (the resource policy leaves TagResource to it and to
    // tag-key-scoped callers); the value is the table's generated name, resolved at deploy.
    if (props.ledgerTableName !== undefined) Tags.of(this.secret).add(LEDGER_TABLE_TAG, props.ledgerTableName);

    this.rotationSchedule = new secretsmanager.CfnRotationSchedule(this, 'RotationSchedule', {
      secretId: this.secret.secretArn,
      rotationLambdaArn: props.rotationFunction.functionArn,
      // The first value is loaded by a human (README, Deploy): rotating at creation would rotate an
      // empty document.
      rotateImmediatelyOnUpdate: false,
      rotationRules: {
        scheduleExpression: props.schedule.expression,
        duration: props.schedule.window,
      },
    });
    for (const dependency of props.rotationDependencies) this.rotationSchedule.node.addDependency(dependency);

    this.denyWrites(props);
  }

  /**
   * Let a principal read this secret: the secret's resource policy allows it GetSecretValue and
   * DescribeSecret, and the key policy allows it kms:Decrypt through Secrets Manager for this secret
   * only. A principal of this stack's account also gets the same in its identity policy (a principal of
   * another account needs it from its own account's administrators: README, "For integrations").
   * @returns whether the key policy took its statement (an imported key's policy cannot be changed here)
   */
  grantRead(grantee: iam.IGrantable): boolean {
    const principal = grantee.grantPrincipal;
    const stack = Stack.of(this);
    const viaSecretsManager = `secretsmanager.${stack.region}.amazonaws.com`;
    this.secret.addToResourcePolicy(new iam.PolicyStatement({ principals: [principal], actions: [...READ_ACTIONS], resources: ['*'] }));
    // The key policy cannot name the secret's ARN: the secret already refers to the key (KmsKeyId), and
    // a key policy referring back would be a circular dependency. Secrets Manager's ARN is the name plus
    // "-" and exactly six random characters, so this pattern matches this secret's ARN and no other.
    const keyPolicy = this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [principal],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': viaSecretsManager },
          StringLike: { 'kms:EncryptionContext:SecretARN': this.arnPattern() },
        },
      }),
    );
    const comparison = Token.compareStrings(principal.principalAccount ?? '', stack.account);
    if (comparison === TokenComparison.SAME || comparison === TokenComparison.BOTH_UNRESOLVED) {
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...READ_ACTIONS], resources: [this.secret.secretArn] }));
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaSecretsManager, 'kms:EncryptionContext:SecretARN': this.secret.secretArn } },
        }),
      );
    }
    return keyPolicy.statementAdded;
  }

  /** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-??????`, without a reference to the secret. */
  arnPattern(): string {
    return Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${this.secretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /**
   * The resource policy that keeps the document what the deployment wrote or the rotator rotated
   * (DESIGN.md §3): a document is data anyone with PutSecretValue could change. Exceptions go by
   * `aws:PrincipalArn`, which for every session of a role is the role's ARN (path included).
   * CloudFormation is excepted twice: calls it makes with the deployer's credentials carry
   * `aws:CalledVia` = cloudformation.amazonaws.com; calls it makes with a stack's service role (the CDK
   * bootstrap's cfn-exec-role, which `cdk deploy` passes) are made by that role itself.
   */
  private denyWrites(props: ManagedSecretProps): void {
    const deployRoles = cloudFormationExecutionRoleArns(Stack.of(this));
    const notCloudFormation = { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': [CLOUDFORMATION_SERVICE] } };
    const exceptPrincipals = (arns: readonly string[]): Record<string, unknown> => (arns.length > 0 ? { ArnNotEquals: { 'aws:PrincipalArn': [...arns] } } : {});
    this.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyValueWritesExceptRotatorAndLoaders',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...DENIED_VALUE_WRITES],
        resources: ['*'],
        conditions: { ...exceptPrincipals([props.rotatorRole.roleArn, ...deployRoles, ...props.loaderArns]), ...notCloudFormation },
      }),
    );
    this.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyConfigurationChangesExceptCloudFormation',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...DENIED_CONFIGURATION_CHANGES, ...((props.replicaRegions ?? []).length > 0 ? DENIED_REPLICATION_CHANGES : [])],
        resources: ['*'],
        conditions: { ...exceptPrincipals(deployRoles), ...notCloudFormation },
      }),
    );
    // RotateSecret without a function (the CLI's `rotate` and `emergency`) runs the rotator: allowed.
    // Naming another function would hand each new value to it; the key is present only when the request
    // sets it, hence Null = false. CloudFormation is excepted so a deploy that replaces the rotate
    // function can point the schedule at the new one before this policy names it.
    this.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyRotationByAnotherFunction',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:RotateSecret'],
        resources: ['*'],
        conditions: {
          StringNotEquals: { 'secretsmanager:RotationLambdaARN': props.rotationFunction.functionArn },
          Null: { 'secretsmanager:RotationLambdaARN': 'false' },
          ...exceptPrincipals(deployRoles),
          ...notCloudFormation,
        },
      }),
    );
    // Secrets Manager refuses a policy that would grant broad (public) access, whoever writes it later.
    const policy = this.secret.node.tryFindChild('Policy')?.node.defaultChild;
    if (policy instanceof secretsmanager.CfnResourcePolicy) policy.blockPublicPolicy = true;
  }
}

/**
 * The role CloudFormation deploys this stack with, when the stack synthesizer names one (the default
 * synthesizer: the bootstrap's cfn-exec-role). Other synthesizers deploy with the caller's credentials,
 * which `aws:CalledVia` covers.
 */
function cloudFormationExecutionRoleArns(stack: Stack): string[] {
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) return [];
  try {
    // The synthesizer keeps CloudFormation's own placeholders (${AWS::AccountId}, ...) in the ARN.
    return [Fn.sub(synthesizer.cloudFormationExecutionRoleArn)];
  } catch {
    // Not bound to a stack (cannot happen for a synthesizer read from a stack): no role to name.
    return [];
  }
}
