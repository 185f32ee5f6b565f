/**
 * The `RotationFailed` event Secrets Manager writes to CloudTrail (and so to the default EventBridge bus)
 * when a rotation fails: source `aws.secretsmanager`, detail-type `AWS Service Event via CloudTrail`,
 * a CloudTrail record as detail with the secret ARN in `additionalEventData.SecretId` and
 * `errorMessage` naming the Lambda function and the step. Shape taken from a captured real event.
 */
import { randomUUID } from 'node:crypto';
import type { EventInput } from '../eventbridge/emulator';

export const SECRETS_MANAGER_EVENT_SOURCE = 'aws.secretsmanager';
export const SERVICE_EVENT_DETAIL_TYPE = 'AWS Service Event via CloudTrail';

export interface RotationFailedFacts {
  readonly accountId: string;
  readonly region: string;
  readonly secretArn: string;
  readonly errorMessage: string;
  readonly time: Date;
}

export function rotationFailedEvent(facts: RotationFailedFacts): EventInput {
  const service = 'secretsmanager.amazonaws.com';
  const detail = {
    eventVersion: '1.08',
    userIdentity: { accountId: facts.accountId, invokedBy: service },
    eventTime: `${facts.time.toISOString().slice(0, 19)}Z`,
    eventSource: service,
    eventName: 'RotationFailed',
    awsRegion: facts.region,
    sourceIPAddress: service,
    userAgent: service,
    errorMessage: facts.errorMessage,
    requestParameters: null,
    responseElements: null,
    additionalEventData: { SecretId: facts.secretArn },
    requestID: `Rotation-${facts.secretArn}-${randomUUID()}`,
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: facts.accountId,
    eventCategory: 'Management',
  };
  return {
    eventBusName: 'default',
    source: SECRETS_MANAGER_EVENT_SOURCE,
    detailType: SERVICE_EVENT_DETAIL_TYPE,
    detail: JSON.stringify(detail),
    resources: [],
    time: facts.time,
  };
}
