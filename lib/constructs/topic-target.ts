/**
 * An EventBridge rule target that publishes to an SNS topic, allowed by the topic policy only for that
 * rule of this account (`aws:SourceAccount`, `aws:SourceArn`).
 *
 * Why not `aws-events-targets.SnsTopic`: it grants `sns:Publish` to the EventBridge service principal
 * without conditions, so a rule of any account could publish to the topic (the confused deputy), and it
 * adds an unconditioned key grant for that principal as a side effect. The key statement EventBridge
 * needs for an encrypted topic is written once, where the key is (GenesysOAuthRotator).
 */
import { type Duration, Names, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

export interface TopicTargetProps {
  /** @default the whole event */
  readonly message?: events.RuleTargetInput;
  /** Where events that still cannot be delivered after the retries go. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default EventBridge's default (185) */
  readonly retryAttempts?: number;
  /** @default EventBridge's default (24 hours) */
  readonly maxEventAge?: Duration;
}

export class TopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly props: TopicTargetProps = {},
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    const ruleArn = rule.ruleRef.ruleArn;
    const account = Stack.of(rule).account;
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );
    const { deadLetterQueue, retryAttempts, maxEventAge } = this.props;
    if (deadLetterQueue !== undefined) {
      // The statement aws-events-targets writes for its own targets (same sid, same condition), so a queue
      // shared with them holds it once.
      deadLetterQueue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [deadLetterQueue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
        }),
      );
    }
    return {
      arn: this.topic.topicArn,
      targetResource: this.topic,
      ...(this.props.message !== undefined ? { input: this.props.message } : {}),
      ...(deadLetterQueue !== undefined ? { deadLetterConfig: { arn: deadLetterQueue.queueArn } } : {}),
      ...(retryAttempts !== undefined || maxEventAge !== undefined
        ? {
            retryPolicy: {
              ...(retryAttempts !== undefined ? { maximumRetryAttempts: retryAttempts } : {}),
              ...(maxEventAge !== undefined ? { maximumEventAgeInSeconds: maxEventAge.toSeconds({ integral: true }) } : {}),
            },
          }
        : {}),
    };
  }
}
