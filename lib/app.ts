/**
 * Builds the CDK app from a deployment file: shared by bin/app.ts and the infra tests, so the tests
 * check exactly what `cdk synth` produces (cdk-nag included).
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_CONTEXT_KEY, DEFAULT_CONFIG_PATH, RotatorConfigFile } from './config/load';
import { RotatorStack } from './rotator-stack';

export interface RotatorApp {
  readonly app: App;
  readonly stack: RotatorStack;
  readonly nag: AwsSolutionsChecks;
}

/**
 * @param appProps e.g. `{ context: { config: 'path.json', 'aws:cdk:bundling-stacks': [] } }` in tests.
 * @throws ConfigurationError when the file chosen by context `config` is missing or invalid.
 */
export function buildRotatorApp(appProps: AppProps = {}): RotatorApp {
  const app = new App(appProps);
  const configPath = (app.node.tryGetContext(CONFIG_CONTEXT_KEY) as string | undefined) ?? DEFAULT_CONFIG_PATH;
  const file = RotatorConfigFile.read(configPath);
  const stack = new RotatorStack(app, file.stackName, {
    rotator: file.props,
    // Environment-agnostic unless the CLI supplies an account and region: no lookups, synth works offline.
    ...(process.env.CDK_DEFAULT_ACCOUNT !== undefined && process.env.CDK_DEFAULT_REGION !== undefined
      ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
      : {}),
  });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, stack, nag };
}
