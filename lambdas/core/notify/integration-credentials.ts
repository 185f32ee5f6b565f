/**
 * Keeps Genesys Cloud Data Actions working after a rotation: each configured integration credential
 * (type `pureCloudOAuthClient`) gets the new AWSCURRENT client id and secret, keeping its name and
 * type (GENESYS-API.md §5). Idempotent: repeating it writes the same values again.
 */
import { AWSCURRENT, type SecretsStore } from '../aws/secrets-store';
import { assertDocumentMatchesBinding, bindingFor, readBoundAdmin, secretNameFromArn, type Bindings } from '../bindings';
import { GenesysNotFoundError, GenesysPermissionError, IntegrationCredentialUpdateError, ValidationError, type GenesysError, type GenesysErrorDetails } from '../errors';
import type { RotatedEventDetail } from '../events';
import type { AccessToken, GenesysApi } from '../genesys/types';
import type { Log } from '../log';
import type { GenesysEnvironment } from '../regions';
import { describeError } from '../redaction';
import { parseSecretDocument, type SecretDocument } from '../secret-document';

/** The only credential type whose fields we know how to fill (`clientId`, `clientSecret`). */
export const PURECLOUD_OAUTH_CREDENTIAL_TYPE = 'pureCloudOAuthClient';

export interface CredentialUpdateDeps {
  readonly secrets: Pick<SecretsStore, 'getValue'>;
  /** The deployment's bindings (DESIGN.md §3): which clients and admin pair each secret may use. */
  readonly bindings: Bindings;
  readonly genesysFor: (environment: GenesysEnvironment) => GenesysApi;
  readonly log: Log;
}

export type CredentialUpdateOutcome =
  | { readonly kind: 'none-configured' }
  /** AWSCURRENT is already a newer version: the newer rotation's event updates the credentials. */
  | { readonly kind: 'skipped-newer-version'; readonly currentVersionId: string }
  | { readonly kind: 'updated'; readonly credentialIds: readonly string[] };

function detailsOf(error: GenesysError): GenesysErrorDetails {
  return {
    method: error.method,
    path: error.path,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
    ...(error.correlationId !== undefined ? { correlationId: error.correlationId } : {}),
  };
}

/** 403 and 404 say what to fix; everything else passes through unchanged. */
function explain(error: unknown, credentialId: string, secretArn: string, adminClientId: string): unknown {
  if (error instanceof GenesysNotFoundError) {
    return new GenesysNotFoundError(
      `Integration credential ${credentialId} (configured for ${secretArn}) does not exist in Genesys Cloud: fix or remove its id in the deployment configuration`,
      detailsOf(error),
      { cause: error },
    );
  }
  if (error instanceof GenesysPermissionError) {
    return new GenesysPermissionError(
      `Admin client ${adminClientId} may not update integration credential ${credentialId}: its role needs integrations:integration:view and integrations:integration:edit`,
      detailsOf(error),
      { cause: error },
    );
  }
  return error;
}

/**
 * The secret's document, checked against its binding, and the admin pair the binding names (read by
 * the bound name, never by the document's `adminSecretId`); the admin pair's own secret uses its own
 * new credentials. The same line the rotate function holds: an edited document cannot make the
 * notifier write another client's credentials into a Data Action, or use another admin pair.
 */
async function boundDocumentAndAdmin(secretArn: string, secretString: string | undefined, deps: CredentialUpdateDeps): Promise<{ doc: SecretDocument; admin: SecretDocument }> {
  const name = secretNameFromArn(secretArn) ?? secretArn;
  const binding = bindingFor(deps.bindings, { name, arn: secretArn });
  const doc = parseSecretDocument(secretString, secretArn);
  assertDocumentMatchesBinding(doc, binding, secretArn, `${secretArn} (${AWSCURRENT})`);
  const admin = await readBoundAdmin(deps.secrets, deps.bindings, binding, secretArn);
  return { doc, admin: admin?.doc ?? doc };
}

async function updateOne(genesys: GenesysApi, token: AccessToken, credentialId: string, doc: SecretDocument): Promise<void> {
  const existing = await genesys.getIntegrationCredential(token, credentialId);
  if (existing.type.name !== PURECLOUD_OAUTH_CREDENTIAL_TYPE) {
    throw new ValidationError(
      `Integration credential ${credentialId} cannot take OAuth client credentials`,
      'type.name',
      `"${PURECLOUD_OAUTH_CREDENTIAL_TYPE}" (got "${existing.type.name}")`,
    );
  }
  await genesys.putIntegrationCredential(token, credentialId, {
    name: existing.name,
    type: { name: existing.type.name },
    credentialFields: { clientId: doc.clientId, clientSecret: doc.clientSecret },
  });
}

/**
 * Update every configured credential with the rotated secret's AWSCURRENT.
 * @throws the credential's error (GenesysNotFoundError / GenesysPermissionError with what to fix, ...)
 *   when one update failed, or an IntegrationCredentialUpdateError listing them when several did; the others are still tried.
 */
export async function updateIntegrationCredentials(
  detail: RotatedEventDetail,
  credentialIds: readonly string[],
  deps: CredentialUpdateDeps,
): Promise<CredentialUpdateOutcome> {
  if (credentialIds.length === 0) return { kind: 'none-configured' };
  const { secretArn, versionId } = detail;

  const current = await deps.secrets.getValue(secretArn, { stage: AWSCURRENT });
  if (current.versionId !== versionId) {
    deps.log.info('Skipping integration credential update: a newer rotation is already AWSCURRENT and its event updates them', {
      secretArn,
      eventVersionId: versionId,
      currentVersionId: current.versionId,
    });
    return { kind: 'skipped-newer-version', currentVersionId: current.versionId };
  }

  const { doc, admin } = await boundDocumentAndAdmin(secretArn, current.secretString, deps);
  const genesys = deps.genesysFor(doc.environment);
  const token = await genesys.getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret });

  const failures: { credentialId: string; error: unknown }[] = [];
  for (const credentialId of credentialIds) {
    try {
      await updateOne(genesys, token, credentialId, doc);
      deps.log.info('Integration credential updated', { secretArn, versionId, credentialId, clientId: doc.clientId });
    } catch (error) {
      const explained = explain(error, credentialId, secretArn, admin.clientId);
      deps.log.error('Integration credential update failed', { secretArn, versionId, credentialId, ...describeError(explained) });
      failures.push({ credentialId, error: explained });
    }
  }

  const [first] = failures;
  if (first !== undefined && failures.length === 1) throw first.error;
  if (failures.length > 1) {
    const list = failures.map((f) => `${f.credentialId} (${f.error instanceof Error ? f.error.name : 'error'})`).join(', ');
    throw new IntegrationCredentialUpdateError(`${failures.length} of ${credentialIds.length} integration credential updates failed for ${secretArn}: ${list}`, {
      cause: new AggregateError(failures.map((f) => f.error)),
    });
  }
  return { kind: 'updated', credentialIds };
}
