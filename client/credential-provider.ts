/**
 * The consumer credential provider: an integration's access token, from the secret document it reads
 * at run time (only `environment`, `clientId`, `clientSecret` are used; DESIGN.md §1).
 *
 * - The secret and the token are cached; the token is renewed before it expires.
 * - On `invalid_client` it re-reads AWSCURRENT (a rotation finished since the cache was filled), then
 *   AWSPENDING (a `single` rotation is between createSecret and finishSecret: AWSCURRENT holds a
 *   secret Genesys Cloud no longer accepts; DESIGN.md §2), and tries each once.
 * - Concurrent callers share one in-flight refresh.
 * - No timers: nothing keeps a Lambda or a Node process alive, work happens when a caller asks.
 * - Never logs a secret or a token; errors are the Genesys client's and Secrets Manager's typed ones.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Dispatcher } from 'undici';
import { AWSCURRENT, AWSPENDING, SecretsStore, type SecretValue } from '../lambdas/core/aws/secrets-store';
import { isCredentialRefusal, type GenesysAuthError } from '../lambdas/core/errors';
import { genesysClientsByEnvironment } from '../lambdas/core/genesys/client';
import type { AccessToken, GenesysApi } from '../lambdas/core/genesys/types';
import { silentLog, type Log } from '../lambdas/core/log';
import { describeError } from '../lambdas/core/redaction';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import { parseSecretDocument, type SecretDocument } from '../lambdas/core/secret-document';

export interface CredentialProviderOptions {
  /** ARN or name of the secret holding the integration's secret document. */
  readonly secretId: string;
  /** @default `new SecretsManagerClient({})` (region and endpoint from the SDK's own variables) */
  readonly secretsManager?: SecretsManagerClient;
  /** Genesys Cloud client per region. @default the product's client (undici), one per environment */
  readonly genesys?: (environment: GenesysEnvironment) => GenesysApi;
  /** Base URL serving `/oauth/token` for local stand-ins. @default `process.env.GENESYS_CLOUD_BASE_URL` (unset in production) */
  readonly genesysBaseUrl?: string;
  /** undici dispatcher for the default Genesys client. */
  readonly dispatcher?: Dispatcher;
  /** How long a secret read is reused before AWSCURRENT is read again for the next token. @default 1 hour */
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
   * A valid access token for the integration's client (`Authorization: Bearer <token>`).
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
  readonly doc: SecretDocument;
  readonly readAtMs: number;
}

const DEFAULT_SECRET_MAX_AGE_MS = 3_600_000;
const DEFAULT_REFRESH_MARGIN_MS = 300_000;

const sameCredentials = (a: SecretRead, b: SecretRead): boolean => a.doc.clientId === b.doc.clientId && a.doc.clientSecret === b.doc.clientSecret;

class SecretsManagerCredentialProvider implements CredentialProvider {
  readonly #secretId: string;
  readonly #store: SecretsStore;
  readonly #genesys: (environment: GenesysEnvironment) => GenesysApi;
  readonly #secretMaxAgeMs: number;
  readonly #refreshMarginMs: number;
  readonly #now: () => number;
  readonly #log: Log;
  #secret: SecretRead | undefined;
  #token: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;

  constructor(options: CredentialProviderOptions) {
    this.#secretId = options.secretId;
    this.#store = new SecretsStore(options.secretsManager ?? new SecretsManagerClient({}));
    this.#genesys = options.genesys ?? defaultGenesysFactory(options);
    this.#secretMaxAgeMs = options.secretMaxAgeMs ?? DEFAULT_SECRET_MAX_AGE_MS;
    this.#refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? silentLog;
  }

  async getAccessToken(): Promise<string> {
    const cached = this.#token;
    if (cached !== undefined && this.#now() < this.#renewAtMs(cached)) return cached.reveal();
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    try {
      return (await this.#inflight).reveal();
    } catch (error) {
      // Renewal failed but the old token has not expired yet: keep serving it, the next call tries again.
      if (cached !== undefined && cached === this.#token && this.#now() < cached.expiresAtMs) {
        this.#log.warn('Token renewal failed; using the cached token until it expires', { secretId: this.#secretId, ...describeError(error) });
        return cached.reveal();
      }
      throw error;
    }
  }

  invalidate(rejectedToken?: string): void {
    if (this.#token === undefined) return;
    if (rejectedToken === undefined || this.#token.reveal() === rejectedToken) this.#token = undefined;
  }

  #renewAtMs(token: AccessToken): number {
    const lifetimeMs = token.expiresInSeconds * 1000;
    return token.expiresAtMs - Math.min(this.#refreshMarginMs, lifetimeMs / 2);
  }

  async #refresh(): Promise<AccessToken> {
    const first = await this.#cachedOrCurrent();
    try {
      return await this.#tokenFor(first);
    } catch (error) {
      if (!isCredentialRefusal(error)) throw error;
      this.#log.info('Client credentials refused (invalid_client); re-reading the secret', { secretId: this.#secretId, clientId: first.doc.clientId, versionId: first.versionId, stage: first.stage });
      return await this.#recover(first, error);
    }
  }

  /** After `invalid_client`: AWSCURRENT again (a rotation may have finished), then AWSPENDING (a `single` rotation in progress). */
  async #recover(failed: SecretRead, firstError: GenesysAuthError): Promise<AccessToken> {
    const tried = [failed];
    let lastError = firstError;
    for (const stage of [AWSCURRENT, AWSPENDING]) {
      const candidate = await this.#read(stage);
      if (candidate === undefined || tried.some((t) => sameCredentials(t, candidate))) continue;
      tried.push(candidate);
      try {
        return await this.#tokenFor(candidate);
      } catch (error) {
        if (!isCredentialRefusal(error)) throw error;
        lastError = error;
      }
    }
    this.#secret = undefined; // nothing worked: read afresh next time
    throw lastError;
  }

  async #tokenFor(secret: SecretRead): Promise<AccessToken> {
    const token = await this.#genesys(secret.doc.environment).getToken({ clientId: secret.doc.clientId, clientSecret: secret.doc.clientSecret });
    this.#secret = secret;
    this.#token = token;
    this.#log.info('Access token obtained', { secretId: this.#secretId, clientId: secret.doc.clientId, versionId: secret.versionId, stage: secret.stage, expiresInSeconds: token.expiresInSeconds });
    return token;
  }

  async #cachedOrCurrent(): Promise<SecretRead> {
    const cached = this.#secret;
    if (cached !== undefined && this.#now() - cached.readAtMs < this.#secretMaxAgeMs) return cached;
    // getValue: a secret without AWSCURRENT is an error here (SecretsManagerError), not a fallback case.
    return this.#toRead(await this.#store.getValue(this.#secretId, { stage: AWSCURRENT }), AWSCURRENT);
  }

  async #read(stage: string): Promise<SecretRead | undefined> {
    const value = await this.#store.findValue(this.#secretId, { stage });
    if (value === undefined) return undefined;
    if (stage === AWSPENDING && value.stages.includes(AWSCURRENT)) return undefined; // no rotation in progress
    return this.#toRead(value, stage);
  }

  #toRead(value: SecretValue, stage: string): SecretRead {
    return { versionId: value.versionId, stage, doc: parseSecretDocument(value.secretString, this.#secretId), readAtMs: this.#now() };
  }
}

function defaultGenesysFactory(options: CredentialProviderOptions): (environment: GenesysEnvironment) => GenesysApi {
  return genesysClientsByEnvironment({
    baseUrl: options.genesysBaseUrl ?? (process.env.GENESYS_CLOUD_BASE_URL || undefined),
    dispatcher: options.dispatcher,
  });
}

/** Create a provider for one secret. Keep one per secret for the life of the process (module scope in a Lambda). */
export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  return new SecretsManagerCredentialProvider(options);
}
