/**
 * `POST /oauth/token`, client credentials grant (GENESYS-API.md §2).
 *
 * Order of checks (UNCONFIRMED, as RFC 6749 servers usually do it): the client is authenticated first,
 * then the grant type is looked at; so bad credentials answer 401 whatever the grant type.
 */
import type { Directory } from './directory';
import { oauthError } from './errors';
import type { Reply } from './reply';

export interface TokenRequestCredentials {
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/**
 * Credentials from HTTP Basic (§2, the SDKs' way) or else the form fields `client_id`/`client_secret`
 * (§2: UNCONFIRMED that Genesys accepts them; RFC 6749 §2.3.1 allows it). Basic wins when both are sent.
 * Basic credentials are not %-decoded: the SDKs do not encode them (JS `btoa(id:secret)`).
 */
export function tokenRequestCredentials(authorization: string | undefined, form: URLSearchParams): TokenRequestCredentials {
  const match = authorization === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] !== undefined) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { clientId: decoded } : { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  const clientId = form.get('client_id') ?? undefined;
  const clientSecret = form.get('client_secret') ?? undefined;
  return { ...(clientId === undefined ? {} : { clientId }), ...(clientSecret === undefined ? {} : { clientSecret }) };
}

export function handleTokenRequest(directory: Directory, credentials: TokenRequestCredentials, form: URLSearchParams): Reply {
  // §2: unknown client → "client not found"; wrong secret, disabled or inactive client → "authentication failed".
  // Missing credentials (UNCONFIRMED): no client id reads as an unknown client, no secret as a wrong one.
  if (credentials.clientId === undefined || credentials.clientId === '') {
    return oauthError(401, 'invalid_client', 'client not found');
  }
  const check = directory.checkSecret(credentials.clientId, credentials.clientSecret ?? '');
  if (!check.ok) return oauthError(401, 'invalid_client', check.reason);

  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') {
    return oauthError(400, 'invalid_request', 'missing grant type'); // UNCONFIRMED text (RFC 6749 §5.2 code)
  }
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'unsupported grant type'); // UNCONFIRMED text
  }
  if (check.client.authorizedGrantType !== 'CLIENT-CREDENTIALS') {
    // UNCONFIRMED: RFC 6749 §5.2 `unauthorized_client` for a client not allowed this grant.
    return oauthError(400, 'unauthorized_client', 'client is not authorized for this grant type');
  }
  const { accessToken, expiresInSeconds } = directory.issueToken(check.client);
  // §2: `bearer` and `expires_in` = the client's accessTokenValiditySeconds (86399 vs 86400 UNCONFIRMED).
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'bearer', expires_in: expiresInSeconds },
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  };
}
