import { createHmac } from 'node:crypto';
import { computeSignature, signatureHeader, verifyWebhook, WEBHOOK_HEADERS } from '../../../lambdas/core/webhooks/signature';

const KEY = 'whsec-unit-test-key';
const BODY = JSON.stringify({ secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf', versionId: 'v-1' });
const NOW_MS = 1_760_000_000_000;
const TS = Math.floor(NOW_MS / 1000);

function signedHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.timestamp]: String(TS),
    [WEBHOOK_HEADERS.signature]: signatureHeader(KEY, TS, BODY),
    [WEBHOOK_HEADERS.idempotencyKey]: 'v-1',
    ...overrides,
  };
}

describe('Function: verifyWebhook', () => {
  it('accepts a body signed with the key within the tolerance and returns the idempotency key', () => {
    // Act
    const result = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, now: () => NOW_MS });

    // Assess
    expect(result).toEqual({ valid: true, timestampSeconds: TS, idempotencyKey: 'v-1' });
  });

  it('signs timestamp + "." + body with HMAC-SHA256 in hex', () => {
    // Prepare: an independent computation of the documented scheme
    const expected = createHmac('sha256', KEY).update(`${TS}.${BODY}`).digest('hex');

    // Act & Assess
    expect(computeSignature(KEY, TS, BODY)).toBe(expected);
    expect(signatureHeader(KEY, TS, BODY)).toBe(`v1=${expected}`);
  });

  it('refuses a body changed after signing', () => {
    const result = verifyWebhook({ body: BODY.replace('v-1', 'v-2'), headers: signedHeaders(), signingKey: KEY, now: () => NOW_MS });
    expect(result).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a signature made with another key', () => {
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: signatureHeader('other-key', TS, BODY) });
    expect(verifyWebhook({ body: BODY, headers, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a replay older than the tolerance even with a valid signature', () => {
    const result = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, toleranceSeconds: 300, now: () => NOW_MS + 301_000 });
    expect(result).toEqual({ valid: false, reason: 'timestamp-outside-tolerance' });
  });

  it('accepts a timestamp at the edge of the tolerance', () => {
    const result = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, toleranceSeconds: 300, now: () => NOW_MS + 300_000 });
    expect(result.valid).toBe(true);
  });

  it('refuses a timestamp too far in the future', () => {
    const result = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, now: () => NOW_MS - 400_000 });
    expect(result).toEqual({ valid: false, reason: 'timestamp-outside-tolerance' });
  });

  it('falls back to the default tolerance when toleranceSeconds is NaN, infinite or negative (e.g. Number(process.env.X))', () => {
    // Prepare: a correctly signed attempt from the distant past
    const oldTs = 1000;
    const replayed = signedHeaders({ [WEBHOOK_HEADERS.timestamp]: String(oldTs), [WEBHOOK_HEADERS.signature]: signatureHeader(KEY, oldTs, BODY) });

    for (const toleranceSeconds of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      // Act
      const replay = verifyWebhook({ body: BODY, headers: replayed, signingKey: KEY, toleranceSeconds, now: () => NOW_MS });
      const fresh = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, toleranceSeconds, now: () => NOW_MS + 300_000 });
      const stale = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, toleranceSeconds, now: () => NOW_MS + 301_000 });

      // Assess: the 300 s default applies
      expect(replay).toEqual({ valid: false, reason: 'timestamp-outside-tolerance' });
      expect(fresh.valid).toBe(true);
      expect(stale).toEqual({ valid: false, reason: 'timestamp-outside-tolerance' });
    }
  });

  it('refuses to verify with an empty or unset signing key, even against a signature made with that empty key', () => {
    // Prepare: an attacker who guesses the key is unset signs with ''
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: signatureHeader('', TS, BODY) });

    // Act
    const withEmptyString = verifyWebhook({ body: BODY, headers, signingKey: '', now: () => NOW_MS });
    const withEmptyBuffer = verifyWebhook({ body: BODY, headers, signingKey: Buffer.alloc(0), now: () => NOW_MS });
    const withUnsetVariable = verifyWebhook({ body: BODY, headers, signingKey: undefined as unknown as string, now: () => NOW_MS });

    // Assess
    expect(withEmptyString).toEqual({ valid: false, reason: 'missing-signing-key' });
    expect(withEmptyBuffer).toEqual({ valid: false, reason: 'missing-signing-key' });
    expect(withUnsetVariable).toEqual({ valid: false, reason: 'missing-signing-key' });
  });

  it('says which header is missing or malformed', () => {
    const { [WEBHOOK_HEADERS.timestamp]: _t, ...noTimestamp } = signedHeaders();
    const { [WEBHOOK_HEADERS.signature]: _s, ...noSignature } = signedHeaders();

    expect(verifyWebhook({ body: BODY, headers: noTimestamp, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'missing-timestamp' });
    expect(verifyWebhook({ body: BODY, headers: noSignature, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'missing-signature' });
    expect(
      verifyWebhook({ body: BODY, headers: signedHeaders({ [WEBHOOK_HEADERS.timestamp]: '12e3' }), signingKey: KEY, now: () => NOW_MS }),
    ).toEqual({ valid: false, reason: 'malformed-timestamp' });
  });

  it('refuses a signature of the wrong length or scheme without throwing', () => {
    const short = signedHeaders({ [WEBHOOK_HEADERS.signature]: 'v1=abcd' });
    const otherScheme = signedHeaders({ [WEBHOOK_HEADERS.signature]: `v0=${computeSignature(KEY, TS, BODY)}` });
    expect(verifyWebhook({ body: BODY, headers: short, signingKey: KEY, now: () => NOW_MS }).valid).toBe(false);
    expect(verifyWebhook({ body: BODY, headers: otherScheme, signingKey: KEY, now: () => NOW_MS }).valid).toBe(false);
  });

  it('accepts any one of several signatures (signing-key rollover)', () => {
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: `${signatureHeader('old-key', TS, BODY)}, ${signatureHeader(KEY, TS, BODY)}` });
    expect(verifyWebhook({ body: BODY, headers, signingKey: KEY, now: () => NOW_MS }).valid).toBe(true);
  });

  it('reads Fetch Headers and mixed-case header names, and a Buffer body', () => {
    // Prepare
    const fetchHeaders = new Headers(signedHeaders());
    const mixedCase = { 'X-Rotator-Timestamp': String(TS), 'X-Rotator-Signature': signatureHeader(KEY, TS, BODY) };

    // Act & Assess
    expect(verifyWebhook({ body: Buffer.from(BODY), headers: fetchHeaders, signingKey: KEY, now: () => NOW_MS }).valid).toBe(true);
    expect(verifyWebhook({ body: BODY, headers: mixedCase, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: true, timestampSeconds: TS, idempotencyKey: undefined });
  });
});
