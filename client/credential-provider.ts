/**
 * The consumer credential provider: an integration's access token, from the secret document it reads
 * at run time (only `environment`, `clientId`, `clientSecret` are used; DESIGN.md §1).
 *
 * - The secret and the token are cached; the token is renewed before it expires.
 * - When the secret is due for a re-read but Secrets Manager cannot answer (anything but "not found"),
 *   the cached secret is used for this token and re-read on a later refresh: a consumer does not go
 *   down with Secrets Manager.
 * - On `invalid_client` it re-reads AWSCURRENT (a rotation finished since the cache was filled; skipped
 *   when the refused secret was read moments ago), then AWSPENDING (a `single` rotation is between
 *   createSecret and finishSecret: AWSCURRENT holds a secret Genesys Cloud no longer accepts;
 *   DESIGN.md §2), and tries each once.
 * - While the cached token is valid no caller waits: it is returned at once, and once it is due for
 *   renewal one renewal starts in the background (a Secrets Manager or Genesys Cloud that stalls delays
 *   nobody). A caller waits only when there is no valid token (first call, expired, or invalidated), and
 *   then shares the renewal in flight, if any, with every other caller.
 * - Every Secrets Manager read is bounded (`secretsManagerTimeoutMs`, default 5 s): one that does not
 *   answer in time fails as `SecretsManagerError` with `awsErrorName` `TimeoutError`, and counts as any
 *   failed read (the cached secret is used if there is one). The default SDK client has connection and
 *   request timeouts too (lambdas/core/aws/sdk-clients.ts), so a stalled socket is closed, not kept.
 * - When a renewal fails while the cached token is still valid, that token is served without further
 *   attempts for a cool-down (min(30 s, a quarter of its remaining lifetime)), so an outage costs one
 *   attempt per cool-down.
 * - No timer of its own keeps a Lambda or a Node process alive (the read bound's is unref'd); work
 *   starts when a caller asks. In Lambda, a background renewal still running when the invocation ends
 *   is frozen with it and goes on in the next invocation; the cached token is served meanwhile.
 * - Never logs a secret or a token; errors are the Genesys client's and Secrets Manager's typed ones.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdkClientConfig } from '../lambdas/core/aws/sdk-clients';
import { AWSCURRENT, AWSPENDING, SecretsStore, type SecretValue } from '../lambdas/core/aws/secrets-store';
import { isCredentialRefusal, SecretsManagerError, type GenesysAuthError } from '../lambdas/core/errors';
import { clientsByEnvironment, GenesysApiClient } from '../lambdas/core/genesys/api-client';
import { fetchTransport, type FetchFunction } from '../lambdas/core/genesys/fetch-transport';
import { nodeTransport } from '../lambdas/core/genesys/node-transport';
import type { AccessToken, GenesysApi } from '../lambdas/core/genesys/types';
import { silentLog, type Log } from '../lambdas/core/log';
import { describeError } from '../lambdas/core/redaction';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import { parseConsumerCredentials, type ConsumerCredentials } from './credential-fields';

export interface CredentialProviderOptions {
  /** ARN or name of the secret holding the integration's secret document. */
  readonly secretId: string;
  /**
   * @default a `SecretsManagerClient` with connection and request timeouts (2 s, 2 s per attempt, 2
   *   attempts); region and endpoint from the SDK's own variables. A client passed here keeps its own
   *   settings; `secretsManagerTimeoutMs` bounds the reads either way.
   */
  readonly secretsManager?: SecretsManagerClient;
  /**
   * Longest a Secrets Manager read may take; past it the read fails (`SecretsManagerError`, `awsErrorName`
   * `TimeoutError`) and is handled like any failed read. Only callers without a valid token ever wait on it.
   * @default 5 seconds
   */
  readonly secretsManagerTimeoutMs?: number;
  /** Genesys Cloud client per region. @default the product's client over Node's `https`, one per environment */
  readonly genesys?: (environment: GenesysEnvironment) => GenesysApi;
  /** Base URL serving `/oauth/token` for local stand-ins. @default `process.env.GENESYS_CLOUD_BASE_URL` (unset in production) */
  readonly genesysBaseUrl?: string;
  /**
   * Send the default Genesys client's token requests with this `fetch` instead of Node's `https` (e.g.
   * undici's `fetch` with a proxy agent, or a test double). @default not used: Node's `https`
   */
  readonly fetch?: FetchFunction;
  /**
   * How long a secret read is reused before AWSCURRENT is read again for the next token. If that read
   * fails (anything but "not found"), the cached secret is used and the read retried on a later refresh.
   * @default 1 hour
   */
  readonly secretMaxAgeMs?: number;
  /** Renew the token this long before it expires (at most half its lifetime). @default 5 minutes */
  readonly refreshMarginMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** Receives ids, stages, version ids and error names only. @default silent */
  readonly log?: Log;
}

export interface CredentialProvider {
  /**
   * A valid access token for the integration's client (`Authorization: Bearer <token>`). Returns the
   * cached token at once while it is valid (renewing it in the background when due); waits only when
   * there is none.
   * @throws GenesysAuthError when neither AWSCURRENT nor AWSPENDING is accepted; SecretsManagerError,
   *   SecretDocumentError, GenesysNetworkError, ... as the underlying calls fail.
   */
  getAccessToken(): Promise<string>;
  /**
   * Drop the cached token after an API answered 401 with it, so the next `getAccessToken()` gets a new
   * one. Pass the rejected token: if another caller already replaced it, nothing is dropped.
   */
  invalidate(rejectedToken?: string): void;
}

interface SecretRead {
  readonly versionId: string;
  readonly stage: string;
  readonly doc: ConsumerCredentials;
  readonly readAtMs: number;
}

const DEFAULT_SECRET_MAX_AGE_MS = 3_600_000;
const DEFAULT_REFRESH_MARGIN_MS = 300_000;
const DEFAULT_SECRETS_MANAGER_TIMEOUT_MS = 5_000;
/**
 * The default client's own timeouts: two attempts of at most 2 s fit in the default read bound, so a
 * brief failure is retried once and a stalled socket is closed by the SDK, not left open.
 */
const DEFAULT_CLIENT_TIMEOUTS = { connectionTimeoutMs: 2_000, requestTimeoutMs: 2_000, maxAttempts: 2 } as const;
/** A refused secret read this recently is not re-read from AWSCURRENT: the answer would be the same. */
const RECENT_READ_MS = 5_000;
/** Longest wait between renewal attempts while a failed renewal leaves a valid token to serve. */
const MAX_RENEWAL_COOL_DOWN_MS = 30_000;

const sameCredentials = (a: SecretRead, b: SecretRead): boolean => a.doc.clientId === b.doc.clientId && a.doc.clientSecret === b.doc.clientSecret;

/** The secret (or its AWSCURRENT stage) no longer exists: no cached copy should outlive that. */
const isSecretGone = (error: unknown): boolean => error instanceof SecretsManagerError && error.awsErrorName === 'ResourceNotFoundException';

class SecretsManagerCredentialProvider implements CredentialProvider {
  readonly #secretId: string;
  readonly #store: SecretsStore;
  readonly #genesys: (environment: GenesysEnvironment) => GenesysApi;
  readonly #secretMaxAgeMs: number;
  readonly #refreshMarginMs: number;
  readonly #secretsManagerTimeoutMs: number;
  readonly #now: () => number;
  readonly #log: Log;
  #secret: SecretRead | undefined;
  #token: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;
  /** After a failed renewal: serve the still-valid cached token without another attempt until then. */
  #retryRenewalAtMs = 0;
  /**
   * An API refused a token before it expired: Genesys ended it (an emergency disabled the client,
   * issue 14), so a following `invalid_client` is news even for a secret read moments ago.
   */
  #tokenRejected = false;

  constructor(options: CredentialProviderOptions) {
    this.#secretId = options.secretId;
    this.#store = new SecretsStore(options.secretsManager ?? new SecretsManagerClient(sdkClientConfig(DEFAULT_CLIENT_TIMEOUTS)));
    this.#genesys = options.genesys ?? defaultGenesysFactory(options);
    this.#secretMaxAgeMs = options.secretMaxAgeMs ?? DEFAULT_SECRET_MAX_AGE_MS;
    this.#refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#secretsManagerTimeoutMs = options.secretsManagerTimeoutMs ?? DEFAULT_SECRETS_MANAGER_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? silentLog;
  }

  async getAccessToken(): Promise<string> {
    const cached = this.#token;
    const now = this.#now();
    if (cached !== undefined && now < cached.expiresAtMs) {
      // Valid: never wait. Due for renewal and not cooling down after a failed one: renew in the background.
      if (now >= this.#renewAtMs(cached) && now >= this.#retryRenewalAtMs) void this.#renewal(cached);
      return cached.reveal();
    }
    return (await this.#renewal(cached)).reveal();
  }

  invalidate(rejectedToken?: string): void {
    if (this.#token === undefined) return;
    if (rejectedToken === undefined || this.#token.reveal() === rejectedToken) {
      this.#token = undefined;
      this.#tokenRejected = true;
    }
  }

  #renewAtMs(token: AccessToken): number {
    const lifetimeMs = token.expiresInSeconds * 1000;
    return token.expiresAtMs - Math.min(this.#refreshMarginMs, lifetimeMs / 2);
  }

  /**
   * The renewal in flight, or a new one. It is shared by every caller waiting on it; one started in the
   * background may have nobody waiting, so its failure is caught here too (those who wait still get it).
   */
  #renewal(cached: AccessToken | undefined): Promise<AccessToken> {
    if (this.#inflight === undefined) {
      const renewal = this.#renew(cached).finally(() => {
        this.#inflight = undefined;
      });
      renewal.catch(() => undefined);
      this.#inflight = renewal;
    }
    return this.#inflight;
  }

  /**
   * One refresh, failure handling included: either the new token, or the `cached` one while it is still
   * valid and still the current one (and the cool-down starts), or the error.
   */
  async #renew(cached: AccessToken | undefined): Promise<AccessToken> {
    try {
      return await this.#refresh();
    } catch (error) {
      const now = this.#now();
      // Not when the token was invalidated meanwhile (an API refused it) or has expired.
      if (cached === undefined || cached !== this.#token || now >= cached.expiresAtMs) throw error;
      const coolDownMs = Math.min(MAX_RENEWAL_COOL_DOWN_MS, (cached.expiresAtMs - now) / 4);
      this.#retryRenewalAtMs = now + coolDownMs;
      this.#log.warn('Token renewal failed; using the cached token until it expires', { secretId: this.#secretId, retryInMs: coolDownMs, ...describeError(error) });
      return cached;
    }
  }

  async #refresh(): Promise<AccessToken> {
    const { secret: first, freshlyRead } = await this.#secretForToken();
    try {
      return await this.#tokenFor(first);
    } catch (error) {
      if (!isCredentialRefusal(error)) throw error;
      this.#log.info('Client credentials refused (invalid_client); re-reading the secret', { secretId: this.#secretId, clientId: first.doc.clientId, versionId: first.versionId, stage: first.stage });
      return await this.#recover(first, freshlyRead, error);
    }
  }

  /**
   * After `invalid_client`: AWSCURRENT again (a rotation may have finished; not when `failed` was read
   * just now), then AWSPENDING (a `single` rotation in progress), each tried once.
   */
  async #recover(failed: SecretRead, freshlyRead: boolean, firstError: GenesysAuthError): Promise<AccessToken> {
    const refused = [failed];
    let lastError = firstError;
    const recentlyRead = freshlyRead || (!this.#tokenRejected && this.#now() - failed.readAtMs < RECENT_READ_MS);
    try {
      for (const stage of recentlyRead ? [AWSPENDING] : [AWSCURRENT, AWSPENDING]) {
        const candidate = await this.#read(stage);
        if (candidate === undefined || refused.some((r) => sameCredentials(r, candidate))) continue;
        try {
          return await this.#tokenFor(candidate);
        } catch (error) {
          if (!isCredentialRefusal(error)) throw error;
          refused.push(candidate);
          lastError = error;
        }
      }
      throw lastError;
    } catch (error) {
      // Forget the cached secret only if Genesys Cloud refused it: a refused fresh read, or a Secrets
      // Manager or network failure, says nothing against it (it may still carry us through an outage).
      const cached = this.#secret;
      if (cached !== undefined && refused.some((r) => sameCredentials(r, cached))) this.#secret = undefined;
      throw error;
    }
  }

  async #tokenFor(secret: SecretRead): Promise<AccessToken> {
    const token = await this.#genesys(secret.doc.environment).getToken({ clientId: secret.doc.clientId, clientSecret: secret.doc.clientSecret });
    this.#secret = secret;
    this.#token = token;
    this.#retryRenewalAtMs = 0;
    this.#tokenRejected = false;
    this.#log.info('Access token obtained', { secretId: this.#secretId, clientId: secret.doc.clientId, versionId: secret.versionId, stage: secret.stage, expiresInSeconds: token.expiresInSeconds });
    return token;
  }

  /**
   * The cached secret while younger than `secretMaxAgeMs`, else AWSCURRENT read afresh. If that read
   * fails for any reason but "not found", the cached secret is used once more (it keeps its old read
   * time, so the next refresh tries Secrets Manager again).
   */
  async #secretForToken(): Promise<{ secret: SecretRead; freshlyRead: boolean }> {
    const cached = this.#secret;
    if (cached !== undefined && this.#now() - cached.readAtMs < this.#secretMaxAgeMs) return { secret: cached, freshlyRead: false };
    try {
      // getValue: a secret without AWSCURRENT is an error here (SecretsManagerError), not a fallback case.
      return { secret: this.#toRead(await this.#bounded(this.#store.getValue(this.#secretId, { stage: AWSCURRENT })), AWSCURRENT), freshlyRead: true };
    } catch (error) {
      if (cached === undefined || isSecretGone(error)) throw error;
      this.#log.warn('Could not re-read the secret; using the cached one until a later refresh', { secretId: this.#secretId, clientId: cached.doc.clientId, versionId: cached.versionId, stage: cached.stage, ...describeError(error) });
      return { secret: cached, freshlyRead: false };
    }
  }

  async #read(stage: string): Promise<SecretRead | undefined> {
    const value = await this.#bounded(this.#store.findValue(this.#secretId, { stage }));
    if (value === undefined) return undefined;
    // A pending version that also carries AWSCURRENT is the current one (finishSecret ran): its credentials
    // are skipped if they were already tried, and used if finishSecret ran after our AWSCURRENT read.
    return this.#toRead(value, value.stages.includes(AWSCURRENT) ? AWSCURRENT : stage);
  }

  /**
   * A Secrets Manager read, or `SecretsManagerError` (`TimeoutError`) once `secretsManagerTimeoutMs` has
   * passed. The read itself is not cancelled (SecretsStore takes no signal); its late answer is dropped,
   * and the client's own timeouts close the request.
   */
  async #bounded<T>(read: Promise<T>): Promise<T> {
    const timeoutMs = this.#secretsManagerTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new SecretsManagerError('GetSecretValue', this.#secretId, 'TimeoutError', { cause: new DOMException(`No answer within ${timeoutMs} ms`, 'TimeoutError') }));
      }, timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([read, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  #toRead(value: SecretValue, stage: string): SecretRead {
    return { versionId: value.versionId, stage, doc: parseConsumerCredentials(value.secretString, this.#secretId), readAtMs: this.#now() };
  }
}

/** The product's Genesys client (retries, timeouts, typed errors) over Node's built-in HTTP: no HTTP library is bundled. */
function defaultGenesysFactory(options: CredentialProviderOptions): (environment: GenesysEnvironment) => GenesysApi {
  const baseUrl = options.genesysBaseUrl ?? (process.env.GENESYS_CLOUD_BASE_URL || undefined);
  const transport = options.fetch !== undefined ? fetchTransport(options.fetch) : nodeTransport();
  return clientsByEnvironment((environment) => new GenesysApiClient({ environment, transport, ...(baseUrl !== undefined ? { baseUrl } : {}) }));
}

/** Create a provider for one secret. Keep one per secret for the life of the process (module scope in a Lambda). */
export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  return new SecretsManagerCredentialProvider(options);
}
