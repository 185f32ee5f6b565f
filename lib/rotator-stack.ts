/**
 * The deployable stack: composes the rotator construct only.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GenesysOAuthRotator } from './genesys-oauth-rotator';
import type { GenesysOAuthRotatorProps } from './rotator-props';

/** Properties of `RotatorStack`. */
export interface RotatorStackProps extends StackProps {
  /** What the rotator manages, e.g. `RotatorConfigFile.load('rotator.config.json')`. */
  readonly rotator: GenesysOAuthRotatorProps;
}

/** A stack holding one `GenesysOAuthRotator` (id `Rotator`), as the repository's own app deploys it. */
export class RotatorStack extends Stack {
  /** The rotator in this stack. */
  readonly rotator: GenesysOAuthRotator;

  constructor(scope: Construct, id: string, props: RotatorStackProps) {
    const { rotator, ...stackProps } = props;
    super(scope, id, {
      description: 'Genesys Cloud OAuth client secret rotation (genesys-oauth-rotator)',
      ...stackProps,
    });
    this.rotator = new GenesysOAuthRotator(this, 'Rotator', rotator);
  }
}
