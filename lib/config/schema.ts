/**
 * The deployment file (DESIGN.md §5), validated once at synth. Every problem is reported with its path
 * and what was expected; cross-field rules (references, duplicates, policy) are checked after the shape.
 */
import { z } from 'zod';
import { GENESYS_ENVIRONMENTS } from '../../lambdas/core/regions';
import { parseSchedule, windowHours } from './schedule';
import { webhookUrlProblem } from '../../lambdas/core/webhooks/url-policy';

/** Edit distance, for "did you mean" on a misspelled key. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * What an unknown key is called in the error: the key, and the closest allowed one when it is close.
 * The same words for the file and the construct's props (whose allowed keys differ by `stackName`).
 */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const closest = allowed
    .map((candidate) => ({ candidate, d: distance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint = closest !== undefined && closest.d <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${closest.candidate}"?)` : '';
  return `no key "${key}" here${hint}`;
}

/** A strict object whose unknown keys are each named, with the closest allowed key as a suggestion. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => unknownKeyMessage(key, allowed)).join('\n') : undefined),
  });
}

/** Names become construct ids and secret names: keep them boring. */
const NAME = /^[a-z][a-z0-9-]{0,47}$/;
const name = (what: string) =>
  z.string({ error: `a ${what} name (lowercase letters, digits and "-", starting with a letter)` }).regex(NAME, {
    error: `a ${what} name: lowercase letters, digits and "-", starting with a letter, at most 48 characters`,
  });

const clientId = z.string({ error: 'a Genesys Cloud OAuth client id' }).trim().min(1, { error: 'a non-empty OAuth client id' });

const scheduleSchema = strict({
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

const adminPairSchema = strict({
  clientId,
  alternateClientId: clientId,
  schedule: scheduleSchema,
});

const organisationSchema = strict({
  name: name('organisation'),
  environment,
  /** The admin client pair (permission `oauth:client:edit`) that regenerates this organisation's clients. */
  admin: adminPairSchema.optional(),
});

const webhookSchema = strict({
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

const STRATEGIES = ['single', 'alternating'] as const;

const clientObject = strict({
  ...clientCommon,
  strategy: z.enum(STRATEGIES, { error: 'a strategy: "single" or "alternating"' }),
  /** `alternating` only: the standby client. */
  alternateClientId: clientId.optional(),
  /**
   * Opt-in: the scheduled rotation refuses (ClientInUseError, alarm, nothing changed) when the client it
   * would regenerate was used since the last rotation.
   */
  holdWhileInUse: z.boolean({ error: 'true or false' }).default(false),
});
type ClientShape = z.output<typeof clientObject>;
type Narrowed = Omit<ClientShape, 'strategy' | 'alternateClientId'> & ({ strategy: 'single' } | { strategy: 'alternating'; alternateClientId: string });

/**
 * One object (not a union on `strategy`), so a missing or misspelled `strategy` is reported together with
 * every other problem of the client; the output is narrowed on `strategy` as before.
 */
const clientSchema = clientObject
  .superRefine((client, ctx) => {
    if (client.strategy === 'alternating' && client.alternateClientId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['alternateClientId'], message: 'the standby client id: an "alternating" client needs alternateClientId' });
    }
    if (client.strategy === 'single' && client.alternateClientId !== undefined) {
      // Reported at the client, as an unknown key of a "single" client was before.
      ctx.addIssue({ code: 'custom', path: [], message: 'no alternateClientId for a "single" client (use "alternating" for a pair)' });
    }
    if (client.strategy === 'single' && client.holdWhileInUse) {
      // A single client's rotation regenerates the client consumers use now: it would never rotate.
      ctx.addIssue({ code: 'custom', path: ['holdWhileInUse'], message: 'false for a "single" client (its rotation regenerates the client in use, so it would never rotate); use "alternating"' });
    }
  })
  .transform((client): Narrowed => {
    const { strategy, alternateClientId, ...rest } = client;
    return strategy === 'alternating' ? { ...rest, strategy, alternateClientId: alternateClientId ?? '' } : { ...rest, strategy };
  });

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
 * Default ledger retention: a year-old audit (the report's default `--since`) still finds every record,
 * with a month to spare for an audit that starts late; also a CloudWatch Logs retention, so the
 * functions' logs can be kept exactly as long.
 */
export const DEFAULT_LEDGER_RETENTION_DAYS = 400;
/** Longest retention other than "forever" (0): ten years, CloudWatch Logs' longest; catches a typo like 4000. */
export const MAX_LEDGER_RETENTION_DAYS = 3653;

/**
 * Days a ledger record is kept (DynamoDB TTL). One representation for the file and the construct's
 * props (jsii has no unions): a whole number of days, 0 keeping records forever, as the rotate
 * function's ROTATION_LEDGER_RETENTION_DAYS reads it.
 */
const RETENTION_EXPECTED = `a whole number of days from 1 to ${MAX_LEDGER_RETENTION_DAYS}, or 0 to keep records forever`;
const ledgerSchema = strict({
  retentionDays: z
    .number({ error: RETENTION_EXPECTED })
    .int({ error: RETENTION_EXPECTED })
    .min(0, { error: RETENTION_EXPECTED })
    .max(MAX_LEDGER_RETENTION_DAYS, { error: RETENTION_EXPECTED })
    .default(DEFAULT_LEDGER_RETENTION_DAYS),
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
  policy: strict({
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
  /** The rotation ledger (DynamoDB): how long each record is kept. */
  ledger: ledgerSchema.default({ retentionDays: DEFAULT_LEDGER_RETENTION_DAYS }),
};

const settingsObject = strict(settingsShape);

const configObject = strict({
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
type Ctx = Pick<z.core.$RefinementCtx, 'addIssue'>;

/**
 * The parts of a configuration the cross-field rules read, each element kept only when it is well formed
 * on its own (its own problems are reported by the shape check): the rules run even when other parts of
 * the file are broken, so one synth lists every problem.
 */
interface SettingsView {
  readonly organisations: readonly (z.output<typeof organisationSchema> | undefined)[];
  readonly clients: readonly (z.output<typeof clientSchema> | undefined)[];
  readonly maxRotationDays: number | undefined;
  readonly firstValueLoaders: readonly (string | undefined)[];
  readonly replicaRegions: readonly (z.output<typeof replicaRegionSchema> | undefined)[];
  readonly ledgerRetentionDays: number | undefined;
}

function viewOf(value: unknown): SettingsView {
  const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const each = <T>(key: string, schema: z.ZodType<T>): (T | undefined)[] => {
    const list = record[key];
    if (!Array.isArray(list)) return [];
    return list.map((item: unknown) => {
      const parsed = schema.safeParse(item);
      return parsed.success ? parsed.data : undefined;
    });
  };
  const policy = settingsShape.policy.safeParse(record['policy']);
  const ledger = settingsShape.ledger.safeParse(record['ledger']);
  return {
    organisations: each('organisations', organisationSchema),
    clients: each('clients', clientSchema),
    maxRotationDays: policy.success ? policy.data.maxRotationDays : undefined,
    firstValueLoaders: each('firstValueLoaders', z.string()),
    replicaRegions: each('replicaRegions', replicaRegionSchema),
    ledgerRetentionDays: ledger.success ? ledger.data.retentionDays : undefined,
  };
}

/** Cross-field rules: the same for the file and the construct's props; they run even when the shape fails. */
function checkSettings(value: unknown, ctx: Ctx): void {
  const config = viewOf(value);
  checkUniqueNames(config, ctx);
  checkUniquePrincipals(config, ctx);
  checkReferences(config, ctx, value);
  checkClientIds(config, ctx);
  checkPolicy(config, ctx);
  checkReplicaRegions(config, ctx);
  checkLedgerRetention(config, ctx);
}

/** Run the cross-field rules whatever the shape check found. */
const always = { when: () => true };

/** The data part of `GenesysOAuthRotatorProps`, validated (defaults applied). */
export const rotatorSettingsSchema = settingsObject.superRefine(checkSettings, always);

/** The deployment file after validation (defaults applied). */
export const rotatorConfigSchema = configObject.superRefine(checkSettings, always);

export type RotatorConfig = z.output<typeof rotatorConfigSchema>;
/** What a user writes (defaults optional). */
export type RotatorConfigInput = z.input<typeof rotatorConfigSchema>;
export type OrganisationConfig = RotatorSettings['organisations'][number];
export type ClientConfig = RotatorSettings['clients'][number];
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type ReplicaRegionConfig = RotatorSettings['replicaRegions'][number];
export type LedgerConfig = RotatorSettings['ledger'];

/**
 * A retention shorter than the policy could expire a healthy secret's last rotation before the next
 * one is due: `history` would show nothing for it, and an audit could not tell on schedule from never.
 */
function checkLedgerRetention(config: SettingsView, ctx: Ctx): void {
  const days = config.ledgerRetentionDays;
  const max = config.maxRotationDays;
  if (days === undefined || days === 0 || max === undefined || days >= max) return;
  ctx.addIssue({
    code: 'custom',
    path: ['ledger', 'retentionDays'],
    message: `at least policy.maxRotationDays (${max}) days, or 0 to keep records forever: with ${days} days a secret's last rotation could expire before its next one`,
  });
}

function checkReplicaRegions(config: SettingsView, ctx: Ctx): void {
  const seen = new Map<string, number>();
  config.replicaRegions.forEach((replica, i) => {
    if (replica === undefined) return;
    const first = seen.get(replica.region);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['replicaRegions', i, 'region'], message: `a region listed once ("${replica.region}" is also replicaRegions[${first}])` });
    else seen.set(replica.region, i);
  });
}

function checkUniqueNames(config: SettingsView, ctx: Ctx): void {
  const seen = new Map<string, number>();
  config.organisations.forEach((org, i) => {
    if (org === undefined) return;
    const first = seen.get(org.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['organisations', i, 'name'], message: `a unique organisation name ("${org.name}" is also organisations[${first}])` });
    else seen.set(org.name, i);
  });
  const clients = new Map<string, number>();
  config.clients.forEach((client, i) => {
    if (client === undefined) return;
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

function checkUniquePrincipals(config: SettingsView, ctx: Ctx): void {
  const check = (arns: readonly (string | undefined)[], path: (string | number)[]): void => {
    const seen = new Map<string, number>();
    arns.forEach((arn, j) => {
      if (arn === undefined) return;
      const first = seen.get(arn);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...path, j], message: `an ARN listed once ("${arn}" is also ${pathText([...path, first])})` });
      else seen.set(arn, j);
    });
  };
  check(config.firstValueLoaders, ['firstValueLoaders']);
  config.clients.forEach((client, i) => {
    if (client !== undefined) check(client.readers, ['clients', i, 'readers']);
  });
}

function checkReferences(config: SettingsView, ctx: Ctx, value: unknown): void {
  const orgs = new Map(config.organisations.flatMap((org) => (org === undefined ? [] : [[org.name, org] as const])));
  // A malformed organisation still has a name the clients may reference: not an unknown organisation.
  const named = new Set(rawNames(value));
  config.clients.forEach((client, i) => {
    if (client === undefined) return;
    const org = orgs.get(client.organisation);
    if (org === undefined && named.has(client.organisation)) return;
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

function rawNames(value: unknown): string[] {
  const list = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['organisations'] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((org: unknown) => {
    const orgName = org !== null && typeof org === 'object' ? (org as Record<string, unknown>)['name'] : undefined;
    return typeof orgName === 'string' ? [orgName] : [];
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
function secretsAndTheirIds(config: SettingsView): IdUse[][] {
  const secrets: IdUse[][] = [];
  config.organisations.forEach((org, i) => {
    if (org?.admin === undefined) return;
    secrets.push([
      { id: org.admin.clientId, path: ['organisations', i, 'admin', 'clientId'] },
      { id: org.admin.alternateClientId, path: ['organisations', i, 'admin', 'alternateClientId'] },
    ]);
  });
  config.clients.forEach((client, i) => {
    if (client === undefined) return;
    const ids: IdUse[] = [{ id: client.clientId, path: ['clients', i, 'clientId'] }];
    if (client.strategy === 'alternating') ids.push({ id: client.alternateClientId, path: ['clients', i, 'alternateClientId'] });
    secrets.push(ids);
  });
  return secrets;
}

function checkClientIds(config: SettingsView, ctx: Ctx): void {
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

function checkPolicy(config: SettingsView, ctx: Ctx): void {
  const max = config.maxRotationDays;
  if (max === undefined) return; // reported by the shape check
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
    if (org?.admin !== undefined) check(org.admin.schedule, ['organisations', i, 'admin', 'schedule']);
  });
  config.clients.forEach((client, i) => {
    if (client !== undefined) check(client.schedule, ['clients', i, 'schedule']);
  });
}
