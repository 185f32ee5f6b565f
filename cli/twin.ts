/**
 * The standby twin of a client-credentials client (an alternating pair's second client): same grant,
 * role divisions and token lifetime, named after the original. Shared by `pair` and `bootstrap`.
 * Idempotent: a client that already has the twin's name is the twin. The new client's secret, which
 * Genesys Cloud returns once, is dropped unread: the rotator gives the standby its secret at its first
 * rotation.
 */
import type { AccessToken, GenesysApi, OAuthClientInfo } from '../lambdas/core/genesys/types';

export const CLIENT_CREDENTIALS = 'CLIENT-CREDENTIALS';

export function twinName(client: Pick<OAuthClientInfo, 'name' | 'id'>): string {
  return `${client.name !== '' ? client.name : client.id} (standby twin)`;
}

/** The twin of `source` among `clients`, or a new one (needs oauth:client:add); `created` says which. */
export async function twinOf(
  genesys: GenesysApi,
  token: AccessToken,
  source: OAuthClientInfo,
  clients: readonly OAuthClientInfo[],
): Promise<{ readonly twin: OAuthClientInfo; readonly created: boolean }> {
  const name = twinName(source);
  const existing = clients.find((c) => c.name === name && c.id !== source.id);
  if (existing !== undefined) return { twin: existing, created: false };
  const twin = await genesys.createOAuthClient(token, {
    name,
    description: `Standby twin of OAuth client ${source.id} for alternating rotation by genesys-oauth-rotator`,
    authorizedGrantType: CLIENT_CREDENTIALS,
    ...(source.accessTokenValiditySeconds !== undefined ? { accessTokenValiditySeconds: source.accessTokenValiditySeconds } : {}),
    roleDivisions: source.roleDivisions,
  });
  return { twin, created: true };
}
