/**
 * Review: grantRequestWrites gives the operators' CLI dynamodb:PutItem on the same partitions the rotate
 * function's step records live in (LeadingKeys = the managed secret names), with nothing that limits the
 * sort key or forbids overwriting. PutItem replaces a whole item, so any principal allowed to record a
 * request can overwrite `<version>#finishSecret` (e.g. turn a failed emergency into "succeeded,
 * tokensEnded: true") or write step records for rotations that never ran; and `requestedBy` is whatever
 * the writer puts there. The `attribute_not_exists` condition in cli/ledger-request.ts is the client's
 * choice, not a permission. An auditor cannot tell the rotate function's records from forged ones.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RotationLedger } from '../../../lib/constructs/rotation-ledger';

interface Statement {
  Action: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

describe('review: ledger request writers and step records', () => {
  it('an operator allowed to record requests cannot PutItem into the partitions that hold the rotate function\'s step records', () => {
    // Prepare
    const stack = new Stack(new App(), 'Review');
    const ledger = new RotationLedger(stack, 'Ledger', {
      encryptionKey: new kms.Key(stack, 'Key'),
      retentionDays: 365,
      removalPolicy: RemovalPolicy.DESTROY,
      secretNames: ['genesys-rotator/acme/crm', 'genesys-rotator/acme/admin'],
      secretNamePrefix: 'genesys-rotator/',
    });
    const rotateRole = new iam.Role(stack, 'Rotate', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    // Act
    ledger.grantStepWrites(rotateRole);
    ledger.grantRequestWrites(operator);
    // Assess
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: { PolicyDocument?: { Statement: Statement[] }; Roles?: unknown[] } }> };
    const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const partitionsFor = (roleName: string, action: string): string[] =>
      policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleName))
        .flatMap((p) => p.Properties.PolicyDocument?.Statement ?? [])
        .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
        .flatMap((s) => Object.values(s.Condition ?? {}).flatMap((c) => c['dynamodb:LeadingKeys'] ?? []));
    const stepPartitions = partitionsFor('Rotate', 'dynamodb:UpdateItem');
    const requestPartitions = partitionsFor('Operator', 'dynamodb:PutItem');
    expect(stepPartitions.length).toBeGreaterThan(0);
    expect(requestPartitions.length).toBeGreaterThan(0);
    expect(requestPartitions.filter((name) => stepPartitions.includes(name))).toEqual([]);
  });

  it('the rotate function, which "cannot read back the history", cannot read records through UpdateItem ReturnValues', () => {
    // Prepare
    const stack = new Stack(new App(), 'ReviewRead');
    const ledger = new RotationLedger(stack, 'Ledger', {
      encryptionKey: new kms.Key(stack, 'Key'),
      retentionDays: 365,
      removalPolicy: RemovalPolicy.DESTROY,
      secretNames: ['genesys-rotator/acme/crm'],
      secretNamePrefix: 'genesys-rotator/',
    });
    const rotateRole = new iam.Role(stack, 'Rotate', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // Act
    ledger.grantStepWrites(rotateRole);
    // Assess: UpdateItem with ReturnValues ALL_OLD/ALL_NEW returns the item; only a dynamodb:ReturnValues condition prevents it
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: { PolicyDocument?: { Statement: Statement[] } } }> };
    const update = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument?.Statement ?? [])
      .find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('dynamodb:UpdateItem'));
    expect(JSON.stringify(update?.Condition ?? {})).toContain('dynamodb:ReturnValues');
  });
});
