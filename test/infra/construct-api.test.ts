/**
 * The construct's typed API (lib/index.ts): props validated like the deployment file, the file mapped
 * onto the props, bring-your-own key, topic and bus, replica regions, and what the construct exposes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigurationError } from '../../lambdas/core/errors';
import { DeploymentConfigError, UnknownNameError } from '../../lib/errors';
import { GenesysOAuthRotator, RotatorConfigFile, RotatorStack, Strategy, type GenesysOAuthRotatorProps } from '../../lib/index';
import { EXAMPLE_CONFIG, logicalIdByName, synthExample, testAppContext, type Synthesised } from './synth';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const SCHEDULE = { expression: 'rate(30 days)', window: '2h' };
const THEIR_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const THEIR_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:platform-alerts';
const THEIR_BUS_ARN = 'arn:aws:events:eu-west-1:111122223333:event-bus/platform';
const REPLICA_KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';

/** Typed props: an admin pair, both strategies, a webhook. */
function props(overrides: Partial<GenesysOAuthRotatorProps> = {}): GenesysOAuthRotatorProps {
  return {
    organisations: [
      { name: 'us', environment: 'mypurecloud.com', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule: SCHEDULE } },
      { name: 'eu', environment: 'mypurecloud.ie' },
    ],
    clients: [
      { name: 'crm', organisation: 'us', strategy: Strategy.SINGLE, clientId: 'crm-1', schedule: SCHEDULE },
      {
        name: 'wfm',
        organisation: 'eu',
        strategy: Strategy.ALTERNATING,
        clientId: 'wfm-a',
        alternateClientId: 'wfm-b',
        schedule: SCHEDULE,
        webhooks: [{ name: 'hook', url: 'https://hooks.example.com/rotated' }],
      },
    ],
    notifications: { emails: ['ops@example.com'] },
    policy: { maxRotationDays: 45 },
    ...overrides,
  };
}

/** The same configuration as the deployment file writes it: plain JSON strings, no enums. */
function fileJson(): Json {
  return JSON.parse(JSON.stringify(props())) as Json;
}

const EU_WEST_1: StackProps = { env: { account: '111122223333', region: 'eu-west-1' } };

function stackOf(stackProps: StackProps = {}): Stack {
  return new Stack(new App({ context: testAppContext() }), 'Theirs', stackProps);
}

/** The error a construction throws (fails the test if nothing is thrown). */
function constructionError(input: unknown, stackProps: StackProps = {}): DeploymentConfigError {
  try {
    new GenesysOAuthRotator(stackOf(stackProps), 'Rotator', input as GenesysOAuthRotatorProps);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error('expected the props to be refused');
}

function resourcePolicyOf(template: Template, secretName: string): Statement[] {
  const id = logicalIdByName(template, 'AWS::SecretsManager::Secret', secretName);
  const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy', { Properties: { SecretId: { Ref: id } } })) as {
    Properties: { ResourcePolicy: { Statement: Statement[] } };
  }[];
  return policies[0]!.Properties.ResourcePolicy.Statement;
}

describe('Props: validated like the deployment file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rotator-props-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The error `RotatorConfigFile.load` throws for `json` written to a file. */
  function fileError(json: Json): DeploymentConfigError {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(json));
    try {
      RotatorConfigFile.load(file);
    } catch (error) {
      if (error instanceof DeploymentConfigError) return error;
      throw error;
    }
    throw new Error('expected the file to be refused');
  }

  it.each<[string, (c: Json & { organisations: Json[]; clients: Json[]; policy: Json }) => void, string[]]>([
    ['an unknown region', (c) => { c.organisations[1]!.environment = 'mypurecloud.xx'; }, ['organisations.1.environment']],
    ['a single client of an organisation without an admin pair', (c) => { c.clients[0]!.organisation = 'eu'; }, ['clients.0.strategy']],
    ['an unknown strategy', (c) => { c.clients[0]!.strategy = 'triple'; }, ['clients.0.strategy']],
    ['a schedule longer than the policy', (c) => { c.policy.maxRotationDays = 7; }, ['clients.0.schedule.expression', 'clients.1.schedule.expression', 'organisations.0.admin.schedule.expression'].sort()],
    ['a removal policy CDK knows but the rotator refuses', (c) => { c.removalPolicy = 'snapshot'; }, ['removalPolicy']],
    ['a replica key in another region', (c) => { c.replicaRegions = [{ region: 'eu-central-1', encryptionKeyArn: THEIR_KEY_ARN }]; }, ['replicaRegions.0.encryptionKeyArn']],
    ['a replica region listed twice', (c) => { c.replicaRegions = [{ region: 'us-west-2' }, { region: 'us-west-2' }]; }, ['replicaRegions.1.region']],
    ['a misspelt key', (c) => { c.notifcations = {}; }, ['(root)']],
    [
      'several problems at once',
      (c) => {
        c.organisations[1]!.environment = 'nowhere.example';
        c.clients[1]!.schedule = { expression: 'rate(30 days)', window: '0h' };
        c.notifications = { emails: ['not-an-email'] };
      },
      ['clients.1.schedule.window', 'notifications.emails.0', 'organisations.1.environment'],
    ],
  ])('refuses %s with the same paths and words as the file', (_case, breakIt, paths) => {
    // Prepare: what an untyped caller (JavaScript, Python through jsii) passes is the file's own shape
    const json = fileJson();
    breakIt(json as Json & { organisations: Json[]; clients: Json[]; policy: Json });

    // Act
    const fromFile = fileError(json);
    const fromProps = constructionError(json);

    // Assess
    expect(fromProps).toBeInstanceOf(ConfigurationError);
    expect(fromProps.issues).toEqual(fromFile.issues);
    expect(fromProps.issues.map((issue) => issue.path).sort()).toEqual(paths);
    const pointers = (error: Error): string[] => error.message.split('\n').filter((line) => line.includes('→ at'));
    expect(pointers(fromProps)).toEqual(pointers(fromFile));
    expect(fromProps.message).toContain('GenesysOAuthRotatorProps');
  });

  it('names the strategy field when a caller passes a value that is not a Strategy', () => {
    // Act
    const error = constructionError({ ...props(), clients: [{ ...props().clients[0]!, strategy: 'triple' }] });

    // Assess
    expect(error.issues).toEqual([{ path: 'clients.0.strategy', expected: 'a strategy: "single" or "alternating"' }]);
    expect(error.message).toContain('→ at clients[0].strategy');
  });

  it('refuses a single client given an alternateClientId, naming the client', () => {
    const error = constructionError(props({ clients: [{ ...props().clients[0]!, alternateClientId: 'crm-2' }] }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['clients.0']);
    expect(error.message).toMatch(/alternateClientId/);
  });

  it('treats an optional prop set to undefined as absent', () => {
    // Act / Assess
    expect(() => new GenesysOAuthRotator(stackOf(), 'Rotator', props({ clients: [{ ...props().clients[0]!, alternateClientId: undefined, verifyPath: undefined }], notifications: undefined }))).not.toThrow();
  });

  it('refuses a replica in the stack\'s own region, naming the replica', () => {
    const error = constructionError(props({ replicaRegions: [{ region: 'eu-west-1' }] }), EU_WEST_1);
    expect(error.issues).toEqual([{ path: 'replicaRegions.0.region', expected: expect.stringContaining("stack's own (eu-west-1)") }]);
  });
});

describe('Class: RotatorConfigFile', () => {
  it('maps the file onto the props, strings as the enums they are values of', () => {
    // Act
    const file = RotatorConfigFile.read(EXAMPLE_CONFIG);

    // Assess
    expect(file.source).toBe(EXAMPLE_CONFIG);
    expect(file.stackName).toBe('GenesysOAuthRotator');
    expect(file.props).not.toHaveProperty('stackName');
    expect(file.props.clients.map((c) => c.strategy)).toEqual([Strategy.SINGLE, Strategy.ALTERNATING]);
    expect(file.props.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(file.props.organisations[0]!.admin!.schedule).toEqual({ expression: 'rate(30 days)', window: '2h' });
    expect(RotatorConfigFile.load(EXAMPLE_CONFIG)).toEqual(file.props);
  });

  it('gives the props an inline object would give: the same template', () => {
    // Prepare
    const fromFile = stackOf();
    const inline = stackOf();

    // Act
    new GenesysOAuthRotator(fromFile, 'Rotator', RotatorConfigFile.fromObject(fileJson(), 'test').props);
    new GenesysOAuthRotator(inline, 'Rotator', props());

    // Assess
    expect(Template.fromStack(fromFile).toJSON()).toEqual(Template.fromStack(inline).toJSON());
  });

  it('maps "destroy" onto RemovalPolicy.DESTROY', () => {
    expect(RotatorConfigFile.fromObject({ ...fileJson(), removalPolicy: 'destroy' }).props.removalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it('names the source of an invalid object', () => {
    expect(() => RotatorConfigFile.fromObject({ ...fileJson(), policy: {} }, 'settings.json')).toThrow(/settings\.json is invalid[\s\S]*→ at policy\.maxRotationDays/);
  });
});

describe('Class: RotatorStack', () => {
  it('holds one rotator built from the props', () => {
    // Act
    const stack = new RotatorStack(new App({ context: testAppContext() }), 'Rotation', { rotator: props(), ...EU_WEST_1 });

    // Assess
    expect(stack.rotator.clientNames).toEqual(['crm', 'wfm']);
    expect(stack.templateOptions.description).toMatch(/genesys-oauth-rotator/);
    Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::RotationSchedule', 3);
  });
});

describe('Bring your own: imported key, topic and bus', () => {
  let stack: Stack;
  let rotator: GenesysOAuthRotator;
  let template: Template;
  let key: kms.IKey;
  let topic: sns.ITopic;
  let bus: events.IEventBus;
  beforeAll(() => {
    stack = stackOf(EU_WEST_1);
    key = kms.Key.fromKeyArn(stack, 'TheirKey', THEIR_KEY_ARN);
    topic = sns.Topic.fromTopicArn(stack, 'TheirTopic', THEIR_TOPIC_ARN);
    bus = events.EventBus.fromEventBusArn(stack, 'TheirBus', THEIR_BUS_ARN);
    rotator = new GenesysOAuthRotator(stack, 'Rotator', props({ encryptionKey: key, topic, eventBus: bus }));
    template = Template.fromStack(stack);
  });

  it('creates no key, topic or bus of its own and exposes the given ones', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(rotator.key).toBe(key);
    expect(rotator.topic).toBe(topic);
    expect(rotator.eventBus).toBe(bus);
  });

  it('encrypts the secrets and dead-letter queues with the given key', () => {
    template.allResourcesProperties('AWS::SecretsManager::Secret', { KmsKeyId: THEIR_KEY_ARN });
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: THEIR_KEY_ARN });
  });

  it('puts rotated events on the given bus and routes them from there', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('rotation function'),
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: 'platform' }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'PublishRotatedEvents', Action: 'events:PutEvents', Resource: THEIR_BUS_ARN })]) },
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'platform', EventPattern: { source: ['genesys-oauth-rotator'] } });
  });

  it('subscribes the emails and points the alarms and rules at the given topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: THEIR_TOPIC_ARN, Protocol: 'email', Endpoint: 'ops@example.com' });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [THEIR_TOPIC_ARN] });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: Match.arrayWith([Match.objectLike({ Arn: THEIR_TOPIC_ARN })]) });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  });

  it('warns what to add to the imported key and topic policies', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => JSON.stringify(w.entry.data));
    expect(warnings.filter((w) => w.includes(`imported key ${THEIR_KEY_ARN}`))).toHaveLength(3);
    expect(warnings.some((w) => w.includes('events.amazonaws.com may use it'))).toBe(true);
    expect(warnings.some((w) => w.includes('rotation ledger table') && w.includes('kms:ViaService dynamodb.'))).toBe(true);
    expect(warnings.some((w) => w.includes(`imported topic ${THEIR_TOPIC_ARN}`) && w.includes('cloudwatch.amazonaws.com'))).toBe(true);
  });

  it('warns that readers in another account need the imported key policy too', () => {
    // Prepare
    const own = stackOf(EU_WEST_1);
    const withReaders = props({ encryptionKey: kms.Key.fromKeyArn(own, 'TheirKey', THEIR_KEY_ARN) });
    const crm = { ...withReaders.clients[0]!, readers: ['arn:aws:iam::444455556666:role/reader'] };

    // Act
    new GenesysOAuthRotator(own, 'Rotator', { ...withReaders, clients: [crm, withReaders.clients[1]!] });

    // Assess
    const warnings = Annotations.fromStack(own).findWarning('*', Match.stringLikeRegexp('reader of a client secret'));
    expect(warnings).toHaveLength(1);
  });
});

describe('Bring your own: a key defined in the same app', () => {
  it('adds the statements the rotator needs to its policy and creates no other key', () => {
    // Prepare
    const stack = stackOf(EU_WEST_1);
    const key = new kms.Key(stack, 'PlatformKey', { enableKeyRotation: true });

    // Act
    new GenesysOAuthRotator(stack, 'Rotator', props({ encryptionKey: key }));
    const template = Template.fromStack(stack);

    // Assess
    template.resourceCountIs('AWS::KMS::Key', 1);
    const statements = (Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Statement[] } } }).Properties.KeyPolicy.Statement;
    expect(statements.map((s) => s.Sid)).toEqual(expect.arrayContaining(['AllowEventBridgeDeliveryToEncryptedTopicAndQueues', 'AllowAlarmDeliveryToEncryptedTopic']));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('genesys|imported'))).toHaveLength(0);
  });
});

describe('Replica regions', () => {
  let template: Template;
  beforeAll(() => {
    const stack = stackOf(EU_WEST_1);
    new GenesysOAuthRotator(stack, 'Rotator', props({ replicaRegions: [{ region: 'eu-central-1', encryptionKeyArn: REPLICA_KEY_ARN }, { region: 'us-west-2' }] }));
    template = Template.fromStack(stack);
  });

  it('replicates every client secret, with the given key where one is named', () => {
    for (const name of ['genesys-oauth/crm', 'genesys-oauth/wfm']) {
      const id = logicalIdByName(template, 'AWS::SecretsManager::Secret', name);
      expect((template.toJSON() as { Resources: Record<string, { Properties: Json }> }).Resources[id]!.Properties.ReplicaRegions).toEqual([
        { Region: 'eu-central-1', KmsKeyId: REPLICA_KEY_ARN },
        { Region: 'us-west-2' },
      ]);
    }
  });

  it('keeps the admin pair and the signing keys in the stack\'s region only', () => {
    for (const name of ['genesys-oauth/us/admin', 'genesys-oauth/wfm/webhooks/hook/signing-key']) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: name, ReplicaRegions: Match.absent() });
    }
  });

  it('keeps one rotation schedule per secret, in the primary region', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 3);
  });

  it('denies removing or detaching a replica to all but CloudFormation on a replicated secret only', () => {
    const denied = (name: string): string[] =>
      resourcePolicyOf(template, name)
        .filter((s) => s.Sid === 'DenyConfigurationChangesExceptCloudFormation')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(denied('genesys-oauth/crm')).toEqual(expect.arrayContaining(['secretsmanager:RemoveRegionsFromReplication', 'secretsmanager:StopReplicationToReplica']));
    expect(denied('genesys-oauth/us/admin')).not.toContain('secretsmanager:RemoveRegionsFromReplication');
  });
});

describe('Exposed resources', () => {
  let synth: Synthesised;
  let rotator: GenesysOAuthRotator;
  let template: Template;
  beforeAll(() => {
    synth = synthExample();
    rotator = synth.stack.rotator;
    template = synth.template;
  });
  afterAll(() => {
    synth.cleanup();
  });

  const ref = (value: unknown): unknown => synth.stack.resolve(value);

  it('exposes every alarm the stack defines', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(rotator.alarms).toHaveLength(alarmIds.length);
    expect(rotator.alarms.map((alarm) => (ref(alarm.alarmArn) as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]).sort()).toEqual(alarmIds.sort());
  });

  it('exposes the rotate and notify functions, key, bus, topic, queues, dashboard and age reporter', () => {
    const functionId = (description: string): string =>
      Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(description) } }))[0]!;
    expect(ref(rotator.rotateFunction.functionName)).toEqual({ Ref: functionId('rotation function') });
    expect(ref(rotator.notifyFunction.functionName)).toEqual({ Ref: functionId('webhooks') });
    expect(ref(rotator.key.keyArn)).toEqual({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] });
    expect(ref(rotator.eventBus.eventBusName)).toEqual({ Ref: Object.keys(template.findResources('AWS::Events::EventBus'))[0] });
    expect(ref(rotator.topic.topicArn)).toEqual({ Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] });
    expect(ref(rotator.webhookDlq.queueUrl)).toEqual({ Ref: expect.stringMatching(/WebhookDlq/) });
    expect(ref(rotator.eventDeliveryDlq.queueUrl)).toEqual({ Ref: expect.stringMatching(/EventDeliveryDlq/) });
    expect(ref(rotator.dashboard.dashboardName)).toEqual({ Ref: Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))[0] });
    expect(ref(rotator.ageReporter.stateMachineArn)).toEqual({ Ref: Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0] });
  });

  it('exposes the rotation ledger table and its write-failure alarm', () => {
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    expect(ref(rotator.ledgerTable.tableName)).toEqual({ Ref: tables[0] });
    expect(ref(rotator.ledgerTable.tableArn)).toEqual({ 'Fn::GetAtt': [tables[0], 'Arn'] });
    expect(rotator.alarms).toContain(rotator.ledgerWriteFailedAlarm);
    expect((ref(rotator.ledgerWriteFailedAlarm.alarmName) as { Ref: string }).Ref).toMatch(/LedgerWriteFailed/);
  });

  it('finds each secret by the name the configuration gives it', () => {
    const secretRef = (name: string): unknown => ({ Ref: logicalIdByName(template, 'AWS::SecretsManager::Secret', name) });
    expect(ref(rotator.clientSecret('crm-sync').secretArn)).toEqual(secretRef('genesys-oauth/crm-sync'));
    expect(ref(rotator.adminSecret('acme-eu').secretArn)).toEqual(secretRef('genesys-oauth/acme-eu/admin'));
    expect(ref(rotator.signingKey('wfm-export', 'data-platform').secretArn)).toEqual(secretRef('genesys-oauth/wfm-export/webhooks/data-platform/signing-key'));
    expect(rotator.clientNames).toEqual(['crm-sync', 'wfm-export']);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['an unknown client', () => rotator.clientSecret('billing'), /"billing".*field "clientName".*crm-sync, wfm-export/],
    ['an organisation without that name', () => rotator.adminSecret('acme-apac'), /"acme-apac".*field "organisationName".*acme-us, acme-eu/],
    ['a client without webhooks', () => rotator.signingKey('crm-sync', 'data-platform'), /"data-platform".*field "webhookName".*it has none/],
    ['an unknown webhook', () => rotator.signingKey('wfm-export', 'other'), /"other".*data-platform/],
    ['a signing key of an unknown client', () => rotator.signingKey('billing', 'data-platform'), /"billing".*crm-sync, wfm-export/],
  ])('refuses %s with a typed error naming it', (_case, call, message) => {
    expect(call).toThrow(UnknownNameError);
    expect(call).toThrow(message);
  });

  it('grants a function read access to a client secret', () => {
    // Prepare
    const stack = stackOf();
    const built = new GenesysOAuthRotator(stack, 'Rotator', props());
    const role = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act
    built.grantReadClientSecret('wfm', role);

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] })]) },
    });
  });

  it('grants read access to the ledger and request writes for the CLI, each in the grantee\'s own policy', () => {
    // Prepare
    const stack = stackOf();
    const built = new GenesysOAuthRotator(stack, 'Rotator', props());
    const auditor = new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });

    // Act
    const read = built.grantReadLedger(auditor);
    const record = built.grantRecordRequests(operator);

    // Assess
    expect(read.success).toBe(true);
    expect(record.success).toBe(true);
    const synthesised = Template.fromStack(stack);
    const policyOf = (role: iam.Role): string =>
      JSON.stringify(synthesised.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } }));
    expect(policyOf(auditor)).toContain('"dynamodb:Query"');
    expect(policyOf(auditor)).not.toContain('dynamodb:PutItem');
    expect(policyOf(operator)).toContain('"dynamodb:PutItem"');
    expect(policyOf(operator)).not.toContain('dynamodb:Query');
  });
});
