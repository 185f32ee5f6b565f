/**
 * Genesys Cloud access for read-only checks: an admin token (for usage and OAuth client reads) taken
 * from the admin pair named by `adminSecretId`, or from the secret itself when it is the admin pair.
 * Tokens are cached for one CLI run and never leave this module except to call Genesys.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT } from '../lambdas/core/aws/secrets-store';
import { SecretDocumentError } from '../lambdas/core/errors';
import type { AccessToken, GenesysApi } from '../lambdas/core/genesys/types';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import type { SecretDocument } from '../lambdas/core/secret-document';
import { checkClientUsage, type UsageSummary } from '../lambdas/core/status/usage-check';
import { readDocument } from './aws/managed-secrets';

export class GenesysAccess {
  readonly #tokens = new Map<string, Promise<AccessToken>>();

  constructor(
    private readonly secretsManager: SecretsManagerClient,
    private readonly genesys: (environment: GenesysEnvironment) => GenesysApi,
  ) {}

  api(environment: GenesysEnvironment): GenesysApi {
    return this.genesys(environment);
  }

  /** A token of the admin pair that manages `doc` (the secret's own credentials for the admin pair itself). */
  async adminToken(secretArn: string, doc: SecretDocument): Promise<AccessToken> {
    const key = doc.adminSecretId ?? secretArn;
    let token = this.#tokens.get(key);
    if (token === undefined) {
      token = this.#adminDocument(secretArn, doc).then(async (admin) => await this.genesys(admin.environment).getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret }));
      // A failure is not cached: the next secret tries again and reports its own error.
      void token.catch(() => this.#tokens.delete(key));
      this.#tokens.set(key, token);
    }
    return await token;
  }

  /** Usage of `clientId` over the last `days` days, judged against `since` (the last rotation). */
  async usage(secretArn: string, doc: SecretDocument, clientId: string, days: number, since?: Date): Promise<UsageSummary> {
    const token = await this.adminToken(secretArn, doc);
    return await checkClientUsage(this.genesys(doc.environment), token, clientId, { days, ...(since !== undefined ? { since } : {}) });
  }

  async #adminDocument(secretArn: string, doc: SecretDocument): Promise<SecretDocument> {
    if (doc.adminSecretId === undefined) return doc;
    const admin = await readDocument(this.secretsManager, doc.adminSecretId, { stage: AWSCURRENT });
    if (admin === undefined) {
      throw new SecretDocumentError(`Admin secret ${doc.adminSecretId} named by ${secretArn} has no AWSCURRENT value`, 'adminSecretId', 'an admin secret with a value');
    }
    return admin;
  }
}
