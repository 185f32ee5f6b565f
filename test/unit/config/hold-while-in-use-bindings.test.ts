import { parseBindings, serializeBindings } from '../../../lambdas/core/bindings';
import { bindingsOf } from '../../../lib/config/bindings';
import { parseRotatorConfig } from '../../../lib/config/load';

const config = parseRotatorConfig({
  organisations: [{ name: 'us', environment: 'mypurecloud.com', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule: { expression: 'rate(30 days)', window: '2h' } } }],
  clients: [
    { name: 'crm', organisation: 'us', strategy: 'single', clientId: 'crm-1', schedule: { expression: 'rate(30 days)', window: '3h' } },
    { name: 'wfm', organisation: 'us', strategy: 'alternating', clientId: 'wfm-a', alternateClientId: 'wfm-b', holdWhileInUse: true, schedule: { expression: 'rate(30 days)', window: '3h' } },
  ],
  policy: { maxRotationDays: 45 },
});

describe('Bindings: holdWhileInUse', () => {
  it('binds holdWhileInUse only for the clients that set it', () => {
    // Act
    const bindings = bindingsOf(config);

    // Assess
    expect(bindings['genesys-oauth/wfm']).toMatchObject({ clientIds: ['wfm-a', 'wfm-b'], holdWhileInUse: true });
    expect(bindings['genesys-oauth/crm']).not.toHaveProperty('holdWhileInUse');
    expect(bindings['genesys-oauth/us/admin']).not.toHaveProperty('holdWhileInUse');
  });

  it('round-trips through the wire format, and older bindings without it still parse', () => {
    // Act
    const parsed = parseBindings(serializeBindings(bindingsOf(config)), 'test');
    const older = parseBindings('{"version":1,"secrets":{"s":{"environment":"mypurecloud.com","clientIds":["a","b"]}}}', 'test');

    // Assess
    expect(parsed.secrets['genesys-oauth/wfm']?.holdWhileInUse).toBe(true);
    expect(parsed.secrets['genesys-oauth/crm']?.holdWhileInUse).toBeUndefined();
    expect(older.secrets['s']?.holdWhileInUse).toBeUndefined();
  });

  it('refuses a holdWhileInUse that is not a boolean', () => {
    expect(() => parseBindings('{"version":1,"secrets":{"s":{"environment":"mypurecloud.com","clientIds":["a","b"],"holdWhileInUse":"yes"}}}', 'test')).toThrow(/holdWhileInUse/);
  });
});
