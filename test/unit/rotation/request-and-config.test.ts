import { ConfigurationError, ValidationError } from '../../../lambdas/core/errors';
import { parseRotationEvent } from '../../../lambdas/core/rotation/request';
import { loadRotateConfig } from '../../../lambdas/core/runtime-config';
import { createRotateHandler } from '../../../lambdas/rotate/handler';

describe('parseRotationEvent', () => {
  it('accepts the Secrets Manager event and ignores extra members such as RotationToken', () => {
    expect(parseRotationEvent({ SecretId: 'arn:s', ClientRequestToken: 't-1', Step: 'testSecret', RotationToken: 'x' })).toEqual({
      secretId: 'arn:s',
      token: 't-1',
      step: 'testSecret',
    });
  });

  it.each([
    [{ ClientRequestToken: 't', Step: 'createSecret' }, 'SecretId'],
    [{ SecretId: 's', ClientRequestToken: '', Step: 'createSecret' }, 'ClientRequestToken'],
    [{ SecretId: 's', ClientRequestToken: 't', Step: 'deleteSecret' }, 'Step'],
    ['not an object', '(root)'],
  ])('refuses %j naming %s', (event, field) => {
    expect(() => parseRotationEvent(event)).toThrow(ValidationError);
    expect(() => parseRotationEvent(event)).toThrow(`field "${field}"`);
  });
});

describe('loadRotateConfig', () => {
  const ROTATOR_BINDINGS = '{"version":1,"secrets":{}}';

  it('reads the bus, the bindings and the optional base URL', () => {
    expect(loadRotateConfig({ EVENT_BUS_NAME: 'bus', GENESYS_CLOUD_BASE_URL: 'http://127.0.0.1:8080', ROTATOR_BINDINGS })).toEqual({
      eventBusName: 'bus',
      genesysBaseUrl: 'http://127.0.0.1:8080',
      bindings: { version: 1, secrets: {} },
    });
    expect(loadRotateConfig({ EVENT_BUS_NAME: 'bus', GENESYS_CLOUD_BASE_URL: '', ROTATOR_BINDINGS }).genesysBaseUrl).toBeUndefined();
  });

  it.each([
    [{}, 'EVENT_BUS_NAME', 'required'],
    [{ EVENT_BUS_NAME: '' }, 'EVENT_BUS_NAME', 'required'],
    [{ EVENT_BUS_NAME: 'b', GENESYS_CLOUD_BASE_URL: 'ftp://x' }, 'GENESYS_CLOUD_BASE_URL', 'http(s) URL'],
    [{ EVENT_BUS_NAME: 'b' }, 'ROTATOR_BINDINGS', 'ROTATOR_BINDINGS_FILE'],
    [{ EVENT_BUS_NAME: 'b', ROTATOR_BINDINGS: '{"version":2,"secrets":{}}' }, 'version', 'version 1'],
    [{ EVENT_BUS_NAME: 'b', ROTATOR_BINDINGS: '{}', ROTATOR_BINDINGS_FILE: '/opt/b.json' }, 'ROTATOR_BINDINGS_FILE', 'exactly one'],
  ])('refuses %j naming the variable', (env, field, expected) => {
    let caught: unknown;
    try {
      loadRotateConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).field).toBe(field);
    expect((caught as ConfigurationError).message).toContain(expected);
  });
});

describe('rotate handler', () => {
  it('fails a step with a ConfigurationError when EVENT_BUS_NAME is missing, before any call', async () => {
    const handler = createRotateHandler({ env: {} });
    await expect(handler({ SecretId: 's', ClientRequestToken: 't', Step: 'createSecret' })).rejects.toThrow(ConfigurationError);
  });

  it('fails every step, a no-op one included, with a ConfigurationError when no bindings are deployed', async () => {
    const handler = createRotateHandler({ env: { EVENT_BUS_NAME: 'bus' } });
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await expect(handler({ SecretId: 's', ClientRequestToken: 't', Step })).rejects.toMatchObject({ name: 'ConfigurationError', field: 'ROTATOR_BINDINGS' });
    }
  });
});
