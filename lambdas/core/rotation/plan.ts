/**
 * Pure decisions of a rotation (DESIGN.md §2), kept apart from I/O so they are easy to test:
 * which client gets a new secret, what the pending document looks like, what an emergency revokes.
 */
import { UnsafeRotationError, SecretDocumentError } from '../errors';
import type { SecretDocument } from '../secret-document';

/** Whose credentials may regenerate the target's secret. */
export type AdminSource =
  /** Read the admin pair's AWSCURRENT from this secret. */
  | { readonly kind: 'admin-secret'; readonly secretId: string }
  /** The admin pair rotating itself: its active client regenerates the standby. */
  | { readonly kind: 'self-pair' };

export interface CreatePlan {
  /** The client whose secret is regenerated. */
  readonly targetClientId: string;
  readonly admin: AdminSource;
  /** The pending document, given the new secret. Unknown fields are carried over unchanged. */
  readonly pendingDocument: (newSecret: string) => SecretDocument;
}

/** Decide createSecret's work from the current document. */
export function planCreate(current: SecretDocument): CreatePlan {
  if (current.strategy === 'single') {
    if (current.adminSecretId === undefined) {
      // The schema already refuses this; kept as a guard because the consequence is unrecoverable.
      throw new SecretDocumentError('A "single" client cannot regenerate its own secret', 'adminSecretId', 'the admin secret id');
    }
    return {
      targetClientId: current.clientId,
      admin: { kind: 'admin-secret', secretId: current.adminSecretId },
      pendingDocument: (newSecret) => ({ ...current, clientSecret: newSecret }),
    };
  }
  const standby = current.alternateClientId;
  if (standby === undefined) {
    throw new SecretDocumentError('An "alternating" secret needs a standby client', 'alternateClientId', 'a second client id');
  }
  return {
    targetClientId: standby,
    admin: current.adminSecretId === undefined ? { kind: 'self-pair' } : { kind: 'admin-secret', secretId: current.adminSecretId },
    // The standby becomes the client consumers use; the previous one becomes the standby.
    pendingDocument: (newSecret) => ({ ...current, clientId: standby, clientSecret: newSecret, alternateClientId: current.clientId }),
  };
}

/**
 * Refuse a regenerate that would make a client invalidate its own working secret, or touch the
 * admin pair from a managed secret (DESIGN.md §2 "Never let a client regenerate its own secret").
 */
export function assertSafeRegenerate(targetClientId: string, admin: { readonly clientId: string; readonly alternateClientId?: string | undefined }, selfPair: boolean): void {
  if (targetClientId === admin.clientId) {
    throw new UnsafeRotationError(`Refusing to let client ${targetClientId} regenerate its own secret: a lost response would leave no working secret`);
  }
  if (!selfPair && targetClientId === admin.alternateClientId) {
    throw new UnsafeRotationError(`Refusing to regenerate client ${targetClientId}: it is the standby of the admin pair, which rotates only through its own secret`);
  }
}

/**
 * Refuse to disable a client that performs the call, or the admin pair's standby from a managed secret:
 * a client that disables itself kills the token it holds and gets no new one (GENESYS-API.md §3), so
 * nothing could enable it again; the admin pair changes only through its own secret, where the new
 * active client disables the old one. The same rule as `assertSafeRegenerate`, for the state change.
 */
export function assertSafeDisable(targetClientId: string, admin: { readonly clientId: string; readonly alternateClientId?: string | undefined }, selfPair: boolean): void {
  if (targetClientId === admin.clientId) {
    throw new UnsafeRotationError(`Refusing to let client ${targetClientId} disable itself: its own token would die with it and nothing could enable it again`);
  }
  if (!selfPair && targetClientId === admin.alternateClientId) {
    throw new UnsafeRotationError(`Refusing to disable client ${targetClientId}: it is the standby of the admin pair, which changes only through its own secret`);
  }
}

/**
 * Which client an emergency's finishSecret disables so that its access tokens die (issue 14): for
 * alternating (and the admin pair), the leaked client that was current before, now the standby
 * (`planRevocation`). It stays disabled while standby; the next rotation enables it before its regenerate.
 */
export function planDisable(current: SecretDocument): string | undefined {
  return planRevocation(current);
}

/**
 * Whether createSecret disables its target before the regenerate and enables it after the put, so that
 * every token issued with the target's credentials dies and no new one can be had with the old secret
 * in between (the secret is already new when the client serves again):
 * - single with `end-tokens`: the one client; consumers are refused meanwhile (the interruption the
 *   operator chose);
 * - alternating on every emergency: the standby, whose credentials were stored too when the emergency
 *   was requested (AWSPREVIOUS, or the leaked current of a rotation that was in flight); nobody uses it.
 * UNCONFIRMED (GENESYS-API.md §3): that Genesys regenerates a disabled client's secret; the emulator does.
 */
export function endsTokensInCreate(strategy: SecretDocument['strategy'], emergency: { readonly endTokens?: boolean | undefined } | undefined): boolean {
  if (emergency === undefined) return false;
  return strategy === 'alternating' || emergency.endTokens === true;
}

/**
 * What an emergency rotation revokes once the new credentials are current (DESIGN.md §3):
 * for alternating, the client that was current before, which the new document names as its
 * standby (`pendingDocument` swapped them); its secret is regenerated and discarded. For single,
 * nothing more: createSecret's regenerate already killed the leaked secret.
 */
export function planRevocation(current: SecretDocument): string | undefined {
  if (current.strategy !== 'alternating') return undefined;
  return current.alternateClientId;
}

/**
 * A pending version older than this whose credentials are refused is dead, not slow: no propagation
 * delay lasts an hour (the same age `status` calls a rotation stuck).
 */
export const STALE_PENDING_MS = 60 * 60 * 1000;

/** Whether a version of this age (ms; `undefined`: unknown) is past any propagation delay. */
export function isStale(ageMs: number | undefined): boolean {
  return ageMs !== undefined && ageMs >= STALE_PENDING_MS;
}

/** What testSecret knows when the pending credentials were refused for the whole propagation wait. */
export interface RefusedPendingFacts {
  readonly strategy: SecretDocument['strategy'];
  /** Whether `/oauth/token` accepts the AWSCURRENT credentials right now (one attempt). */
  readonly currentAccepted: boolean;
  /** Age of the pending version; `undefined` when Secrets Manager did not say. */
  readonly pendingAgeMs: number | undefined;
}

/**
 * How testSecret recovers when the pending version's credentials are dead (DESIGN.md §3; README
 * "Troubleshooting"). A version's value never changes, so the only way out is a fresh regenerate
 * stored as a new version:
 * - `store-first`: the regenerate kills the only secret consumers could use (single), or none of the
 *   stored credentials works anyway: store the new secret as AWSCURRENT at once, then verify it;
 * - `verify-first`: alternating with a working AWSCURRENT: the standby's secret is the only thing
 *   regenerated and nobody uses it yet, so verify before consumers are switched to it;
 * - `none`: the pending credentials may only be slow (a young version) while consumers still have
 *   working AWSCURRENT credentials: fail as before and let Secrets Manager retry.
 * `extendWait`: wait one more propagation period before calling a young pending version dead, so a
 * slow propagation is not mistaken for a lost race (each regenerate restarts the propagation).
 */
export type RecoveryPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'recover'; readonly order: 'store-first' | 'verify-first'; readonly extendWait: boolean; readonly why: string };

export function planRecovery(facts: RefusedPendingFacts): RecoveryPlan {
  const stale = isStale(facts.pendingAgeMs);
  if (!facts.currentAccepted) {
    return { kind: 'recover', order: 'store-first', extendWait: !stale, why: 'neither the AWSCURRENT nor the AWSPENDING credentials are accepted: the client has no working stored secret' };
  }
  if (!stale) return { kind: 'none' };
  const why = 'the AWSPENDING credentials are still refused over an hour after the version was created: its secret is dead';
  // A single client's regenerate kills the working current secret: the new one must be stored at once.
  return { kind: 'recover', order: facts.strategy === 'single' ? 'store-first' : 'verify-first', extendWait: false, why };
}

/**
 * Whether AWSCURRENT is the result of a recovery of this rotation (made by an earlier attempt of
 * testSecret, or loaded by hand while the rotation was stuck): a version created after the pending
 * one that names the pending client. Then testSecret finishes that recovery instead of making another.
 */
export function isRecoveryOf(
  current: { readonly versionId: string; readonly createdDate: Date | undefined; readonly clientId: string },
  pending: { readonly versionId: string; readonly createdDate: Date | undefined; readonly clientId: string },
): boolean {
  if (current.versionId === pending.versionId || current.clientId !== pending.clientId) return false;
  if (current.createdDate === undefined || pending.createdDate === undefined) return false;
  return current.createdDate.getTime() > pending.createdDate.getTime();
}
