import { ValidationError } from '../../../lambdas/core/errors';
import {
  backoffDelayMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  errorCode,
  isRetryableStatus,
  isTransientConnectionError,
  parseRetryAfterSeconds,
  resolveRetryPolicy,
} from '../../../lambdas/core/genesys/retry';

const policy = DEFAULT_RETRY_POLICY;

describe('Function: resolveRetryPolicy', () => {
  it('applies overrides on top of the defaults', () => {
    // Act
    const resolved = resolveRetryPolicy({ maxAttempts: 2 });

    // Assess
    expect(resolved).toEqual({ maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterSeconds: 180 });
  });

  it.each([{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { baseDelayMs: -1 }, { maxDelayMs: Number.NaN }])('refuses %p', (overrides) => {
    // Act / Assess
    expect(() => resolveRetryPolicy(overrides)).toThrow(ValidationError);
  });
});

describe('Function: backoffDelayMs', () => {
  it('doubles per attempt and spans half to all of the ceiling', () => {
    // Act / Assess
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(100);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(200);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(800);
  });

  it('never exceeds maxDelayMs', () => {
    // Act / Assess
    expect(backoffDelayMs(policy, 30, () => 1)).toBe(5_000);
  });
});

describe('Function: parseRetryAfterSeconds', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['0', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['Wed, 21 Oct 2026 07:28:00 GMT', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, expected) => {
    // Act / Assess
    expect(parseRetryAfterSeconds(header)).toBe(expected);
  });
});

describe('Function: isRetryableStatus', () => {
  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
  ])('says %p is retryable: %p', (status, expected) => {
    // Act / Assess
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('Function: isTransientConnectionError', () => {
  it.each([
    ['ECONNRESET', true],
    ['ECONNREFUSED', true],
    ['UND_ERR_SOCKET', true],
    ['UND_ERR_CONNECT_TIMEOUT', true],
    ['ENOTFOUND', false],
    ['UND_ERR_INVALID_ARG', false],
  ])('says code %p is transient: %p', (code, expected) => {
    // Act / Assess
    expect(isTransientConnectionError(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('says an error without a code is not transient', () => {
    // Act / Assess
    expect(isTransientConnectionError(new Error('x'))).toBe(false);
  });
});

describe('Function: decideRetry', () => {
  it('waits exactly Retry-After on 429', () => {
    // Act / Assess
    expect(decideRetry(policy, 1, { kind: 'status', status: 429, retryAfterSeconds: 42 })).toEqual({ retry: true, delayMs: 42_000 });
  });

  it('stops when Retry-After exceeds the cap, even with attempts left', () => {
    // Act / Assess
    expect(decideRetry(policy, 1, { kind: 'status', status: 429, retryAfterSeconds: 181 })).toEqual({ retry: false, reason: 'retry-after-too-long' });
  });

  it('accepts a Retry-After equal to the cap', () => {
    // Act / Assess
    expect(decideRetry(policy, 1, { kind: 'status', status: 429, retryAfterSeconds: 180 })).toEqual({ retry: true, delayMs: 180_000 });
  });

  it('backs off on 429 without Retry-After', () => {
    // Act / Assess
    expect(decideRetry(policy, 2, { kind: 'status', status: 429 }, () => 0)).toEqual({ retry: true, delayMs: 200 });
  });

  it('stops after the last attempt', () => {
    // Act / Assess
    expect(decideRetry(policy, 4, { kind: 'status', status: 503 })).toEqual({ retry: false, reason: 'exhausted' });
    expect(decideRetry(policy, 4, { kind: 'status', status: 429, retryAfterSeconds: 1 })).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('never retries a final status', () => {
    // Act / Assess
    expect(decideRetry(policy, 1, { kind: 'status', status: 501 })).toEqual({ retry: false, reason: 'final' });
    expect(decideRetry(policy, 1, { kind: 'status', status: 401 })).toEqual({ retry: false, reason: 'final' });
  });

  it('retries a transient connection failure and not another one', () => {
    // Act / Assess
    expect(decideRetry(policy, 1, { kind: 'connection', transient: true }, () => 1)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(policy, 1, { kind: 'connection', transient: false })).toEqual({ retry: false, reason: 'final' });
  });
});

describe('Function: errorCode', () => {
  it("finds the socket error's code in the cause chain (fetch wraps it in `TypeError: fetch failed`)", () => {
    // Prepare
    const wrapped = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });

    // Act / Assess
    expect(errorCode(wrapped)).toBe('ECONNREFUSED');
    expect(isTransientConnectionError(wrapped)).toBe(true);
  });

  it('prefers the outer code, and gives up on a cause chain without one (or a cycle)', () => {
    // Prepare
    const outer = Object.assign(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), { code: 'UND_ERR_ABORTED' });
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;

    // Act / Assess
    expect(errorCode(outer)).toBe('UND_ERR_ABORTED');
    expect(errorCode(new TypeError('fetch failed', { cause: new Error('no code') }))).toBeUndefined();
    expect(errorCode(cyclic)).toBeUndefined();
    expect(errorCode('ECONNRESET')).toBeUndefined();
  });
});
