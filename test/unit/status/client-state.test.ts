import { DISABLED_STANDBY_NOTE, judgeClientStates } from '../../../lambdas/core/status/client-state';

describe('Function: judgeClientStates', () => {
  it('is ok when the clients are active', () => {
    expect(judgeClientStates({ clientId: 'a', state: 'active' }, { clientId: 'b', state: 'active' })).toEqual({ ok: true, detail: 'both clients are active' });
    expect(judgeClientStates({ clientId: 'a', state: 'active' })).toEqual({ ok: true, detail: 'client active' });
  });

  it('takes a standby an emergency disabled for expected, not drift', () => {
    expect(judgeClientStates({ clientId: 'a', state: 'active' }, { clientId: 'b', state: 'disabled' })).toEqual({
      ok: true,
      detail: `current client active; standby client b is ${DISABLED_STANDBY_NOTE}`,
    });
  });

  it('fails a current client that is not active, and an inactive standby', () => {
    expect(judgeClientStates({ clientId: 'a', state: 'disabled' }, { clientId: 'b', state: 'active' })).toMatchObject({ ok: false, detail: expect.stringContaining('current client a is disabled: consumers get no tokens') as unknown });
    expect(judgeClientStates({ clientId: 'a', state: 'active' }, { clientId: 'b', state: 'inactive' })).toMatchObject({ ok: false, detail: expect.stringContaining('refuses to rotate consumers onto it') as unknown });
    expect(judgeClientStates({ clientId: 'a', state: 'disabled' })).toMatchObject({ ok: false });
  });
});
