/**
 * The consumer client's default transport (Node's http/https) on a loopback server: what it sends,
 * what it reads, and how its failures reach the Genesys client's retries and typed errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenesysApiError, GenesysNetworkError } from '../../../lambdas/core/errors';
import { GenesysApiClient } from '../../../lambdas/core/genesys/api-client';
import { nodeTransport } from '../../../lambdas/core/genesys/node-transport';
import { ACCESS_TOKEN, BASIC_VALUE, CLIENT_ID, CLIENT_SECRET } from './mock-genesys';

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

describe('Function: nodeTransport', () => {
  let server: Server;
  let baseUrl: string;
  let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handle(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const client = (extra: { timeoutMs?: number } = {}) =>
    new GenesysApiClient({ environment: 'mypurecloud.com', baseUrl, transport: nodeTransport(), sleep: () => Promise.resolve(), retry: { maxAttempts: 2 }, ...extra });

  it('sends the token request with a known length and reads status, headers and body', async () => {
    // Prepare
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 600 }));
    };

    // Act
    const token = await client().getToken(credentials);

    // Assess
    expect(token.reveal()).toBe(ACCESS_TOKEN);
    expect(token.expiresInSeconds).toBe(600);
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/oauth/token',
        body: 'grant_type=client_credentials',
        headers: expect.objectContaining({
          authorization: `Basic ${BASIC_VALUE}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String('grant_type=client_credentials'.length),
          'user-agent': 'genesys-oauth-rotator',
        }),
      }),
    ]);
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined();
  });

  it('reads a repeated header as its first value and retries after Retry-After', async () => {
    // Prepare
    let calls = 0;
    handle = (_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(429, [['Retry-After', '0'], ['Retry-After', '999'], ['content-type', 'application/json']]).end('{"status":429,"code":"too.many.requests"}');
      else res.writeHead(200).end(JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 600 }));
    };

    // Act
    await client().getToken(credentials);

    // Assess
    expect(calls).toBe(2);
  });

  it('does not follow a redirect', async () => {
    // Prepare
    handle = (_req, res) => {
      res.writeHead(307, { location: `${baseUrl}/elsewhere` }).end();
    };

    // Act
    const error = await client().getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(seen.map((s) => s.url)).toEqual(['/oauth/token']);
  });

  it('retries a response cut off mid-body, then throws GenesysNetworkError (ECONNRESET)', async () => {
    // Prepare: headers and half a body, then the socket dies
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"access_token":"');
      setImmediate(() => res.socket?.destroy());
    };

    // Act
    const error = await client().getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(seen).toHaveLength(2);
  });

  it('aborts an answer slower than the timeout', async () => {
    // Prepare: headers at once, the body never
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    };

    // Act
    const error = await client({ timeoutMs: 50 }).getToken(credentials).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect((error as Error).message).toContain('did not answer within 50 ms (2 attempts)');
  });

  it('refuses a URL that is neither http nor https, without retrying', async () => {
    // Act
    const error = await nodeTransport()({ url: 'ftp://example.com/', method: 'GET', headers: {}, signal: new AbortController().signal }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TypeError);
  });
});
