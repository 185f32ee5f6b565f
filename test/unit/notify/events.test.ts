import { ValidationError } from '../../../lambdas/core/errors';
import { parseRotatedEvent, ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../../../lambdas/core/events';

const detail = {
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf',
  versionId: '11111111-2222-3333-4444-555555555555',
  clientId: 'client-b',
  environment: 'mypurecloud.ie',
  strategy: 'single',
  emergency: true,
  rotatedAt: '2026-01-01T00:00:00.000Z',
};

const event = (overrides: Record<string, unknown> = {}, detailOverrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e-1',
  source: ROTATED_EVENT_SOURCE,
  'detail-type': ROTATED_EVENT_DETAIL_TYPE,
  detail: { ...detail, ...detailOverrides },
  ...overrides,
});

describe('Function: parseRotatedEvent', () => {
  it('returns the detail of a rotated event', () => {
    expect(parseRotatedEvent(event())).toEqual(detail);
  });

  it('drops detail fields the schema does not name, so nothing unexpected reaches a webhook body', () => {
    expect(parseRotatedEvent(event({}, { clientSecret: 'should-not-pass' }))).not.toHaveProperty('clientSecret');
  });

  it('refuses another source or detail-type, naming the field', () => {
    expect(() => parseRotatedEvent(event({ source: 'aws.secretsmanager' }))).toThrow(expect.objectContaining({ field: 'source' }) as Error);
    expect(() => parseRotatedEvent(event({ 'detail-type': 'Other' }))).toThrow(expect.objectContaining({ field: 'detail-type' }) as Error);
  });

  it('names the bad detail field and what was expected', () => {
    // Act
    let thrown: unknown;
    try {
      parseRotatedEvent(event({}, { environment: 'example.com' }));
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).field).toBe('detail.environment');
    expect((thrown as ValidationError).expected).toBe('a known Genesys Cloud region domain');
  });

  it('refuses a rotatedAt that is not an ISO date-time and a missing versionId', () => {
    expect(() => parseRotatedEvent(event({}, { rotatedAt: 'yesterday' }))).toThrow(expect.objectContaining({ field: 'detail.rotatedAt' }) as Error);
    expect(() => parseRotatedEvent(event({}, { versionId: undefined }))).toThrow(expect.objectContaining({ field: 'detail.versionId' }) as Error);
  });
});
