/**
 * The notify function's configuration, read once from the environment (t3-env style: empty strings
 * count as unset; an error names the variable, the path inside it and what was expected).
 *
 * - `ROTATOR_DEPENDENTS`: JSON array of `{ secretArn, integrationCredentialIds, webhooks: [{ name, url, signingKeySecretArn }] }`
 * - `DLQ_URL`: SQS queue URL where undeliverable webhooks are kept
 * - `GENESYS_CLOUD_BASE_URL`: optional, local stand-ins only
 * - `ROTATOR_ALLOW_LOOPBACK_WEBHOOKS`: optional `true` to allow `http://127.0.0.1` webhooks (tests, demo)
 */
import * as z from 'zod';
import { ConfigurationError } from '../errors';
import { webhookUrlProblem } from '../webhooks/url-policy';
import { emptyAsUnset, firstIssue } from '../validation';


const nonEmpty = (expected: string) => z.string({ error: expected }).min(1, { error: expected });

const webhookSchema = z.strictObject({
  name: nonEmpty('a non-empty webhook name'),
  url: nonEmpty('the webhook URL'),
  signingKeySecretArn: nonEmpty('the ARN of the secret holding the signing key'),
});

const dependentSchema = z.strictObject({
  secretArn: nonEmpty('the ARN of a managed secret'),
  integrationCredentialIds: z.array(nonEmpty('a Genesys Cloud integration credential id'), { error: 'an array of integration credential ids' }).default([]),
  webhooks: z.array(webhookSchema, { error: 'an array of webhooks' }).default([]),
});

const dependentsJson = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return Symbol('invalid JSON'); // fails the array check below with our message
    }
  },
  z.array(dependentSchema, { error: 'a JSON array of { secretArn, integrationCredentialIds, webhooks } (required)' }),
);

const notifyEnvSchema = z
  .object({
    ROTATOR_DEPENDENTS: dependentsJson,
    DLQ_URL: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/, error: 'the SQS URL of the dead-letter queue (required)' })),
    GENESYS_CLOUD_BASE_URL: z.preprocess(
      emptyAsUnset,
      z.url({ protocol: /^https?$/, error: 'an http(s) URL serving /oauth/token and /api/v2 (local stand-ins only; unset in production)' }).optional(),
    ),
    ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: z.preprocess(emptyAsUnset, z.enum(['true', 'false'], { error: '"true" or "false"' }).optional()),
  })
  .superRefine((env, ctx) => {
    const allowLoopback = env.ROTATOR_ALLOW_LOOPBACK_WEBHOOKS === 'true';
    env.ROTATOR_DEPENDENTS.forEach((dependent, i) => {
      dependent.webhooks.forEach((webhook, j) => {
        const problem = webhookUrlProblem(webhook.url, allowLoopback);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['ROTATOR_DEPENDENTS', i, 'webhooks', j, 'url'], message: problem });
      });
    });
  });

export interface WebhookConfig {
  readonly name: string;
  readonly url: string;
  readonly signingKeySecretArn: string;
}

export interface DependentConfig {
  readonly secretArn: string;
  readonly integrationCredentialIds: readonly string[];
  readonly webhooks: readonly WebhookConfig[];
}

export interface NotifyConfig {
  readonly dependents: readonly DependentConfig[];
  readonly deadLetterQueueUrl: string;
  readonly genesysBaseUrl: string | undefined;
  readonly allowLoopbackWebhooks: boolean;
}

/** @throws ConfigurationError naming the variable (and the path inside ROTATOR_DEPENDENTS) and what was expected. */
export function loadNotifyConfig(env: Readonly<Record<string, string | undefined>>): NotifyConfig {
  const result = notifyEnvSchema.safeParse(env);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error, '(environment)');
    throw new ConfigurationError('Invalid notify function configuration', field, expected);
  }
  const data = result.data;
  return {
    dependents: data.ROTATOR_DEPENDENTS,
    deadLetterQueueUrl: data.DLQ_URL,
    genesysBaseUrl: data.GENESYS_CLOUD_BASE_URL,
    allowLoopbackWebhooks: data.ROTATOR_ALLOW_LOOPBACK_WEBHOOKS === 'true',
  };
}

/** The dependents configured for a secret (an ARN may appear in several entries; they are merged). */
export function dependentsOf(config: Pick<NotifyConfig, 'dependents'>, secretArn: string): DependentConfig {
  const matching = config.dependents.filter((d) => d.secretArn === secretArn);
  return {
    secretArn,
    integrationCredentialIds: [...new Set(matching.flatMap((d) => d.integrationCredentialIds))],
    webhooks: matching.flatMap((d) => d.webhooks),
  };
}
