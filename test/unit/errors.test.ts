import { GenesysApiError, GenesysAuthError, GenesysPermissionError, isCredentialRefusal } from '../../lambdas/core/errors';

const token = (status: number | undefined, code?: string) =>
  new GenesysAuthError('refused', { method: 'POST', path: '/oauth/token', ...(status !== undefined ? { status } : {}), ...(code !== undefined ? { code } : {}) });

describe('isCredentialRefusal', () => {
  it.each<[string, unknown, boolean]>([
    ['401 invalid_client (the documented body)', token(401, 'invalid_client'), true],
    ['400 invalid_client', token(400, 'invalid_client'), true],
    ['401 with an empty or non-JSON body', token(401), true],
    ['401 with a Platform API body', token(401, 'bad.credentials'), true],
    ['400 unsupported_grant_type (our request, not the secret)', token(400, 'unsupported_grant_type'), false],
    ['400 unauthorized_client (grant type not allowed for the client)', token(400, 'unauthorized_client'), false],
    ['429 from the token endpoint', token(429), false],
    ['401 from an API path (a bearer token, not the secret)', new GenesysAuthError('x', { method: 'GET', path: '/api/v2/tokens/me', status: 401, code: 'bad.credentials' }), false],
    ['403 on an API path', new GenesysPermissionError('x', { method: 'POST', path: '/api/v2/oauth/clients/a/secret', status: 403 }), false],
    ['a 500', new GenesysApiError('x', { method: 'POST', path: '/oauth/token', status: 500 }), false],
    ['not an error', 'invalid_client', false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isCredentialRefusal(error)).toBe(expected);
  });
});
