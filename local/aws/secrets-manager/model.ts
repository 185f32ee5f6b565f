/**
 * A secret, its versions and staging labels, and the label rules of the Secrets Manager API reference.
 * This is the one home for label moves:
 * - a staging label is attached to at most one version of a secret;
 * - whenever AWSCURRENT moves, AWSPREVIOUS moves to the version AWSCURRENT was removed from;
 * - a version left without labels is deprecated: kept, hidden from VersionIdsToStages, listed by
 *   ListSecretVersionIds only with IncludeDeprecated.
 */
import type { RotationRules } from './rotation-rules';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** Exactly one of the two is set on a version that has a value. `secretBinary` stays base64, as on the wire. */
export interface SecretValue {
  readonly secretString?: string;
  readonly secretBinary?: string;
}

export interface VersionRecord {
  readonly versionId: string;
  readonly stages: Set<string>;
  /** Undefined for the version RotateSecret stages as AWSPENDING before createSecret puts a value. */
  value: SecretValue | undefined;
  readonly createdDate: Date;
  lastAccessedDate: Date | undefined;
}

export interface RotationState {
  enabled: boolean;
  lambdaArn: string | undefined;
  rules: RotationRules | undefined;
  lastRotatedDate: Date | undefined;
  nextRotationDate: Date | undefined;
}

export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  description: string | undefined;
  kmsKeyId: string | undefined;
  /** Insertion-ordered; TagResource overwrites the value of an existing key in place. */
  readonly tags: Map<string, string>;
  readonly createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate: Date | undefined;
  deletedDate: Date | undefined;
  readonly rotation: RotationState;
  /** Insertion-ordered, so the first entry is the oldest version. */
  readonly versions: Map<string, VersionRecord>;
}

export function versionWithStage(secret: SecretRecord, stage: string): VersionRecord | undefined {
  for (const version of secret.versions.values()) {
    if (version.stages.has(stage)) return version;
  }
  return undefined;
}

/**
 * Attaches `stage` to `versionId`, removing it from the version that held it. Moving AWSCURRENT also
 * moves AWSPREVIOUS to the version AWSCURRENT left.
 */
export function attachStage(secret: SecretRecord, stage: string, versionId: string): void {
  const target = secret.versions.get(versionId);
  if (target === undefined) throw new Error(`attachStage: unknown version ${versionId}`);
  const holder = versionWithStage(secret, stage);
  if (holder === target) return;
  holder?.stages.delete(stage);
  target.stages.add(stage);
  if (stage === AWSCURRENT && holder !== undefined) attachStage(secret, AWSPREVIOUS, holder.versionId);
}

export function detachStage(secret: SecretRecord, stage: string, versionId: string): void {
  secret.versions.get(versionId)?.stages.delete(stage);
}

/**
 * The AWSPENDING version of a rotation still in progress: AWSPENDING attached to a version that is not
 * AWSCURRENT. While it exists, RotateSecret "assumes that a previous rotation request is still in
 * progress and returns an error" (RotateSecret API reference).
 */
export function rotationInProgress(secret: SecretRecord): VersionRecord | undefined {
  const pending = versionWithStage(secret, AWSPENDING);
  return pending !== undefined && !pending.stages.has(AWSCURRENT) ? pending : undefined;
}

export function sameValue(a: SecretValue, b: SecretValue): boolean {
  return a.secretString === b.secretString && a.secretBinary === b.secretBinary;
}
