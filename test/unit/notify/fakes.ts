/** Fakes shared by the notifier unit tests: an in-memory secret store and a scripted Genesys API. */
import type { SecretValue } from '../../../lambdas/core/aws/secrets-store';
import { secretNameFromArn, type Bindings } from '../../../lambdas/core/bindings';
import { GenesysNotFoundError, SecretsManagerError } from '../../../lambdas/core/errors';
import type { RotatedEventDetail } from '../../../lambdas/core/events';
import { AccessToken, type GenesysApi, type IntegrationCredential } from '../../../lambdas/core/genesys/types';
import type { Log } from '../../../lambdas/core/log';

export const APP_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
export const ADMIN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin-AbCdEf';

/** What the stack binds for the two secrets above (`app` alternating under the `admin` pair). */
export const BINDINGS: Bindings = {
  version: 1,
  secrets: {
    app: { environment: 'mypurecloud.com', clientIds: ['app-a', 'app-b'], adminSecret: 'admin' },
    admin: { environment: 'mypurecloud.com', clientIds: ['admin-a', 'admin-b'] },
  },
};

export function detailFor(versionId: string, overrides: Partial<RotatedEventDetail> = {}): RotatedEventDetail {
  return {
    secretArn: APP_ARN,
    versionId,
    clientId: 'app-b',
    environment: 'mypurecloud.com',
    strategy: 'alternating',
    emergency: false,
    rotatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** `secrets[secretId] = { versionId, value }` is what AWSCURRENT returns. */
export function fakeSecrets(current: Record<string, { versionId: string; value: unknown }>) {
  return {
    getValue: jest.fn((secretId: string, selector: { stage?: string }): Promise<SecretValue> => {
      // By ARN, or by name as the notifier reads the bound admin pair.
      const entry = current[secretId] ?? Object.entries(current).find(([arn]) => secretNameFromArn(arn) === secretId)?.[1];
      if (entry === undefined || selector.stage !== 'AWSCURRENT') {
        return Promise.reject(new SecretsManagerError('GetSecretValue', secretId, 'ResourceNotFoundException'));
      }
      const secretString = typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value);
      return Promise.resolve({ versionId: entry.versionId, secretString, stages: ['AWSCURRENT'] });
    }),
  };
}

export function fakeGenesys(credentials: Record<string, IntegrationCredential> = {}) {
  const notFound = (id: string) =>
    new GenesysNotFoundError('Genesys Cloud found no such entity', { method: 'GET', path: `/api/v2/integrations/credentials/${id}`, status: 404, code: 'not.found' });
  const api = {
    getToken: jest.fn((creds: { clientId: string }) => Promise.resolve(new AccessToken(`token-for-${creds.clientId}`, 'bearer', 86_400, 0))),
    getIntegrationCredential: jest.fn((_token: AccessToken, id: string) => {
      const credential = credentials[id];
      return credential ? Promise.resolve(credential) : Promise.reject(notFound(id));
    }),
    putIntegrationCredential: jest.fn(() => Promise.resolve()),
    getTokenInfo: jest.fn(),
    getOAuthClient: jest.fn(),
    listOAuthClients: jest.fn(),
    createOAuthClient: jest.fn(),
    regenerateSecret: jest.fn(),
    setOAuthClientState: jest.fn(),
    probe: jest.fn(),
    getClientUsage: jest.fn(),
  };
  return api satisfies Record<keyof GenesysApi, unknown>;
}

export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(attributes ?? {})}`);
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
