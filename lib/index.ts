/**
 * The construct library (`genesys-oauth-rotator`): what a CDK app imports. Compiled with jsii, so
 * everything exported here is a jsii type (no maps, unions or zod types).
 *
 * Errors are not part of the jsii API (jsii cannot export a subclass of `Error`): configuration
 * problems throw `DeploymentConfigError`, unknown names `UnknownNameError`, both `ConfigurationError`s
 * with `name`, `field` and `expected` set (README, "Use the construct in your own app").
 */
export { RotatorConfigFile } from './config/load';
export { GenesysOAuthRotator } from './genesys-oauth-rotator';
export { RotatorStack, type RotatorStackProps } from './rotator-stack';
export {
  Strategy,
  type AdminPairProps,
  type GenesysOAuthRotatorProps,
  type ManagedClientProps,
  type NotificationProps,
  type OrganisationProps,
  type ReplicaRegionProps,
  type RotationLedgerProps,
  type RotationPolicyProps,
  type RotationScheduleProps,
  type WebhookProps,
} from './rotator-props';
