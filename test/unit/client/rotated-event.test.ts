/**
 * The client's rotated-event parser (zod/mini) against the rotator's schema (lambdas/core/events.ts,
 * classic zod): same type, same constants, and the same verdict on any value, down to the field and
 * the words of the first issue.
 */
import fc from 'fast-check';
import * as events from '../../../lambdas/core/events';
import { ValidationError } from '../../../lambdas/core/errors';
import { GENESYS_ENVIRONMENTS } from '../../../lambdas/core/regions';
import * as client from '../../../client';

/** True when each type is assignable to the other. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const detail = {
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf',
  versionId: '5f0c7e3a-9a1b-4c2d-8e3f-0a1b2c3d4e5f',
  clientId: 'client-b',
  environment: 'mypurecloud.ie',
  strategy: 'alternating',
  emergency: false,
  rotatedAt: '2026-01-01T00:00:00.000Z',
};
const event = { source: events.ROTATED_EVENT_SOURCE, 'detail-type': events.ROTATED_EVENT_DETAIL_TYPE, detail };

/** Any JSON-ish value a field might hold by mistake. */
const junk = fc.oneof(fc.constant(''), fc.constant(null), fc.integer(), fc.boolean(), fc.string(), fc.constant([]), fc.constant({}));

/** A detail with each field either valid (from a few good values), wrong, or missing; plus extra fields. */
const detailLike = fc.record(
  {
    secretArn: fc.oneof(fc.constant(detail.secretArn), junk),
    versionId: fc.oneof(fc.uuid(), junk),
    clientId: fc.oneof(fc.constant('client-a'), junk),
    environment: fc.oneof(fc.constantFrom(...GENESYS_ENVIRONMENTS), fc.constant('example.com'), junk),
    strategy: fc.oneof(fc.constantFrom('single', 'alternating', 'Single'), junk),
    emergency: fc.oneof(fc.boolean(), junk),
    rotatedAt: fc.oneof(
      fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123+02:00', '2026-01-01', '2026-13-01T00:00:00Z', 'yesterday'),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      junk,
    ),
    disabledClientIds: fc.oneof(fc.constant(['client-a']), fc.constant([]), fc.constant(['']), junk),
    tokensEnded: fc.oneof(fc.boolean(), junk),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);

type Verdict = { ok: true; value: unknown } | { ok: false; field: string; expected: string };

const verdictOf = (parse: () => unknown): Verdict => {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { ok: false, field: error.field, expected: error.expected };
  }
};

const firstIssue = (result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } }) => {
  const issue = result.error?.issues[0];
  return { success: result.success, path: issue?.path.map(String), message: issue?.message };
};

describe('Module: client rotated event', () => {
  it("declares the detail type exactly as the rotator's schema infers it (no zod in the client's declarations)", () => {
    // Assess (compile time): a drift between the two fails the type check
    const same: Equal<client.RotatedEventDetail, events.RotatedEventDetail> = true;
    expect(same).toBe(true);
  });

  it('exports the same source and detail-type as the rotator publishes', () => {
    // Assess
    expect(client.ROTATED_EVENT_SOURCE).toBe(events.ROTATED_EVENT_SOURCE);
    expect(client.ROTATED_EVENT_DETAIL_TYPE).toBe(events.ROTATED_EVENT_DETAIL_TYPE);
  });

  it('parses a valid event and names the bad field of an invalid one', () => {
    // Act / Assess
    expect(client.parseRotatedEvent({ ...event, id: 'eventbridge-id' })).toEqual(detail);
    expect(() => client.parseRotatedEvent({ ...event, detail: { ...detail, versionId: '' } })).toThrow(ValidationError);
    expect(verdictOf(() => client.parseRotatedEvent({ ...event, detail: { ...detail, versionId: '' } }))).toEqual({ ok: false, field: 'detail.versionId', expected: 'a non-empty version id' });
    expect(client.rotatedEventDetailSchema.parse({ ...detail, extra: 'dropped' })).toEqual(detail);
    const failed = client.rotatedEventDetailSchema.safeParse({ ...detail, emergency: 'no' });
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]).toMatchObject({ path: ['emergency'], message: 'a boolean' });
  });

  it('reads the emergency fields of issue 14 when present, and an event without them as before', () => {
    // Prepare
    const emergency = { ...detail, emergency: true, disabledClientIds: ['client-a'], tokensEnded: true };

    // Act / Assess
    expect(client.parseRotatedEvent({ ...event, detail: emergency })).toEqual(emergency);
    expect(client.parseRotatedEvent(event)).not.toHaveProperty('tokensEnded');
    expect(verdictOf(() => client.parseRotatedEvent({ ...event, detail: { ...emergency, disabledClientIds: [''] } }))).toEqual({
      ok: false,
      field: 'detail.disabledClientIds.0',
      expected: 'a non-empty client id',
    });
  });

  it("gives the rotator's verdict on any detail: same data, or the same first field and words", () => {
    fc.assert(
      fc.property(detailLike, (value) => {
        // Act
        const ours = client.rotatedEventDetailSchema.safeParse(value);
        const theirs = events.rotatedEventDetailSchema.safeParse(value);

        // Assess
        expect(firstIssue(ours)).toEqual(firstIssue(theirs));
        if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
      }),
      { numRuns: 500 },
    );
  });

  it("gives the rotator's verdict on any envelope (parseRotatedEvent)", () => {
    const envelope = fc.record(
      {
        source: fc.oneof(fc.constant(events.ROTATED_EVENT_SOURCE), junk),
        'detail-type': fc.oneof(fc.constant(events.ROTATED_EVENT_DETAIL_TYPE), junk),
        detail: fc.oneof(detailLike, junk),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(envelope, junk), (value) => {
        // Act / Assess
        expect(verdictOf(() => client.parseRotatedEvent(value))).toEqual(verdictOf(() => events.parseRotatedEvent(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('does not load classic zod: importing and using the client needs only zod/mini', () => {
    jest.isolateModules(() => {
      // Prepare: classic zod made unloadable
      jest.doMock('zod', () => {
        throw new Error('classic zod loaded');
      });

      // Act
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../client') as typeof client;

      // Assess
      expect(fresh.parseRotatedEvent(event)).toEqual(detail);
    });
  });
});
