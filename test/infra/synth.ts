/**
 * Shared by the infra tests: synthesise the example app once per file, without bundling (fast), or
 * with it (the one bundling check), with the feature flags of cdk.json (what `cdk synth` passes).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildRotatorApp, type RotatorApp } from '../../lib/app';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, 'rotator.config.example.json');

/** The context of cdk.json (the feature flags), which the CDK CLI hands to the app. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** App context for a test that builds its own App: the flags, no bundling. */
export function testAppContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...extra };
}

export interface Synthesised extends RotatorApp {
  readonly template: Template;
  readonly outdir: string;
  /** Removes the cloud assembly directory. */
  readonly cleanup: () => void;
}

export function synthExample(options: { configPath?: string; bundle?: boolean } = {}): Synthesised {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rotator-infra-'));
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT, config: options.configPath ?? EXAMPLE_CONFIG };
  // Skip esbuild for every stack unless this synth is the bundling check.
  if (options.bundle !== true) context['aws:cdk:bundling-stacks'] = [];
  const built = buildRotatorApp({ context, outdir });
  const template = Template.fromStack(built.stack);
  return { ...built, template, outdir, cleanup: () => { rmSync(outdir, { recursive: true, force: true }); } };
}

/** Logical id of the resource of `type` whose properties have `Name === name`. */
export function logicalIdByName(template: Template, type: string, name: string): string {
  const found = Object.entries(template.findResources(type, { Properties: { Name: name } }));
  if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0][0];
}
