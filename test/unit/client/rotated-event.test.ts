import * as events from '../../../lambdas/core/events';
import { ValidationError } from '../../../lambdas/core/errors';
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

  it("parses with the rotator's schema: valid events pass, invalid ones name the field", () => {
    // Act / Assess
    expect(client.parseRotatedEvent(event)).toEqual(detail);
    expect(() => client.parseRotatedEvent({ ...event, detail: { ...detail, versionId: '' } })).toThrow(ValidationError);
    expect(client.rotatedEventDetailSchema.parse(detail)).toEqual(detail);
    const failed = client.rotatedEventDetailSchema.safeParse({ ...detail, emergency: 'no' });
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]).toMatchObject({ path: ['emergency'], message: 'a boolean' });
    expect(client.rotatedEventDetailSchema.safeParse(detail)).toMatchObject({ success: true, data: detail });
  });

  it('loads the schema module only when first used, not when the client is imported', () => {
    jest.isolateModules(() => {
      // Prepare
      const loaded = jest.fn();
      jest.doMock('../../../lambdas/core/events', () => {
        loaded();
        return jest.requireActual<typeof events>('../../../lambdas/core/events');
      });

      // Act
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../client') as typeof client;
      const beforeUse = loaded.mock.calls.length;
      fresh.parseRotatedEvent(event);
      fresh.rotatedEventDetailSchema.parse(detail);

      // Assess
      expect(beforeUse).toBe(0);
      expect(loaded).toHaveBeenCalledTimes(1);
    });
  });
});
