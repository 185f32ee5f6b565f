/**
 * Alarms (all to the people topic) and one dashboard: rotations, failures and age per secret.
 */
import { ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, ROTATION_SUCCEEDED_METRIC, SECRET_AGE_METRIC, SECRET_NAME_DIMENSION } from '../../lambdas/core/contract';
import { LEDGER_WRITE_FAILED_METRIC } from '../../lambdas/core/ledger/record';

export { ROTATION_SUCCEEDED_METRIC };

/**
 * LedgerWriteFailed summed over every secret (Metrics Insights): one alarm whatever the fleet's size,
 * where one per secret would add a resource per secret to a stack CloudFormation caps at 500. It covers
 * the namespace's SecretName series of this account and region; the dashboard splits it by secret.
 */
export const LEDGER_WRITE_FAILED_QUERY = `SELECT SUM(${LEDGER_WRITE_FAILED_METRIC}) FROM SCHEMA("${METRIC_NAMESPACE}", ${SECRET_NAME_DIMENSION})`;

export interface MonitoringProps {
  readonly topic: sns.ITopic;
  readonly rotateFunction: lambda.IFunction;
  readonly notifyFunction: lambda.IFunction;
  /** The rule matching Secrets Manager `RotationFailed` events. */
  readonly rotationFailedRule: events.IRule;
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  readonly secretNames: readonly string[];
  readonly maxRotationDays: number;
  readonly dashboardName?: string;
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly overdueAlarms = new Map<string, cloudwatch.Alarm>();
  /** A rotation ledger write failed (the rotation itself went on). */
  readonly ledgerWriteFailedAlarm: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;
  /**
   * Every alarm's name starts with this (unique to this construct), so the topic and key policies can
   * name "these alarms" in `aws:SourceArn` without referring to the alarms themselves (the alarms refer
   * to the topic, which refers to the key: a reference back would be circular).
   */
  readonly alarmNamePrefix: string;
  private readonly alarmAction: actions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmNamePrefix = Names.uniqueResourceName(this, { maxLength: 96, separator: '-' });
    this.alarmAction = new actions.SnsAction(props.topic);
    const fiveMinutes = Duration.minutes(5);

    const rotateErrors = props.rotateFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' });
    const rotateThrottles = props.rotateFunction.metricThrottles({ period: fiveMinutes, statistic: 'Sum' });
    const notifyErrors = props.notifyFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' });
    const rotationFailed = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'MatchedEvents',
      dimensionsMap: { RuleName: props.rotationFailedRule.ruleName },
      statistic: 'Sum',
      period: fiveMinutes,
    });

    this.atLeastOnce('RotateErrors', rotateErrors, 'The rotate function threw: a rotation step failed (Secrets Manager retries it). See its log group.');
    this.atLeastOnce('RotateThrottles', rotateThrottles, 'The rotate function was throttled by its reserved concurrency: too many rotations at once.');
    this.atLeastOnce('NotifyErrors', notifyErrors, 'The notify function threw: a dependent may not have the new credentials.');
    this.atLeastOnce('RotationFailed', rotationFailed, 'Secrets Manager reported RotationFailed (or RotationAbandoned) for a secret in this account and region.');

    // The rotate function never fails a step for the ledger: this alarm is how a gap in the audit
    // record becomes known (and the step's log line says which record).
    const ledgerFailures = new cloudwatch.MathExpression({ expression: LEDGER_WRITE_FAILED_QUERY, period: fiveMinutes, usingMetrics: {} });
    this.ledgerWriteFailedAlarm = this.atLeastOnce(
      'LedgerWriteFailed',
      ledgerFailures,
      `A rotation ledger write failed (${METRIC_NAMESPACE}/${LEDGER_WRITE_FAILED_METRIC}, any secret): the rotation went on, but its record is missing or incomplete. See the rotate function's log group and the dashboard's "Ledger write failures" by secret.`,
    );

    const dlqDepths = props.deadLetterQueues.map(({ name, queue }) => {
      const depth = queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' });
      this.atLeastOnce(`${name}NotEmpty`, depth, `Dead-letter queue "${name}" holds messages that could not be delivered; inspect and redrive them.`);
      return depth.with({ label: name });
    });

    // Overdue: the age sample must stay within the policy. A day of grace covers the rotation window
    // (at most 24 h) and the sampling interval; missing samples count as breaching (the observer broke).
    const ageMetrics = props.secretNames.map((secretName) => {
      const age = new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: SECRET_AGE_METRIC,
        dimensionsMap: { [SECRET_NAME_DIMENSION]: secretName },
        statistic: 'Maximum',
        period: Duration.hours(6),
      });
      const overdueId = `Overdue${this.overdueAlarms.size}`;
      const alarm = new cloudwatch.Alarm(this, overdueId, {
        alarmName: `${this.alarmNamePrefix}-${overdueId}`,
        alarmDescription: `Secret ${secretName} is older than policy.maxRotationDays (${props.maxRotationDays}) plus one day, or no age sample arrived for 6 hours (check the age reporter state machine).`,
        metric: age,
        threshold: props.maxRotationDays + 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      alarm.addAlarmAction(this.alarmAction);
      this.alarms.push(alarm);
      this.overdueAlarms.set(secretName, alarm);
      // Labels turn an alarm's metric into metric math: set them on the dashboard copy only.
      return age.with({ label: secretName });
    });

    const rotations = props.secretNames.map(
      (secretName) =>
        new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: ROTATION_SUCCEEDED_METRIC,
          dimensionsMap: { [SECRET_NAME_DIMENSION]: secretName },
          statistic: 'Sum',
          period: Duration.days(1),
          label: secretName,
        }),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName !== undefined ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.days(Math.min(props.maxRotationDays * 2, 455)),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Rotations per secret (daily)', left: rotations, width: 12, stacked: true }),
          new cloudwatch.GraphWidget({
            title: 'Failures',
            left: [
              rotateErrors.with({ label: 'rotate errors' }),
              rotateThrottles.with({ label: 'rotate throttles' }),
              notifyErrors.with({ label: 'notify errors' }),
              rotationFailed.with({ label: 'RotationFailed events' }),
            ],
            right: dlqDepths,
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Secret age (days)',
            left: ageMetrics,
            leftAnnotations: [{ value: props.maxRotationDays, label: 'policy.maxRotationDays', color: cloudwatch.Color.RED }],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Ledger write failures',
            // No label: CloudWatch names each series of the GROUP BY by its secret.
            left: [new cloudwatch.MathExpression({ expression: `${LEDGER_WRITE_FAILED_QUERY} GROUP BY ${SECRET_NAME_DIMENSION}`, period: fiveMinutes, usingMetrics: {} })],
            width: 12,
          }),
        ],
      ],
    });
  }

  /** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<prefix>-*`: every alarm of this construct. */
  alarmArnPattern(): string {
    return Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${this.alarmNamePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  private atLeastOnce(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.alarmNamePrefix}-${id}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }
}
