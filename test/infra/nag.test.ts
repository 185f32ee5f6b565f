import { Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { synthExample, type Synthesised } from './synth';

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement recorded in the tree (cdk-nag 3 reads them from this metadata). */
function acknowledgements(root: IConstruct): { path: string; ack: Acknowledgement }[] {
  return root.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Each entry is `{ [ruleId]: reason }`.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: node.node.path, ack: { id, reason } })),
  );
}

describe('cdk-nag: AwsSolutions', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthExample();
  });
  afterAll(() => {
    synth.cleanup();
  });

  it('reports no unacknowledged finding on the example app', () => {
    // Act
    const report = synth.nag.validateScope(synth.app);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges each finding narrowly, with a written reason', () => {
    // Act
    const acks = acknowledgements(synth.app);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const { path, ack } of acks) {
      // CDK qualifies ids without a known plugin prefix as `Annotation::`; cdk-nag matches either form.
      expect({ path, id: ack.id }).toEqual({ path, id: expect.stringMatching(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/) });
      // No stack- or construct-wide blanket: acknowledgements sit on the resource they are about.
      expect(path.split('/').length).toBeGreaterThan(2);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
    // The wildcard acknowledgement is per finding, never the whole IAM5 rule.
    expect(acks.map((a) => a.ack.id.replace(/^Annotation::/, ''))).not.toContain('AwsSolutions-IAM5');
  });

  it('acknowledges wildcard findings only on the role policies that hold them, one per role', () => {
    // Act
    const wildcard = acknowledgements(synth.app).filter((a) => a.ack.id.replace(/^Annotation::/, '').startsWith('AwsSolutions-IAM5'));

    // Assess: the rotate and notify roles (X-Ray) and the age reporter's role (metrics, logs delivery, X-Ray)
    expect(wildcard.map((a) => a.ack.id.replace(/^Annotation::/, ''))).toEqual(Array(3).fill('AwsSolutions-IAM5[Resource::*]'));
    expect(wildcard.map((a) => a.path).sort()).toEqual([
      'GenesysOAuthRotator/Rotator/AgeReporter/StateMachine/Role/DefaultPolicy',
      'GenesysOAuthRotator/Rotator/Notify/Role/DefaultPolicy',
      'GenesysOAuthRotator/Rotator/Rotate/Role/DefaultPolicy',
    ]);
  });

  it('would report a finding the stack does not acknowledge (the check can fail)', () => {
    // Prepare: a fresh app with one unencrypted, TLS-optional topic
    const fresh = synthExample();
    new sns.Topic(fresh.stack, 'Unprotected');

    // Act
    const report = fresh.nag.validateScope(fresh.app);
    fresh.cleanup();

    // Assess
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SNS3');
  });
});
