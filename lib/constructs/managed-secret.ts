/**
 * One Secrets Manager secret holding one secret document (DESIGN.md §1), encrypted with the rotator's
 * key, tagged for the CLI and the rotate function, with a rotation schedule (L1: the L2 has no cron and
 * no rotation window).
 */
import { SecretValue, Tags } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import { TAGS } from '../../lambdas/core/contract';
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
}

export class ManagedSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly rotationSchedule: secretsmanager.CfnRotationSchedule;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: ManagedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    const doc = props.document;

    // Every field written here is an identifier (region domain, client ids, strategy, an ARN), never a
    // credential: clientSecret is the empty string until a human loads the first value or the first
    // rotation runs. So nothing secret reaches the template, and "unsafe" plain text is safe here.
    const plain = (value: string): SecretValue => SecretValue.unsafePlainText(value);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description,
      encryptionKey: props.encryptionKey,
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
  }
}
