/**
 * Who may write and who may read a managed secret (DESIGN.md §3, the resource-policy paragraph after
 * "Bindings"), and what happens to secrets and key when they leave the stack.
 */
import { App, CliCredentialsStackSynthesizer, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigurationError } from '../../lambdas/core/errors';
import { GenesysOAuthRotator } from '../../lib/genesys-oauth-rotator';
import { Strategy, type GenesysOAuthRotatorProps } from '../../lib/rotator-props';
import { testAppContext } from './synth';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const LOADER = 'arn:aws:iam::111122223333:role/secret-loader';
const LOADER_USER = 'arn:aws:iam::111122223333:user/break-glass';
const SAME_ACCOUNT_READER = 'arn:aws:iam::111122223333:role/crm-app';
const CROSS_ACCOUNT_READER = 'arn:aws:iam::444455556666:role/partner/crm-consumer';

/** Two organisations, both strategies, a webhook (so a signing key exists), readers and loaders. */
function config(overrides: Partial<GenesysOAuthRotatorProps> = {}): GenesysOAuthRotatorProps {
  const schedule = { expression: 'rate(30 days)', window: '2h' };
  return {
    organisations: [
      { name: 'us', environment: 'mypurecloud.com', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule } },
      { name: 'eu', environment: 'mypurecloud.ie' },
    ],
    clients: [
      { name: 'crm', organisation: 'us', strategy: Strategy.SINGLE, clientId: 'crm-1', schedule, readers: [SAME_ACCOUNT_READER, CROSS_ACCOUNT_READER] },
      {
        name: 'wfm',
        organisation: 'eu',
        strategy: Strategy.ALTERNATING,
        clientId: 'wfm-a',
        alternateClientId: 'wfm-b',
        schedule,
        webhooks: [{ name: 'hook', url: 'https://hooks.example.com/rotated' }],
      },
    ],
    policy: { maxRotationDays: 45 },
    firstValueLoaders: [LOADER, LOADER_USER],
    ...overrides,
  };
}

interface Built {
  readonly app: App;
  readonly stack: Stack;
  readonly rotator: GenesysOAuthRotator;
  readonly template: () => Template;
}

function build(input: GenesysOAuthRotatorProps = config(), stackProps: ConstructorParameters<typeof Stack>[2] = {}): Built {
  const app = new App({ context: testAppContext() });
  const stack = new Stack(app, 'Policies', stackProps);
  const rotator = new GenesysOAuthRotator(stack, 'Rotator', input);
  return { app, stack, rotator, template: () => Template.fromStack(stack) };
}

function secretId(template: Template, name: string): string {
  const found = Object.keys(template.findResources('AWS::SecretsManager::Secret', { Properties: { Name: name } }));
  expect(found).toHaveLength(1);
  return found[0]!;
}

function resourcePolicy(template: Template, name: string): Statement[] {
  const id = secretId(template, name);
  const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy', { Properties: { SecretId: { Ref: id } } })) as {
    Properties: { ResourcePolicy: { Statement: Statement[] }; BlockPublicPolicy?: boolean };
  }[];
  expect(policies).toHaveLength(1);
  expect(policies[0]!.Properties.BlockPublicPolicy).toBe(true);
  return policies[0]!.Properties.ResourcePolicy.Statement;
}

function keyPolicy(template: Template): Statement[] {
  const keys = Object.values(template.findResources('AWS::KMS::Key')) as { Properties: { KeyPolicy: { Statement: Statement[] } } }[];
  return keys[0]!.Properties.KeyPolicy.Statement;
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** AWS principals of a statement (policy minimising merges statements that differ only in principals). */
function awsPrincipalsOf(s: Statement): unknown[] {
  const aws = (s.Principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
}

/** Whether an Allow statement lets `principal` read the secret, and nothing more. */
function allowsRead(statements: readonly Statement[], principal: unknown): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Resource === '*' &&
      awsPrincipalsOf(s).some((p) => JSON.stringify(p) === JSON.stringify(principal)) &&
      JSON.stringify(actionsOf(s).sort()) === JSON.stringify(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']),
  );
}
const MANAGED = ['genesys-oauth/us/admin', 'genesys-oauth/crm', 'genesys-oauth/wfm'];
const CLOUDFORMATION_EXEC_ROLE = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}' };
const NOT_VIA_CLOUDFORMATION = { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] } };

describe('Secret resource policy: who may write', () => {
  let built: Built;
  let template: Template;
  let rotateRole: Json;
  let rotateFunction: Json;
  beforeAll(() => {
    built = build();
    template = built.template();
    rotateRole = { 'Fn::GetAtt': [built.stack.getLogicalId(built.rotator.rotateFunction.role!.node.defaultChild as never), 'Arn'] };
    rotateFunction = { 'Fn::GetAtt': [built.stack.getLogicalId(built.rotator.rotateFunction.node.defaultChild as never), 'Arn'] };
  });

  it.each(MANAGED)('denies new values and stage moves on %s to all but the rotate role, the loaders and CloudFormation', (name) => {
    // Act
    const statement = resourcePolicy(template, name).find((s) => s.Sid === 'DenyValueWritesExceptRotatorAndLoaders')!;

    // Assess
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*' });
    expect(actionsOf(statement).sort()).toEqual(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']);
    expect(statement.Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': [rotateRole, CLOUDFORMATION_EXEC_ROLE, LOADER, LOADER_USER] },
      ...NOT_VIA_CLOUDFORMATION,
    });
  });

  it.each(MANAGED)('denies UpdateSecret, turning rotation off, policy changes, deletion and replication of %s to all but CloudFormation', (name) => {
    // Act
    const statement = resourcePolicy(template, name).find((s) => s.Sid === 'DenyConfigurationChangesExceptCloudFormation')!;

    // Assess: not even the rotator or a loader
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*' });
    expect(actionsOf(statement)).toEqual(
      expect.arrayContaining([
        'secretsmanager:UpdateSecret',
        'secretsmanager:CancelRotateSecret',
        'secretsmanager:PutResourcePolicy',
        'secretsmanager:DeleteResourcePolicy',
        'secretsmanager:DeleteSecret',
        'secretsmanager:ReplicateSecretToRegions',
      ]),
    );
    expect(statement.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': [CLOUDFORMATION_EXEC_ROLE] }, ...NOT_VIA_CLOUDFORMATION });
  });

  it.each(MANAGED)('denies RotateSecret on %s only when it names another rotation function', (name) => {
    // Act
    const statement = resourcePolicy(template, name).find((s) => s.Sid === 'DenyRotationByAnotherFunction')!;

    // Assess: without RotationLambdaARN (the CLI's rotate and emergency) the Null condition does not match
    expect(statement).toMatchObject({ Effect: 'Deny', Action: 'secretsmanager:RotateSecret' });
    expect(statement.Condition).toEqual({
      StringNotEquals: { 'secretsmanager:RotationLambdaARN': rotateFunction },
      Null: { 'secretsmanager:RotationLambdaARN': 'false' },
      ArnNotEquals: { 'aws:PrincipalArn': [CLOUDFORMATION_EXEC_ROLE] },
      ...NOT_VIA_CLOUDFORMATION,
    });
  });

  it('gives the webhook signing keys no such policy (they are rotated by hand)', () => {
    // Prepare
    const signingKey = secretId(template, 'genesys-oauth/wfm/webhooks/hook/signing-key');

    // Assess
    expect(Object.keys(template.findResources('AWS::SecretsManager::ResourcePolicy', { Properties: { SecretId: { Ref: signingKey } } }))).toEqual([]);
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', MANAGED.length);
  });

  it('names only the rotate role and CloudFormation when no loader is configured', () => {
    // Act
    const statements = resourcePolicy(build(config({ firstValueLoaders: [] })).template(), 'genesys-oauth/crm');

    // Assess
    const writes = statements.find((s) => s.Sid === 'DenyValueWritesExceptRotatorAndLoaders')!;
    expect(writes.Condition?.ArnNotEquals).toEqual({ 'aws:PrincipalArn': [rotateRole, CLOUDFORMATION_EXEC_ROLE] });
  });

  it('relies on aws:CalledVia alone when the stack deploys with the caller\'s credentials (no execution role)', () => {
    // Act
    const statements = resourcePolicy(build(config(), { synthesizer: new CliCredentialsStackSynthesizer() }).template(), 'genesys-oauth/crm');

    // Assess
    expect(statements.find((s) => s.Sid === 'DenyValueWritesExceptRotatorAndLoaders')!.Condition?.ArnNotEquals).toEqual({
      'aws:PrincipalArn': [rotateRole, LOADER, LOADER_USER],
    });
    expect(statements.find((s) => s.Sid === 'DenyConfigurationChangesExceptCloudFormation')!.Condition).toEqual(NOT_VIA_CLOUDFORMATION);
  });

  it('stays clean under cdk-nag with readers and loaders configured', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(built.app);

    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('Secret resource and key policy: who may read', () => {
  let template: Template;
  beforeAll(() => {
    template = build().template();
  });

  it.each([SAME_ACCOUNT_READER, CROSS_ACCOUNT_READER])('lets reader %s get and describe its client\'s secret only', (reader) => {
    // Act
    const statements = resourcePolicy(template, 'genesys-oauth/crm');

    // Assess
    expect(allowsRead(statements, reader)).toBe(true);
    expect(statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(resourcePolicy(template, 'genesys-oauth/wfm'))).not.toContain(reader);
    expect(JSON.stringify(resourcePolicy(template, 'genesys-oauth/us/admin'))).not.toContain(reader);
  });

  it.each([SAME_ACCOUNT_READER, CROSS_ACCOUNT_READER])('lets reader %s decrypt through Secrets Manager for that secret only', (reader) => {
    // Act
    const statements = keyPolicy(template).filter((s) => JSON.stringify(s.Principal).includes(reader));

    // Assess
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
    expect(statements[0]!.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      StringLike: {
        'kms:EncryptionContext:SecretARN': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:genesys-oauth/crm-??????']],
        },
      },
    });
  });

  it('adds no identity policy for configured readers (their account grants that side)', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles?: unknown[] } }[]) {
      expect(JSON.stringify(policy.Properties.Roles)).not.toContain('crm-app');
    }
  });
});

describe('Method: grantReadClientSecret', () => {
  it('gives a role of the same stack the identity policy, the resource policy and the key policy', () => {
    // Prepare
    const built = build(config({ clients: config().clients.map((c) => ({ ...c, readers: [] })) }));
    const role = new iam.Role(built.stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act
    built.rotator.grantReadClientSecret('crm', role);
    const template = built.template();

    // Assess
    const roleId = built.stack.getLogicalId(role.node.defaultChild as never);
    const crm = secretId(template, 'genesys-oauth/crm');
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: crm } }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
            Condition: { StringEquals: Match.objectLike({ 'kms:EncryptionContext:SecretARN': { Ref: crm } }) },
          }),
        ]),
      },
    });
    expect(allowsRead(resourcePolicy(template, 'genesys-oauth/crm'), { 'Fn::GetAtt': [roleId, 'Arn'] })).toBe(true);
    expect(keyPolicy(template).filter((s) => JSON.stringify(s.Principal).includes(roleId))).toHaveLength(1);
  });

  it('gives a role of another account the resource and key policies only', () => {
    // Prepare
    const built = build(config({ clients: config().clients.map((c) => ({ ...c, readers: [] })) }), { env: { account: '111122223333', region: 'eu-west-1' } });
    const role = iam.Role.fromRoleArn(built.stack, 'Partner', CROSS_ACCOUNT_READER);

    // Act
    built.rotator.grantReadClientSecret('wfm', role);
    const template = built.template();

    // Assess
    expect(allowsRead(resourcePolicy(template, 'genesys-oauth/wfm'), CROSS_ACCOUNT_READER)).toBe(true);
    expect(keyPolicy(template).filter((s) => JSON.stringify(s.Principal).includes(CROSS_ACCOUNT_READER))).toHaveLength(1);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('crm-consumer');
  });

  it('refuses a client the configuration does not name, naming it', () => {
    // Prepare
    const built = build();
    const role = new iam.Role(built.stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act / Assess
    expect(() => {
      built.rotator.grantReadClientSecret('billing', role);
    }).toThrow(ConfigurationError);
    expect(() => {
      built.rotator.grantReadClientSecret('billing', role);
    }).toThrow(/"billing".*crm, wfm/);
  });
});

describe('Removal policy of secrets and key', () => {
  it('retains the managed secrets, the signing keys and the key by default', () => {
    // Act
    const template = build(config({ firstValueLoaders: [] })).template();

    // Assess
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('deletes them when the configuration says "destroy"', () => {
    // Act
    const template = build(config({ removalPolicy: RemovalPolicy.DESTROY })).template();

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 4);
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});
