/**
 * The `--reason` of an emergency goes into the value of the `genesys-rotator:emergency` tag, next to
 * the request time (`requested=<ISO-8601 UTC> reason=<text>`, lambdas/core/rotation/emergency-tag.ts),
 * so it must follow the AWS tag value rules: at most 256 characters in all; letters, numbers and
 * spaces representable in UTF-8, and `_ . : / = + - @`. Anything else becomes a space; runs of spaces
 * collapse; the reason is shortened so that the whole value fits.
 */
import { redactSecretLike } from '../lambdas/core/redaction';
import { formatEmergencyTag, MAX_TAG_VALUE_LENGTH, parseEmergencyTag, sanitiseTagText } from '../lambdas/core/rotation/emergency-tag';

export { MAX_TAG_VALUE_LENGTH };

/** The longest reason the tag keeps: 256 minus `requested=<24-character ISO time> reason=`. */
export const MAX_REASON_LENGTH = MAX_TAG_VALUE_LENGTH - 'requested=2026-01-01T00:00:00.000Z reason='.length;

/** The tag-safe reason, or undefined when nothing usable is left (then the reason counts as missing). */
export function sanitiseReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  // Cut at the limit in UTF-16 units (never more characters than AWS counts); drop a surrogate half the cut left.
  // A reason may quote what leaked: the tag, the ledger and the logs must not carry it.
  const truncated = sanitiseTagText(redactSecretLike(reason)).slice(0, MAX_REASON_LENGTH).replace(/[\uD800-\uDBFF]$/, '').trim();
  return /[\p{L}\p{N}]/u.test(truncated) ? truncated : undefined;
}

/**
 * The tag value the CLI writes: the request time (this machine's clock, for people), `end-tokens=true`
 * when asked (`--end-tokens`), and the reason (shortened, if need be, to keep the value within 256).
 */
export function emergencyTagValue(reason: string, requestedAt: Date, endTokens = false): string {
  return formatEmergencyTag({ requestedAt, reason, endTokens });
}

/** The reason a tag value carries (any format, a plain reason set by hand included). */
export function reasonOf(tagValue: string): string {
  return parseEmergencyTag(tagValue).reason;
}
