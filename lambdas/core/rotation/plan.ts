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
 * What an emergency rotation revokes once the new credentials are current (DESIGN.md §3):
 * for alternating, the client that was current before, which the new document names as its
 * standby (`pendingDocument` swapped them); its secret is regenerated and discarded. For single,
 * nothing more: createSecret's regenerate already killed the leaked secret.
 */
export function planRevocation(current: SecretDocument): string | undefined {
  if (current.strategy !== 'alternating') return undefined;
  return current.alternateClientId;
}
