import { GenesysNotFoundError, GenesysPermissionError, IntegrationCredentialUpdateError, ValidationError } from '../../../lambdas/core/errors';
import type { GenesysApi } from '../../../lambdas/core/genesys/types';
import { updateIntegrationCredentials } from '../../../lambdas/core/notify/integration-credentials';
import { ADMIN_ARN, APP_ARN, BINDINGS, detailFor, fakeGenesys, fakeSecrets, recordingLog } from './fakes';

const APP_DOC = { environment: 'mypurecloud.com', clientId: 'app-b', clientSecret: 'app-b-new-secret', strategy: 'alternating', alternateClientId: 'app-a', adminSecretId: ADMIN_ARN, team: 'ops' };
const ADMIN_DOC = { environment: 'mypurecloud.com', clientId: 'admin-a', clientSecret: 'admin-a-secret', strategy: 'alternating', alternateClientId: 'admin-b' };
const CREDENTIAL = { id: 'cred-1', name: 'gc-data-actions', type: { name: 'pureCloudOAuthClient' }, credentialFields: { clientId: 'app-a' } };

function setup(options: { currentVersion?: string; credentials?: Record<string, typeof CREDENTIAL> } = {}) {
  const secrets = fakeSecrets({
    [APP_ARN]: { versionId: options.currentVersion ?? 'v-2', value: APP_DOC },
    [ADMIN_ARN]: { versionId: 'admin-v', value: ADMIN_DOC },
  });
  const genesys = fakeGenesys(options.credentials ?? { 'cred-1': CREDENTIAL });
  const log = recordingLog();
  const deps = { secrets, bindings: BINDINGS, genesysFor: () => genesys as unknown as GenesysApi, log };
  return { secrets, genesys, log, deps };
}

describe('Function: updateIntegrationCredentials', () => {
  it('writes the AWSCURRENT client id and secret, keeping the credential name and type, with an admin token', async () => {
    // Prepare
    const { genesys, deps } = setup();

    // Act
    const outcome = await updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], deps);

    // Assess
    expect(outcome).toEqual({ kind: 'updated', credentialIds: ['cred-1'] });
    expect(genesys.getToken).toHaveBeenCalledWith({ clientId: 'admin-a', clientSecret: 'admin-a-secret' });
    expect(genesys.putIntegrationCredential).toHaveBeenCalledWith(expect.anything(), 'cred-1', {
      name: 'gc-data-actions',
      type: { name: 'pureCloudOAuthClient' },
      credentialFields: { clientId: 'app-b', clientSecret: 'app-b-new-secret' },
    });
  });

  it("uses the admin pair's own new credentials when the secret has no adminSecretId", async () => {
    // Prepare
    const secrets = fakeSecrets({ [ADMIN_ARN]: { versionId: 'v-9', value: ADMIN_DOC } });
    const genesys = fakeGenesys({ 'cred-1': CREDENTIAL });

    // Act
    await updateIntegrationCredentials(detailFor('v-9', { secretArn: ADMIN_ARN }), ['cred-1'], { secrets, bindings: BINDINGS, genesysFor: () => genesys, log: recordingLog() });

    // Assess
    expect(genesys.getToken).toHaveBeenCalledWith({ clientId: 'admin-a', clientSecret: 'admin-a-secret' });
    expect(secrets.getValue).toHaveBeenCalledTimes(1);
  });

  it('skips the update and says why when a newer version is already AWSCURRENT', async () => {
    // Prepare
    const { genesys, log, deps } = setup({ currentVersion: 'v-3' });

    // Act
    const outcome = await updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], deps);

    // Assess
    expect(outcome).toEqual({ kind: 'skipped-newer-version', currentVersionId: 'v-3' });
    expect(genesys.getToken).not.toHaveBeenCalled();
    expect(genesys.putIntegrationCredential).not.toHaveBeenCalled();
    expect(log.lines.join('\n')).toMatch(/newer rotation.*"currentVersionId":"v-3"/);
  });

  it('does nothing, not even a secret read, when no credential is configured', async () => {
    const { secrets, deps } = setup();
    await expect(updateIntegrationCredentials(detailFor('v-2'), [], deps)).resolves.toEqual({ kind: 'none-configured' });
    expect(secrets.getValue).not.toHaveBeenCalled();
  });

  it('maps a 404 to a GenesysNotFoundError naming the credential and the secret', async () => {
    // Prepare
    const { deps } = setup();

    // Act
    const run = updateIntegrationCredentials(detailFor('v-2'), ['cred-missing'], deps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(GenesysNotFoundError);
    await expect(run).rejects.toThrow(/Integration credential cred-missing \(configured for .*app-AbCdEf\) does not exist/);
  });

  it('maps a 403 to a GenesysPermissionError naming the admin client and the permissions it needs', async () => {
    // Prepare
    const { genesys, deps } = setup();
    genesys.putIntegrationCredential.mockRejectedValueOnce(
      new GenesysPermissionError('Genesys Cloud refused: missing permission', { method: 'PUT', path: '/api/v2/integrations/credentials/cred-1', status: 403, code: 'missing.any.permissions' }),
    );

    // Act
    const run = updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], deps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(GenesysPermissionError);
    await expect(run).rejects.toThrow(/Admin client admin-a may not update integration credential cred-1: .*integrations:integration:edit.*status 403/);
  });

  it('refuses a credential of another type instead of overwriting its fields', async () => {
    // Prepare
    const { genesys, deps } = setup({ credentials: { 'cred-1': { ...CREDENTIAL, type: { name: 'basicAuth' } } } });

    // Act & Assess
    await expect(updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], deps)).rejects.toBeInstanceOf(ValidationError);
    expect(genesys.putIntegrationCredential).not.toHaveBeenCalled();
  });

  it('still tries every credential and lists all failures when several fail', async () => {
    // Prepare
    const { genesys, deps } = setup();

    // Act
    const run = updateIntegrationCredentials(detailFor('v-2'), ['gone-1', 'cred-1', 'gone-2'], deps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(IntegrationCredentialUpdateError);
    await expect(run).rejects.toThrow('2 of 3 integration credential updates failed');
    expect(genesys.putIntegrationCredential).toHaveBeenCalledTimes(1);
  });

  it('never logs the new secret or the admin secret', async () => {
    // Prepare
    const { log, deps } = setup();

    // Act
    await updateIntegrationCredentials(detailFor('v-2'), ['cred-1', 'cred-missing'], deps).catch(() => undefined);

    // Assess
    const text = log.lines.join('\n');
    expect(text).toContain('cred-1');
    expect(text).not.toContain('app-b-new-secret');
    expect(text).not.toContain('admin-a-secret');
  });

  describe('bindings', () => {
    it('refuses a document that names a client its binding does not, writing no credential', async () => {
      // Prepare: someone with write access to the app secret names another team's client.
      const secrets = fakeSecrets({
        [APP_ARN]: { versionId: 'v-2', value: { ...APP_DOC, clientId: 'victim' } },
        [ADMIN_ARN]: { versionId: 'admin-v', value: ADMIN_DOC },
      });
      const genesys = fakeGenesys({ 'cred-1': CREDENTIAL });

      // Act / Assess
      await expect(updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], { secrets, bindings: BINDINGS, genesysFor: () => genesys, log: recordingLog() })).rejects.toMatchObject({
        name: 'BindingMismatchError',
        field: 'clientId',
      });
      expect(genesys.getToken).not.toHaveBeenCalled();
      expect(genesys.putIntegrationCredential).not.toHaveBeenCalled();
    });

    it('refuses a document that names another admin pair, before any token request', async () => {
      // Prepare: the document points at another admin secret; only the bound one may be used.
      const OTHER_ADMIN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-admin-AbCdEf';
      const secrets = fakeSecrets({
        [APP_ARN]: { versionId: 'v-2', value: { ...APP_DOC, adminSecretId: OTHER_ADMIN } },
        [ADMIN_ARN]: { versionId: 'admin-v', value: ADMIN_DOC },
        [OTHER_ADMIN]: { versionId: 'x', value: { ...ADMIN_DOC, clientId: 'other-a', alternateClientId: 'other-b' } },
      });
      const genesys = fakeGenesys({ 'cred-1': CREDENTIAL });

      // Act / Assess
      await expect(updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], { secrets, bindings: BINDINGS, genesysFor: () => genesys, log: recordingLog() })).rejects.toMatchObject({
        name: 'BindingMismatchError',
        field: 'adminSecretId',
      });
      expect(genesys.getToken).not.toHaveBeenCalled();
    });

    it('refuses a secret the deployment does not bind', async () => {
      // Prepare
      const { deps, genesys } = setup();

      // Act / Assess
      await expect(updateIntegrationCredentials(detailFor('v-2'), ['cred-1'], { ...deps, bindings: { version: 1, secrets: {} } })).rejects.toMatchObject({ name: 'UnboundSecretError' });
      expect(genesys.putIntegrationCredential).not.toHaveBeenCalled();
    });
  });
});
