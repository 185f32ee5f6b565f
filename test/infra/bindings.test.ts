/**
 * The bindings both functions receive (DESIGN.md §3 "Bindings"): inline for the example, a file shipped
 * in a layer for a fleet whose bindings would not fit Lambda's 4 KB environment.
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BINDINGS_FILE_VARIABLE, BINDINGS_VARIABLE, parseBindings } from '../../lambdas/core/bindings';
import { adminSecretName, bindingsOf } from '../../lib/config/bindings';
import { loadRotatorConfig, parseRotatorConfig } from '../../lib/config/load';
import { BINDINGS_FILE_PATH } from '../../lib/constructs/rotator-bindings';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES, RotatorFunction } from '../../lib/constructs/rotator-function';
import { GenesysOAuthRotator } from '../../lib/genesys-oauth-rotator';
import { Strategy, type GenesysOAuthRotatorProps } from '../../lib/rotator-props';
import { EXAMPLE_CONFIG, synthExample, testAppContext, type Synthesised } from './synth';

type Json = Record<string, unknown>;
interface FunctionResource {
  Properties: { Description: string; Environment: { Variables: Record<string, unknown> }; Layers?: unknown[] };
}

/** Lambda measures the JSON of the variables; a deploy-time value counts as the longest it can be (256). */
function environmentBytes(variables: Record<string, unknown>): number {
  const measured = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : 'x'.repeat(256)]));
  return Buffer.byteLength(JSON.stringify(measured));
}

function functionsOf(template: Template): FunctionResource[] {
  return Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
}

/** One organisation with an admin pair and `count` single clients. */
function fleet(count: number): GenesysOAuthRotatorProps {
  const schedule = { expression: 'rate(30 days)', window: '2h' };
  return {
    organisations: [{ name: 'prod', environment: 'mypurecloud.ie', admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule } }],
    clients: Array.from({ length: count }, (_, i) => ({
      name: `client-${String(i).padStart(4, '0')}`,
      organisation: 'prod',
      strategy: Strategy.SINGLE,
      clientId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      schedule,
    })),
    policy: { maxRotationDays: 45 },
  };
}

describe('Bindings: bindingsOf', () => {
  it('binds admin pairs to their two clients and clients to their ids and admin secret name', () => {
    // Prepare
    const config = loadRotatorConfig(EXAMPLE_CONFIG);

    // Act
    const bindings = bindingsOf(config);

    // Assess
    expect(bindings).toEqual({
      'genesys-oauth/acme-us/admin': { environment: 'mypurecloud.com', clientIds: ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'] },
      'genesys-oauth/acme-eu/admin': { environment: 'mypurecloud.ie', clientIds: ['33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444'] },
      'genesys-oauth/crm-sync': { environment: 'mypurecloud.com', clientIds: ['55555555-5555-4555-8555-555555555555'], adminSecret: 'genesys-oauth/acme-us/admin' },
      'genesys-oauth/wfm-export': {
        environment: 'mypurecloud.ie',
        clientIds: ['66666666-6666-4666-8666-666666666666', '77777777-7777-4777-8777-777777777777'],
        adminSecret: 'genesys-oauth/acme-eu/admin',
      },
    });
  });

  it('leaves adminSecret out for an alternating client of an organisation without an admin pair', () => {
    // Prepare
    const config = parseRotatorConfig({
      organisations: [{ name: 'eu', environment: 'mypurecloud.ie' }],
      clients: [{ name: 'wfm', organisation: 'eu', strategy: 'alternating', clientId: 'a', alternateClientId: 'b', schedule: { expression: 'rate(7 days)', window: '1h' } }],
      notifications: {},
      policy: { maxRotationDays: 7 },
    });

    // Act / Assess
    expect(bindingsOf(config)).toEqual({ 'genesys-oauth/wfm': { environment: 'mypurecloud.ie', clientIds: ['a', 'b'] } });
    expect(adminSecretName(config, 'eu')).toBe('genesys-oauth/eu/admin');
  });
});

describe('Bindings: the example stack', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthExample();
  });
  afterAll(() => {
    synth.cleanup();
  });

  it('gives both functions ROTATOR_BINDINGS with every managed secret, and no file or layer', () => {
    // Prepare
    const functions = functionsOf(synth.template);
    const expected = bindingsOf(loadRotatorConfig(EXAMPLE_CONFIG));

    // Assess
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables[BINDINGS_FILE_VARIABLE]).toBeUndefined();
      expect(typeof variables[BINDINGS_VARIABLE]).toBe('string');
      // What the Lambda parses is exactly what the configuration says.
      const bindings = parseBindings(variables[BINDINGS_VARIABLE] as string, BINDINGS_VARIABLE);
      expect(bindings.version).toBe(1);
      expect(bindings.secrets).toEqual(expected);
      expect(bindings.secrets['genesys-oauth/crm-sync']?.adminSecret).toBe('genesys-oauth/acme-us/admin');
      expect(bindings.secrets['genesys-oauth/acme-us/admin']?.adminSecret).toBeUndefined();
      expect(fn.Properties.Layers).toBeUndefined();
      expect(environmentBytes(variables)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    }
    synth.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
  });
});

describe('Bindings: a fleet of 1,000 client secrets', () => {
  let outdir: string;
  let template: Template;
  let rotator: GenesysOAuthRotator;
  beforeAll(() => {
    // No cdk-nag, no bundling, no template validation and no policy minimising (quadratic in the
    // statements: 8 of the 12 seconds this synth would take): this checks sizes, fast. Such a stack does
    // not deploy (CloudFormation takes 500 resources a stack: about 120 clients here); the bindings'
    // size is what this is about.
    const app = new App({
      context: testAppContext({ '@aws-cdk/core:stackResourceLimit': 0, '@aws-cdk/aws-iam:minimizePolicies': false }),
      builtinCloudFormationValidation: false,
    });
    const stack = new Stack(app, 'Fleet');
    rotator = new GenesysOAuthRotator(stack, 'Rotator', fleet(1000));
    template = Template.fromStack(stack);
    outdir = app.outdir;
  });
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  /** The construct's function wrapper (private to the construct's API, found by its id). */
  function rotatorFunction(id: string): RotatorFunction {
    const child = rotator.node.findChild(id);
    if (!(child instanceof RotatorFunction)) throw new Error(`${id} is not a RotatorFunction`);
    return child;
  }

  it('ships the bindings as a file in a layer and names it in ROTATOR_BINDINGS_FILE only', () => {
    // Prepare
    const layers = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));

    // Assess
    expect(layers).toHaveLength(1);
    for (const fn of functionsOf(template)) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables[BINDINGS_VARIABLE]).toBeUndefined();
      expect(variables[BINDINGS_FILE_VARIABLE]).toBe(BINDINGS_FILE_PATH);
      expect(BINDINGS_FILE_PATH).toMatch(/^\/opt\/[^/]+\/bindings\.json$/);
      expect(fn.Properties.Layers).toEqual([{ Ref: layers[0] }]);
      expect(environmentBytes(variables)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    }
    expect(rotatorFunction('Rotate').bindingsDelivery).toBe('file');
    expect(rotatorFunction('Notify').bindingsDelivery).toBe('file');
  });

  it('puts the bindings of every secret into the layer asset at the path the variable names', () => {
    // Prepare: the staged asset directory of the layer, found through its hash
    const layer = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0] as { Properties: { Content: { S3Key: string } } };
    const assetDir = path.join(outdir, `asset.${layer.Properties.Content.S3Key.replace(/\.zip$/, '')}`);

    // Act: what the function reads at /opt/... is the layer's content at the same relative path
    const text = readFileSync(path.join(assetDir, path.relative('/opt', BINDINGS_FILE_PATH)), 'utf8');
    const bindings = parseBindings(text, BINDINGS_FILE_VARIABLE);

    // Assess
    expect(Object.keys(bindings.secrets)).toHaveLength(1001);
    expect(bindings.secrets['genesys-oauth/client-0999']).toEqual({
      environment: 'mypurecloud.ie',
      clientIds: ['00000000-0000-4000-8000-000000000999'],
      adminSecret: 'genesys-oauth/prod/admin',
    });
    expect(Buffer.byteLength(text)).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });

  it('makes the layer for the functions\' runtime and architecture', () => {
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64'] } satisfies Json);
  });
});
