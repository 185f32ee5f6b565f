/**
 * The rotated event (DESIGN.md §4) for EventBridge subscribers and webhook receivers, as the client
 * exports it. The schema itself lives in lambdas/core/events.ts (one home, shared with the rotator);
 * this module loads it on first use, because building its zod schemas is most of what classic zod
 * costs at start-up, and a consumer that only wants tokens should not pay that in its cold start.
 *
 * The types are written out here, not inferred from zod, so the client's declarations need no zod;
 * test/unit/client/rotated-event.test.ts checks that they match the schema's.
 */
import type * as Events from '../lambdas/core/events';
import type { GenesysEnvironment } from '../lambdas/core/regions';

/** Source and detail-type of the rotated event on the EventBridge bus (the same values as events.ts). */
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
}

/** One problem found by `safeParse`: where, what was expected (never the value). */
export interface RotatedEventIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type RotatedEventSafeParseResult =
  | { readonly success: true; readonly data: RotatedEventDetail; readonly error?: undefined }
  | { readonly success: false; readonly data?: undefined; readonly error: Error & { readonly issues: readonly RotatedEventIssue[] } };

/** The detail schema's `parse` and `safeParse` (zod's, loaded on first use). */
export interface RotatedEventDetailSchema {
  /** The detail, or a thrown error listing the issues. */
  parse(value: unknown): RotatedEventDetail;
  safeParse(value: unknown): RotatedEventSafeParseResult;
}

let events: typeof Events | undefined;

function load(): typeof Events {
  // A bundled require: esbuild keeps the module in the bundle but runs it (and zod) only on this first call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  events ??= require('../lambdas/core/events') as typeof Events;
  return events;
}

/**
 * Validate an EventBridge event as the rotated event and return its detail.
 * @throws ValidationError naming the first bad field (e.g. `detail.versionId`) and what was expected.
 */
export function parseRotatedEvent(eventBridgeEvent: unknown): RotatedEventDetail {
  return load().parseRotatedEvent(eventBridgeEvent);
}

/** The detail alone (e.g. a webhook body): `rotatedEventDetailSchema.parse(JSON.parse(body))`. */
export const rotatedEventDetailSchema: RotatedEventDetailSchema = {
  parse: (value) => load().rotatedEventDetailSchema.parse(value),
  safeParse: (value) => load().rotatedEventDetailSchema.safeParse(value),
};
