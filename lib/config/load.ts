/**
 * Reads and validates the deployment file, and validates the construct's props with the same schema.
 * The only place that turns zod issues into our error.
 */
import { readFileSync } from 'node:fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as z from 'zod';
import { DeploymentConfigError } from '../errors';
import { type GenesysOAuthRotatorProps, type ManagedClientProps, Strategy } from '../rotator-props';
import { rotatorConfigSchema, rotatorSettingsSchema, type RotatorConfig, type RotatorSettings } from './schema';

/** The file used when `-c config=PATH` is not given. */
export const DEFAULT_CONFIG_PATH = 'rotator.config.json';
/** CDK context key that names the file: `npx cdk synth -c config=PATH`. */
export const CONFIG_CONTEXT_KEY = 'config';

/** Every problem by path (`clients.0.strategy`) and what was expected there. */
function parseWith<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    // Unknown keys of one object: one entry each (at the object's path), each naming its key.
    if (issue.code === 'unrecognized_keys') return issue.message.split('\n').map((expected) => ({ path, expected }));
    return [{ path, expected: issue.message }];
  });
  throw new DeploymentConfigError(`Deployment configuration ${source} is invalid`, issues, `what each listed path says:\n${z.prettifyError(result.error)}`);
}

/**
 * Validate an already-parsed deployment file (`stackName` and `$schema` allowed).
 * @param source names the configuration in the error (a path or "inline configuration").
 * @throws DeploymentConfigError listing every problem by path and what was expected there.
 */
export function parseRotatorConfig(value: unknown, source = 'inline configuration'): RotatorConfig {
  return parseWith(rotatorConfigSchema, value, source);
}

/**
 * Validate the data part of the construct's props (the file without `stackName` and `$schema`). Keys
 * whose value is `undefined` count as absent, as they do for an optional TypeScript property.
 * @throws DeploymentConfigError listing every problem by path, with the same paths and words as the file.
 */
export function parseRotatorSettings(value: unknown, source: string): RotatorSettings {
  return parseWith(rotatorSettingsSchema, withoutUndefined(value), source);
}

/**
 * Read a JSON deployment file and validate it.
 * @throws DeploymentConfigError when the file is missing, is not JSON, or does not validate.
 */
export function loadRotatorConfig(path: string): RotatorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const expected = 'a readable JSON file (choose it with -c config=PATH)';
    throw new DeploymentConfigError(`Deployment configuration ${path} cannot be read`, [{ path: '(root)', expected }], expected, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The file holds no secret (only ids and names), so the parser's message is safe to keep as cause.
    throw new DeploymentConfigError(`Deployment configuration ${path} is not valid JSON`, [{ path: '(root)', expected: 'a JSON object' }], 'a JSON object', { cause: error });
  }
  return parseRotatorConfig(json, path);
}

/**
 * The construct's props for a validated file: the same shape, with the file's strings as the enums
 * they are values of (`"single"` is `Strategy.SINGLE`, `"retain"` is `RemovalPolicy.RETAIN`).
 */
export function propsOf(config: RotatorConfig): GenesysOAuthRotatorProps {
  return {
    organisations: config.organisations.map((org) => ({
      name: org.name,
      environment: org.environment,
      ...(org.admin !== undefined ? { admin: { clientId: org.admin.clientId, alternateClientId: org.admin.alternateClientId, schedule: { ...org.admin.schedule } } } : {}),
    })),
    clients: config.clients.map((client): ManagedClientProps => ({
      name: client.name,
      organisation: client.organisation,
      strategy: client.strategy === 'alternating' ? Strategy.ALTERNATING : Strategy.SINGLE,
      clientId: client.clientId,
      ...(client.strategy === 'alternating' ? { alternateClientId: client.alternateClientId } : {}),
      schedule: { ...client.schedule },
      integrationCredentialIds: [...client.integrationCredentialIds],
      webhooks: client.webhooks.map((hook) => ({ name: hook.name, url: hook.url })),
      ...(client.verifyPath !== undefined ? { verifyPath: client.verifyPath } : {}),
      readers: [...client.readers],
      ...(client.holdWhileInUse ? { holdWhileInUse: true } : {}),
    })),
    policy: { maxRotationDays: config.policy.maxRotationDays },
    notifications: { emails: [...config.notifications.emails] },
    secretNamePrefix: config.secretNamePrefix,
    rotateConcurrency: config.rotateConcurrency,
    logRetentionDays: config.logRetentionDays,
    firstValueLoaders: [...config.firstValueLoaders],
    removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    replicaRegions: config.replicaRegions.map((replica) => ({
      region: replica.region,
      ...(replica.encryptionKeyArn !== undefined ? { encryptionKeyArn: replica.encryptionKeyArn } : {}),
    })),
    ledger: { retentionDays: config.ledger.retentionDays },
  };
}

/**
 * A deployment file (README, "Configuration reference"), validated, as the construct's props plus the
 * app-level `stackName`.
 *
 * ```ts
 * new GenesysOAuthRotator(stack, 'Rotator', RotatorConfigFile.load('rotator.config.json'));
 * ```
 */
export class RotatorConfigFile {
  /**
   * Read and validate a JSON deployment file.
   * @param file path of the file
   * @throws DeploymentConfigError (a `ConfigurationError`) naming the file, listing every problem by path
   */
  static read(file: string): RotatorConfigFile {
    return new RotatorConfigFile(file, loadRotatorConfig(file));
  }

  /**
   * Validate a deployment configuration already parsed from JSON (or built in code), as the file would be.
   * @param value the file's content as an object
   * @param source names the configuration in error messages
   */
  static fromObject(value: unknown, source?: string): RotatorConfigFile {
    const name = source ?? 'inline configuration';
    return new RotatorConfigFile(name, parseRotatorConfig(value, name));
  }

  /** Read and validate a JSON deployment file, and return the construct's props it describes. */
  static load(file: string): GenesysOAuthRotatorProps {
    return RotatorConfigFile.read(file).props;
  }

  /** Where the configuration came from: the path, or the `source` given to `fromObject`. */
  readonly source: string;
  /** The file's `stackName` (default `GenesysOAuthRotator`): the app's stack name, not a construct prop. */
  readonly stackName: string;
  /** The construct's props, defaults applied. */
  readonly props: GenesysOAuthRotatorProps;

  private constructor(source: string, config: RotatorConfig) {
    this.source = source;
    this.stackName = config.stackName;
    this.props = propsOf(config);
  }
}

/** A copy of plain JSON-like data without the keys whose value is `undefined`. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .map(([key, entry]) => [key, withoutUndefined(entry)]),
  );
}
