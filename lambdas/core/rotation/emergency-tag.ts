/**
 * The value of the `genesys-rotator:emergency` tag (DESIGN.md §3 "Emergency rotation"), shared by the
 * rotation engine and the CLI. Pure functions: parse, format, and the rules of tag values.
 *
 * Format: `requested=<ISO-8601 UTC> [version=<rotation version id>] [end-tokens=true] [reason=<text>]`,
 * e.g. `requested=2026-11-29T10:15:00.000Z reason=secret pasted in ticket 4711`. Any other value (a tag
 * set by hand, or by an older CLI: the plain reason) reads as a request without a time or version; a
 * hand-set value that starts with `end-tokens=true` (e.g. `end-tokens=true reason=laptop stolen`) asks
 * for the end of the access tokens too. Values written before `end-tokens` existed read as before.
 *
 * `end-tokens=true` (issue 14) matters for `single` only: ending a single client's access tokens means
 * disabling the one client consumers use, a short interruption the operator must choose. An alternating
 * pair's leaked client is disabled on every emergency, since consumers already use the other one.
 *
 * Why a version and not only a time: an emergency is honoured only by a rotation whose new secret
 * Genesys Cloud made after the request. The one moment the rotator knows that for sure is in
 * createSecret, just before it regenerates: if the tag is there, the request came first. So
 * createSecret writes its own version id into the tag (it "binds" the request), and finishSecret
 * reports the emergency done only for the bound version. A rotation already past createSecret when
 * the tag appears never binds it, whatever the clocks of the operator's laptop and AWS say. The time
 * is for people (and `status`): when the request was made, or when the rotator first bound a tag that
 * was set by hand without one.
 */

/** AWS tag values: at most 256 characters. */
export const MAX_TAG_VALUE_LENGTH = 256;

/** AWS tag values allow letters, numbers and spaces representable in UTF-8, and `_ . : / = + - @`. */
const DISALLOWED = /[^\p{L}\p{N} _.:/=+\-@]/gu;
/** A version id written into a tag as it is only when it fits the tag rules (RotateSecret's ids are UUIDs). */
const TAG_SAFE_TOKEN = /^[A-Za-z0-9_.:/=+\-@]{1,64}$/;
const STAMPED = /^requested=(\S+)(?: version=(\S+))?( end-tokens=true)?(?: reason=(.*))?$/su;
/** A hand-set request for the end of the tokens: `end-tokens=true`, optionally followed by a reason. */
const HAND_END_TOKENS = /^end-tokens=true(?:\s+(?:reason=)?(.*))?$/su;
const END_TOKENS = ' end-tokens=true';

export interface EmergencyRequest {
  /** When the emergency was requested (CLI), or when the rotator first bound a hand-set tag; absent for a plain value. */
  readonly requestedAt?: Date | undefined;
  /** The version id of the rotation that made its new secret after the request (set by createSecret). */
  readonly boundVersionId?: string | undefined;
  /** Why, for people; may be empty. */
  readonly reason: string;
  /** `single`: also disable and re-enable the client around the regenerate, so its access tokens die. */
  readonly endTokens?: boolean | undefined;
}

/** Free text made tag-safe: disallowed characters become spaces, runs of spaces collapse, trimmed. */
export function sanitiseTagText(text: string): string {
  return text.replace(DISALLOWED, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Cut at `max` UTF-16 units (never more characters than AWS counts), dropping a surrogate half the cut left. */
function truncate(text: string, max: number): string {
  return text.slice(0, Math.max(0, max)).replace(/[\uD800-\uDBFF]$/, '').trim();
}

/** The tag value of a request. The reason is shortened to keep the value within 256 characters. */
export function formatEmergencyTag(request: EmergencyRequest & { readonly requestedAt: Date }): string {
  const parts = [`requested=${request.requestedAt.toISOString()}`];
  if (request.boundVersionId !== undefined) parts.push(`version=${request.boundVersionId}`);
  const head = parts.join(' ') + (request.endTokens === true ? END_TOKENS : '');
  const reason = truncate(sanitiseTagText(request.reason), MAX_TAG_VALUE_LENGTH - head.length - ' reason='.length);
  return reason === '' ? head : `${head} reason=${reason}`;
}

/** Read a tag value: the stamped format, or any other text as the reason of a request without a time. */
export function parseEmergencyTag(value: string): EmergencyRequest {
  const match = STAMPED.exec(value);
  const requestedAt = match?.[1] === undefined ? undefined : new Date(match[1]);
  if (match === null || requestedAt === undefined || Number.isNaN(requestedAt.getTime())) {
    const hand = HAND_END_TOKENS.exec(value.trim());
    return hand === null ? { reason: value.trim() } : { reason: (hand[1] ?? '').trim(), endTokens: true };
  }
  return { requestedAt, boundVersionId: match[2], reason: (match[4] ?? '').trim(), ...(match[3] !== undefined ? { endTokens: true } : {}) };
}

/** Whether a version id can be written into the tag (it must follow the tag value rules). */
export function canBindVersion(versionId: string): boolean {
  return TAG_SAFE_TOKEN.test(versionId);
}

/** Whether this rotation (version id) may report the emergency done: it bound the request in its createSecret. */
export function isBoundTo(request: EmergencyRequest, versionId: string): boolean {
  return request.boundVersionId === versionId;
}

/**
 * The tag value createSecret writes before it regenerates, or `undefined` when the request is already
 * bound to this version (a retried createSecret). A request without a time gets `now`: when the
 * rotator first acted on it.
 */
export function bindEmergency(value: string, versionId: string, now: Date): string | undefined {
  const request = parseEmergencyTag(value);
  if (isBoundTo(request, versionId)) return undefined;
  return formatEmergencyTag({ requestedAt: request.requestedAt ?? now, boundVersionId: versionId, reason: request.reason, endTokens: request.endTokens });
}
