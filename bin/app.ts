#!/usr/bin/env node
/**
 * CDK app entry: `npx cdk synth -c config=rotator.config.json`.
 */
import { ConfigurationError } from '../lambdas/core/errors';
import { buildRotatorApp } from '../lib/app';

try {
  buildRotatorApp();
} catch (error) {
  // A bad deployment file is the user's to fix: print what is wrong at which path, without a stack trace.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
