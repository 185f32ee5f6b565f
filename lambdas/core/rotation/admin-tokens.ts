/**
 * Admin access tokens, cached per admin secret version for the life of a warm Lambda: the four
 * steps of one rotation (and the rotations of sibling secrets) reuse one token instead of asking
 * `/oauth/token` each time. Tokens live only in memory and are dropped well before they expire.
 */
import type { AccessToken, ClientCredentials, GenesysApi } from '../genesys/types';

/** Drop a cached token this long before Genesys would expire it. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
const MAX_ENTRIES = 64;

interface Entry {
  readonly token: AccessToken;
  organizationId?: string;
}

export class AdminTokenCache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A token for `credentials`, cached under `key` (secret ARN + version id, never the secret). */
  async token(key: string, genesys: GenesysApi, credentials: ClientCredentials): Promise<AccessToken> {
    return (await this.entry(key, genesys, credentials)).token;
  }

  /** The organization id the admin token belongs to (`GET /api/v2/tokens/me`), cached with the token. */
  async organizationId(key: string, genesys: GenesysApi, credentials: ClientCredentials): Promise<string> {
    const entry = await this.entry(key, genesys, credentials);
    entry.organizationId ??= (await genesys.getTokenInfo(entry.token)).organizationId;
    return entry.organizationId;
  }

  /** Forget a key, e.g. after Genesys refused its token. */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  private async entry(key: string, genesys: GenesysApi, credentials: ClientCredentials): Promise<Entry> {
    const cached = this.#entries.get(key);
    if (cached && cached.token.expiresAtMs - EXPIRY_MARGIN_MS > this.now()) return cached;
    const entry: Entry = { token: await genesys.getToken(credentials) };
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
    return entry;
  }
}
