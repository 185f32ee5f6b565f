/**
 * The deployable stack: composes the rotator construct only.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RotatorConfig } from './config/schema';
import { GenesysOAuthRotator } from './genesys-oauth-rotator';

export interface RotatorStackProps extends StackProps {
  /** The validated deployment configuration. */
  readonly config: RotatorConfig;
  /** @default the repository root */
  readonly projectRoot?: string;
}

export class RotatorStack extends Stack {
  readonly rotator: GenesysOAuthRotator;

  constructor(scope: Construct, id: string, props: RotatorStackProps) {
    super(scope, id, {
      description: 'Genesys Cloud OAuth client secret rotation (genesys-oauth-rotator)',
      ...props,
    });
    this.rotator = new GenesysOAuthRotator(this, 'Rotator', {
      config: props.config,
      ...(props.projectRoot !== undefined ? { projectRoot: props.projectRoot } : {}),
    });
  }
}
