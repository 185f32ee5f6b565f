/**
 * Publishes how old each managed secret is, so an alarm can say "overdue against the policy".
 *
 * Why not a metric from the rotate function: CloudWatch alarms look back at most 7 days
 * (Period x EvaluationPeriods <= 604,800 s), and a policy is typically 30-90 days; a "no rotation for
 * 90 days" alarm cannot be expressed on a metric that only appears when a rotation happens. And a metric
 * emitted by the rotate function is silent exactly when rotation is not running at all.
 *
 * So an independent observer samples every hour: a Step Functions workflow (no code to deploy, AWS SDK
 * integrations only) calls DescribeSecret for each secret and puts `SecretAgeDays` = days since
 * `LastRotatedDate` (or `CreatedDate` before the first rotation), dimension `SecretName`, namespace
 * `GenesysOAuthRotator`. The overdue alarm treats missing samples as breaching, so a broken observer
 * is as loud as an overdue secret.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { METRIC_NAMESPACE, SECRET_AGE_METRIC, SECRET_NAME_DIMENSION } from '../../lambdas/core/contract';

export { METRIC_NAMESPACE, SECRET_AGE_METRIC, SECRET_NAME_DIMENSION };

export interface ObservedSecret {
  readonly secretName: string;
  readonly secret: secretsmanager.ISecret;
}

export interface AgeReporterProps {
  readonly secrets: readonly ObservedSecret[];
  readonly logRetention: logs.RetentionDays;
  /** @default Duration.hours(1) */
  readonly interval?: Duration;
}

/**
 * JSONata: days since the last rotation, from DescribeSecret's result. SDK integrations return
 * timestamps as ISO-8601 strings; a number (epoch seconds) is accepted too, so a format change fails
 * nothing silently.
 */
export const AGE_DAYS_EXPRESSION =
  '{% ($last := $exists($states.result.LastRotatedDate) ? $states.result.LastRotatedDate : $states.result.CreatedDate;' +
  " $ms := $type($last) = 'number' ? $last * 1000 : $toMillis($last);" +
  ' $round(($toMillis($states.context.State.EnteredTime) - $ms) / 86400000, 2)) %}';

export class AgeReporter extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: AgeReporterProps) {
    super(scope, id);

    const retry = [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }];
    const definition = {
      Comment: `Puts ${METRIC_NAMESPACE}/${SECRET_AGE_METRIC} for each managed secret.`,
      QueryLanguage: 'JSONata',
      StartAt: 'EachSecret',
      States: {
        EachSecret: {
          Type: 'Map',
          Items: props.secrets.map((s) => ({ secretArn: s.secret.secretArn, secretName: s.secretName })),
          MaxConcurrency: 5,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'DescribeSecret',
            States: {
              DescribeSecret: {
                Type: 'Task',
                Resource: 'arn:aws:states:::aws-sdk:secretsmanager:describeSecret',
                Arguments: { SecretId: '{% $states.input.secretArn %}' },
                Output: { secretName: '{% $states.input.secretName %}', ageDays: AGE_DAYS_EXPRESSION },
                Retry: retry,
                Next: 'PutSecretAge',
              },
              PutSecretAge: {
                Type: 'Task',
                Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
                Arguments: {
                  Namespace: METRIC_NAMESPACE,
                  MetricData: [
                    {
                      MetricName: SECRET_AGE_METRIC,
                      Dimensions: [{ Name: SECRET_NAME_DIMENSION, Value: '{% $states.input.secretName %}' }],
                      Value: '{% $states.input.ageDays %}',
                      Unit: 'None',
                    },
                  ],
                },
                Retry: retry,
                End: true,
              },
            },
          },
          End: true,
        },
      },
    };

    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(definition)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.minutes(15),
      tracingEnabled: true,
      // Execution data is DescribeSecret metadata (names, dates, tags), never a secret value.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DescribeObservedSecrets',
        actions: ['secretsmanager:DescribeSecret'],
        resources: props.secrets.map((s) => s.secret.secretArn),
      }),
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutAgeMetric',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
    // On the role's policy, where the finding is, not on the whole state machine.
    Validations.of(this.stateMachine.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions use "*": cloudwatch:PutMetricData (narrowed by the cloudwatch:namespace condition), the CloudWatch Logs delivery actions Step Functions needs for execution logging, and X-Ray trace upload.',
    });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Samples the age of every managed secret for the overdue alarms.',
      schedule: events.Schedule.rate(props.interval ?? Duration.hours(1)),
      targets: [new targets.SfnStateMachine(this.stateMachine)],
    });
  }
}
