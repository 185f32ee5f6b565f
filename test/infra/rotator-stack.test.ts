import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { ConfigurationError } from '../../lambdas/core/errors';
import { validateSecretDocument } from '../../lambdas/core/secret-document';
import { loadRotatorConfig } from '../../lib/config/load';
import type { RotatorConfig } from '../../lib/config/schema';
import { GenesysOAuthRotator } from '../../lib/genesys-oauth-rotator';
import { Strategy } from '../../lib/rotator-props';
import { CDK_JSON_CONTEXT, EXAMPLE_CONFIG, logicalIdByName, synthExample, type Synthesised } from './synth';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
  Effect: string;
}

const config: RotatorConfig = loadRotatorConfig(EXAMPLE_CONFIG);
const FAKE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-oauth/admin-AbCdEf';

let synth: Synthesised;
let template: Template;
beforeAll(() => {
  synth = synthExample();
  template = synth.template;
});
afterAll(() => {
  synth.cleanup();
});

/** The secrets the stack manages (admin pairs + clients), by secret name, with their schedules. */
function managedSecrets(): { name: string; expression: string; window: string }[] {
  const admins = config.organisations.flatMap((o) =>
    o.admin ? [{ name: `${config.secretNamePrefix}${o.name}/admin`, expression: o.admin.schedule.expression, window: o.admin.schedule.window }] : [],
  );
  const clients = config.clients.map((c) => ({ name: `${config.secretNamePrefix}${c.name}`, expression: c.schedule.expression, window: c.schedule.window }));
  return [...admins, ...clients];
}

/** The template's resources, typed loosely enough to read properties in assertions. */
function propertiesOf(logicalId: string): Json {
  const resources = (template.toJSON() as { Resources: Record<string, { Properties: Json }> }).Resources;
  return resources[logicalId]!.Properties;
}

function functionLogicalId(descriptionPart: string): string {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(descriptionPart) } }));
  expect(found).toHaveLength(1);
  return found[0]![0];
}

function policyStatementsOfRole(roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleLogicalId }] } });
  return Object.values(policies).flatMap((p) => ((p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement));
}

function roleOf(functionId: string): string {
  return (propertiesOf(functionId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
/** Active tracing's actions: the only ones without resource-level permissions a function role holds. */
const XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const isTracing = (s: Statement): boolean => JSON.stringify(actionsOf(s).sort()) === JSON.stringify(XRAY_ACTIONS);

describe('Stack: secrets and rotation schedules', () => {
  it('creates one rotation schedule per managed secret with the configured expression and window', () => {
    // Prepare
    const expected = managedSecrets();

    // Assess
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', expected.length);
    for (const secret of expected) {
      const id = logicalIdByName(template, 'AWS::SecretsManager::Secret', secret.name);
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: id },
        RotationLambdaARN: { 'Fn::GetAtt': [functionLogicalId('rotation function'), 'Arn'] },
        RotateImmediatelyOnUpdate: false,
        RotationRules: { ScheduleExpression: secret.expression, Duration: secret.window },
      });
    }
  });

  it('waits for the invoke permission before Secrets Manager is told to use the function', () => {
    const permission = Object.keys(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'secretsmanager.amazonaws.com' } }));
    expect(permission).toHaveLength(1);
    template.allResources('AWS::SecretsManager::RotationSchedule', { DependsOn: Match.arrayWith([permission[0]]) });
  });

  it('lets only Secrets Manager of this account invoke the rotate function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionLogicalId('rotation function'), 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('encrypts every secret with the customer-managed key', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.allResourcesProperties('AWS::SecretsManager::Secret', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('writes a valid secret document with an empty clientSecret and the admin pair ARN', () => {
    // Prepare
    const adminId = logicalIdByName(template, 'AWS::SecretsManager::Secret', 'genesys-oauth/acme-us/admin');
    const clientId = logicalIdByName(template, 'AWS::SecretsManager::Secret', 'genesys-oauth/crm-sync');
    const secretString = (id: string): unknown => propertiesOf(id).SecretString;
    const render = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      return parts.map((p) => (typeof p === 'string' ? p : (p as { Ref: string }).Ref === adminId ? FAKE_ARN : 'UNEXPECTED')).join('');
    };

    // Act
    const admin = validateSecretDocument(JSON.parse(render(secretString(adminId))));
    const client = validateSecretDocument(JSON.parse(render(secretString(clientId))));

    // Assess
    expect(admin).toEqual({
      environment: 'mypurecloud.com',
      clientId: '11111111-1111-4111-8111-111111111111',
      clientSecret: '',
      strategy: 'alternating',
      alternateClientId: '22222222-2222-4222-8222-222222222222',
    });
    expect(client).toEqual({
      environment: 'mypurecloud.com',
      clientId: '55555555-5555-4555-8555-555555555555',
      clientSecret: '',
      strategy: 'single',
      adminSecretId: FAKE_ARN,
    });
  });

  it('tags managed secrets for the CLI and the rotate function, verify path only where configured', () => {
    const tags = (name: string): Json[] => {
      const id = logicalIdByName(template, 'AWS::SecretsManager::Secret', name);
      return propertiesOf(id).Tags as Json[];
    };
    expect(tags('genesys-oauth/crm-sync')).toEqual(
      expect.arrayContaining([
        { Key: 'genesys-rotator:managed', Value: 'true' },
        { Key: 'genesys-rotator:max-rotation-days', Value: '45' },
        { Key: 'genesys-rotator:verify-path', Value: '/api/v2/organizations/me' },
      ]),
    );
    expect(tags('genesys-oauth/wfm-export').map((t) => t.Key)).not.toContain('genesys-rotator:verify-path');
  });

  it('creates one generated signing key per webhook', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'genesys-oauth/wfm-export/webhooks/data-platform/signing-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });
});

describe('Stack: functions', () => {
  it('runs both functions on nodejs22.x arm64 with their own log group retention', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('traces both functions actively with X-Ray, the only statement on "*" in their roles', () => {
    // Assess
    template.allResourcesProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    for (const fn of ['rotation function', 'webhooks']) {
      const statements = policyStatementsOfRole(roleOf(functionLogicalId(fn)));
      const tracing = statements.filter(isTracing);
      expect(tracing).toHaveLength(1);
      expect(tracing[0]!.Resource).toBe('*');
    }
  });

  it('reserves concurrency on the rotate function only', () => {
    expect(propertiesOf(functionLogicalId('rotation function')).ReservedConcurrentExecutions).toBe(config.rotateConcurrency);
    expect(propertiesOf(functionLogicalId('webhooks')).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('gives the rotate function the event bus name', () => {
    const busId = Object.keys(template.findResources('AWS::Events::EventBus'))[0]!;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('rotation function'),
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: busId } }) },
    });
  });

  it('gives the notify function its dependents and the webhook dead-letter queue', () => {
    // Prepare
    const dependents = new Capture();
    const dlq = new Capture();

    // Act
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('webhooks'),
      Environment: { Variables: Match.objectLike({ ROTATOR_DEPENDENTS: dependents, DLQ_URL: dlq }) },
    });

    // Assess: render the Fn::Join with each Ref as "<logicalId>" and read it back as JSON
    const parts = (dependents.asObject()['Fn::Join'] as [string, unknown[]])[1];
    const rendered = parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('');
    const crm = logicalIdByName(template, 'AWS::SecretsManager::Secret', 'genesys-oauth/crm-sync');
    const wfm = logicalIdByName(template, 'AWS::SecretsManager::Secret', 'genesys-oauth/wfm-export');
    const key = logicalIdByName(template, 'AWS::SecretsManager::Secret', 'genesys-oauth/wfm-export/webhooks/data-platform/signing-key');
    expect(JSON.parse(rendered)).toEqual([
      { secretArn: `<${crm}>`, integrationCredentialIds: ['c0ffee00-0000-4000-8000-000000000001'], webhooks: [] },
      {
        secretArn: `<${wfm}>`,
        integrationCredentialIds: [],
        webhooks: [{ name: 'data-platform', url: 'https://hooks.example.com/genesys/rotated', signingKeySecretArn: `<${key}>` }],
      },
    ]);
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toContain(dlq.asObject().Ref);
  });
});

describe('Stack: least privilege', () => {
  it('scopes every Secrets Manager statement to named secrets (no wildcard secret resource)', () => {
    // Prepare
    const secretIds = new Set(Object.keys(template.findResources('AWS::SecretsManager::Secret')));
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const resource of resourcesOf(statement)) {
        expect(resource).toEqual({ Ref: expect.any(String) });
        expect(secretIds.has((resource as { Ref: string }).Ref)).toBe(true);
      }
    }
  });

  it('lets the rotate function read and write exactly the managed secrets and publish to its bus', () => {
    // Prepare
    const statements = policyStatementsOfRole(roleOf(functionLogicalId('rotation function')));
    const managed = managedSecrets().map((s) => ({ Ref: logicalIdByName(template, 'AWS::SecretsManager::Secret', s.name) }));
    const busId = Object.keys(template.findResources('AWS::Events::EventBus'))[0]!;
    const bySid = (sid: string): Statement => statements.find((s) => s.Sid === sid)!;

    // Assess
    expect(actionsOf(bySid('RotateManagedSecrets')).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    expect(resourcesOf(bySid('RotateManagedSecrets'))).toEqual(expect.arrayContaining(managed));
    expect(resourcesOf(bySid('RotateManagedSecrets'))).toHaveLength(managed.length);
    // Tags: only the emergency key, to bind a request to a rotation and to clear it (never another tag).
    const emergencyKeyOnly = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['genesys-rotator:emergency'] }, Null: { 'aws:TagKeys': 'false' } };
    expect(bySid('ClearEmergencyTag')).toMatchObject({ Action: 'secretsmanager:UntagResource', Condition: emergencyKeyOnly });
    expect(bySid('BindEmergencyTag')).toMatchObject({ Action: 'secretsmanager:TagResource', Condition: emergencyKeyOnly });
    expect(resourcesOf(bySid('BindEmergencyTag'))).toHaveLength(managed.length);
    expect(bySid('PublishRotatedEvents')).toMatchObject({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } });
    expect(bySid('UseKeyThroughSecretsManager').Condition).toBeDefined();
    expect(statements.filter((st) => !isTracing(st)).flatMap(resourcesOf)).not.toContain('*');
  });

  it('lets the rotate function use the key through Secrets Manager and DynamoDB (the ledger) to decrypt and make data keys, never to encrypt', () => {
    // Prepare
    const statements = policyStatementsOfRole(roleOf(functionLogicalId('rotation function')));
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;

    // Act
    const keyUse = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));

    // Assess: PutSecretValue with a customer managed key needs GenerateDataKey and Decrypt only, and so
    // do the ledger's writes; each statement through its one service
    expect(keyUse.map((st) => st.Sid)).toEqual(['UseKeyThroughSecretsManager', 'UseKeyThroughDynamoDb']);
    for (const st of keyUse) {
      expect(actionsOf(st).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(st.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    expect(JSON.stringify(keyUse[0]!.Condition)).toContain('secretsmanager.');
    expect(JSON.stringify(keyUse[0]!.Condition)).not.toContain('dynamodb.');
    expect(JSON.stringify(keyUse[1]!.Condition)).toContain('dynamodb.');
    expect(JSON.stringify(keyUse[1]!.Condition)).not.toContain('secretsmanager.');
  });

  it('lets the notify function read only dependent, admin and signing-key secrets', () => {
    // Prepare
    const statements = policyStatementsOfRole(roleOf(functionLogicalId('webhooks')));
    const read = statements.find((s) => s.Sid === 'ReadDependentSecrets')!;
    const names = ['genesys-oauth/crm-sync', 'genesys-oauth/acme-us/admin', 'genesys-oauth/wfm-export', 'genesys-oauth/acme-eu/admin', 'genesys-oauth/wfm-export/webhooks/data-platform/signing-key'];

    // Assess
    expect(read.Action).toBe('secretsmanager:GetSecretValue');
    expect(resourcesOf(read)).toHaveLength(names.length);
    expect(resourcesOf(read)).toEqual(expect.arrayContaining(names.map((n) => ({ Ref: logicalIdByName(template, 'AWS::SecretsManager::Secret', n) }))));
    expect(statements.flatMap(actionsOf)).not.toContain('secretsmanager:PutSecretValue');
    expect(statements.filter((st) => !isTracing(st)).flatMap(resourcesOf)).not.toContain('*');
  });

  it('rotates the key and lets only EventBridge and CloudWatch alarms use it as services, to decrypt and make data keys', () => {
    // Prepare
    const policy = new Capture();

    // Act
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, KeyPolicy: policy });

    // Assess
    const statements = (policy.asObject() as { Statement: (Statement & { Principal: Json })[] }).Statement;
    const services = statements.filter((s) => 'Service' in s.Principal);
    expect([...new Set(services.map((s) => s.Principal.Service))].sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    for (const action of services.flatMap(actionsOf)) expect(action).toMatch(/^kms:(Decrypt|GenerateDataKey\*?)$/);
    // Account principals may use the key only through Secrets Manager (beyond the default admin statement).
    const accountUse = statements.filter((s) => 'AWS' in s.Principal && s.Action !== 'kms:*');
    for (const statement of accountUse) expect(JSON.stringify(statement.Condition)).toContain('kms:ViaService');
  });

  it('lets CloudWatch use the key only for this account\'s alarms of this rotator', () => {
    // Prepare
    const policy = new Capture();
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: policy });
    const statements = (policy.asObject() as { Statement: (Statement & { Principal: Json })[] }).Statement;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmName: string } }[];

    // Act
    const cloudwatch = statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));

    // Assess
    expect(cloudwatch).toHaveLength(1);
    const condition = cloudwatch[0]!.Condition as { StringEquals: Json; ArnLike: { 'aws:SourceArn': { 'Fn::Join': [string, unknown[]] } } };
    expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    const pattern = condition.ArnLike['aws:SourceArn']['Fn::Join'][1];
    const prefix = (pattern[pattern.length - 1] as string).replace(/^:alarm:/, '').replace(/\*$/, '');
    expect(pattern).toEqual(['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:alarm:${prefix}*`]);
    // The pattern covers every alarm the stack has, and nothing named otherwise.
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmName.startsWith(prefix)).toBe(true);
  });

  it('gives EventBridge the key without aws:Source* conditions, which KMS does not support for EventBridge deliveries', () => {
    // Prepare
    const policy = new Capture();
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: policy });
    const statements = (policy.asObject() as { Statement: (Statement & { Principal: Json })[] }).Statement;

    // Act
    const eventBridge = statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }));

    // Assess: the SNS guide says aws:SourceAccount / aws:SourceArn in a key policy break EventBridge-to-
    // encrypted-topic delivery; the topic and queue policies carry them instead (next tests).
    expect(eventBridge).toHaveLength(1);
    expect(eventBridge[0]!.Sid).toBe('AllowEventBridgeDeliveryToEncryptedTopicAndQueues');
    expect(JSON.stringify(eventBridge[0]!.Condition ?? {})).not.toContain('aws:Source');
  });
});

describe('Stack: events, notifications and alarms', () => {
  it('routes rotated events from the bus to the notify function and the topic, with a dead-letter queue', () => {
    const busId = Object.keys(template.findResources('AWS::Events::EventBus'))[0]!;
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: ['genesys-oauth-rotator'], 'detail-type': ['Genesys OAuth Secret Rotated'] },
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionLogicalId('webhooks'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EventDeliveryDlq'), 'Arn'] } },
        }),
        Match.objectLike({ Arn: { Ref: topicId } }),
      ]),
    });
  });

  it('sends RotationFailed events from Secrets Manager to the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.secretsmanager'],
        detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: Match.arrayWith(['RotationFailed']) },
      },
    });
  });

  it('encrypts the topic, enforces TLS and subscribes the configured emails', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourceCountIs('AWS::SNS::Subscription', config.notifications.emails.length);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform-oncall@example.com' });
  });

  it('lets only this account\'s rules and alarms of this rotator publish to the topic', () => {
    // Prepare
    const document = new Capture();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: document });
    const statements = (document.asObject() as { Statement: (Statement & { Principal: Json })[] }).Statement;
    const rules = ['RotatedRule', 'RotationFailedRule'].map((r) => ({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Events::Rule')).find((id) => id.includes(r))!, 'Arn'] }));

    // Act
    const allows = statements.filter((s) => s.Effect === 'Allow');
    const fromEventBridge = allows.filter((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));

    // Assess
    expect(allows.length).toBe(3);
    for (const statement of allows) {
      expect(statement.Action).toBe('sns:Publish');
      expect(statement.Condition).toMatchObject({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
      expect(JSON.stringify(statement.Condition)).toContain('aws:SourceArn');
    }
    expect(fromEventBridge.map((s) => (s.Condition as { ArnEquals: Json }).ArnEquals['aws:SourceArn'])).toEqual(expect.arrayContaining(rules));
    expect(allows.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'))).toHaveLength(1);
  });

  it('lets EventBridge send to the delivery dead-letter queue only for this stack\'s rules', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const sends = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => s.Effect === 'Allow');
    expect(sends).toHaveLength(2);
    for (const statement of sends) expect(statement.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/Rule/), 'Arn'] } } });
  });

  it('encrypts both dead-letter queues and enforces TLS on them', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
  });

  it('alarms on rotate and notify errors, rotate throttles and RotationFailed events, to the topic', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    for (const fn of ['rotation function', 'webhooks']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(fn) } }],
        Threshold: 1,
        AlarmActions: [{ Ref: topicId }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('RotationFailedRule') } }],
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('alarms on each dead-letter queue that is not empty', () => {
    for (const queue of ['WebhookDlq', 'EventDeliveryDlq']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(queue), 'QueueName'] } }],
      });
    }
  });

  it('alarms on each secret overdue against the policy, missing samples breaching', () => {
    for (const secret of managedSecrets()) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'GenesysOAuthRotator',
        MetricName: 'SecretAgeDays',
        Dimensions: [{ Name: 'SecretName', Value: secret.name }],
        Statistic: 'Maximum',
        Threshold: config.policy.maxRotationDays + 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });

  it('samples secret ages on a schedule with DescribeSecret on the named secrets only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AgeReporterStateMachine') } })],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DescribeObservedSecrets', Action: 'secretsmanager:DescribeSecret' }),
          Match.objectLike({ Sid: 'PutAgeMetric', Condition: { StringEquals: { 'cloudwatch:namespace': 'GenesysOAuthRotator' } } }),
        ]),
      },
    });
  });

  it('shows rotations, failures and age per secret on a dashboard', () => {
    // Prepare
    const body = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });

    // Act
    const text = JSON.stringify(body.asObject());

    // Assess
    for (const title of ['Rotations per secret', 'Failures', 'Secret age (days)']) expect(text).toContain(title);
    for (const secret of managedSecrets()) expect(text).toContain(secret.name);
    expect(text).toContain('RotationSucceeded');
  });
});

describe('Construct: GenesysOAuthRotator', () => {
  it('goes into another app in one statement with inline typed props', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Theirs');

    // Act
    const rotator = new GenesysOAuthRotator(stack, 'Rotator', {
      organisations: [{ name: 'prod', environment: 'usw2.pure.cloud', admin: { clientId: 'a', alternateClientId: 'b', schedule: { expression: 'rate(7 days)', window: '1h' } } }],
      clients: [{ name: 'bot', organisation: 'prod', strategy: Strategy.SINGLE, clientId: 'c', schedule: { expression: 'rate(7 days)', window: '1h' } }],
      policy: { maxRotationDays: 7 },
    });

    // Assess
    expect(rotator.clientNames).toEqual(['bot']);
    expect(stack.resolve(rotator.clientSecret('bot').secretArn)).toEqual({ Ref: expect.stringMatching(/ClientbotSecret/) });
    expect(stack.resolve(rotator.adminSecret('prod').secretArn)).toEqual({ Ref: expect.stringMatching(/AdminprodSecret/) });
  });

  it('refuses invalid inline props with the path of the problem', () => {
    const build = (): GenesysOAuthRotator =>
      new GenesysOAuthRotator(new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Theirs'), 'Rotator', {
        organisations: [{ name: 'prod', environment: 'usw2.pure.cloud' }],
        clients: [{ name: 'bot', organisation: 'prod', strategy: Strategy.SINGLE, clientId: 'c', schedule: { expression: 'rate(7 days)', window: '1h' } }],
        policy: { maxRotationDays: 7 },
      });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/→ at clients\[0\]\.strategy/);
  });
});

describe('App: feature flags', () => {
  it('sets every flag aws-cdk-lib recommends, to the recommended value, in cdk.json', () => {
    // Prepare
    const recommended = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Json;

    // Assess: `cdk synth` no longer reports unconfigured flags
    expect(CDK_JSON_CONTEXT).toEqual(expect.objectContaining(recommended));
  });
});
