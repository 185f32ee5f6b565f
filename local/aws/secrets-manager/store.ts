/**
 * The secrets of one emulated account and region: lookup by name, full ARN or partial ARN; creation;
 * version bookkeeping. Operations and the rotation driver share it in-process.
 */
import { randomInt } from 'node:crypto';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { SecretRecord, SecretValue, VersionRecord } from './model';

/**
 * "Secrets Manager keeps 100 of the most recent versions, but it keeps all secret versions created in the
 * last 24 hours" (PutSecretValue API reference). The stand-in drops the oldest deprecated (unlabelled)
 * versions older than 24 hours while a secret has more than 100 versions; labelled versions are never dropped.
 */
export const MAX_KEPT_VERSIONS = 100;
const KEEP_RECENT_MS = 24 * 3_600_000;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";

export interface StoreOptions {
  readonly accountId: string;
  readonly region: string;
  readonly now: Clock;
}

export class SecretStore {
  readonly accountId: string;
  readonly region: string;
  readonly now: Clock;
  private readonly byName = new Map<string, SecretRecord>();
  private readonly byArn = new Map<string, SecretRecord>();

  constructor(options: StoreOptions) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.now = options.now;
  }

  /** By name, full ARN, or partial ARN (the ARN without the six-character suffix). */
  find(secretId: string): SecretRecord | undefined {
    const byArn = this.byArn.get(secretId);
    if (byArn !== undefined) return byArn;
    if (secretId.startsWith('arn:')) {
      const marker = ':secret:';
      const at = secretId.indexOf(marker);
      if (at < 0) return undefined;
      const partial = this.byName.get(secretId.slice(at + marker.length));
      return partial !== undefined && partial.arn.startsWith(`${secretId}-`) ? partial : undefined;
    }
    return this.byName.get(secretId);
  }

  /** The secret, or ResourceNotFoundException as the API answers. */
  get(secretId: string): SecretRecord {
    const secret = this.find(secretId);
    if (secret === undefined) throw new AwsServiceError('ResourceNotFoundException', SECRET_NOT_FOUND);
    return secret;
  }

  /** The secret, refusing one that is scheduled for deletion (InvalidRequestException). */
  getLive(secretId: string): SecretRecord {
    const secret = this.get(secretId);
    if (secret.deletedDate !== undefined) {
      throw new AwsServiceError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return secret;
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  create(fields: { name: string; description?: string | undefined; kmsKeyId?: string | undefined; tags: Map<string, string> }): SecretRecord {
    const now = this.now();
    let suffix = '';
    for (let i = 0; i < 6; i += 1) suffix += SUFFIX_ALPHABET.charAt(randomInt(SUFFIX_ALPHABET.length));
    const secret: SecretRecord = {
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${fields.name}-${suffix}`,
      name: fields.name,
      description: fields.description,
      kmsKeyId: fields.kmsKeyId,
      tags: fields.tags,
      createdDate: now,
      lastChangedDate: now,
      lastAccessedDate: undefined,
      deletedDate: undefined,
      rotation: { enabled: false, lambdaArn: undefined, rules: undefined, lastRotatedDate: undefined, nextRotationDate: undefined },
      versions: new Map(),
    };
    this.byName.set(secret.name, secret);
    this.byArn.set(secret.arn, secret);
    return secret;
  }

  remove(secret: SecretRecord): void {
    this.byName.delete(secret.name);
    this.byArn.delete(secret.arn);
  }

  /** Secrets in creation order. */
  all(): SecretRecord[] {
    return [...this.byName.values()];
  }

  /** Adds a version without labels; callers attach labels through `attachStage`. */
  addVersion(secret: SecretRecord, versionId: string, value: SecretValue | undefined): VersionRecord {
    const version: VersionRecord = { versionId, stages: new Set(), value, createdDate: this.now(), lastAccessedDate: undefined };
    secret.versions.set(versionId, version);
    return version;
  }

  /** Applies the version quota documented for PutSecretValue (see MAX_KEPT_VERSIONS). */
  pruneDeprecatedVersions(secret: SecretRecord): void {
    const cutoff = this.now().getTime() - KEEP_RECENT_MS;
    for (const version of secret.versions.values()) {
      if (secret.versions.size <= MAX_KEPT_VERSIONS) return;
      if (version.stages.size === 0 && version.createdDate.getTime() < cutoff) secret.versions.delete(version.versionId);
    }
  }
}
