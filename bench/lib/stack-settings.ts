/**
 * Settings the benchmarks take from the stack rather than hard-coding them: the rotate function's
 * reserved concurrency comes from the deployment configuration, validated by the stack's own schema
 * (lib/config), exactly as `cdk synth` reads it (lib/genesys-oauth-rotator.ts passes
 * `config.rotateConcurrency` to `reservedConcurrentExecutions`).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG_PATH, loadRotatorConfig } from '../../lib/config/load';

/** The file `cdk synth` reads by default, else the example shipped with the repository. */
export function stackConfigPath(root: string, override?: string): string {
  if (override !== undefined) return path.resolve(root, override);
  const deployed = path.join(root, DEFAULT_CONFIG_PATH);
  return existsSync(deployed) ? deployed : path.join(root, 'rotator.config.example.json');
}

export function rotateConcurrency(configPath: string): number {
  return loadRotatorConfig(configPath).rotateConcurrency;
}
