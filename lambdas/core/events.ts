/**
 * The rotated event (DESIGN.md §4): published by finishSecret, consumed by the notifier and by anyone
 * subscribed to the bus. Never carries a secret: the schema strips every field it does not name.
 */
import * as z from 'zod';
import { ValidationError } from './errors';
import { GENESYS_ENVIRONMENTS, type GenesysEnvironment } from './regions';
import { STRATEGIES } from './secret-document';
import { firstIssue } from './validation';

export const ROTATED_EVENT_SOURCE = 'genesys-oauth-rotator';
export const ROTATED_EVENT_DETAIL_TYPE = 'Genesys OAuth Secret Rotated';

export const rotatedEventDetailSchema = z.object({
  /** ARN of the rotated secret. */
  secretArn: z.string().min(1, { error: 'a non-empty secret ARN' }),
  /** Secrets Manager version id that became AWSCURRENT (receivers de-duplicate by it). */
  versionId: z.string().min(1, { error: 'a non-empty version id' }),
  /** The client consumers use from now on. */
  clientId: z.string().min(1, { error: 'a non-empty client id' }),
  environment: z.enum(GENESYS_ENVIRONMENTS as [GenesysEnvironment, ...GenesysEnvironment[]], { error: 'a known Genesys Cloud region domain' }),
  strategy: z.enum(STRATEGIES, { error: '"single" or "alternating"' }),
  emergency: z.boolean({ error: 'a boolean' }),
  /** ISO-8601 instant of finishSecret. */
  rotatedAt: z.iso.datetime({ offset: true, error: 'an ISO-8601 date-time' }),
  /**
   * Emergency only (issue 14; absent from older rotators, so optional): the clients this rotation
   * disabled to end their access tokens. Alternating: the leaked client, now the standby (`alternateClientId`
   * of the secret), disabled until the next rotation, then the new current client, disabled while it was
   * the standby and enabled again right after its regenerate; single with end-tokens: the one client,
   * enabled again right after its regenerate.
   */
  disabledClientIds: z.array(z.string().min(1, { error: 'a non-empty client id' }), { error: 'a list of client ids' }).optional(),
  /** Emergency only: whether access tokens issued before the emergency were ended (false: they stay valid until they expire). */
  tokensEnded: z.boolean({ error: 'a boolean' }).optional(),
});

export type RotatedEventDetail = z.infer<typeof rotatedEventDetailSchema>;

const envelopeSchema = z.looseObject({
  source: z.literal(ROTATED_EVENT_SOURCE, { error: `"${ROTATED_EVENT_SOURCE}"` }),
  'detail-type': z.literal(ROTATED_EVENT_DETAIL_TYPE, { error: `"${ROTATED_EVENT_DETAIL_TYPE}"` }),
  detail: rotatedEventDetailSchema,
});

/**
 * Validate an EventBridge event as the rotated event and return its detail.
 * @throws ValidationError naming the first bad field (e.g. `detail.versionId`) and what was expected.
 */
export function parseRotatedEvent(eventBridgeEvent: unknown): RotatedEventDetail {
  const result = envelopeSchema.safeParse(eventBridgeEvent);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error);
    // zod's message is ours (the `error` strings above); the input itself is never quoted.
    throw new ValidationError('Not a rotated event', field, expected);
  }
  return result.data.detail;
}
