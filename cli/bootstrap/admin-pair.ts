/**
 * The admin pair's part of `bootstrap`: where it stands (is a value loaded, which version holds a
 * secret a human has seen, how many rotations are left until none works), and the first load from the
 * secret the operator typed: proven against Genesys Cloud, its standby checked (or created), then stored.
 *
 * Which version a human has seen is recorded in the tag `genesys-rotator:bootstrap` (`seen=<versionId>`):
 * Secrets Manager does not say who wrote a version. The tag only steers bootstrap towards more
 * rotations, never fewer, so whoever may tag the secret can at worst make it rotate the admin pair again.
 */
import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT, AWSPREVIOUS, SecretsStore } from '../../lambdas/core/aws/secrets-store';
import { isCredentialRefusal, RotationError, ValidationError } from '../../lambdas/core/errors';
import type { AccessToken, GenesysApi, OAuthClientInfo } from '../../lambdas/core/genesys/types';
import { parseSecretDocument, serializeSecretDocument, validateSecretDocument, type SecretDocument } from '../../lambdas/core/secret-document';
import { compareRoles } from '../../lambdas/core/status/role-drift';
import { currentVersionId, listVersions, type SecretMeta } from '../aws/managed-secrets';
import { CLIENT_CREDENTIALS, twinOf } from '../twin';

export const BOOTSTRAP_TAG = 'genesys-rotator:bootstrap';
const SEEN = /^seen=([0-9A-Za-z-]{1,64})$/;

export interface AdminState {
  /** AWSCURRENT holds a secret (not the deployment's empty placeholder). */
  readonly loaded: boolean;
  /** The newest version whose secret a human has seen, when known. */
  readonly seenVersionId: string | undefined;
  /** Rotations still needed until no secret a human has seen works: 2 (standby, then the seen client), 1, or 0. */
  readonly rotationsLeft: 0 | 1 | 2;
  /** Why `seenVersionId` is what it is, in words. */
  readonly reason: string;
}

function versionOf(meta: SecretMeta, stage: string): string | undefined {
  return Object.entries(meta.versionStages).find(([, stages]) => stages.includes(stage))?.[0];
}

/**
 * How far the admin pair is. A loaded secret without the tag was loaded by hand (or by a run that
 * stopped before tagging): its current version counts as seen when it was written after the last
 * rotation (or it never rotated); otherwise the previous version might still be one a human loaded, so
 * it counts as seen: one more rotation is the cautious answer, and the tag makes it a one-off.
 */
export async function inspectAdmin(client: SecretsManagerClient, meta: SecretMeta, doc: SecretDocument): Promise<AdminState> {
  if (doc.clientSecret === '') return { loaded: false, seenVersionId: undefined, rotationsLeft: 2, reason: 'AWSCURRENT is the deployment\'s placeholder (empty clientSecret)' };
  const current = currentVersionId(meta);
  const previous = versionOf(meta, AWSPREVIOUS);
  const tagged = SEEN.exec(meta.tags[BOOTSTRAP_TAG] ?? '')?.[1];
  // The tag is only a hint anyone who may tag the secret can write: it counts only for a version that
  // is current, previous, or provably older than previous (replaced twice). A version it names that
  // cannot be found (forged, or a load that failed after tagging) falls back to the rule below.
  let seen = tagged === undefined ? undefined : await trustedSeen(client, meta, tagged, previous);
  let reason = `tag ${BOOTSTRAP_TAG} names version ${tagged ?? '?'} as seen by a human`;
  if (seen === undefined) {
    const versions = await listVersions(client, meta.arn, false);
    const created = versions.find((v) => v.versionId === current)?.createdDate;
    const writtenByHand = meta.lastRotatedDate === undefined || created === undefined || created.getTime() > meta.lastRotatedDate.getTime();
    seen = writtenByHand ? current : previous;
    reason = writtenByHand
      ? 'its current value was loaded by hand (written after the last rotation, or it never rotated)'
      : 'not loaded by bootstrap: its previous value may have been loaded by hand';
  }
  const rotationsLeft = seen === undefined || seen === REPLACED ? 0 : seen === current ? 2 : seen === previous ? 1 : 0;
  return { loaded: true, seenVersionId: seen === REPLACED ? tagged : seen, rotationsLeft, reason };
}

/**
 * The tagged version when it is the current or previous one, or a version older than the previous one
 * (then two rotations replaced it: `REPLACED`); undefined when the history does not hold it.
 */
async function trustedSeen(client: SecretsManagerClient, meta: SecretMeta, tagged: string, previous: string | undefined): Promise<string | undefined> {
  if (tagged === currentVersionId(meta) || tagged === previous) return tagged;
  if (previous === undefined) return undefined;
  const versions = await listVersions(client, meta.arn, true);
  const created = (id: string): number | undefined => versions.find((v) => v.versionId === id)?.createdDate?.getTime();
  const taggedAt = created(tagged);
  const previousAt = created(previous);
  return taggedAt !== undefined && previousAt !== undefined && taggedAt < previousAt ? REPLACED : undefined;
}

/** `inspectAdmin`'s mark for a seen version that two rotations have replaced. */
const REPLACED = 'replaced';

/** Records the version a human has seen (before it is written, so a crash after the write is covered). */
export async function markSeen(client: SecretsManagerClient, secretArn: string, versionId: string): Promise<void> {
  await new SecretsStore(client).tag(secretArn, BOOTSTRAP_TAG, `seen=${versionId}`);
}

export interface LoadInput {
  readonly meta: SecretMeta;
  /** The deployed placeholder: its clientId and alternateClientId are the pair the deployment binds. */
  readonly doc: SecretDocument;
  readonly genesys: GenesysApi;
  readonly typedSecret: string;
  /** Which of the two bound clients the typed secret belongs to (default: the placeholder's clientId). */
  readonly adminClientId: string | undefined;
  /** Client ids of the managed secrets this admin pair rotates (to recognise the organisation). */
  readonly managedClientIds: readonly string[];
}

export type LoadResult =
  | { readonly kind: 'stored'; readonly versionId: string; readonly clientId: string; readonly standbyId: string; readonly detail: string }
  /** The deployment's standby does not exist: a twin was created (or found), and the deployment must name it. */
  | { readonly kind: 'standby-missing'; readonly clientId: string; readonly twin: OAuthClientInfo; readonly created: boolean; readonly detail: string };

/** The two bound clients, the typed one first. @throws ValidationError (exit code 2) for an id outside the pair. */
export function typedClientOf(doc: SecretDocument, adminClientId: string | undefined): { clientId: string; standbyId: string } {
  const standby = doc.alternateClientId ?? '';
  const clientId = adminClientId ?? doc.clientId;
  if (clientId === doc.clientId) return { clientId, standbyId: standby };
  if (clientId === standby) return { clientId, standbyId: doc.clientId };
  throw new ValidationError('Invalid command line', '--admin-client-id', `one of the admin pair's clients the deployment names: ${doc.clientId} or ${standby} (the value given is not repeated, in case it was a secret)`);
}

/** What keeps the standby from being the typed client's twin, or an empty list. */
function parityProblems(client: OAuthClientInfo, standby: OAuthClientInfo): string[] {
  const problems: string[] = [];
  const drift = compareRoles(client, standby);
  if (!drift.identical) problems.push(`roles and divisions differ (only ${client.id}: [${drift.onlyFirst.join(', ')}]; only ${standby.id}: [${drift.onlySecond.join(', ')}])`);
  if ((client.accessTokenValiditySeconds ?? 86_400) !== (standby.accessTokenValiditySeconds ?? 86_400)) {
    problems.push(`token lifetimes differ (${String(client.accessTokenValiditySeconds ?? 86_400)} s and ${String(standby.accessTokenValiditySeconds ?? 86_400)} s)`);
  }
  if (standby.authorizedGrantType.toUpperCase() !== CLIENT_CREDENTIALS) problems.push(`${standby.id} does not use the client-credentials grant`);
  if (standby.state !== 'active') problems.push(`${standby.id} is ${standby.state}`);
  return problems;
}

/** A token for the typed secret, or a usage error (nothing stored) when Genesys refuses it. */
async function tokenFor(genesys: GenesysApi, clientId: string, clientSecret: string): Promise<AccessToken> {
  try {
    return await genesys.getToken({ clientId, clientSecret });
  } catch (error) {
    if (!isCredentialRefusal(error)) throw error;
    // The cause stays out: it says no more than this, and nothing of it is the secret anyway.
    throw new ValidationError(
      `Genesys Cloud refused the secret typed for admin client ${clientId} (${error.code ?? `status ${String(error.status)}`}); nothing was stored`,
      'admin client secret',
      `the current secret of OAuth client ${clientId} (use --admin-client-id if you hold the secret of the other client of the pair)`,
    );
  }
}

/**
 * Proves the typed secret (a token for the expected client, `tokens/me`), checks the deployment's standby
 * (or creates the twin when it does not exist), then stores the pair as a complete secret document.
 * Nothing is stored unless every check passed.
 */
export async function loadAdminPair(client: SecretsManagerClient, input: LoadInput): Promise<LoadResult> {
  const { doc, genesys } = input;
  const { clientId, standbyId } = typedClientOf(doc, input.adminClientId);
  const token = await tokenFor(genesys, clientId, input.typedSecret);
  const me = await genesys.getTokenInfo(token);
  if (me.oauthClientId !== clientId) {
    throw new RotationError(`The typed secret got a token for client ${me.oauthClientId}, not for the admin client ${clientId} the deployment names; nothing was stored`);
  }
  const org = `${me.organizationName ?? 'organisation'} ${me.organizationId}`;
  const clients = await genesys.listOAuthClients(token);
  const typed = clients.find((c) => c.id === clientId);
  if (typed === undefined) throw new RotationError(`Admin client ${clientId} is not in the listing of its own organisation (${org}); nothing was stored`);
  const standby = clients.find((c) => c.id === standbyId);
  if (standby === undefined) {
    // The twin's id cannot simply be stored: the deployment binds the pair's ids, and the rotate
    // function refuses a document naming another client. Create it here (the operator has no loaded
    // admin pair to run "pair" with) and have the deployment name it.
    const known = input.managedClientIds.filter((id) => clients.some((c) => c.id === id));
    if (input.managedClientIds.length > 0 && known.length === 0) {
      throw new RotationError(`Organisation ${org} of admin client ${clientId} holds neither the standby ${standbyId} nor any managed client of this deployment: wrong organisation? Nothing was stored or created`);
    }
    const { twin, created } = await twinOf(genesys, token, typed, clients);
    return {
      kind: 'standby-missing',
      clientId,
      twin,
      created,
      detail: `the standby ${standbyId} the deployment names does not exist in ${org}; ${created ? 'created' : 'found'} the twin ${twin.id} ("${twin.name}"). Set organisations[].admin.alternateClientId to ${twin.id} in the deployment file, deploy, and run bootstrap again. Nothing was stored`,
    };
  }
  const problems = parityProblems(typed, standby);
  if (problems.length > 0) {
    throw new RotationError(`The admin pair's standby ${standbyId} is not a twin of ${clientId}: ${problems.join('; ')}. Fix it in Genesys Cloud (or name a twin made with "pair"); nothing was stored`);
  }
  const stored = validateSecretDocument({ ...doc, clientId, clientSecret: input.typedSecret, alternateClientId: standbyId }, input.meta.name);
  const versionId = randomUUID();
  await markSeen(client, input.meta.arn, versionId);
  await new SecretsStore(client).putVersion(input.meta.arn, versionId, serializeSecretDocument(stored), [AWSCURRENT]);
  return {
    kind: 'stored',
    versionId,
    clientId,
    standbyId,
    detail: `token issued to client ${clientId} in ${org}; standby ${standbyId} is its twin (roles, divisions, token lifetime); stored as version ${versionId}`,
  };
}

/** Whether Genesys Cloud now refuses `clientSecret` for `clientId`, in words. The secret stays here. */
export async function secretRefused(genesys: GenesysApi, clientId: string, clientSecret: string): Promise<{ readonly refused: boolean; readonly detail: string }> {
  try {
    await genesys.getToken({ clientId, clientSecret });
  } catch (error) {
    if (isCredentialRefusal(error)) return { refused: true, detail: `Genesys Cloud refuses it (${error.code ?? `status ${String(error.status)}`})` };
    throw error;
  }
  return { refused: false, detail: 'Genesys Cloud STILL ACCEPTS it' };
}

/** The document of a version a human has seen, when Secrets Manager still has it. */
export async function seenDocument(client: SecretsManagerClient, secretArn: string, versionId: string): Promise<SecretDocument | undefined> {
  try {
    const value = await new SecretsStore(client).findValue(secretArn, { versionId });
    return value === undefined ? undefined : parseSecretDocument(value.secretString, secretArn);
  } catch {
    return undefined;
  }
}
