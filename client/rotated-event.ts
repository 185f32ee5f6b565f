/**
 * The rotated event (DESIGN.md §4) as the client parses it, for EventBridge subscribers and webhook
 * receivers: the same schema as lambdas/core/events.ts (what the rotator publishes), written with
 * `zod/mini`. The client bundle must not carry classic zod: its 77 KB are most of what separated the
 * client's cold start from Powertools `getSecret` (bench/cold-start.ts). The two are held together by
 * test/unit/client/rotated-event.test.ts: same type, same constants, and property-based checks that
 * both accept and refuse the same values with the same field and words. When events.ts moves to
 * `zod/mini` too, this file becomes a re-export of it.
 *
 * The types are written out, not inferred from zod, so the client's declarations need no zod.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ValidationError } from '../lambdas/core/errors';
import { GENESYS_ENVIRONMENTS, type GenesysEnvironment } from '../lambdas/core/regions';

// zod's English messages (classic zod sets them; zod/mini does not): the words events.ts's errors carry
// where its schema gives none of its own. Our zod is bundled, so this touches no other copy of it.
z.config(en());

/** Source and detail-type of the rotated event on the EventBridge bus. */
export const ROTATED_EVENT_SOURCE = 'genesys-oauth-rotator';
export const ROTATED_EVENT_DETAIL_TYPE = 'Genesys OAuth Secret Rotated';

/** The rotated event's detail; never a secret. */
export interface RotatedEventDetail {
  /** ARN of the rotated secret. */
  secretArn: string;
  /** Secrets Manager version id that became AWSCURRENT (receivers de-duplicate by it). */
  versionId: string;
  /** The client consumers use from now on. */
  clientId: string;
  environment: GenesysEnvironment;
  strategy: 'single' | 'alternating';
  emergency: boolean;
  /** ISO-8601 instant of finishSecret. */
  rotatedAt: string;
  /**
   * Emergency only (absent from older rotators): the clients the rotation disabled to end their access
   * tokens. Alternating: the leaked client, now the standby, disabled until the next rotation, then the
   * new current client, disabled while it was the standby and enabled again right after its regenerate;
   * single with end-tokens: the one client, enabled again right after its regenerate.
   */
  disabledClientIds?: string[] | undefined;
  /** Emergency only: whether access tokens issued before the emergency were ended (false: they stay valid until they expire). */
  tokensEnded?: boolean | undefined;
}

/** One problem found by `safeParse`: where, and what was expected (never the value). */
export interface RotatedEventIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type RotatedEventSafeParseResult =
  | { readonly success: true; readonly data: RotatedEventDetail; readonly error?: undefined }
  | { readonly success: false; readonly data?: undefined; readonly error: Error & { readonly issues: readonly RotatedEventIssue[] } };

/** The detail schema: zod's `parse` and `safeParse`. */
export interface RotatedEventDetailSchema {
  /** The detail (unknown fields dropped), or a thrown error listing the issues. */
  parse(value: unknown): RotatedEventDetail;
  safeParse(value: unknown): RotatedEventSafeParseResult;
}

const nonEmpty = (error: string) => z.string().check(z.minLength(1, { error }));

const detailSchema = z.object({
  secretArn: nonEmpty('a non-empty secret ARN'),
  versionId: nonEmpty('a non-empty version id'),
  clientId: nonEmpty('a non-empty client id'),
  environment: z.enum(GENESYS_ENVIRONMENTS as [GenesysEnvironment, ...GenesysEnvironment[]], { error: 'a known Genesys Cloud region domain' }),
  strategy: z.enum(['single', 'alternating'], { error: '"single" or "alternating"' }),
  emergency: z.boolean({ error: 'a boolean' }),
  rotatedAt: z.iso.datetime({ offset: true, error: 'an ISO-8601 date-time' }),
  disabledClientIds: z.optional(z.array(nonEmpty('a non-empty client id'), { error: 'a list of client ids' })),
  tokensEnded: z.optional(z.boolean({ error: 'a boolean' })),
});

const envelopeSchema = z.looseObject({
  source: z.literal(ROTATED_EVENT_SOURCE, { error: `"${ROTATED_EVENT_SOURCE}"` }),
  'detail-type': z.literal(ROTATED_EVENT_DETAIL_TYPE, { error: `"${ROTATED_EVENT_DETAIL_TYPE}"` }),
  detail: detailSchema,
});

/** The detail alone (e.g. a webhook body): `rotatedEventDetailSchema.parse(JSON.parse(body))`. */
export const rotatedEventDetailSchema: RotatedEventDetailSchema = detailSchema;

/**
 * Validate an EventBridge event as the rotated event and return its detail.
 * @throws ValidationError naming the first bad field (e.g. `detail.versionId`) and what was expected.
 */
export function parseRotatedEvent(eventBridgeEvent: unknown): RotatedEventDetail {
  const result = envelopeSchema.safeParse(eventBridgeEvent);
  if (!result.success) {
    // As lambdas/core/validation.ts `firstIssue`: zod's message is ours (or zod's words), never the input.
    const issue = result.error.issues[0];
    const field = issue !== undefined && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    throw new ValidationError('Not a rotated event', field, issue?.message ?? 'a valid value');
  }
  return result.data.detail;
}
