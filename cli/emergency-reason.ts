/**
 * The `--reason` of an emergency becomes the value of the `genesys-rotator:emergency` tag, so it must
 * follow the AWS tag value rules: at most 256 characters; letters, numbers and spaces representable
 * in UTF-8, and `_ . : / = + - @`. Anything else becomes a space; runs of spaces collapse.
 */
export const MAX_TAG_VALUE_LENGTH = 256;

const DISALLOWED = /[^\p{L}\p{N} _.:/=+\-@]/gu;

/** The tag-safe reason, or undefined when nothing usable is left (then the reason counts as missing). */
export function sanitiseReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const cleaned = reason.replace(DISALLOWED, ' ').replace(/ {2,}/g, ' ').trim();
  // Cut at 256 UTF-16 units (never more characters than AWS counts); drop a surrogate half the cut left.
  const truncated = cleaned.slice(0, MAX_TAG_VALUE_LENGTH).replace(/[\uD800-\uDBFF]$/, '').trim();
  return /[\p{L}\p{N}]/u.test(truncated) ? truncated : undefined;
}
