import { createHmac } from 'node:crypto';
import { computeSignature, isUsableIdempotencyKey, signatureHeader, verifyWebhook, WEBHOOK_HEADERS } from '../../../lambdas/core/webhooks/signature';

const KEY = 'whsec-unit-test-key';
const BODY = JSON.stringify({ secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf', versionId: 'v-1' });
const NOW_MS = 1_760_000_000_000;
const TS = Math.floor(NOW_MS / 1000);
const IDEMPOTENCY_KEY = 'v-1';

function signedHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.timestamp]: String(TS),
    [WEBHOOK_HEADERS.signature]: signatureHeader(KEY, { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY }),
    [WEBHOOK_HEADERS.idempotencyKey]: IDEMPOTENCY_KEY,
    ...overrides,
  };
}

/** A `v1` header as senders before the idempotency key was signed produced it: HMAC of timestamp + "." + body. */
function v1Header(timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', KEY).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

describe('Function: verifyWebhook', () => {
  it('accepts a body signed with the key within the tolerance and returns the verified idempotency key', () => {
    // Act
    const result = verifyWebhook({ body: BODY, headers: signedHeaders(), signingKey: KEY, now: () => NOW_MS });

    // Assess
    expect(result).toEqual({ valid: true, timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY });
  });

  it('signs timestamp + "." + idempotency key + "." + body with HMAC-SHA256 in hex, as v2=', () => {
    // Prepare: an independent computation of the documented scheme
    const expected = createHmac('sha256', KEY).update(`${TS}.${IDEMPOTENCY_KEY}.${BODY}`).digest('hex');

    // Act & Assess
    expect(computeSignature(KEY, { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY })).toBe(expected);
    expect(signatureHeader(KEY, { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY })).toBe(`v2=${expected}`);
  });

  it('refuses a captured delivery replayed within the tolerance under a fresh Idempotency-Key (de-duplication bypass)', () => {
    // Prepare: the attacker keeps body, timestamp and signature, and only changes the key the receiver de-duplicates on
    const captured = signedHeaders();
    const seen = new Set<string>();
    const first = verifyWebhook({ body: BODY, headers: captured, signingKey: KEY, now: () => NOW_MS });
    if (first.valid) seen.add(first.idempotencyKey);
    const replayed = { ...captured, [WEBHOOK_HEADERS.idempotencyKey]: 'v-1-replayed-by-attacker' };

    // Act: 60 s later, well within the 300 s window
    const replay = verifyWebhook({ body: BODY, headers: replayed, signingKey: KEY, now: () => NOW_MS + 60_000 });

    // Assess
    expect(first.valid).toBe(true);
    expect(replay).toEqual({ valid: false, reason: 'signature-mismatch' });
    expect(seen).toEqual(new Set([IDEMPOTENCY_KEY]));
  });

  it('refuses a delivery without an Idempotency-Key, or with one that could shift the signed string', () => {
    // Prepare: a key with a "." could move bytes between key and body under the same signature
    const { [WEBHOOK_HEADERS.idempotencyKey]: _k, ...noKey } = signedHeaders();
    const dotted = signedHeaders({ [WEBHOOK_HEADERS.idempotencyKey]: 'v-1.{"x":1}' });

    // Act & Assess
    expect(verifyWebhook({ body: BODY, headers: noKey, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'missing-idempotency-key' });
    expect(verifyWebhook({ body: BODY, headers: dotted, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'malformed-idempotency-key' });
  });

  it('refuses a v1 signature (which does not cover the key), even next to a wrong v2 one: no downgrade', () => {
    // Prepare
    const onlyV1 = signedHeaders({ [WEBHOOK_HEADERS.signature]: v1Header(TS, BODY) });
    const strippedV2 = signedHeaders({ [WEBHOOK_HEADERS.signature]: `v2=${'0'.repeat(64)}, ${v1Header(TS, BODY)}` });

    // Act & Assess
    expect(verifyWebhook({ body: BODY, headers: onlyV1, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'unsupported-signature-scheme' });
    expect(verifyWebhook({ body: BODY, headers: strippedV2, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a body changed after signing', () => {
    const result = verifyWebhook({ body: BODY.replace('v-1', 'v-2'), headers: signedHeaders(), signingKey: KEY, now: () => NOW_MS });
    expect(result).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a signature made with another key', () => {
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: signatureHeader('other-key', { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY }) });
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
    const replayed = signedHeaders({
      [WEBHOOK_HEADERS.timestamp]: String(oldTs),
      [WEBHOOK_HEADERS.signature]: signatureHeader(KEY, { timestampSeconds: oldTs, idempotencyKey: IDEMPOTENCY_KEY, body: BODY }),
    });

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
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: signatureHeader('', { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY }) });

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
    const short = signedHeaders({ [WEBHOOK_HEADERS.signature]: 'v2=abcd' });
    const otherScheme = signedHeaders({ [WEBHOOK_HEADERS.signature]: `v0=${computeSignature(KEY, { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY })}` });
    expect(verifyWebhook({ body: BODY, headers: short, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'signature-mismatch' });
    expect(verifyWebhook({ body: BODY, headers: otherScheme, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: false, reason: 'unsupported-signature-scheme' });
  });

  it('accepts any one of several signatures (signing-key rollover)', () => {
    const parts = { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY };
    const headers = signedHeaders({ [WEBHOOK_HEADERS.signature]: `${signatureHeader('old-key', parts)}, ${signatureHeader(KEY, parts)}` });
    expect(verifyWebhook({ body: BODY, headers, signingKey: KEY, now: () => NOW_MS }).valid).toBe(true);
  });

  it('reads Fetch Headers and mixed-case header names, and a Buffer body', () => {
    // Prepare
    const fetchHeaders = new Headers(signedHeaders());
    const mixedCase = {
      'X-Rotator-Timestamp': String(TS),
      'X-Rotator-Signature': signatureHeader(KEY, { timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY, body: BODY }),
      'Idempotency-Key': IDEMPOTENCY_KEY,
    };

    // Act & Assess
    expect(verifyWebhook({ body: Buffer.from(BODY), headers: fetchHeaders, signingKey: KEY, now: () => NOW_MS }).valid).toBe(true);
    expect(verifyWebhook({ body: BODY, headers: mixedCase, signingKey: KEY, now: () => NOW_MS })).toEqual({ valid: true, timestampSeconds: TS, idempotencyKey: IDEMPOTENCY_KEY });
  });
});

describe('Function: isUsableIdempotencyKey', () => {
  it.each(['a8d5e1f2-3b4c-4d5e-8f90-123456789abc', 'v-1', 'A_b-9'])('accepts %s', (key) => {
    expect(isUsableIdempotencyKey(key)).toBe(true);
  });

  it.each(['', 'has.dot', 'has space', 'new\nline', 'é', 'x'.repeat(256)])('refuses %j', (key) => {
    expect(isUsableIdempotencyKey(key)).toBe(false);
  });
});
