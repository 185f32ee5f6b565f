/** Identifiers and credentials the emulator hands out. */
import { randomBytes, randomUUID } from 'node:crypto';

/** Entity ids are UUIDs, as in every Genesys Cloud model (GENESYS-API.md §3). */
export function newEntityId(): string {
  return randomUUID();
}

/**
 * A client secret: 22 characters, the top of the 20-22 length in force since 2026-04-27
 * (GENESYS-API.md §3, CLEN). UNCONFIRMED charset: base64url (letters, digits, `-`, `_`), never `:`,
 * so it is safe inside HTTP Basic credentials.
 */
export function newClientSecret(): string {
  return randomBytes(16).toString('base64url');
}

/** An access token: opaque (GENESYS-API.md §2); UNCONFIRMED length, 64 base64url characters. */
export function newAccessToken(): string {
  return randomBytes(48).toString('base64url');
}
