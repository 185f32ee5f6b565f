/**
 * The Genesys client over `fetch` (what the consumer client ships) behaves as over undici: same
 * requests, same retries, same typed errors, nothing secret in them. A stub `fetch` answers here; the
 * last block drops real connections on a loopback server and compares both transports.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenesysApiError, GenesysAuthError, GenesysNetworkError, GenesysRateLimitError } from '../../../lambdas/core/errors';
import { GenesysApiClient } from '../../../lambdas/core/genesys/api-client';
import { fetchTransport, type FetchFunction } from '../../../lambdas/core/genesys/fetch-transport';
import { nodeTransport } from '../../../lambdas/core/genesys/node-transport';
import { undiciTransport } from '../../../lambdas/core/genesys/undici-transport';
import type { HttpTransport } from '../../../lambdas/core/genesys/transport';
import { ACCESS_TOKEN, BASIC_VALUE, CLIENT_ID, CLIENT_SECRET, NOW_MS, platformError, recordingLog } from './mock-genesys';

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const tokenBody = { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 86399 };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Node's fetch rejects a failed connection with `TypeError: fetch failed`, the socket error as `cause`. */
const fetchFailed = (code: string, message = `read ${code}`): TypeError =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

function clientWith(fetchImpl: FetchFunction, extra: { timeoutMs?: number } = {}) {
  const sleep = jest.fn<Promise<void>, [number]>(() => Promise.resolve());
  const log = recordingLog();
  const client = new GenesysApiClient({ environment: 'mypurecloud.ie', transport: fetchTransport(fetchImpl), sleep, log, now: () => NOW_MS, ...extra });
  return { client, sleep, log };
}

describe('Function: fetchTransport', () => {
  it('sends the token request as the undici transport does, without following redirects', async () => {
    // Prepare
    const fetchStub = jest.fn<Promise<Response>, [string, RequestInit]>(() => Promise.resolve(json(200, tokenBody)));
    const { client } = clientWith(fetchStub);

    // Act
    const token = await client.getToken(credentials);

    // Assess
    expect(token.reveal()).toBe(ACCESS_TOKEN);
    expect(fetchStub).toHaveBeenCalledTimes(1);
    const [url, init] = fetchStub.mock.calls[0]!;
    expect(url).toBe('https://login.mypurecloud.ie/oauth/token');
    expect(init).toMatchObject({
      method: 'POST',
      body: 'grant_type=client_credentials',
      redirect: 'manual',
      headers: {
        authorization: `Basic ${BASIC_VALUE}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': 'genesys-oauth-rotator',
      },
    });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('uses the global fetch when none is given, looked up at each call', async () => {
    // Prepare
    const spy = jest.spyOn(globalThis, 'fetch').mockResolvedValue(json(200, tokenBody));
    const client = new GenesysApiClient({ environment: 'mypurecloud.com', transport: fetchTransport() });

    // Act
    await client.getToken(credentials);

    // Assess
    expect(spy).toHaveBeenCalledWith('https://login.mypurecloud.com/oauth/token', expect.objectContaining({ method: 'POST' }));
  });

  it('reads Retry-After and the correlation id from the Headers object', async () => {
    // Prepare
    const fetchStub = jest
      .fn<Promise<Response>, [string, RequestInit]>()
      .mockResolvedValueOnce(json(429, platformError(429, 'too.many.requests.retry.after'), { 'Retry-After': '3', 'ININ-Correlation-Id': 'corr-1' }))
      .mockResolvedValueOnce(json(200, tokenBody));
    const { client, sleep, log } = clientWith(fetchStub);

    // Act
    await client.getToken(credentials);

    // Assess
    expect(sleep).toHaveBeenCalledWith(3_000);
    expect(log.lines[0]?.attributes).toMatchObject({ status: 429, correlationId: 'corr-1' });
  });

  it('gives up on a Retry-After past the cap with GenesysRateLimitError', async () => {
    // Prepare
    const fetchStub = jest.fn(() => Promise.resolve(json(429, platformError(429, 'too.many.requests.retry.after'), { 'retry-after': '999' })));
    const { client } = clientWith(fetchStub);

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(fetchStub).toHaveBeenCalledTimes(1);
  });

  it('turns invalid_client into GenesysAuthError with the OAuth code', async () => {
    // Prepare
    const body = { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' };
    const { client } = clientWith(() => Promise.resolve(json(401, body)));

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client', path: '/oauth/token' });
  });

  it('retries a dropped connection (the code is in the cause) and then throws GenesysNetworkError without the request in it', async () => {
    // Prepare
    const fetchStub = jest.fn(() => Promise.reject(fetchFailed('ECONNRESET')));
    const { client, sleep } = clientWith(fetchStub);

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(error).toMatchObject({ code: 'ECONNRESET', path: '/oauth/token' });
    expect((error as Error).cause).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(fetchStub).toHaveBeenCalledTimes(4);
    expect(sleep).toHaveBeenCalledTimes(3);
    const text = JSON.stringify({ error, cause: (error as Error).cause, message: (error as Error).message });
    for (const value of [CLIENT_SECRET, BASIC_VALUE]) expect(text).not.toContain(value);
  });

  it('does not retry a fetch failure that is not a connection failure, and keeps only its name', async () => {
    // Prepare
    const fetchStub = jest.fn(() => Promise.reject(new TypeError('fetch failed', { cause: new Error(`bad header: Basic ${BASIC_VALUE}`) })));
    const { client } = clientWith(fetchStub);

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(fetchStub).toHaveBeenCalledTimes(1);
    expect((error as Error).cause).toMatchObject({ name: 'TypeError', message: 'TypeError' });
  });

  it('aborts an attempt that outlives the timeout and reports it as such', async () => {
    // Prepare: a fetch that answers only when aborted, as Node's does
    const hanging: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => {
          reject(new DOMException('This operation was aborted', 'AbortError'));
        });
      });
    const { client } = clientWith(hanging, { timeoutMs: 5 });

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect((error as Error).message).toContain('did not answer within 5 ms (4 attempts)');
  });

  it('treats a redirect as an answer: GenesysApiError, the Location not followed', async () => {
    // Prepare
    const fetchStub = jest.fn(() => Promise.resolve(new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } })));
    const { client } = clientWith(fetchStub);

    // Act
    const error = await client.getTokenInfo({ reveal: () => ACCESS_TOKEN } as never).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error).toMatchObject({ status: 302 });
    expect(fetchStub).toHaveBeenCalledTimes(1);
  });
});

describe('Transports on real sockets', () => {
  let server: Server;
  let baseUrl: string;
  let requests = 0;

  beforeAll(async () => {
    // Every request: the connection is dropped before any answer.
    server = createServer((req) => {
      requests += 1;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['fetch', () => fetchTransport()],
    ['undici', () => undiciTransport()],
    ['node http', () => nodeTransport()],
  ] as [string, () => HttpTransport][])('over %s, a dropped connection is retried and ends as GenesysNetworkError with a socket code', async (_name, transport) => {
    // Prepare
    requests = 0;
    const client = new GenesysApiClient({ environment: 'mypurecloud.com', baseUrl, transport: transport(), sleep: () => Promise.resolve(), retry: { maxAttempts: 2 } });

    // Act
    const error = await client.getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect((error as GenesysNetworkError).code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(requests).toBe(2);
    expect(JSON.stringify((error as Error).cause)).not.toContain(BASIC_VALUE);
  });
});
