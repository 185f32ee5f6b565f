/**
 * Reads and validates the deployment file. The only place that turns zod issues into our error.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { DeploymentConfigError } from '../errors';
import { rotatorConfigSchema, type RotatorConfig } from './schema';

/** The file used when `-c config=PATH` is not given. */
export const DEFAULT_CONFIG_PATH = 'rotator.config.json';
/** CDK context key that names the file: `npx cdk synth -c config=PATH`. */
export const CONFIG_CONTEXT_KEY = 'config';

/**
 * Validate an already-parsed configuration.
 * @param source names the configuration in the error (a path or "inline configuration").
 * @throws DeploymentConfigError listing every problem by path and what was expected there.
 */
export function parseRotatorConfig(value: unknown, source = 'inline configuration'): RotatorConfig {
  const result = rotatorConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.length > 0 ? issue.path.join('.') : '(root)', expected: issue.message }));
  throw new DeploymentConfigError(`Deployment configuration ${source} is invalid`, issues, `what each listed path says:\n${z.prettifyError(result.error)}`);
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
