/**
 * The rotation ledger's stack side (issue 13): the table, who may write and read it, the rotate
 * function's variables, the tag the CLI finds it by, the alarm on failed writes, and the retention
 * setting.
 */
import { rmSync } from 'node:fs';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LEDGER_KEYS, LEDGER_RETENTION_VARIABLE, LEDGER_TABLE_TAG, LEDGER_TABLE_VARIABLE, LEDGER_TTL_ATTRIBUTE, LEDGER_WRITE_FAILED_METRIC } from '../../lambdas/core/ledger/record';
import { bindingsOf } from '../../lib/config/bindings';
import { loadRotatorConfig, parseRotatorConfig } from '../../lib/config/load';
import { LEADING_KEYS_LIST_BUDGET_BYTES, leadingKeysCondition } from '../../lib/constructs/rotation-ledger';
import { DeploymentConfigError } from '../../lib/errors';
import { GenesysOAuthRotator, RotatorConfigFile, Strategy, type GenesysOAuthRotatorProps } from '../../lib/index';
import { EXAMPLE_CONFIG, logicalIdByName, synthExample, testAppContext, type Synthesised } from './synth';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const SCHEDULE = { expression: 'rate(30 days)', window: '2h' };
const VIA_DYNAMODB = { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] };

/** One organisation with an admin pair and `count` single clients. */
function fleet(count: number, overrides: Partial<GenesysOAuthRotatorProps> = {}): GenesysOAuthRotatorProps {
  return {
    organisations: [{ name: 'prod', environment: 'mypurecloud.ie', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule: SCHEDULE } }],
    clients: Array.from({ length: count }, (_, i) => ({
      name: `client-${String(i).padStart(4, '0')}`,
      organisation: 'prod',
      strategy: Strategy.SINGLE,
      clientId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      schedule: SCHEDULE,
    })),
    policy: { maxRotationDays: 45 },
    ...overrides,
  };
}

function stackWith(props: GenesysOAuthRotatorProps): { stack: Stack; rotator: GenesysOAuthRotator; template: Template } {
  const stack = new Stack(new App({ context: testAppContext() }), 'Theirs');
  const rotator = new GenesysOAuthRotator(stack, 'Rotator', props);
  return { stack, rotator, template: Template.fromStack(stack) };
}

function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** Every identity-policy statement of the template, with the roles its policy is attached to. */
function identityStatements(template: Template): { roles: unknown[]; statement: Statement }[] {
  return [...resources(template, 'AWS::IAM::Policy'), ...resources(template, 'AWS::IAM::ManagedPolicy')].flatMap(([, policy]) => {
    const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
    return document.Statement.map((statement) => ({ roles: (policy.Properties.Roles as unknown[] | undefined) ?? [], statement }));
  });
}

function functionOf(template: Template, description: string): { id: string; properties: Json } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(description) } }));
  expect(found).toHaveLength(1);
  return { id: found[0]![0], properties: (found[0]![1] as Resource).Properties };
}

const roleOf = (fn: { properties: Json }): string => (fn.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('Ledger: the example stack', () => {
  let synth: Synthesised;
  let template: Template;
  let tableId: string;
  let keyId: string;
  beforeAll(() => {
    synth = synthExample();
    template = synth.template;
    const tables = resources(template, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    tableId = tables[0]![0];
    keyId = resources(template, 'AWS::KMS::Key')[0]![0];
  });
  afterAll(() => {
    synth.cleanup();
  });

  it('creates one on-demand table keyed by secret name and entry, with PITR, TTL and the stack\'s key', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: LEDGER_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: LEDGER_KEYS.sort, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'secret', AttributeType: 'S' },
          { AttributeName: 'entry', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        TimeToLiveSpecification: { AttributeName: LEDGER_TTL_ATTRIBUTE, Enabled: true },
        DeletionProtectionEnabled: true,
        ProvisionedThroughput: Match.absent(),
        StreamSpecification: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('gives the rotate function the table name and the retention, and the notify function neither', () => {
    const rotate = functionOf(template, 'rotation function');
    const notify = functionOf(template, 'webhooks');
    const variables = (fn: { properties: Json }): Json => (fn.properties.Environment as { Variables: Json }).Variables;
    expect(variables(rotate)[LEDGER_TABLE_VARIABLE]).toEqual({ Ref: tableId });
    expect(variables(rotate)[LEDGER_RETENTION_VARIABLE]).toBe('400');
    expect(variables(notify)).not.toHaveProperty(LEDGER_TABLE_VARIABLE);
    expect(variables(notify)).not.toHaveProperty(LEDGER_RETENTION_VARIABLE);
  });

  it('lets the rotate function only UpdateItem records of its managed secrets, and use the key only through DynamoDB', () => {
    // Prepare
    const role = roleOf(functionOf(template, 'rotation function'));
    const statements = identityStatements(template)
      .filter((s) => s.roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
      .map((s) => s.statement);
    const names = Object.keys(bindingsOf(loadRotatorConfig(EXAMPLE_CONFIG))).sort();

    // Act
    const ledger = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const keyViaDynamoDb = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes('dynamodb.'));

    // Assess: exactly one table statement, exactly these names (the example has four managed secrets)
    expect(names).toEqual(['genesys-oauth/acme-eu/admin', 'genesys-oauth/acme-us/admin', 'genesys-oauth/crm-sync', 'genesys-oauth/wfm-export']);
    expect(ledger).toEqual([
      {
        Sid: 'WriteOwnLedgerRecords',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        // Its secrets' step partitions only, never a request partition, and no read through ReturnValues.
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': names }, 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['request#*'] }, StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] } },
      },
    ]);
    expect(keyViaDynamoDb).toEqual([
      {
        Sid: 'UseKeyThroughDynamoDb',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': VIA_DYNAMODB } },
      },
    ]);
  });

  it('gives no other role of the stack any DynamoDB action, and nobody Scan, DeleteItem or a wildcard', () => {
    // Prepare
    const role = roleOf(functionOf(template, 'rotation function'));

    // Act
    const withDynamoDb = identityStatements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.toLowerCase().startsWith('dynamodb:')));

    // Assess
    expect(withDynamoDb).toHaveLength(1);
    expect(withDynamoDb[0]!.roles).toEqual([{ Ref: role }]);
    for (const { statement } of withDynamoDb) expect(actionsOf(statement)).toEqual(['dynamodb:UpdateItem']);
  });

  it('adds nothing to the key policy for the ledger (the account\'s IAM policies decide)', () => {
    const keyPolicy = JSON.stringify(resources(template, 'AWS::KMS::Key')[0]![1].Properties.KeyPolicy);
    expect(keyPolicy).toContain('kms:');
    expect(keyPolicy).not.toContain('dynamodb');
  });

  it('tags every managed secret with the table name, and no signing key', () => {
    // Prepare
    const config = loadRotatorConfig(EXAMPLE_CONFIG);
    const managed = Object.keys(bindingsOf(config));
    const tagOf = (name: string): unknown => {
      const id = logicalIdByName(template, 'AWS::SecretsManager::Secret', name);
      const tags = (template.toJSON() as { Resources: Record<string, Resource> }).Resources[id]!.Properties.Tags as { Key: string; Value: unknown }[] | undefined;
      return (tags ?? []).find((tag) => tag.Key === LEDGER_TABLE_TAG)?.Value;
    };

    // Assess
    expect(managed).toHaveLength(4);
    for (const name of managed) expect(tagOf(name)).toEqual({ Ref: tableId });
    expect(tagOf('genesys-oauth/wfm-export/webhooks/data-platform/signing-key')).toBeUndefined();
  });

  it('alarms to the topic when any ledger write failed in 5 minutes, and exposes the alarm', () => {
    // Prepare
    const topicId = resources(template, 'AWS::SNS::Topic')[0]![0];
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => JSON.stringify(alarm.Properties).includes(LEDGER_WRITE_FAILED_METRIC));

    // Assess
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({
      Metrics: [{ Expression: 'SELECT SUM(LedgerWriteFailed) FROM SCHEMA("GenesysOAuthRotator", SecretName)', Period: 300, ReturnData: true }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    const rotator = synth.stack.rotator;
    const alarmId = (alarm: { alarmArn: string }): unknown => (synth.stack.resolve(alarm.alarmArn) as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(alarmId(rotator.ledgerWriteFailedAlarm)).toBe(alarms[0]![0]);
    expect(rotator.alarms.map(alarmId)).toContain(alarms[0]![0]);
  });

  it('shows ledger write failures by secret on the dashboard', () => {
    const body = JSON.stringify(resources(template, 'AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    expect(body).toContain('Ledger write failures');
    expect(body).toContain('GROUP BY SecretName');
  });

  it('outputs the table name and exposes the table', () => {
    const outputs = (template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    const ledgerOutputs = Object.entries(outputs).filter(([id]) => id.includes('LedgerTableName'));
    expect(ledgerOutputs.map(([, output]) => output.Value)).toEqual([{ Ref: tableId }]);
    expect(synth.stack.resolve(synth.stack.rotator.ledgerTable.tableName)).toEqual({ Ref: tableId });
  });
});

describe('Ledger: grants for readers and the CLI', () => {
  let stack: Stack;
  let template: Template;
  let tableId: string;
  let keyId: string;
  let auditor: iam.Role;
  let operator: iam.Role;
  beforeAll(() => {
    stack = new Stack(new App({ context: testAppContext() }), 'Theirs');
    const rotator = new GenesysOAuthRotator(stack, 'Rotator', fleet(2));
    auditor = new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
    operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    expect(rotator.grantReadLedger(auditor).success).toBe(true);
    expect(rotator.grantRecordRequests(operator).success).toBe(true);
    template = Template.fromStack(stack);
    tableId = resources(template, 'AWS::DynamoDB::Table')[0]![0];
    keyId = resources(template, 'AWS::KMS::Key')[0]![0];
  });

  const statementsOf = (role: iam.Role): Statement[] => {
    const ref = JSON.stringify({ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) });
    return identityStatements(template)
      .filter((s) => s.roles.some((r) => JSON.stringify(r) === ref))
      .map((s) => s.statement);
  };

  it('lets a reader GetItem and Query the table and decrypt only through DynamoDB, nothing else', () => {
    expect(statementsOf(auditor)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': VIA_DYNAMODB } } },
    ]);
  });

  it('lets the CLI PutItem request records of the managed secrets only', () => {
    expect(statementsOf(operator)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        // Request partitions only: the CLI cannot overwrite or invent the rotate function's step records.
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['request#genesys-oauth/client-0000', 'request#genesys-oauth/client-0001', 'request#genesys-oauth/prod/admin'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        },
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': VIA_DYNAMODB } },
      },
    ]);
  });
});

describe('Ledger: removal policy, retention and imported keys', () => {
  it('lets a test stack (removalPolicy DESTROY) delete the table', () => {
    const { template } = stackWith(fleet(1, { removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::DynamoDB::Table', { Properties: { DeletionProtectionEnabled: false }, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it.each([
    [0, '0'],
    [45, '45'],
    [3653, '3653'],
  ])('passes retentionDays %d to the rotate function as %s', (days, variable) => {
    const { template } = stackWith(fleet(1, { ledger: { retentionDays: days } }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('rotation function'),
      Environment: { Variables: Match.objectLike({ [LEDGER_RETENTION_VARIABLE]: variable }) },
    });
  });

  it('warns what an imported key\'s policy must allow for the ledger', () => {
    // Prepare
    const stack = new Stack(new App({ context: testAppContext() }), 'Theirs', { env: { account: '111122223333', region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'TheirKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');

    // Act
    new GenesysOAuthRotator(stack, 'Rotator', fleet(1, { encryptionKey: key }));

    // Assess
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('rotation ledger'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.entry.data)).toContain('kms:ViaService dynamodb.<region>.amazonaws.com');
  });

  it('does not warn for a key defined in the same app', () => {
    const stack = new Stack(new App({ context: testAppContext() }), 'Theirs');
    new GenesysOAuthRotator(stack, 'Rotator', fleet(1, { encryptionKey: new kms.Key(stack, 'Platform', { enableKeyRotation: true }) }));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('rotation ledger'))).toHaveLength(0);
  });
});

describe('Ledger: configuration', () => {
  const file = (ledger: unknown, maxRotationDays = 45): Json => ({ ...(JSON.parse(JSON.stringify(fleet(1, { policy: { maxRotationDays } }))) as Json), ledger });

  /** The error the file and the construct give for the same input (they must agree). */
  function errors(input: Json): DeploymentConfigError[] {
    const caught: DeploymentConfigError[] = [];
    for (const attempt of [() => parseRotatorConfig(input, 'test.json'), () => new GenesysOAuthRotator(new Stack(new App({ context: testAppContext() }), 'S'), 'Rotator', input as unknown as GenesysOAuthRotatorProps)]) {
      try {
        attempt();
      } catch (error) {
        if (error instanceof DeploymentConfigError) caught.push(error);
        else throw error;
      }
    }
    expect(caught).toHaveLength(2);
    expect(caught[1]!.issues).toEqual(caught[0]!.issues);
    return caught;
  }

  it('keeps records 400 days unless told otherwise, in the file and the props', () => {
    expect(parseRotatorConfig(file(undefined)).ledger).toEqual({ retentionDays: 400 });
    expect(parseRotatorConfig(file({})).ledger).toEqual({ retentionDays: 400 });
    expect(RotatorConfigFile.fromObject(file({ retentionDays: 0 })).props.ledger).toEqual({ retentionDays: 0 });
    expect(RotatorConfigFile.read(EXAMPLE_CONFIG).props.ledger).toEqual({ retentionDays: 400 });
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative number', -1, /whole number of days from 1 to 3653, or 0 to keep records forever/],
    ['a fraction', 1.5, /whole number of days/],
    ['more than ten years', 4000, /from 1 to 3653/],
    ['a word', 'forever', /or 0 to keep records forever/],
    ['fewer days than the policy allows between rotations', 30, /at least policy\.maxRotationDays \(45\) days, or 0/],
  ])('refuses %s, naming ledger.retentionDays', (_case, retentionDays, expected) => {
    // Act
    const [fromFile] = errors(file({ retentionDays }));

    // Assess
    expect(fromFile!.issues.map((issue) => issue.path)).toEqual(['ledger.retentionDays']);
    expect(fromFile!.issues[0]!.expected).toMatch(expected);
    expect(fromFile!.message).toContain('→ at ledger.retentionDays');
  });

  it('refuses an unknown key under ledger, naming it', () => {
    const [fromFile] = errors(file({ retentionDay: 400 }));
    expect(fromFile!.issues).toEqual([{ path: 'ledger', expected: expect.stringContaining('no key "retentionDay" here (did you mean "retentionDays"?)') }]);
  });

  it('accepts a retention equal to the policy, and 0 with any policy', () => {
    expect(parseRotatorConfig(file({ retentionDays: 45 })).ledger.retentionDays).toBe(45);
    expect(parseRotatorConfig(file({ retentionDays: 0 }, 365)).ledger.retentionDays).toBe(0);
  });
});

describe('Ledger: the LeadingKeys condition', () => {
  it('names the secrets one by one while the list fits, then falls back to the shared prefix', () => {
    // Prepare: names of 30 bytes each in the JSON list ("…", plus a comma)
    const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `genesys-oauth/client-${String(i).padStart(6, '0')}`);
    const fitting = Math.floor((LEADING_KEYS_LIST_BUDGET_BYTES - 1) / (names(1)[0]!.length + 3));

    // Act
    const small = leadingKeysCondition(names(fitting), 'genesys-oauth/');
    const large = leadingKeysCondition(names(fitting + 1), 'genesys-oauth/');

    // Assess
    expect(Buffer.byteLength(JSON.stringify(names(fitting)))).toBeLessThanOrEqual(LEADING_KEYS_LIST_BUDGET_BYTES);
    expect(Buffer.byteLength(JSON.stringify(names(fitting + 1)))).toBeGreaterThan(LEADING_KEYS_LIST_BUDGET_BYTES);
    expect(small).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': names(fitting) } });
    expect(large).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['genesys-oauth/*'] } });
  });
});

describe('Ledger: a fleet of 1,000 client secrets', () => {
  let outdir: string;
  let template: Template;
  beforeAll(() => {
    // As the bindings' fleet test: no resource limit (such a stack does not deploy as one), no policy
    // minimising (slow); this checks that the ledger's statements stay small.
    const app = new App({ context: testAppContext({ '@aws-cdk/core:stackResourceLimit': 0, '@aws-cdk/aws-iam:minimizePolicies': false }), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Fleet');
    new GenesysOAuthRotator(stack, 'Rotator', fleet(1000));
    template = Template.fromStack(stack);
    outdir = app.outdir;
  });
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('synthesises, and conditions the rotate function\'s writes on the secret name prefix instead of 1,001 names', () => {
    // Act
    const ledger = identityStatements(template).filter(({ statement }) => statement.Sid === 'WriteOwnLedgerRecords');

    // Assess
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['genesys-oauth/*'] }, 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['request#*'] }, StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] } });
    expect(JSON.stringify(ledger[0]!.statement).length).toBeLessThan(400);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });
});
