/** Errors of the CDK layer (synth time). */
import { ConfigurationError } from '../lambdas/core/errors';

/** One problem of the deployment file: where, and what was expected there. */
export interface ConfigIssue {
  /** Dotted path, e.g. `clients.0.schedule.expression`; `(root)` for the whole file. */
  readonly path: string;
  readonly expected: string;
}

/**
 * The deployment file is missing, not JSON, or invalid. Thrown while synthesising, so `cdk synth`
 * fails with every problem listed by its path. `field` joins the paths; `issues` lists them.
 */
export class DeploymentConfigError extends ConfigurationError {
  readonly issues: readonly ConfigIssue[];

  constructor(what: string, issues: readonly ConfigIssue[], details: string, options?: ErrorOptions) {
    super(what, issues.map((issue) => issue.path).join(', ') || '(root)', details, options);
    this.issues = issues;
  }
}

/**
 * A name given to a method of the construct (`clientSecret`, `adminSecret`, `signingKey`,
 * `grantReadClientSecret`) is not in its configuration: `field` names the argument, `expected` lists
 * the names there are.
 */
export class UnknownNameError extends ConfigurationError {}
