/**
 * `authorizePlatformClient` against a stand-in shaped like the SDK's `ApiClient`: `callApi` reads the
 * token synchronously when called (as the SDK does while building the request) and rejects the way
 * the SDK does. test/integration/client/platform-client.test.ts drives the real SDK.
 */
import { authorizePlatformClient, platformErrorStatus, type PlatformApiClient } from '../../../client/platform-client';
import type { CredentialProvider } from '../../../client/credential-provider';

/** The SDK's default rejection: the Platform API error body. */
const sdkError = (status: number, code: string) => ({ message: `error ${code}`, code, status, contextId: 'ctx', details: [], errors: [] });

/** An ApiClient whose server refuses the tokens in `refused`; records the token each call was sent with. */
function fakeApiClient(refused: Set<string>, answer: (token: string | undefined, args: unknown[]) => unknown = (token) => ({ token })) {
  const sent: (string | undefined)[] = [];
  const client = {
    token: undefined as string | undefined,
    setAccessToken: jest.fn((token: string) => {
      client.token = token;
    }),
    callApi: function callApi(this: { token: string | undefined }, ...args: unknown[]): Promise<unknown> {
      const token = this.token; // read now, as the SDK's applyAuthToRequest does
      sent.push(token);
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          // The SDK rejects with the response body, not an Error.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          if (token !== undefined && refused.has(token)) reject(sdkError(401, 'bad.credentials'));
          else resolve(answer(token, args));
        });
      });
    } as PlatformApiClient['callApi'],
  };
  return { client, sent };
}

/** A provider handing out tok-1, tok-2, ...: a new one after each invalidate of the current one. */
function fakeProvider() {
  let issued = 0;
  let current: string | undefined;
  const provider = {
    getAccessToken: jest.fn(() => {
      current ??= `tok-${++issued}`;
      return Promise.resolve(current);
    }),
    invalidate: jest.fn((rejected?: string) => {
      if (rejected === undefined || rejected === current) current = undefined;
    }),
  } satisfies CredentialProvider;
  return provider;
}

const call = (client: PlatformApiClient, ...args: unknown[]): Promise<unknown> => client.callApi(...(args as never[]));

describe('Function: authorizePlatformClient', () => {
  it("sends each call with the provider's token, set just before the call", async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set());
    const provider = fakeProvider();
    authorizePlatformClient(client, provider);

    // Act
    const result = await call(client, '/api/v2/tokens/me', 'GET');

    // Assess
    expect(result).toEqual({ token: 'tok-1' });
    expect(sent).toEqual(['tok-1']);
    expect(provider.invalidate).not.toHaveBeenCalled();
  });

  it('passes the arguments through unchanged and keeps `this` the ApiClient', async () => {
    // Prepare
    const seen: unknown[][] = [];
    const { client } = fakeApiClient(new Set(), (_token, args) => {
      seen.push(args);
      return 'ok';
    });
    authorizePlatformClient(client, fakeProvider());

    // Act
    await call(client, '/api/v2/users/{userId}', 'GET', { userId: 'u-1' }, {}, {}, {}, null, ['PureCloud OAuth'], ['application/json'], ['application/json']);

    // Assess
    expect(seen).toEqual([['/api/v2/users/{userId}', 'GET', { userId: 'u-1' }, {}, {}, {}, null, ['PureCloud OAuth'], ['application/json'], ['application/json']]]);
  });

  it('on 401 invalidates the refused token, sets a fresh one and retries once', async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set(['tok-1']));
    const provider = fakeProvider();
    authorizePlatformClient(client, provider);

    // Act
    const result = await call(client, '/api/v2/tokens/me', 'GET');

    // Assess
    expect(result).toEqual({ token: 'tok-2' });
    expect(sent).toEqual(['tok-1', 'tok-2']);
    expect(provider.invalidate).toHaveBeenCalledWith('tok-1');
  });

  it("rejects with the SDK's own error when the fresh token is refused too, and drops that token", async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set(['tok-1', 'tok-2']));
    const provider = fakeProvider();
    authorizePlatformClient(client, provider);

    // Act
    const error = await call(client, '/api/v2/tokens/me', 'GET').catch((e: unknown) => e);

    // Assess
    expect(error).toEqual(sdkError(401, 'bad.credentials'));
    expect(sent).toEqual(['tok-1', 'tok-2']);
    expect(provider.invalidate.mock.calls).toEqual([['tok-1'], ['tok-2']]);
  });

  it.each([403, 404, 429, 500])('does not retry a %p', async (status) => {
    // Prepare
    const { client } = fakeApiClient(new Set());
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the SDK rejects with the response body
    const original = jest.fn(() => Promise.reject(sdkError(status, 'other')));
    client.callApi = original;
    const provider = fakeProvider();
    authorizePlatformClient(client, provider);

    // Act
    const error = await call(client).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status });
    expect(original).toHaveBeenCalledTimes(1);
    expect(provider.invalidate).not.toHaveBeenCalled();
  });

  it('rejects with the provider error when no token can be had, without calling the API', async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set());
    const failure = new Error('Secrets Manager is down');
    authorizePlatformClient(client, { getAccessToken: () => Promise.reject(failure), invalidate: jest.fn() });

    // Act / Assess
    await expect(call(client)).rejects.toBe(failure);
    expect(sent).toEqual([]);
  });

  it('gives concurrent calls the token current when each starts, and shares one renewal after a 401', async () => {
    // Prepare: tok-1 is refused; ten calls start together with it
    const { client, sent } = fakeApiClient(new Set(['tok-1']));
    const provider = fakeProvider();
    authorizePlatformClient(client, provider);

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => call(client)));

    // Assess: every call ends with tok-2 (the first invalidate drops tok-1; the others find tok-2 current)
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ token: 'tok-2' })));
    expect(sent.filter((t) => t === 'tok-1')).toHaveLength(10);
    expect(sent.filter((t) => t === 'tok-2')).toHaveLength(10);
  });

  it("restores the SDK's own callApi on detach, and authorizing again replaces the provider", async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set());
    const original = client.callApi;
    const first = fakeProvider();
    const second = { getAccessToken: () => Promise.resolve('other-token'), invalidate: jest.fn() };

    // Act
    authorizePlatformClient(client, first);
    const detach = authorizePlatformClient(client, second);
    await call(client);
    detach();
    client.setAccessToken('manual');
    await call(client);

    // Assess
    expect(sent).toEqual(['other-token', 'manual']);
    expect(first.getAccessToken).not.toHaveBeenCalled();
    expect(client.callApi).toBe(original);
  });

  it('leaves a later authorization in place when an earlier detach runs', async () => {
    // Prepare
    const { client, sent } = fakeApiClient(new Set());
    const detachFirst = authorizePlatformClient(client, fakeProvider());
    authorizePlatformClient(client, { getAccessToken: () => Promise.resolve('second'), invalidate: jest.fn() });

    // Act
    detachFirst();
    await call(client);

    // Assess
    expect(sent).toEqual(['second']);
  });
});

describe('Function: platformErrorStatus', () => {
  it.each([
    ['the Platform API error body (default rejection)', sdkError(401, 'bad.credentials'), 401],
    ['an extended response', { status: 401, statusText: 'Unauthorized', headers: {}, body: {}, text: '', error: {} }, 401],
    ["an HTTP client's error", { message: 'Request failed', response: { status: 403 } }, 403],
    ['nothing useful', undefined, undefined],
    ['a string', 'Unauthorized', undefined],
    ['a non-numeric status', { status: '401' }, undefined],
  ])('reads the status of %s', (_case, error, expected) => {
    // Act / Assess
    expect(platformErrorStatus(error)).toBe(expected);
  });
});
