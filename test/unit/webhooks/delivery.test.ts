import { MockAgent } from 'undici';
import type { RotatedEventDetail } from '../../../lambdas/core/events';
import type { Log } from '../../../lambdas/core/log';
import { deliverWebhook } from '../../../lambdas/core/webhooks/delivery';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../../lambdas/core/webhooks/signature';

const ORIGIN = 'https://hooks.example.test';
const KEY = 'whsec-delivery-test';
const NOW_MS = 1_760_000_000_000;
const DETAIL: RotatedEventDetail = {
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf',
  versionId: '11111111-2222-3333-4444-555555555555',
  clientId: 'client-b',
  environment: 'mypurecloud.com',
  strategy: 'alternating',
  emergency: false,
  rotatedAt: '2026-01-01T00:00:00.000Z',
};

interface Captured {
  body: string;
  headers: Record<string, string>;
}

function recorder(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string, attributes?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(attributes ?? {})}`);
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}

describe('Function: deliverWebhook', () => {
  let agent: MockAgent;
  let sleeps: number[];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    sleeps = [];
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  function intercept(status: number, captured?: Captured[], headers: Record<string, string> = {}) {
    agent
      .get(ORIGIN)
      .intercept({ path: '/rotations?team=ops', method: 'POST' })
      .reply(status, (options) => {
        captured?.push({ body: typeof options.body === 'string' ? options.body : '', headers: options.headers as Record<string, string> });
        return '';
      }, { headers });
  }

  it('POSTs the detail as JSON with a signature the receiver helper verifies and the version id as idempotency key', async () => {
    // Prepare
    const captured: Captured[] = [];
    intercept(204, captured);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, now: () => NOW_MS, sleep });

    // Assess
    expect(result).toEqual({ delivered: true, name: 'ops', attempts: 1, status: 204 });
    const [request] = captured;
    expect(JSON.parse(request!.body)).toEqual(DETAIL);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers[WEBHOOK_HEADERS.idempotencyKey]).toBe(DETAIL.versionId);
    expect(verifyWebhook({ body: request!.body, headers: request!.headers, signingKey: KEY, now: () => NOW_MS })).toMatchObject({
      valid: true,
      idempotencyKey: DETAIL.versionId,
    });
  });

  it('retries 5xx with backoff, signing each attempt afresh, and succeeds on the third attempt', async () => {
    // Prepare
    const captured: Captured[] = [];
    intercept(500, captured);
    intercept(503, captured);
    intercept(200, captured);
    let clock = NOW_MS;
    const now = () => (clock += 10_000);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, now, sleep, random: () => 0 });

    // Assess
    expect(result).toEqual({ delivered: true, name: 'ops', attempts: 3, status: 200 });
    expect(sleeps).toEqual([500, 1000]);
    const timestamps = captured.map((c) => c.headers[WEBHOOK_HEADERS.timestamp]);
    expect(new Set(timestamps).size).toBe(3);
    expect(new Set(captured.map((c) => c.headers[WEBHOOK_HEADERS.idempotencyKey]))).toEqual(new Set([DETAIL.versionId]));
  });

  it('stops after maxAttempts and reports the last status as exhausted', async () => {
    // Prepare
    for (let i = 0; i < 3; i += 1) intercept(502);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, retry: { maxAttempts: 3 } });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 3, reason: 'exhausted', status: 502 });
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a 4xx the receiver will answer again (404)', async () => {
    // Prepare
    intercept(404);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 1, reason: 'rejected', status: 404 });
    expect(sleeps).toEqual([]);
  });

  it('waits for Retry-After on a 429', async () => {
    // Prepare
    intercept(429, undefined, { 'retry-after': '7' });
    intercept(200);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep });

    // Assess
    expect(result.delivered).toBe(true);
    expect(sleeps).toEqual([7000]);
  });

  it('retries a refused connection and reports its code when every attempt fails', async () => {
    // Prepare
    for (let i = 0; i < 2; i += 1) {
      agent
        .get(ORIGIN)
        .intercept({ path: '/rotations?team=ops', method: 'POST' })
        .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    }

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, retry: { maxAttempts: 2 } });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 2, reason: 'exhausted', errorCode: 'ECONNREFUSED' });
  });

  it('refuses plain http unless loopback is allowed, without sending anything', async () => {
    // Act
    const refused = await deliverWebhook({ name: 'plain', url: 'http://hooks.example.test/x' }, KEY, DETAIL, { dispatcher: agent, sleep });
    const loopbackRefused = await deliverWebhook({ name: 'local', url: 'http://127.0.0.1:9/x' }, KEY, DETAIL, { dispatcher: agent, sleep });

    // Assess
    expect(refused).toEqual({ delivered: false, name: 'plain', attempts: 0, reason: 'url-refused' });
    expect(loopbackRefused).toMatchObject({ delivered: false, reason: 'url-refused' });
  });

  it('logs the receiver without the query string, the key or the signature', async () => {
    // Prepare
    const captured: Captured[] = [];
    intercept(500, captured);
    intercept(200, captured);
    const log = recorder();

    // Act
    await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, log });

    // Assess
    const text = log.lines.join('\n');
    expect(text).toContain(`${ORIGIN}/rotations`);
    expect(text).not.toContain('team=ops');
    expect(text).not.toContain(KEY);
    for (const c of captured) expect(text).not.toContain(c.headers[WEBHOOK_HEADERS.signature]!.slice(3));
  });
});
