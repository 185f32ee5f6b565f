import jsonata from 'jsonata';
import { AGE_DAYS_EXPRESSION } from '../../lib/constructs/age-reporter';
import { synthExample, type Synthesised } from './synth';

/** Evaluates a Step Functions `{% ... %}` JSONata string the way the service binds `$states`. */
async function evaluate(expression: string, states: Record<string, unknown>): Promise<unknown> {
  const body = /^\{%([\s\S]*)%\}$/.exec(expression)?.[1];
  if (body === undefined) throw new Error(`not a JSONata template: ${expression}`);
  return (await jsonata(body).evaluate({}, { states })) as unknown;
}

const context = { State: { EnteredTime: '2025-03-11T12:00:00.000Z' } };

describe('AgeReporter: age expression', () => {
  it('counts days since LastRotatedDate', async () => {
    // Act
    const age = await evaluate(AGE_DAYS_EXPRESSION, {
      result: { LastRotatedDate: '2025-03-01T00:00:00Z', CreatedDate: '2024-01-01T00:00:00Z' },
      context,
    });

    // Assess
    expect(age).toBe(10.5);
  });

  it('falls back to CreatedDate before the first rotation', async () => {
    const age = await evaluate(AGE_DAYS_EXPRESSION, { result: { CreatedDate: '2025-03-09T12:00:00.000Z' }, context });
    expect(age).toBe(2);
  });

  it('accepts timestamps as epoch seconds too', async () => {
    const age = await evaluate(AGE_DAYS_EXPRESSION, { result: { LastRotatedDate: Date.parse('2025-02-09T12:00:00Z') / 1000 }, context });
    expect(age).toBe(30);
  });
});

describe('AgeReporter: state machine definition', () => {
  let synth: Synthesised;
  let definition: { QueryLanguage: string; States: Record<string, { Items: { secretArn: string; secretName: string }[]; ItemProcessor: { States: Record<string, unknown> } }> };

  beforeAll(() => {
    synth = synthExample();
    const machines = Object.values(synth.template.findResources('AWS::StepFunctions::StateMachine')) as { Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }[];
    const parts = machines[0]!.Properties.DefinitionString['Fn::Join'][1];
    definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('')) as typeof definition;
  });
  afterAll(() => {
    synth.cleanup();
  });

  it('visits every managed secret by ARN and name', () => {
    const items = definition.States.EachSecret!.Items;
    expect(items.map((i) => i.secretName).sort()).toEqual(
      ['genesys-oauth/acme-eu/admin', 'genesys-oauth/acme-us/admin', 'genesys-oauth/crm-sync', 'genesys-oauth/wfm-export'],
    );
    for (const item of items) expect(item.secretArn).toMatch(/^<Rotator.*Secret[0-9A-F]{8}>$/);
  });

  it('uses only JSONata that compiles', () => {
    // Prepare
    const expressions: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string' && value.startsWith('{%')) expressions.push(value);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
    };

    // Act
    collect(definition);

    // Assess
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(expressions.length).toBeGreaterThanOrEqual(4);
    for (const expression of expressions) expect(() => jsonata(expression.slice(2, -2))).not.toThrow();
  });
});
