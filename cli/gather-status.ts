/**
 * Everything `status` and `report` show about each managed secret, gathered once: metadata from
 * Secrets Manager, the current document's public fields (never its secret), whether Genesys Cloud
 * accepts the stored credentials (one token request each for AWSCURRENT and a pending value; the
 * tokens are dropped at once), the classification of lambdas/core/status, and for alternating pairs
 * whether the previous client is still in use. Read-only: nothing is written anywhere.
 */
import { AWSCURRENT, SecretsStore } from '../lambdas/core/aws/secrets-store';
import { isCredentialRefusal } from '../lambdas/core/errors';
import { describeDocument, describeError } from '../lambdas/core/redaction';
import { TAGS } from '../lambdas/core/rotation/engine';
import { parseSecretDocument, STRATEGIES, type SecretDocument } from '../lambdas/core/secret-document';
import {
  classifySecret,
  DAY_MS,
  type AgeState,
  type ClassifyOptions,
  type CredentialFacts,
  type CredentialsState,
  type CredentialVerdict,
  type PendingVersion,
  type RotationState,
} from '../lambdas/core/status/classify';
import { clientToRevoke, type UsageSummary } from '../lambdas/core/status/usage-check';
import { inspectPending, type SecretMeta } from './aws/managed-secrets';
import type { CliContext } from './context';
import type { GenesysAccess } from './genesys-access';

/** One managed secret, JSON-ready (dates as ISO strings). This is the `--json` shape of `status`. */
export interface SecretStatus {
  readonly name: string;
  readonly arn: string;
  readonly strategy: string | null;
  readonly environment: string | null;
  readonly clientId: string | null;
  /** Alternating: the standby client, which holds the previous credentials. */
  readonly alternateClientId: string | null;
  readonly adminSecretId: string | null;
  readonly rotationEnabled: boolean;
  /** Whether a rotation function is configured; `null` when not known. */
  readonly hasRotationFunction: boolean | null;
  readonly createdDate: string;
  readonly lastRotatedDate: string | null;
  readonly nextRotationDate: string | null;
  readonly age: {
    readonly state: AgeState;
    /** `last-rotated`, or `created` when the secret was never rotated (age counts from its creation). */
    readonly since: 'last-rotated' | 'created';
    readonly sinceDate: string;
    readonly days: number;
    readonly maxRotationDays: number | null;
    readonly dueDate: string | null;
  };
  readonly rotation: {
    readonly state: RotationState;
    readonly pendingVersionId: string | null;
    readonly pendingCreatedDate: string | null;
    readonly pendingHasValue: boolean | null;
    readonly reason: string | null;
  };
  /** Whether Genesys Cloud accepts the stored credentials (`null` verdicts: not checked, or nothing to check). */
  readonly credentials: {
    readonly state: CredentialsState;
    readonly current: CredentialVerdict | null;
    readonly pending: CredentialVerdict | null;
    readonly reason: string | null;
  };
  /** Alternating only: is the previous (standby) client still used? `null` when not checked. */
  readonly previousClientUsage: (UsageSummary & { readonly error?: undefined }) | { readonly error: string } | null;
  /** A current document the rotator cannot use (the secret will not rotate). */
  readonly documentError: string | null;
  /** Overdue, stuck rotation, broken credentials or unusable document: makes `status` exit 1. */
  readonly failing: boolean;
}

export interface GatherOptions extends Omit<ClassifyOptions, 'now'> {
  readonly usage: { readonly days: number } | undefined;
  /** Ask Genesys Cloud whether the stored credentials work. @default true */
  readonly credentials?: boolean;
}

interface StoredVersion {
  readonly doc: SecretDocument;
  readonly createdDate: Date | undefined;
}

/** A version's document and creation date, or undefined when it has no value. */
async function readVersion(ctx: CliContext, secretArn: string, selector: { stage?: string; versionId?: string }): Promise<StoredVersion | undefined> {
  const value = await new SecretsStore(ctx.secretsManager).findValue(secretArn, selector);
  if (value === undefined) return undefined;
  return { doc: parseSecretDocument(value.secretString, `${secretArn} (${selector.stage ?? selector.versionId ?? AWSCURRENT})`), createdDate: value.createdDate };
}

/** The identifiers `status` shows of a document. */
interface PublicFields {
  readonly environment?: string;
  readonly clientId?: string;
  readonly strategy?: string;
  readonly alternateClientId?: string;
  readonly adminSecretId?: string;
}

/**
 * The identifiers of a document the rotator cannot use (e.g. an unknown region), so that `status` still
 * says which clients the secret is about: only these fields, only string values, and `strategy` only when
 * it is one the rotator knows. Never `clientSecret`, never the user's own fields.
 */
async function publicFieldsOfUnusable(ctx: CliContext, secretArn: string): Promise<PublicFields> {
  let json: unknown;
  try {
    json = JSON.parse((await new SecretsStore(ctx.secretsManager).findValue(secretArn, { stage: AWSCURRENT }))?.secretString ?? '');
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  const record = json as Record<string, unknown>;
  const text = (key: keyof PublicFields): Record<string, string> => {
    const value = record[key];
    return typeof value === 'string' && value !== '' ? { [key]: value } : {};
  };
  const strategy = STRATEGIES.find((known) => known === record.strategy);
  return { ...text('environment'), ...text('clientId'), ...(strategy !== undefined ? { strategy } : {}), ...text('alternateClientId'), ...text('adminSecretId') };
}

/** One token request with the stored credentials; the token itself is dropped. */
async function verdict(ctx: CliContext, doc: SecretDocument): Promise<CredentialVerdict> {
  // The deployment's placeholder: asking Genesys with an empty secret would only read as "refused".
  if (doc.clientSecret === '') return 'not-loaded';
  try {
    await ctx.genesys(doc.environment).getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret });
    return 'accepted';
  } catch (error) {
    return isCredentialRefusal(error) ? 'refused' : 'unknown';
  }
}

/** The token checks: AWSCURRENT's credentials, and the pending version's when it has a readable value. */
async function checkCredentials(ctx: CliContext, secretArn: string, current: StoredVersion, pending: PendingVersion | undefined): Promise<CredentialFacts> {
  const facts: CredentialFacts = { current: { verdict: await verdict(ctx, current.doc), createdDate: current.createdDate } };
  if (pending?.hasValue !== true) return facts;
  let pendingDoc: SecretDocument | undefined;
  try {
    pendingDoc = (await readVersion(ctx, secretArn, { versionId: pending.versionId }))?.doc;
  } catch {
    return { ...facts, pending: { verdict: 'unknown', createdDate: pending.createdDate } };
  }
  return pendingDoc === undefined ? facts : { ...facts, pending: { verdict: await verdict(ctx, pendingDoc), createdDate: pending.createdDate } };
}

function iso(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export async function gatherStatus(ctx: CliContext, access: GenesysAccess, meta: SecretMeta, options: GatherOptions): Promise<SecretStatus> {
  const now = ctx.now();
  let current: StoredVersion | undefined;
  let documentError: string | null = null;
  let unusable: PublicFields = {};
  try {
    current = await readVersion(ctx, meta.arn, { stage: AWSCURRENT });
    if (current === undefined) documentError = 'no AWSCURRENT value';
  } catch (error) {
    documentError = String(describeError(error).errorMessage);
    unusable = await publicFieldsOfUnusable(ctx, meta.arn);
  }
  const doc = current?.doc;
  const inspected = await inspectPending(ctx.secretsManager, meta);
  const credentials = current === undefined || options.credentials === false ? undefined : await checkCredentials(ctx, meta.arn, current, inspected);
  const pending = inspected === undefined ? undefined : { ...inspected, credentials: credentials?.pending?.verdict };
  const assessment = classifySecret(
    { createdDate: meta.createdDate, lastRotatedDate: meta.lastRotatedDate, maxRotationDaysTag: meta.tags[TAGS.maxRotationDays], pending, credentials },
    { ...options, now },
  );

  let previousClientUsage: SecretStatus['previousClientUsage'] = null;
  const previousClient = doc === undefined ? undefined : clientToRevoke(doc, 'scheduled');
  if (doc !== undefined && previousClient !== undefined && options.usage !== undefined) {
    try {
      previousClientUsage = await access.usage(meta.arn, doc, previousClient, options.usage.days, meta.lastRotatedDate);
    } catch (error) {
      previousClientUsage = { error: String(describeError(error).errorMessage) };
    }
  }

  const described: PublicFields = doc === undefined ? unusable : describeDocument(doc);
  return {
    name: meta.name,
    arn: meta.arn,
    strategy: described.strategy ?? null,
    environment: described.environment ?? null,
    clientId: described.clientId ?? null,
    alternateClientId: described.alternateClientId ?? null,
    adminSecretId: described.adminSecretId ?? null,
    rotationEnabled: meta.rotationEnabled,
    hasRotationFunction: meta.hasRotationFunction ?? null,
    createdDate: meta.createdDate.toISOString(),
    lastRotatedDate: iso(meta.lastRotatedDate),
    nextRotationDate: iso(meta.nextRotationDate),
    age: {
      state: assessment.age.state,
      since: assessment.age.since,
      sinceDate: assessment.age.sinceDate.toISOString(),
      days: round(assessment.age.ageDays, 2),
      maxRotationDays: assessment.age.maxRotationDays ?? null,
      dueDate: iso(assessment.age.dueDate),
    },
    rotation: {
      state: assessment.rotation.state,
      pendingVersionId: assessment.rotation.pending?.versionId ?? null,
      pendingCreatedDate: iso(assessment.rotation.pending?.createdDate),
      pendingHasValue: assessment.rotation.pending?.hasValue ?? null,
      reason: assessment.rotation.reason ?? null,
    },
    credentials: {
      state: assessment.credentials.state,
      current: credentials?.current.verdict ?? null,
      pending: credentials?.pending?.verdict ?? null,
      reason: assessment.credentials.reason ?? null,
    },
    previousClientUsage,
    documentError,
    failing: assessment.failing || documentError !== null,
  };
}

export interface StatusSummary {
  readonly total: number;
  /** Nothing to report: the age is within the policy and nothing fails (a failing secret is never ok). */
  readonly ok: number;
  readonly dueSoon: number;
  readonly overdue: number;
  readonly noPolicy: number;
  readonly stuck: number;
  readonly inProgress: number;
  /** Secrets whose stored credentials are all refused (the client has no working secret). */
  readonly broken: number;
  /** Secrets still holding the deployment placeholder (STATE `NOT LOADED`): run bootstrap. */
  readonly notLoaded: number;
  /** Secrets whose current document the rotator cannot use (STATE `FAILED`). */
  readonly failed: number;
  readonly failing: number;
}

export function summarise(statuses: readonly SecretStatus[]): StatusSummary {
  const count = (predicate: (status: SecretStatus) => boolean): number => statuses.filter(predicate).length;
  return {
    total: statuses.length,
    ok: count((s) => s.age.state === 'ok' && !s.failing),
    dueSoon: count((s) => s.age.state === 'due-soon'),
    overdue: count((s) => s.age.state === 'overdue'),
    noPolicy: count((s) => s.age.state === 'no-policy'),
    stuck: count((s) => s.rotation.state === 'stuck'),
    inProgress: count((s) => s.rotation.state === 'in-progress'),
    broken: count((s) => s.credentials.state === 'broken'),
    notLoaded: count((s) => s.credentials.state === 'not-loaded'),
    failed: count((s) => s.documentError !== null),
    failing: count((s) => s.failing),
  };
}

/** Days until the policy is breached (negative: overdue by that much). */
export function daysLeft(status: SecretStatus, now: Date): number | undefined {
  return status.age.dueDate === null ? undefined : (Date.parse(status.age.dueDate) - now.getTime()) / DAY_MS;
}
