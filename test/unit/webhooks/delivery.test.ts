import { Agent, MockAgent } from 'undici';
import type { RotatedEventDetail } from '../../../lambdas/core/events';
import type { Log } from '../../../lambdas/core/log';
import { DEFAULT_WEBHOOK_RETRY_POLICY, deliverWebhook } from '../../../lambdas/core/webhooks/delivery';
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

  it('signs the idempotency key: the delivery it sent does not verify under another key', async () => {
    // Prepare
    const captured: Captured[] = [];
    intercept(204, captured);

    // Act
    await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, now: () => NOW_MS, sleep });

    // Assess
    const [request] = captured;
    expect(request!.headers[WEBHOOK_HEADERS.signature]).toMatch(/^v2=[0-9a-f]{64}$/);
    const replayed = { ...request!.headers, [WEBHOOK_HEADERS.idempotencyKey]: 'a-fresh-key' };
    expect(verifyWebhook({ body: request!.body, headers: replayed, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('sends nothing when the version id cannot be signed as an idempotency key', async () => {
    // Act: no interceptor is registered, so a request would end as a connection error
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, { ...DETAIL, versionId: 'v.1' }, { dispatcher: agent, sleep });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 0, reason: 'idempotency-key-unusable' });
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
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, now, sleep });

    // Assess: backoff grows with each attempt and stays within the policy (base 1 s, doubling, max 8 s)
    expect(result).toEqual({ delivered: true, name: 'ops', attempts: 3, status: 200 });
    expect(sleeps).toHaveLength(2);
    const [first, second] = sleeps as [number, number];
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(DEFAULT_WEBHOOK_RETRY_POLICY.baseDelayMs);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(2 * DEFAULT_WEBHOOK_RETRY_POLICY.baseDelayMs);
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

  it('waits for Retry-After on a 503, in seconds', async () => {
    // Prepare
    intercept(503, undefined, { 'retry-after': '7' });
    intercept(200);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, random: () => 0 });

    // Assess: not the 500 ms backoff
    expect(result.delivered).toBe(true);
    expect(sleeps).toEqual([7000]);
  });

  it.each([429, 503])('waits until the HTTP-date in Retry-After on a %i, measured by the injected clock', async (status) => {
    // Prepare
    intercept(status, undefined, { 'retry-after': new Date(NOW_MS + 12_000).toUTCString() });
    intercept(200);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, now: () => NOW_MS, random: () => 0 });

    // Assess
    expect(result.delivered).toBe(true);
    expect(sleeps).toEqual([12_000]);
  });

  it('retries at once when the Retry-After date has passed', async () => {
    // Prepare
    intercept(503, undefined, { 'retry-after': new Date(NOW_MS - 60_000).toUTCString() });
    intercept(200);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, now: () => NOW_MS, random: () => 0 });

    // Assess
    expect(result.delivered).toBe(true);
    expect(sleeps).toEqual([0]);
  });

  it.each(['soon', '-5', '1.5', 'Sun, 31 Feb 2026 00:00:00 GMT', '2026-01-01T00:00:00Z'])('falls back to backoff for the unusable Retry-After %j', async (retryAfter) => {
    // Prepare
    intercept(503, undefined, { 'retry-after': retryAfter });
    intercept(200);

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, now: () => NOW_MS, random: () => 0 });

    // Assess: half the 1 s base delay (random 0)
    expect(result.delivered).toBe(true);
    expect(sleeps).toEqual([DEFAULT_WEBHOOK_RETRY_POLICY.baseDelayMs / 2]);
  });

  it('ignores Retry-After on other statuses (a 500 gets backoff)', async () => {
    // Prepare
    intercept(500, undefined, { 'retry-after': '7' });
    intercept(200);

    // Act
    await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, random: () => 0 });

    // Assess
    expect(sleeps).toEqual([DEFAULT_WEBHOOK_RETRY_POLICY.baseDelayMs / 2]);
  });

  it('gives up at once on a 503 whose Retry-After date is further off than the policy allows', async () => {
    // Prepare
    const tooFar = new Date(NOW_MS + (DEFAULT_WEBHOOK_RETRY_POLICY.maxRetryAfterSeconds + 1) * 1000).toUTCString();
    intercept(503, undefined, { 'retry-after': tooFar });

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep, now: () => NOW_MS });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 1, reason: 'retry-after-too-long', status: 503 });
    expect(sleeps).toEqual([]);
  });

  it('dead-letters with reason deadline rather than wait for a 503 Retry-After date past the deadline', async () => {
    // Prepare: 20 s asked for, 15 s left, each attempt may take 5 s
    intercept(503, undefined, { 'retry-after': new Date(NOW_MS + 20_000).toUTCString() });

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, {
      dispatcher: agent,
      sleep,
      now: () => NOW_MS,
      timeoutMs: 5_000,
      deadline: () => NOW_MS + 15_000,
    });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 1, reason: 'deadline', status: 503 });
    expect(sleeps).toEqual([]);
  });

  it('gives up at once on a 429 whose Retry-After is longer than the policy allows', async () => {
    // Prepare
    intercept(429, undefined, { 'retry-after': String(DEFAULT_WEBHOOK_RETRY_POLICY.maxRetryAfterSeconds + 1) });

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 1, reason: 'retry-after-too-long', status: 429 });
    expect(sleeps).toEqual([]);
  });

  it('does not follow a redirect: a 3xx is a failure, not retried', async () => {
    // Prepare: nothing intercepts the Location, so following it would fail the test with a network error
    intercept(302, undefined, { location: `${ORIGIN}/elsewhere` });

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, { dispatcher: agent, sleep });

    // Assess
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 1, reason: 'rejected', status: 302 });
    expect(sleeps).toEqual([]);
  });

  it('dead-letters with reason deadline instead of starting a wait that would pass the deadline (429 + Retry-After 30, again and again)', async () => {
    // Prepare: the clock moves only when delivery sleeps; 80 s are left, each attempt may take 5 s
    agent.get(ORIGIN).intercept({ path: '/rotations?team=ops', method: 'POST' }).reply(429, '', { headers: { 'retry-after': '30' } }).times(3);
    let clock = NOW_MS;
    const advancingSleep = (ms: number) => {
      clock += ms;
      return sleep(ms);
    };

    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, {
      dispatcher: agent,
      sleep: advancingSleep,
      now: () => clock,
      timeoutMs: 5_000,
      deadline: () => NOW_MS + 80_000,
    });

    // Assess: waits at 0 s and 30 s fit (30 + 30 + 5 <= 80); the third (60 + 30 + 5) would not
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 3, reason: 'deadline', status: 429 });
    expect(sleeps).toEqual([30_000, 30_000]);
  });

  it('does not start an attempt when not even one fits before the deadline', async () => {
    // Act
    const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, {
      dispatcher: agent,
      sleep,
      now: () => NOW_MS,
      timeoutMs: 5_000,
      deadline: () => NOW_MS + 4_999,
    });

    // Assess: no interceptor was registered, so an attempt would have failed with a network error instead
    expect(result).toEqual({ delivered: false, name: 'ops', attempts: 0, reason: 'deadline' });
  });

  it('bounds each attempt, connection included, by timeoutMs', async () => {
    // Prepare: a dispatcher whose connections never open (a black-holed address); headersTimeout never starts
    const blackHole = new Agent({
      connect: () => {
        /* never calls back */
      },
    });

    try {
      // Act
      const result = await deliverWebhook({ name: 'ops', url: `${ORIGIN}/rotations?team=ops` }, KEY, DETAIL, {
        dispatcher: blackHole,
        sleep,
        timeoutMs: 20,
        retry: { maxAttempts: 2 },
      });

      // Assess: timed out twice (retried once), reported with its own code
      expect(result).toEqual({ delivered: false, name: 'ops', attempts: 2, reason: 'exhausted', errorCode: 'ATTEMPT_TIMEOUT' });
      expect(sleeps).toHaveLength(1);
    } finally {
      await blackHole.destroy();
    }
  }, 5_000);

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

  it('delivers to http://127.0.0.1 when loopback is allowed', async () => {
    // Prepare
    agent.get('http://127.0.0.1:9').intercept({ path: '/hook', method: 'POST' }).reply(204, '');

    // Act
    const result = await deliverWebhook({ name: 'local', url: 'http://127.0.0.1:9/hook' }, KEY, DETAIL, { dispatcher: agent, sleep, allowLoopbackHttp: true });

    // Assess
    expect(result).toEqual({ delivered: true, name: 'local', attempts: 1, status: 204 });
  });

  it('refuses URLs with user info or a private host without sending anything', async () => {
    // Act
    const withUserInfo = await deliverWebhook({ name: 'creds', url: 'https://user:pass@hooks.example.test/x' }, KEY, DETAIL, { dispatcher: agent, sleep });
    const metadata = await deliverWebhook({ name: 'imds', url: 'https://169.254.169.254/latest/meta-data' }, KEY, DETAIL, { dispatcher: agent, sleep, allowLoopbackHttp: true });

    // Assess: MockAgent has no interceptor and net connect is off, so a request would have ended as a connection error
    expect(withUserInfo).toEqual({ delivered: false, name: 'creds', attempts: 0, reason: 'url-refused' });
    expect(metadata).toEqual({ delivered: false, name: 'imds', attempts: 0, reason: 'url-refused' });
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
