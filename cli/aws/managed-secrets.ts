/**
 * The Secrets Manager reads and writes the CLI makes. Managed secrets are the ones the stack tags
 * `genesys-rotator:managed=true`. Calls the rotator also makes go through `SecretsStore`; the ones only
 * the CLI needs (list, versions, rotate now) live here. SDK failures become `SecretsManagerError`; an
 * unknown or unmanaged secret named on the command line is a usage error (exit code 2).
 */
import {
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { parseSecretArn } from '../../lambdas/core/bindings';
import { RotationError, SecretsManagerError, ValidationError } from '../../lambdas/core/errors';
import { AWSCURRENT, AWSPENDING, SecretsStore, tagsToRecord, type SecretMetadata } from '../../lambdas/core/aws/secrets-store';
import { TAGS } from '../../lambdas/core/rotation/engine';
import { parseSecretDocument, type SecretDocument } from '../../lambdas/core/secret-document';
import type { PendingVersion } from '../../lambdas/core/status/classify';

export interface SecretMeta {
  readonly arn: string;
  readonly name: string;
  readonly createdDate: Date;
  readonly lastRotatedDate: Date | undefined;
  readonly nextRotationDate: Date | undefined;
  readonly rotationEnabled: boolean;
  /**
   * Whether a rotation function is configured (RotationLambdaARN). `undefined` where the call does not
   * say (the metadata of SecretsStore.describe); ListSecrets does.
   */
  readonly hasRotationFunction?: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** The rotation schedule (RotationRules) as ListSecrets reports it; absent when not configured or not known. */
  readonly rotationRules?: { readonly scheduleExpression?: string | undefined; readonly automaticallyAfterDays?: number | undefined; readonly duration?: string | undefined } | undefined;
  /** Version id → staging labels (labelled versions only). */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
}

export interface VersionInfo {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly createdDate: Date | undefined;
}

function wrap(operation: string, secretId: string, error: unknown): SecretsManagerError {
  return new SecretsManagerError(operation, secretId, error instanceof Error ? error.name : undefined, { cause: error });
}

export function isManaged(meta: Pick<SecretMeta, 'tags'>): boolean {
  return meta.tags[TAGS.managed] === 'true';
}

interface RawMeta {
  ARN?: string | undefined;
  Name?: string | undefined;
  CreatedDate?: Date | undefined;
  LastRotatedDate?: Date | undefined;
  NextRotationDate?: Date | undefined;
  RotationEnabled?: boolean | undefined;
  RotationLambdaARN?: string | undefined;
  RotationRules?: { ScheduleExpression?: string | undefined; AutomaticallyAfterDays?: number | undefined; Duration?: string | undefined } | undefined;
  Tags?: Tag[] | undefined;
}

function toMeta(raw: RawMeta, stages: Record<string, string[]> | undefined, fallbackId: string): SecretMeta {
  return {
    arn: raw.ARN ?? fallbackId,
    name: raw.Name ?? fallbackId,
    // CreatedDate is always returned; the epoch stands in so a missing one reads as "very old", never as fine.
    createdDate: raw.CreatedDate ?? new Date(0),
    lastRotatedDate: raw.LastRotatedDate,
    nextRotationDate: raw.NextRotationDate,
    rotationEnabled: raw.RotationEnabled === true,
    hasRotationFunction: raw.RotationLambdaARN !== undefined && raw.RotationLambdaARN !== '',
    tags: tagsToRecord(raw.Tags),
    ...(raw.RotationRules !== undefined
      ? { rotationRules: { scheduleExpression: raw.RotationRules.ScheduleExpression, automaticallyAfterDays: raw.RotationRules.AutomaticallyAfterDays, duration: raw.RotationRules.Duration } }
      : {}),
    versionStages: stages ?? {},
  };
}

function fromMetadata(meta: SecretMetadata): SecretMeta {
  return {
    arn: meta.arn,
    name: meta.name,
    createdDate: meta.createdDate ?? new Date(0),
    lastRotatedDate: meta.lastRotatedDate,
    nextRotationDate: meta.nextRotationDate,
    rotationEnabled: meta.rotationEnabled,
    tags: meta.tags,
    versionStages: meta.versionIdsToStages,
  };
}

/**
 * The token for the next page, or undefined when the listing is complete. Secrets Manager leaves
 * `NextToken` out on the last page; other implementations answer `""`, and sending that back can
 * restart the listing: an empty token ends it too.
 */
function nextPageToken(token: string | undefined): string | undefined {
  return token === undefined || token === '' ? undefined : token;
}

function isNotFound(error: unknown): boolean {
  return error instanceof SecretsManagerError && error.awsErrorName === 'ResourceNotFoundException';
}

/** Every managed secret, sorted by name. */
export async function listManagedSecrets(client: SecretsManagerClient): Promise<SecretMeta[]> {
  const found: SecretMeta[] = [];
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new ListSecretsCommand({
          Filters: [
            { Key: 'tag-key', Values: [TAGS.managed] },
            { Key: 'tag-value', Values: ['true'] },
          ],
          ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      throw wrap('ListSecrets', `tag ${TAGS.managed}=true`, error);
    }
    for (const entry of out.SecretList ?? []) {
      const meta = toMeta(entry, entry.SecretVersionsToStages, entry.ARN ?? '?');
      // The filters match prefixes and any tag's value: keep exactly managed=true.
      if (isManaged(meta)) found.push(meta);
    }
    nextToken = nextPageToken(out.NextToken);
  } while (nextToken !== undefined);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** DescribeSecret, or undefined when there is no such secret. */
export async function findSecret(client: SecretsManagerClient, secretId: string): Promise<SecretMeta | undefined> {
  try {
    return await describeSecret(client, secretId);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function describeSecret(client: SecretsManagerClient, secretId: string): Promise<SecretMeta> {
  return fromMetadata(await new SecretsStore(client).describe(secretId));
}

/**
 * The managed secret named on the command line.
 * @throws ValidationError (exit code 2) when it does not exist or the rotator does not manage it.
 */
export async function resolveManagedSecret(client: SecretsManagerClient, secretId: string): Promise<SecretMeta> {
  const meta = await findSecret(client, secretId);
  if (meta === undefined) {
    throw new ValidationError(`Unknown secret "${secretId}"`, '<secret>', 'the name or ARN of an existing secret in this account and Region');
  }
  if (!isManaged(meta)) {
    throw new ValidationError(
      `Secret ${meta.name} is not managed by the rotator`,
      '<secret>',
      `a secret tagged ${TAGS.managed}=true (the stack tags the secrets it manages; list them with "status")`,
    );
  }
  return meta;
}

/** Versions, newest first. `includeDeprecated` adds versions without labels (history). */
/** What a command prints when the account and Region hold no managed secret. */
export const NO_MANAGED_SECRETS = 'No managed secrets found (tag genesys-rotator:managed=true) in this account and Region.';

/** The secret a command names, or every managed secret when it names none (verify, plan). */
export async function namedOrAllManagedSecrets(client: SecretsManagerClient, named: string | undefined): Promise<SecretMeta[]> {
  return named !== undefined ? [await resolveManagedSecret(client, named)] : await listManagedSecrets(client);
}

export async function listVersions(client: SecretsManagerClient, secretId: string, includeDeprecated: boolean): Promise<VersionInfo[]> {
  const versions: VersionInfo[] = [];
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: includeDeprecated, ...(nextToken !== undefined ? { NextToken: nextToken } : {}) }),
      );
    } catch (error) {
      throw wrap('ListSecretVersionIds', secretId, error);
    }
    for (const version of out.Versions ?? []) {
      if (version.VersionId === undefined) continue;
      versions.push({ versionId: version.VersionId, stages: version.VersionStages ?? [], createdDate: version.CreatedDate });
    }
    nextToken = nextPageToken(out.NextToken);
  } while (nextToken !== undefined);
  return versions.sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0));
}

/** The secret document at a stage (or version), or undefined when that has no value. */
export async function readDocument(client: SecretsManagerClient, secretId: string, selector: { stage?: string; versionId?: string }): Promise<SecretDocument | undefined> {
  const value = await new SecretsStore(client).findValue(secretId, selector);
  if (value === undefined) return undefined;
  return parseSecretDocument(value.secretString, `${secretId} (${selector.stage ?? selector.versionId ?? AWSCURRENT})`);
}

/**
 * Whether createSecret stored a value in the pending version. Secrets Manager has no metadata for it,
 * so the value is read and dropped at once; only the answer leaves this function. GetSecretValue
 * answers ResourceNotFoundException for a version without a value, so "found" means "has a value".
 */
export async function versionHasValue(client: SecretsManagerClient, secretId: string, versionId: string): Promise<boolean> {
  return (await new SecretsStore(client).findValue(secretId, { versionId })) !== undefined;
}

/** The AWSPENDING version of a rotation not finished (AWSPENDING on a version that is not AWSCURRENT). */
export function pendingVersionId(meta: Pick<SecretMeta, 'versionStages'>): string | undefined {
  for (const [versionId, stages] of Object.entries(meta.versionStages)) {
    if (stages.includes(AWSPENDING) && !stages.includes(AWSCURRENT)) return versionId;
  }
  return undefined;
}

export function currentVersionId(meta: Pick<SecretMeta, 'versionStages'>): string | undefined {
  return Object.entries(meta.versionStages).find(([, stages]) => stages.includes(AWSCURRENT))?.[0];
}

/** The pending version with its date and whether it has a value, or undefined when none is pending. */
export async function inspectPending(client: SecretsManagerClient, meta: SecretMeta): Promise<PendingVersion | undefined> {
  const versionId = pendingVersionId(meta);
  if (versionId === undefined) return undefined;
  const versions = await listVersions(client, meta.arn, false);
  const createdDate = versions.find((version) => version.versionId === versionId)?.createdDate ?? new Date(0);
  return { versionId, createdDate, hasValue: await versionHasValue(client, meta.arn, versionId) };
}

export async function tagSecret(client: SecretsManagerClient, secretId: string, key: string, value: string): Promise<void> {
  await new SecretsStore(client).tag(secretId, key, value);
}

export async function untagSecret(client: SecretsManagerClient, secretId: string, key: string): Promise<void> {
  await new SecretsStore(client).untag(secretId, [key]);
}

/** RotateSecret's refusal for a secret that has no rotation function: "...doesn't already have a Lambda function ARN configured..." (API reference). */
function isNoRotationFunction(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidRequestException' && /Lambda function ARN/i.test(error.message);
}

/**
 * RotateSecret with RotateImmediately: the configured rotation function runs now. Returns the new version id.
 * @throws RotationError (nothing changed) when the secret has no rotation function configured
 */
export async function startRotation(client: SecretsManagerClient, secretId: string): Promise<string> {
  let versionId: string | undefined;
  try {
    versionId = (await client.send(new RotateSecretCommand({ SecretId: secretId, RotateImmediately: true }))).VersionId;
  } catch (error) {
    if (isNoRotationFunction(error)) {
      const name = parseSecretArn(secretId)?.name ?? secretId;
      throw new RotationError(
        `Secret ${name} has no rotation function configured, so Secrets Manager cannot rotate it. The stack configures one (and the schedule) when it deploys the secret: deploy the stack, or check that this is the secret it manages. To try the CLI without AWS, run "genesys-rotator local": its secrets are configured as the stack configures them. Nothing changed.`,
        { cause: error },
      );
    }
    throw wrap('RotateSecret', secretId, error);
  }
  if (versionId === undefined) throw new SecretsManagerError('RotateSecret', secretId, 'NoVersionId');
  return versionId;
}
