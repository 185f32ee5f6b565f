/**
 * The Secrets Manager operations, one function each, following the API reference: request members, errors
 * (type and, where known, AWS's message), and response shapes. Each takes the parsed request body and
 * returns the response body; state lives in the store and label moves in model.ts.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, validationError } from '../aws-error';
import { addDays, epochSeconds, startOfUtcDay } from '../clock';
import type { JsonInput } from '../json-input';
import { paginate, type PagingQuirks } from '../pagination';
import { matchesFilters, parseFilters } from './list-filters';
import {
  AWSCURRENT,
  attachStage,
  detachStage,
  rotationInProgress,
  sameValue,
  type SecretRecord,
  type SecretValue,
  type VersionRecord,
  versionWithStage,
} from './model';
import { nextRotationDate, parseRotationRules } from './rotation-rules';
import type { SecretStore } from './store';

export type Operation = (input: JsonInput) => object;

/** What RotateSecret needs from the emulator: staging a token and running rotations in the background. */
export interface RotationControl {
  stageToken(secretId: string, token: string): string;
  start(secretArn: string, token: string, mode: 'rotate' | 'test'): void;
  /** "That rotation will be reattempted": re-run the stuck rotation unless one is running. */
  reattempt(secretArn: string, token: string): void;
}

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_SECRET_BYTES = 65_536;
const PREVIOUS_ROTATION_INCOMPLETE = "A previous rotation isn't complete. That rotation will be reattempted.";

// ---------------------------------------------------------------------------------------------
// Request members shared by several operations
// ---------------------------------------------------------------------------------------------

function readToken(input: JsonInput): string | undefined {
  const token = input.optionalString('ClientRequestToken');
  if (token !== undefined && (token.length < 32 || token.length > 64)) {
    throw validationError(input.member('ClientRequestToken'), token, `Member must have length ${token.length < 32 ? 'greater than or equal to 32' : 'less than or equal to 64'}`);
  }
  return token;
}

/** SecretString or SecretBinary; never echoes the value in an error. */
function readValue(input: JsonInput): SecretValue | undefined {
  const secretString = input.optionalString('SecretString');
  const secretBinary = input.optionalString('SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new AwsServiceError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  const value = secretString ?? secretBinary;
  if (value !== undefined && Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    const member = input.member(secretString !== undefined ? 'SecretString' : 'SecretBinary');
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`);
  }
  if (secretString !== undefined) return { secretString };
  if (secretBinary !== undefined) return { secretBinary };
  return undefined;
}

function readStage(input: JsonInput, name: string, value: string): string {
  if (value.length < 1 || value.length > 256) throw validationError(input.member(name), value, 'Member must have length between 1 and 256');
  return value;
}

function readTags(input: JsonInput, name: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of input.optionalObjectArray(name) ?? []) {
    const key = tag.string('Key');
    if (key.length < 1 || key.length > 128) throw validationError(tag.member('Key'), key, 'Member must have length between 1 and 128');
    const value = tag.optionalString('Value') ?? '';
    if (value.length > 256) throw validationError(tag.member('Value'), value, 'Member must have length less than or equal to 256');
    tags.set(key, value);
  }
  return tags;
}

// ---------------------------------------------------------------------------------------------
// Response shapes
// ---------------------------------------------------------------------------------------------

function stagesOf(version: VersionRecord): string[] {
  return [...version.stages];
}

function labelledVersions(secret: SecretRecord): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const version of secret.versions.values()) if (version.stages.size > 0) out[version.versionId] = stagesOf(version);
  return out;
}

/** Metadata common to DescribeSecret and ListSecrets entries; absent members are omitted, as AWS does. */
function secretMetadata(secret: SecretRecord): Record<string, unknown> {
  const { rotation } = secret;
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    ...(rotation.enabled ? { RotationEnabled: true } : {}),
    ...(rotation.lambdaArn !== undefined ? { RotationLambdaARN: rotation.lambdaArn } : {}),
    ...(rotation.rules !== undefined ? { RotationRules: rotation.rules } : {}),
    ...(rotation.lastRotatedDate !== undefined ? { LastRotatedDate: epochSeconds(rotation.lastRotatedDate) } : {}),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    ...(secret.lastAccessedDate !== undefined ? { LastAccessedDate: epochSeconds(secret.lastAccessedDate) } : {}),
    ...(secret.deletedDate !== undefined ? { DeletedDate: epochSeconds(secret.deletedDate) } : {}),
    ...(rotation.enabled && rotation.nextRotationDate !== undefined ? { NextRotationDate: epochSeconds(rotation.nextRotationDate) } : {}),
    ...(secret.tags.size > 0 ? { Tags: [...secret.tags].map(([Key, Value]) => ({ Key, Value })) } : {}),
    CreatedDate: epochSeconds(secret.createdDate),
  };
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** `paging` is read on every listing, so a test can change it between calls. */
export function secretsManagerOperations(store: SecretStore, rotation: RotationControl, paging: () => PagingQuirks = () => ({})): Record<string, Operation> {
  const touch = (secret: SecretRecord): void => {
    secret.lastChangedDate = store.now();
  };

  const CreateSecret: Operation = (input) => {
    const name = input.string('Name');
    if (name.length < 1 || name.length > 512 || !NAME_PATTERN.test(name)) {
      throw new AwsServiceError('ValidationException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    }
    const token = readToken(input);
    const value = readValue(input);
    const tags = readTags(input, 'Tags');
    const existing = store.find(name);
    if (existing !== undefined) {
      if (existing.deletedDate !== undefined) {
        throw new AwsServiceError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
      }
      throw new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    const secret = store.create({ name, description: input.optionalString('Description'), kmsKeyId: input.optionalString('KmsKeyId'), tags });
    if (value === undefined) return { ARN: secret.arn, Name: secret.name };
    const versionId = token ?? randomUUID();
    store.addVersion(secret, versionId, value);
    attachStage(secret, AWSCURRENT, versionId);
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
  };

  const DescribeSecret: Operation = (input) => {
    const secret = store.get(input.string('SecretId'));
    return { ...secretMetadata(secret), VersionIdsToStages: labelledVersions(secret) };
  };

  const GetSecretValue: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const versionId = input.optionalString('VersionId');
    const stage = input.optionalString('VersionStage');
    let version: VersionRecord | undefined;
    if (versionId !== undefined) {
      version = secret.versions.get(versionId);
      if (version === undefined) throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage !== undefined && !version.stages.has(stage)) {
        throw new AwsServiceError('InvalidRequestException', 'You provided a VersionStage that is not associated to the provided VersionId.');
      }
    } else {
      version = versionWithStage(secret, stage ?? AWSCURRENT);
    }
    // A version staged by RotateSecret has no value until createSecret puts one: not found, as on AWS.
    if (version?.value === undefined) {
      const what = versionId !== undefined && stage === undefined ? `VersionId: ${versionId}` : `staging label: ${stage ?? AWSCURRENT}`;
      throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for ${what}`);
    }
    const today = startOfUtcDay(store.now());
    secret.lastAccessedDate = today;
    version.lastAccessedDate = today;
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.value.secretString !== undefined ? { SecretString: version.value.secretString } : {}),
      ...(version.value.secretBinary !== undefined ? { SecretBinary: version.value.secretBinary } : {}),
      VersionStages: stagesOf(version),
      CreatedDate: epochSeconds(version.createdDate),
    };
  };

  const PutSecretValue: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const versionId = readToken(input) ?? randomUUID();
    const value = readValue(input);
    if (value === undefined) throw new AwsServiceError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const requested = input.optionalStringArray('VersionStages');
    if (requested !== undefined && (requested.length < 1 || requested.length > 20)) {
      throw validationError(input.member('VersionStages'), `[${requested.length} stages]`, 'Member must have length between 1 and 20');
    }
    const stages = (requested ?? [AWSCURRENT]).map((stage) => readStage(input, 'VersionStages', stage));

    const existing = secret.versions.get(versionId);
    if (existing?.value !== undefined) {
      // Same token and same value: the request is ignored. Same token, other value: a version can't change.
      if (sameValue(existing.value, value)) return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: stagesOf(existing) };
      throw new AwsServiceError('ResourceExistsException', `You can't use ClientRequestToken ${versionId} because that value is already in use for a version of secret ${secret.arn}.`);
    }
    // A new version, or the empty AWSPENDING version RotateSecret staged (createSecret fills it in).
    const version = existing ?? store.addVersion(secret, versionId, undefined);
    version.value = value;
    // "If this operation creates the first version for the secret, then Secrets Manager automatically
    // attaches the staging label AWSCURRENT to it."
    if (versionWithStage(secret, AWSCURRENT) === undefined && !stages.includes(AWSCURRENT)) stages.push(AWSCURRENT);
    for (const stage of stages) attachStage(secret, stage, versionId);
    touch(secret);
    store.pruneDeprecatedVersions(secret);
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: stagesOf(version) };
  };

  const UpdateSecretVersionStage: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const stage = readStage(input, 'VersionStage', input.string('VersionStage'));
    const moveTo = input.optionalString('MoveToVersionId');
    const removeFrom = input.optionalString('RemoveFromVersionId');
    for (const id of [moveTo, removeFrom]) {
      if (id !== undefined && !secret.versions.has(id)) throw new AwsServiceError('InvalidParameterException', `Not a valid version: ${id}`);
    }
    const holder = versionWithStage(secret, stage)?.versionId;

    if (moveTo !== undefined) {
      if (holder !== undefined && holder !== moveTo && removeFrom === undefined) {
        throw new AwsServiceError(
          'InvalidParameterException',
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (removeFrom !== undefined && removeFrom !== holder) {
        throw new AwsServiceError(
          'InvalidParameterException',
          `You can only move staging label ${stage} from the version that currently has it. RemoveFromVersionId must be ${holder ?? 'omitted: the label is not attached to any version'}.`,
        );
      }
      attachStage(secret, stage, moveTo);
    } else {
      if (removeFrom === undefined) {
        throw new AwsServiceError('InvalidParameterException', 'You must specify MoveToVersionId, RemoveFromVersionId, or both.');
      }
      if (removeFrom !== holder) {
        throw new AwsServiceError('InvalidParameterException', `The staging label ${stage} is not attached to version ${removeFrom}.`);
      }
      if (stage === AWSCURRENT) {
        throw new AwsServiceError('InvalidParameterException', "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.");
      }
      detachStage(secret, stage, removeFrom);
    }
    touch(secret);
    return { ARN: secret.arn, Name: secret.name };
  };

  const ListSecretVersionIds: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const includeDeprecated = input.optionalBoolean('IncludeDeprecated') ?? false;
    const versions = [...secret.versions.values()]
      .filter((version) => includeDeprecated || version.stages.size > 0)
      .reverse() // newest first
      .sort((a, b) => b.createdDate.getTime() - a.createdDate.getTime())
      .map((version) => ({
        VersionId: version.versionId,
        ...(version.stages.size > 0 ? { VersionStages: stagesOf(version) } : {}),
        ...(version.lastAccessedDate !== undefined ? { LastAccessedDate: epochSeconds(version.lastAccessedDate) } : {}),
        CreatedDate: epochSeconds(version.createdDate),
        KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
      }));
    const page = paginate(input, `versions:${secret.arn}:${includeDeprecated}`, versions, paging());
    return { Versions: page.items, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}), ARN: secret.arn, Name: secret.name };
  };

  const ListSecrets: Operation = (input) => {
    const filters = parseFilters(input.optionalObjectArray('Filters'));
    const includePlannedDeletion = input.optionalBoolean('IncludePlannedDeletion') ?? false;
    const sortOrder = input.optionalString('SortOrder') ?? 'asc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw validationError(input.member('SortOrder'), sortOrder, 'Member must satisfy enum value set: [asc, desc]');
    const secrets = store.all().filter((secret) => (includePlannedDeletion || secret.deletedDate === undefined) && matchesFilters(secret, filters));
    if (sortOrder === 'desc') secrets.reverse();
    const page = paginate(input, `secrets:${JSON.stringify(filters)}:${includePlannedDeletion}:${sortOrder}`, secrets, paging());
    return {
      SecretList: page.items.map((secret) => ({ ...secretMetadata(secret), SecretVersionsToStages: labelledVersions(secret) })),
      ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
    };
  };

  const TagResource: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    if (!input.has('Tags')) throw validationError(input.member('Tags'), undefined, 'Member must not be null');
    for (const [key, value] of readTags(input, 'Tags')) secret.tags.set(key, value);
    touch(secret);
    return {};
  };

  const UntagResource: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const keys = input.optionalStringArray('TagKeys');
    if (keys === undefined) throw validationError(input.member('TagKeys'), undefined, 'Member must not be null');
    for (const key of keys) secret.tags.delete(key);
    touch(secret);
    return {};
  };

  const DeleteSecret: Operation = (input) => {
    const secret = store.get(input.string('SecretId'));
    const windowDays = input.optionalNumber('RecoveryWindowInDays');
    const force = input.optionalBoolean('ForceDeleteWithoutRecovery') ?? false;
    if (windowDays !== undefined && force) {
      throw new AwsServiceError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (windowDays !== undefined && (!Number.isInteger(windowDays) || windowDays < 7 || windowDays > 30)) {
      throw new AwsServiceError('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    if (secret.deletedDate !== undefined && !force) {
      throw new AwsServiceError('InvalidRequestException', "You tried to perform the operation on a secret that's currently marked deleted.");
    }
    const now = store.now();
    if (force) {
      store.remove(secret);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) };
    }
    const deletionDate = addDays(now, windowDays ?? 30);
    secret.deletedDate = now;
    touch(secret);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(deletionDate) };
  };

  const RestoreSecret: Operation = (input) => {
    const secret = store.get(input.string('SecretId'));
    secret.deletedDate = undefined;
    touch(secret);
    return { ARN: secret.arn, Name: secret.name };
  };

  const RotateSecret: Operation = (input) => {
    const secret = store.getLive(input.string('SecretId'));
    const token = readToken(input);
    const rulesInput = input.optionalObject('RotationRules');
    const rules = rulesInput === undefined ? undefined : parseRotationRules(rulesInput);
    const rotateImmediately = input.optionalBoolean('RotateImmediately') ?? true;
    const lambdaArn = input.optionalString('RotationLambdaARN') ?? secret.rotation.lambdaArn;
    if (lambdaArn === undefined) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
      );
    }
    // A retried call (same ClientRequestToken) must not start a second rotation.
    if (token !== undefined && secret.versions.has(token)) return { ARN: secret.arn, Name: secret.name, VersionId: token };
    const stuck = rotationInProgress(secret);
    if (stuck !== undefined) {
      rotation.reattempt(secret.arn, stuck.versionId);
      throw new AwsServiceError('InvalidRequestException', PREVIOUS_ROTATION_INCOMPLETE);
    }

    const now = store.now();
    secret.rotation.enabled = true;
    secret.rotation.lambdaArn = lambdaArn;
    if (rules !== undefined) secret.rotation.rules = rules;
    secret.rotation.nextRotationDate = nextRotationDate(secret.rotation.rules, now);
    touch(secret);
    const versionId = rotation.stageToken(secret.arn, token ?? randomUUID());
    rotation.start(secret.arn, versionId, rotateImmediately ? 'rotate' : 'test');
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
  };

  return {
    CreateSecret,
    DescribeSecret,
    GetSecretValue,
    PutSecretValue,
    UpdateSecretVersionStage,
    ListSecretVersionIds,
    ListSecrets,
    TagResource,
    UntagResource,
    DeleteSecret,
    RestoreSecret,
    RotateSecret,
  };
}
