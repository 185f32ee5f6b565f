/**
 * Webhook signatures, scheme `v2`: HMAC-SHA256 over `timestamp + "." + idempotencyKey + "." + body`,
 * hex, sent as `v2=<hex>`. The sender (delivery.ts) and receivers (`verifyWebhook`, exported by
 * `genesys-oauth-rotator/client`) share this file, so both sides compute the same bytes.
 *
 * Why the idempotency key is signed: receivers de-duplicate on it (delivery is at least once). Under
 * `v1` (`timestamp + "." + body`) it was not covered, so a captured delivery replayed inside the
 * replay window with a fresh `Idempotency-Key` passed both the signature check and de-duplication.
 * `v1` entries are ignored, not verified: accepting them would let an attacker strip `v2` and downgrade.
 *
 * The signed string splits one way only: the timestamp is digits, the idempotency key has no `.`
 * (`isUsableIdempotencyKey`), so the second `.` ends the key and everything after it is the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names, lower-case (Node's `IncomingHttpHeaders` keys). */
export const WEBHOOK_HEADERS = {
  /** Unix seconds at which this attempt was signed. */
  timestamp: 'x-rotator-timestamp',
  /** `v2=<hex HMAC-SHA256>`; several comma-separated entries are allowed (signing-key rollover). */
  signature: 'x-rotator-signature',
  /** The rotated secret's version id: the same for every attempt and every repeat of one rotation. Signed. */
  idempotencyKey: 'idempotency-key',
} as const;

export const SIGNATURE_SCHEME = 'v2';

/** Default replay window for receivers: a signature older or newer than this is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * 1 to 255 visible ASCII characters other than `.` (a Secrets Manager version id, a UUID, is one).
 * Visible ASCII keeps it a valid header value; no `.` keeps the signed string unambiguous.
 */
const IDEMPOTENCY_KEY = /^[\x21-\x2d\x2f-\x7e]{1,255}$/;

/** Whether `key` can be sent and signed as an idempotency key (see `IDEMPOTENCY_KEY`). */
export function isUsableIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY.test(key);
}

/** What one signature covers. */
export interface SignedParts {
  readonly timestampSeconds: number;
  readonly idempotencyKey: string;
  /** The raw body, byte for byte as sent. */
  readonly body: string | Buffer;
}

/** Hex HMAC-SHA256 of `timestamp + "." + idempotencyKey + "." + body`. */
export function computeSignature(signingKey: string | Buffer, parts: SignedParts): string {
  return createHmac('sha256', signingKey).update(`${parts.timestampSeconds}.${parts.idempotencyKey}.`).update(parts.body).digest('hex');
}

/** The `X-Rotator-Signature` header value for one attempt. */
export function signatureHeader(signingKey: string | Buffer, parts: SignedParts): string {
  return `${SIGNATURE_SCHEME}=${computeSignature(signingKey, parts)}`;
}

/** Header bag as Node (`req.headers`), Fetch (`Headers`) or a plain object give it. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookInput {
  /** The raw request body, exactly as received (before any JSON parsing). */
  readonly body: string | Buffer;
  readonly headers: HeaderSource;
  /** The shared signing key (the SecretString of the webhook's signing-key secret). An empty key verifies nothing: `missing-signing-key`. */
  readonly signingKey: string | Buffer;
  /**
   * Replay window in seconds. A value that is not a finite number >= 0 (NaN from `Number(process.env.X)`
   * on an unset variable, Infinity, a negative number) falls back to the default rather than opening the window.
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export type WebhookVerification =
  | {
      readonly valid: true;
      readonly timestampSeconds: number;
      /** The `Idempotency-Key` the signature covers: de-duplicate on this value. */
      readonly idempotencyKey: string;
    }
  | {
      readonly valid: false;
      /**
       * `missing-signing-key`: the receiver passed an empty key (a configuration error on its side, not a bad request).
       * `unsupported-signature-scheme`: no `v2=` entry (e.g. a sender still on `v1`).
       */
      readonly reason:
        | 'missing-signing-key'
        | 'missing-timestamp'
        | 'missing-signature'
        | 'missing-idempotency-key'
        | 'malformed-timestamp'
        | 'malformed-idempotency-key'
        | 'unsupported-signature-scheme'
        | 'timestamp-outside-tolerance'
        | 'signature-mismatch';
    };

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value.join(',') : (value as string | undefined);
}

/** Constant-time comparison of two hex digests (length is public: both are SHA-256). */
function sameDigest(expectedHex: string, candidateHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(candidateHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(candidateHex.toLowerCase(), 'hex'));
}

/** The caller's tolerance when it is a usable number of seconds, else the default (never an open window). */
function toleranceOf(toleranceSeconds: number | undefined): number {
  return toleranceSeconds !== undefined && Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0 ? toleranceSeconds : DEFAULT_TOLERANCE_SECONDS;
}

/**
 * Check a received webhook: the timestamp is within `toleranceSeconds` of now (replay window) and one
 * `v2=` signature over timestamp, idempotency key and body matches, compared in constant time. Never
 * throws on bad input: it says why in `reason`. De-duplicate on the returned `idempotencyKey` (the
 * version id; delivery is at least once): it is the verified one, so a replay under a new key fails here.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  // HMAC accepts an empty key, so anyone could sign for a receiver whose key variable is unset
  // (plain JavaScript callers may pass `process.env.KEY` as undefined: same answer, no throw).
  const signingKey = input.signingKey as string | Buffer | undefined;
  if (signingKey === undefined || signingKey.length === 0) return { valid: false, reason: 'missing-signing-key' };
  const timestampText = header(input.headers, WEBHOOK_HEADERS.timestamp)?.trim();
  if (timestampText === undefined || timestampText === '') return { valid: false, reason: 'missing-timestamp' };
  const signatureText = header(input.headers, WEBHOOK_HEADERS.signature);
  if (signatureText === undefined || signatureText.trim() === '') return { valid: false, reason: 'missing-signature' };
  const idempotencyKey = header(input.headers, WEBHOOK_HEADERS.idempotencyKey)?.trim();
  if (idempotencyKey === undefined || idempotencyKey === '') return { valid: false, reason: 'missing-idempotency-key' };
  if (!/^\d{1,12}$/.test(timestampText)) return { valid: false, reason: 'malformed-timestamp' };
  if (!isUsableIdempotencyKey(idempotencyKey)) return { valid: false, reason: 'malformed-idempotency-key' };

  const candidates = signatureText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_SCHEME}=`))
    .map((part) => part.slice(SIGNATURE_SCHEME.length + 1));
  if (candidates.length === 0) return { valid: false, reason: 'unsupported-signature-scheme' };

  const timestampSeconds = Number(timestampText);
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceOf(input.toleranceSeconds)) {
    return { valid: false, reason: 'timestamp-outside-tolerance' };
  }

  const expected = computeSignature(signingKey, { timestampSeconds, idempotencyKey, body: input.body });
  // Compare against every candidate (no early exit) so timing does not reveal which one matched.
  let matched = false;
  for (const candidate of candidates) matched = sameDigest(expected, candidate) || matched;
  if (!matched) return { valid: false, reason: 'signature-mismatch' };
  return { valid: true, timestampSeconds, idempotencyKey };
}
