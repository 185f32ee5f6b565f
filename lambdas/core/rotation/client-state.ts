/**
 * The client-state moves of a rotation (issue 14): an emergency ends the leaked client's access tokens
 * by setting it `disabled` ("existing tokens invalid, no new ones", GENESYS-API.md §3), and the rotation
 * that next regenerates it sets it `active` again first. Every move is idempotent (the API client reads
 * the state first and writes nothing when it is already right), because the steps that make them are
 * repeated after a crash: finishSecret's tail, createSecret before its put.
 *
 * UNCONFIRMED (GENESYS-API.md §3): that `disabled` really ends tokens issued before (the GO field doc
 * says so; the emulator does it), and whether Genesys regenerates a disabled client's secret; the
 * rotator never relies on the latter: it enables a client before regenerating it.
 */
import { GenesysPermissionError, TokensNotEndedError, UnsafeRotationError } from '../errors';
import type { AccessToken, ClientStateChange, GenesysApi } from '../genesys/types';

/** Runs a Genesys call with the rotation's admin token (the engine's `withAdminToken`). */
export type AdminCall = <T>(call: (token: AccessToken) => Promise<T>) => Promise<T>;

/** The permission a state change needs (GENESYS-API.md §3, PUT `/api/v2/oauth/clients/{id}`). */
export const EDIT_CLIENT_PERMISSION = 'oauth:client:edit';

/** Disable `clientId` so its access tokens die; nothing is written when it is disabled already. */
export async function disableClient(genesys: GenesysApi, withAdmin: AdminCall, clientId: string): Promise<ClientStateChange> {
  return await withAdmin(async (token) => await genesys.setOAuthClientState(token, clientId, 'disabled'));
}

/**
 * Before a regenerate that must end the target's tokens (plan.ts `endsTokensInCreate`): disable it, from
 * `active` only. A client that is `inactive` (being deleted) is refused before anything changes; one
 * already `disabled` (a retried step, or an earlier emergency) stays so.
 */
export async function disableBeforeRegenerate(genesys: GenesysApi, withAdmin: AdminCall, clientId: string, secretArn: string): Promise<ClientStateChange> {
  // `unknown`: Genesys answered no state (the models mark it optional); disabling is then still right.
  const change = await withAdmin(async (token) => await genesys.setOAuthClientState(token, clientId, 'disabled', { onlyFrom: ['active', 'unknown'] }));
  refuseInactive(change, clientId, secretArn);
  return change;
}

/** States in which a client must never be enabled or rotated onto (GENESYS-API.md §3; TF checks `deleted` too). */
const BEING_DELETED = new Set(['inactive', 'deleted']);

function refuseInactive(change: ClientStateChange, clientId: string, secretArn: string): void {
  if (!BEING_DELETED.has(change.previousState)) return;
  throw new UnsafeRotationError(
    `createSecret: client ${clientId} of secret ${secretArn} is ${change.previousState} (Genesys Cloud deletes inactive clients); refusing to rotate consumers onto it. Nothing changed.`,
  );
}

/** Enable `clientId` again (single `end-tokens`, after its regenerate); nothing is written when it is active. */
export async function enableClient(genesys: GenesysApi, withAdmin: AdminCall, clientId: string): Promise<ClientStateChange> {
  return await withAdmin(async (token) => await genesys.setOAuthClientState(token, clientId, 'active', { onlyFrom: ['disabled'] }));
}

/**
 * Before a regenerate: a client left `disabled` (the standby after an emergency, or a crashed end-tokens
 * attempt) is enabled (its tokens stay dead: enabling never revives them). One read when it is active
 * already. A client that is `inactive` (being deleted, GENESYS-API.md §3) is refused before anything
 * changes: rotating consumers onto it would break them.
 */
export async function enableBeforeRegenerate(genesys: GenesysApi, withAdmin: AdminCall, clientId: string, secretArn: string): Promise<ClientStateChange> {
  const change = await enableClient(genesys, withAdmin, clientId);
  refuseInactive(change, clientId, secretArn);
  return change;
}

/**
 * The emergency could not disable `clientIds`: a typed error that says what is done (the secrets were
 * revoked) and what is not (access tokens issued before stay valid), naming the missing permission on a 403.
 */
export function tokensNotEnded(error: unknown, clientIds: readonly string[], secretArn: string): TokensNotEndedError {
  const missingPermission = error instanceof GenesysPermissionError ? EDIT_CLIENT_PERMISSION : undefined;
  const why = missingPermission !== undefined ? `Genesys Cloud denied it: the admin client lacks the permission ${missingPermission}` : 'the state change failed';
  return new TokensNotEndedError(
    `finishSecret: the emergency of secret ${secretArn} revoked the leaked secrets, but client ${clientIds.join(', ')} could not be disabled (${why}); ` +
      'access tokens issued before the emergency stay valid until they expire. The emergency tag stays set: fix the cause, then a retried finishSecret disables it ' +
      '(or disable the client by hand: README, runbook)',
    { clientIds, missingPermission },
    { cause: error },
  );
}
