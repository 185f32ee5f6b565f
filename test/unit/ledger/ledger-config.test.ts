import { ConfigurationError } from '../../../lambdas/core/errors';
import { LEDGER_RETENTION_VARIABLE, LEDGER_TABLE_VARIABLE } from '../../../lambdas/core/ledger/record';
import { loadRotateConfig } from '../../../lambdas/core/runtime-config';

const BASE = { EVENT_BUS_NAME: 'bus', ROTATOR_BINDINGS: '{"version":1,"secrets":{}}' };

describe('Function: loadRotateConfig (ledger)', () => {
  it('has no ledger when the table variable is unset or empty', () => {
    expect(loadRotateConfig(BASE).ledger).toBeUndefined();
    expect(loadRotateConfig({ ...BASE, [LEDGER_TABLE_VARIABLE]: '' }).ledger).toBeUndefined();
  });

  it.each([
    ['365', 365],
    ['0', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads the table and a retention of %j days as %j', (retention, days) => {
    expect(loadRotateConfig({ ...BASE, [LEDGER_TABLE_VARIABLE]: 'Rotator-Ledger_1', [LEDGER_RETENTION_VARIABLE]: retention }).ledger).toEqual({ tableName: 'Rotator-Ledger_1', retentionDays: days });
  });

  it.each([
    [{ [LEDGER_TABLE_VARIABLE]: 'no spaces allowed' }, LEDGER_TABLE_VARIABLE, 'a DynamoDB table name'],
    [{ [LEDGER_TABLE_VARIABLE]: 'ledger', [LEDGER_RETENTION_VARIABLE]: '-1' }, LEDGER_RETENTION_VARIABLE, 'a whole number of days'],
    [{ [LEDGER_TABLE_VARIABLE]: 'ledger', [LEDGER_RETENTION_VARIABLE]: '1.5' }, LEDGER_RETENTION_VARIABLE, 'a whole number of days'],
  ])('refuses %j naming %s', (env, field, expected) => {
    // Act
    let thrown: unknown;
    try {
      loadRotateConfig({ ...BASE, ...env });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(thrown).toMatchObject({ field, expected: expect.stringContaining(expected) as string });
    expect((thrown as Error).message).not.toContain('no spaces allowed');
  });
});
