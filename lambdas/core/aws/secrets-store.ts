/**
 * The Secrets Manager calls the rotator makes, with SDK failures turned into `SecretsManagerError`
 * where they happen (STYLE.md §4.2). "Not found" is an answer here, not an error, where callers need it.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManagerError } from '../errors';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Version id → its staging labels. */
  readonly versionIdsToStages: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Dates as DescribeSecret reports them; absent when it leaves them out (never rotated, rotation off). */
  readonly createdDate?: Date | undefined;
  readonly lastRotatedDate?: Date | undefined;
  readonly nextRotationDate?: Date | undefined;
}

export interface SecretValue {
  readonly versionId: string;
  readonly secretString: string | undefined;
  readonly stages: readonly string[];
  /** When the version was created, as GetSecretValue reports it (`CreatedDate`); absent if it does not. */
  readonly createdDate?: Date | undefined;
}

function wrap(operation: string, secretId: string, error: unknown): SecretsManagerError {
  const name = error instanceof Error ? error.name : undefined;
  return new SecretsManagerError(operation, secretId, name, { cause: error });
}

/** An SDK tag list as key → value (a tag without a value reads as ''). */
export function tagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

export class SecretsStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async describe(secretId: string): Promise<SecretMetadata> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: out.ARN ?? secretId,
        name: out.Name ?? secretId,
        rotationEnabled: out.RotationEnabled === true,
        versionIdsToStages: out.VersionIdsToStages ?? {},
        tags: tagsToRecord(out.Tags),
        createdDate: out.CreatedDate,
        lastRotatedDate: out.LastRotatedDate,
        nextRotationDate: out.NextRotationDate,
      };
    } catch (error) {
      throw wrap('DescribeSecret', secretId, error);
    }
  }

  /** The value at a version and/or stage; `undefined` when Secrets Manager has none there. */
  async findValue(secretId: string, selector: { versionId?: string; stage?: string }): Promise<SecretValue | undefined> {
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionId: selector.versionId, VersionStage: selector.stage }),
      );
      return { versionId: out.VersionId ?? '', secretString: out.SecretString, stages: out.VersionStages ?? [], createdDate: out.CreatedDate };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw wrap('GetSecretValue', secretId, error);
    }
  }

  /** Like `findValue`, but a missing value is an error. */
  async getValue(secretId: string, selector: { versionId?: string; stage?: string }): Promise<SecretValue> {
    const value = await this.findValue(secretId, selector);
    if (value === undefined) {
      const where = [selector.versionId && `version ${selector.versionId}`, selector.stage && `stage ${selector.stage}`].filter(Boolean).join(', ');
      throw new SecretsManagerError('GetSecretValue', `${secretId} (${where || AWSCURRENT})`, 'ResourceNotFoundException');
    }
    return value;
  }

  /** Store a value under `token`, staged AWSPENDING (createSecret). */
  /** Store the pending version; `labels`: the rotator's own staging labels (contract.ts VERSION_LABELS). */
  async putPending(secretId: string, token: string, secretString: string, labels: readonly string[] = []): Promise<void> {
    await this.putVersion(secretId, token, secretString, [AWSPENDING, ...labels]);
  }

  /**
   * Store a value as a new version `token` with `stages`. Staging AWSCURRENT moves it from the version
   * that had it, and AWSPREVIOUS to that version (PutSecretValue API reference).
   */
  async putVersion(secretId: string, token: string, secretString: string, stages: readonly string[]): Promise<void> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: secretString, VersionStages: [...stages] }));
    } catch (error) {
      throw wrap('PutSecretValue', secretId, error);
    }
  }

  async updateStage(secretId: string, stage: string, move: { moveToVersionId?: string; removeFromVersionId?: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          MoveToVersionId: move.moveToVersionId,
          RemoveFromVersionId: move.removeFromVersionId,
        }),
      );
    } catch (error) {
      throw wrap('UpdateSecretVersionStage', secretId, error);
    }
  }

  /** Set one tag (TagResource overwrites an existing value). */
  async tag(secretId: string, key: string, value: string): Promise<void> {
    try {
      await this.client.send(new TagResourceCommand({ SecretId: secretId, Tags: [{ Key: key, Value: value }] }));
    } catch (error) {
      throw wrap('TagResource', secretId, error);
    }
  }

  async untag(secretId: string, keys: readonly string[]): Promise<void> {
    try {
      await this.client.send(new UntagResourceCommand({ SecretId: secretId, TagKeys: [...keys] }));
    } catch (error) {
      throw wrap('UntagResource', secretId, error);
    }
  }
}
