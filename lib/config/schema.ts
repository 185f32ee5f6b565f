/**
 * The deployment file (DESIGN.md §5), validated once at synth. Every problem is reported with its path
 * and what was expected; cross-field rules (references, duplicates, policy) are checked after the shape.
 */
import { z } from 'zod';
import { GENESYS_ENVIRONMENTS } from '../../lambdas/core/regions';
import { parseSchedule, windowHours } from './schedule';
import { webhookUrlProblem } from '../../lambdas/core/webhooks/url-policy';

/** Names become construct ids and secret names: keep them boring. */
const NAME = /^[a-z][a-z0-9-]{0,47}$/;
const name = (what: string) =>
  z.string({ error: `a ${what} name (lowercase letters, digits and "-", starting with a letter)` }).regex(NAME, {
    error: `a ${what} name: lowercase letters, digits and "-", starting with a letter, at most 48 characters`,
  });

const clientId = z.string({ error: 'a Genesys Cloud OAuth client id' }).trim().min(1, { error: 'a non-empty OAuth client id' });

const scheduleSchema = z.strictObject({
  expression: z.string({ error: 'a schedule: "rate(N days)" or "cron(...)"' }).superRefine((value, ctx) => {
    const parsed = parseSchedule(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.expected, input: value });
  }),
  window: z.string({ error: 'a rotation window such as "3h"' }).refine((value) => windowHours(value) !== undefined, {
    error: 'a rotation window of "1h" to "24h"',
  }),
});

const environment = z.enum(GENESYS_ENVIRONMENTS as [string, ...string[]], {
  error: (issue) => `a known Genesys Cloud region domain (got ${JSON.stringify(issue.input)}), one of: ${GENESYS_ENVIRONMENTS.join(', ')}`,
});

const adminPairSchema = z.strictObject({
  clientId,
  alternateClientId: clientId,
  schedule: scheduleSchema,
});

const organisationSchema = z.strictObject({
  name: name('organisation'),
  environment,
  /** The admin client pair (permission `oauth:client:edit`) that regenerates this organisation's clients. */
  admin: adminPairSchema.optional(),
});

const webhookSchema = z.strictObject({
  name: name('webhook'),
  // The notifier's own rule (https, public host, no user info), checked at synth too.
  url: z.url({ protocol: /^https$/, error: 'an https:// URL' }).superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url, false);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

/**
 * IAM principal ARNs that policies name. Explicit ARNs only, never wildcards: they become exceptions of a
 * Deny (who may write a managed secret) or principals of an Allow (who may read one), where a pattern
 * would quietly widen either. A role's path is part of its ARN (and of `aws:PrincipalArn` for every
 * session of the role), e.g. `arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_0123456789abcdef`.
 */
const PARTITION = 'aws(?:-[a-z]+)*';
const IAM_PATH = '(?:[\\w+=,.@-]+/)*';
const IAM_NAME = '[\\w+=,.@-]{1,64}';
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/${IAM_PATH}${IAM_NAME}$`);
const ROLE_OR_USER_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(?:role|user)/${IAM_PATH}${IAM_NAME}$`);

const roleArn = z.string({ error: 'an IAM role ARN' }).regex(ROLE_ARN, {
  error: (issue) =>
    `an IAM role ARN such as "arn:aws:iam::111122223333:role/reader" (no wildcards, no assumed-role session ARN; got ${JSON.stringify(issue.input)})`,
});
const roleOrUserArn = z.string({ error: 'an IAM role or user ARN' }).regex(ROLE_OR_USER_ARN, {
  error: (issue) =>
    `an IAM role or user ARN such as "arn:aws:iam::111122223333:role/secret-loader" (no wildcards, no assumed-role session ARN, not the account root; got ${JSON.stringify(issue.input)})`,
});

const verifyPath = z
  .string({ error: 'a read-only Platform API path such as "/api/v2/users/me"' })
  .regex(/^\/api\/v2\/[A-Za-z0-9/_.-]*$/, { error: 'a Platform API path starting with "/api/v2/" (no query string)' });

const clientCommon = {
  name: name('client'),
  organisation: z.string({ error: 'the name of an organisation listed in "organisations"' }),
  clientId,
  schedule: scheduleSchema,
  integrationCredentialIds: z.array(z.string().min(1, { error: 'a non-empty integration credential id' })).default([]),
  webhooks: z.array(webhookSchema).default([]),
  verifyPath: verifyPath.optional(),
  /**
   * IAM roles (this or another account) allowed to read this client's secret: the secret's resource
   * policy allows GetSecretValue/DescribeSecret and the key policy allows kms:Decrypt through Secrets
   * Manager for this secret only.
   */
  readers: z.array(roleArn).default([]),
};

const clientSchema = z.discriminatedUnion(
  'strategy',
  [
    z.strictObject({ ...clientCommon, strategy: z.literal('single') }),
    z.strictObject({ ...clientCommon, strategy: z.literal('alternating'), alternateClientId: clientId }),
  ],
  { error: 'a strategy: "single" or "alternating"' },
);

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** AWS region names (commercial, GovCloud, China, ISO, EU sovereign): `eu-central-1`, `us-gov-west-1`, `eusc-de-east-1`. */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
/** A KMS key (not alias) ARN: `arn:<partition>:kms:<region>:<account>:key/<id>` (multi-Region keys included). */
const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:([a-z0-9-]+):\\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}$`);

const replicaRegionSchema = z
  .strictObject({
    region: z.string({ error: 'an AWS region name such as "eu-central-1"' }).regex(REGION, { error: (issue) => `an AWS region name such as "eu-central-1" (got ${JSON.stringify(issue.input)})` }),
    encryptionKeyArn: z
      .string({ error: 'a KMS key ARN' })
      .regex(KMS_KEY_ARN, { error: 'a KMS key ARN such as "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" (not an alias)' })
      .optional(),
  })
  .superRefine((replica, ctx) => {
    const keyRegion = replica.encryptionKeyArn === undefined ? undefined : KMS_KEY_ARN.exec(replica.encryptionKeyArn)?.[1];
    if (keyRegion !== undefined && keyRegion !== replica.region) {
      ctx.addIssue({ code: 'custom', path: ['encryptionKeyArn'], message: `a KMS key in the replica's region ${replica.region} (the ARN names ${keyRegion})` });
    }
  });

/**
 * What the construct takes as data (`GenesysOAuthRotatorProps` without the construct-only options):
 * the deployment file is this plus `stackName` and `$schema`.
 */
const settingsShape = {
  /** Every secret is named `<secretNamePrefix><client name>` (admin pairs: `<prefix><organisation>/admin`). */
  secretNamePrefix: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,64}$/, { error: 'a secret name prefix of letters, digits and /_+=.@-' })
    .default('genesys-oauth/'),
  organisations: z.array(organisationSchema).min(1, { error: 'at least one organisation' }),
  clients: z.array(clientSchema).min(1, { error: 'at least one managed client' }),
  notifications: z
    .strictObject({
      emails: z.array(z.email({ error: 'an email address' })).default([]),
    })
    .default({ emails: [] }),
  policy: z.strictObject({
    maxRotationDays: z
      .number({ error: 'a number of days' })
      .int({ error: 'a whole number of days' })
      .min(1, { error: 'at least 1 day' })
      .max(365, { error: 'at most 365 days' }),
  }),
  /** Concurrent rotations allowed (reserved concurrency): a fleet must not exceed Genesys Cloud rate limits. */
  rotateConcurrency: z.number().int().min(1, { error: 'at least 1' }).max(20, { error: 'at most 20' }).default(2),
  logRetentionDays: z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      error: `a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(365),
  /**
   * IAM roles or users that may write managed secrets besides the rotate function (and CloudFormation on
   * a deploy): who loads the first values and repairs a broken document. Everyone else is denied by each
   * secret's resource policy.
   */
  firstValueLoaders: z.array(roleOrUserArn).default([]),
  /**
   * What happens to the secrets and the key when they leave the stack (or the stack is deleted). The
   * values are those of CDK's `RemovalPolicy.RETAIN` and `RemovalPolicy.DESTROY`.
   */
  removalPolicy: z
    .enum(['retain', 'destroy'], { error: '"retain" (keep secrets and key when removed from the stack) or "destroy"' })
    .default('retain'),
  /** Regions the client secrets are replicated to; rotation stays in the stack's region. */
  replicaRegions: z.array(replicaRegionSchema).default([]),
};

const settingsObject = z.strictObject(settingsShape);

const configObject = z.strictObject({
  /** Lets editors find a JSON schema; ignored here. */
  $schema: z.string().optional(),
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'a CloudFormation stack name (letters, digits, "-")' })
    .default('GenesysOAuthRotator'),
  ...settingsShape,
});

/** The construct's data after validation (defaults applied). */
export type RotatorSettings = z.output<typeof settingsObject>;
type Ctx = Pick<z.core.$RefinementCtx<RotatorSettings>, 'addIssue'>;

/** Cross-field rules, after the shape: the same for the file and the construct's props. */
function checkSettings(config: RotatorSettings, ctx: Ctx): void {
  checkUniqueNames(config, ctx);
  checkUniquePrincipals(config, ctx);
  checkReferences(config, ctx);
  checkClientIds(config, ctx);
  checkPolicy(config, ctx);
  checkReplicaRegions(config, ctx);
}

/** The data part of `GenesysOAuthRotatorProps`, validated (defaults applied). */
export const rotatorSettingsSchema = settingsObject.superRefine(checkSettings);

/** The deployment file after validation (defaults applied). */
export const rotatorConfigSchema = configObject.superRefine(checkSettings);

export type RotatorConfig = z.output<typeof rotatorConfigSchema>;
/** What a user writes (defaults optional). */
export type RotatorConfigInput = z.input<typeof rotatorConfigSchema>;
export type OrganisationConfig = RotatorSettings['organisations'][number];
export type ClientConfig = RotatorSettings['clients'][number];
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type ReplicaRegionConfig = RotatorSettings['replicaRegions'][number];

function checkReplicaRegions(config: RotatorSettings, ctx: Ctx): void {
  const seen = new Map<string, number>();
  config.replicaRegions.forEach((replica, i) => {
    const first = seen.get(replica.region);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['replicaRegions', i, 'region'], message: `a region listed once ("${replica.region}" is also replicaRegions[${first}])` });
    else seen.set(replica.region, i);
  });
}

function checkUniqueNames(config: RotatorSettings, ctx: Ctx): void {
  const seen = new Map<string, number>();
  config.organisations.forEach((org, i) => {
    const first = seen.get(org.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['organisations', i, 'name'], message: `a unique organisation name ("${org.name}" is also organisations[${first}])` });
    else seen.set(org.name, i);
  });
  const clients = new Map<string, number>();
  config.clients.forEach((client, i) => {
    const first = clients.get(client.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['clients', i, 'name'], message: `a unique client name ("${client.name}" is also clients[${first}])` });
    else clients.set(client.name, i);
    const hooks = new Set<string>();
    client.webhooks.forEach((hook, j) => {
      if (hooks.has(hook.name)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'webhooks', j, 'name'], message: `a webhook name unique within the client ("${hook.name}" repeats)` });
      hooks.add(hook.name);
    });
  });
}

function checkUniquePrincipals(config: RotatorSettings, ctx: Ctx): void {
  const check = (arns: readonly string[], path: (string | number)[]): void => {
    const seen = new Map<string, number>();
    arns.forEach((arn, j) => {
      const first = seen.get(arn);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...path, j], message: `an ARN listed once ("${arn}" is also ${pathText([...path, first])})` });
      else seen.set(arn, j);
    });
  };
  check(config.firstValueLoaders, ['firstValueLoaders']);
  config.clients.forEach((client, i) => {
    check(client.readers, ['clients', i, 'readers']);
  });
}

function checkReferences(config: RotatorSettings, ctx: Ctx): void {
  const orgs = new Map(config.organisations.map((org) => [org.name, org]));
  config.clients.forEach((client, i) => {
    const org = orgs.get(client.organisation);
    if (org === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['clients', i, 'organisation'],
        message: `the name of an organisation listed in "organisations" (got "${client.organisation}"; known: ${[...orgs.keys()].join(', ')})`,
      });
      return;
    }
    if (client.strategy === 'single' && org.admin === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['clients', i, 'strategy'],
        message: `"alternating", or an admin pair on organisation "${org.name}": a "single" client cannot regenerate its own secret`,
      });
    }
  });
}

interface IdUse {
  readonly id: string;
  readonly path: (string | number)[];
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/** One entry per secret: the client ids it rotates, in the order the file names them. */
function secretsAndTheirIds(config: RotatorSettings): IdUse[][] {
  const secrets: IdUse[][] = [];
  config.organisations.forEach((org, i) => {
    if (org.admin === undefined) return;
    secrets.push([
      { id: org.admin.clientId, path: ['organisations', i, 'admin', 'clientId'] },
      { id: org.admin.alternateClientId, path: ['organisations', i, 'admin', 'alternateClientId'] },
    ]);
  });
  config.clients.forEach((client, i) => {
    const ids: IdUse[] = [{ id: client.clientId, path: ['clients', i, 'clientId'] }];
    if (client.strategy === 'alternating') ids.push({ id: client.alternateClientId, path: ['clients', i, 'alternateClientId'] });
    secrets.push(ids);
  });
  return secrets;
}

function checkClientIds(config: RotatorSettings, ctx: Ctx): void {
  const firstUse = new Map<string, IdUse>();
  for (const ids of secretsAndTheirIds(config)) {
    const [active, standby] = ids;
    if (active !== undefined && standby !== undefined && active.id === standby.id) {
      ctx.addIssue({
        code: 'custom',
        path: standby.path,
        message: 'a client id different from clientId: the two clients of an alternating pair must differ',
      });
    }
    const distinct = ids.filter((use, index) => ids.findIndex((other) => other.id === use.id) === index);
    for (const use of distinct) {
      const first = firstUse.get(use.id);
      if (first === undefined) {
        firstUse.set(use.id, use);
        continue;
      }
      ctx.addIssue({
        code: 'custom',
        path: use.path,
        message: `a client id not used by another secret (it is also ${pathText(first.path)}): two secrets rotating one client would invalidate each other`,
      });
    }
  }
}

function checkPolicy(config: RotatorSettings, ctx: Ctx): void {
  const max = config.policy.maxRotationDays;
  const check = (schedule: ScheduleConfig, path: (string | number)[]): void => {
    const parsed = parseSchedule(schedule.expression);
    const hours = windowHours(schedule.window);
    if (!parsed.ok || hours === undefined) return; // already reported by the shape check
    if (parsed.schedule.maxIntervalDays > max) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'expression'],
        message: `a schedule no longer than policy.maxRotationDays (${max} days); "${schedule.expression}" can leave ${parsed.schedule.maxIntervalDays} days between rotations`,
      });
    }
    const startHour = parsed.schedule.startHour;
    if (startHour !== undefined && startHour + hours > 24) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'window'],
        message: `a window that ends by midnight UTC (Secrets Manager refuses one that runs into the next day): the cron starts at ${startHour}:00, so at most "${24 - startHour}h"`,
      });
    }
  };
  config.organisations.forEach((org, i) => {
    if (org.admin !== undefined) check(org.admin.schedule, ['organisations', i, 'admin', 'schedule']);
  });
  config.clients.forEach((client, i) => {
    check(client.schedule, ['clients', i, 'schedule']);
  });
}
