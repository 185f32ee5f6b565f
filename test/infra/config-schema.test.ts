import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeploymentConfigError } from '../../lib/errors';
import { loadRotatorConfig, parseRotatorConfig } from '../../lib/config/load';
import type { RotatorConfigInput } from '../../lib/config/schema';
import { EXAMPLE_CONFIG, synthExample } from './synth';

/** A small valid configuration each case breaks in one place. */
function validConfig(): RotatorConfigInput {
  return {
    organisations: [
      {
        name: 'us',
        environment: 'mypurecloud.com',
        admin: { clientId: 'admin-a', alternateClientId: 'admin-b', schedule: { expression: 'rate(30 days)', window: '2h' } },
      },
      { name: 'eu', environment: 'mypurecloud.ie' },
    ],
    clients: [
      { name: 'crm', organisation: 'us', strategy: 'single', clientId: 'crm-1', schedule: { expression: 'rate(30 days)', window: '3h' } },
      {
        name: 'wfm',
        organisation: 'eu',
        strategy: 'alternating',
        clientId: 'wfm-a',
        alternateClientId: 'wfm-b',
        schedule: { expression: 'cron(0 4 1 * ? *)', window: '4h' },
      },
    ],
    notifications: { emails: ['ops@example.com'] },
    policy: { maxRotationDays: 45 },
  };
}

/** Runs the parser and returns the thrown error (fails the test if nothing is thrown). */
function errorOf(config: unknown): DeploymentConfigError {
  try {
    parseRotatorConfig(config, 'test.json');
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('Config: deployment file schema', () => {
  it('accepts a valid configuration and applies defaults', () => {
    // Act
    const config = parseRotatorConfig(validConfig());

    // Assess
    expect(config.stackName).toBe('GenesysOAuthRotator');
    expect(config.rotateConcurrency).toBe(2);
    expect(config.clients[0]?.integrationCredentialIds).toEqual([]);
    expect(config.clients[0]?.readers).toEqual([]);
    expect(config.firstValueLoaders).toEqual([]);
    expect(config.removalPolicy).toBe('retain');
    expect(config.replicaRegions).toEqual([]);
    expect(config.ledger).toEqual({ retentionDays: 400 });
  });

  it('accepts a configuration without notifications and with replica regions', () => {
    // Prepare
    const { notifications: _omitted, ...input } = validConfig();

    // Act
    const config = parseRotatorConfig({ ...input, replicaRegions: [{ region: 'eu-central-1', encryptionKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, { region: 'us-gov-west-1' }] });

    // Assess
    expect(config.notifications).toEqual({ emails: [] });
    expect(config.replicaRegions.map((r) => r.region)).toEqual(['eu-central-1', 'us-gov-west-1']);
  });

  it('accepts role and user ARNs with paths, in any partition, for readers and loaders', () => {
    // Prepare
    const input = validConfig();
    input.firstValueLoaders = ['arn:aws:iam::111122223333:user/ops/break-glass', 'arn:aws-us-gov:iam::111122223333:role/secret-loader'];
    input.clients[0]!.readers = ['arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Reader_0123456789abcdef'];
    input.removalPolicy = 'destroy';

    // Act
    const config = parseRotatorConfig(input);

    // Assess
    expect(config.firstValueLoaders).toHaveLength(2);
    expect(config.clients[0]?.readers).toHaveLength(1);
    expect(config.removalPolicy).toBe('destroy');
  });

  it.each<[string, (c: RotatorConfigInput & Record<string, unknown>) => void, string, RegExp]>([
    [
      'an unknown Genesys region',
      (c) => { c.organisations[1]!.environment = 'mypurecloud.xx'; },
      'organisations[1].environment',
      /known Genesys Cloud region domain \(got "mypurecloud.xx"\)/,
    ],
    [
      'a schedule longer than the policy',
      (c) => { c.clients[0]!.schedule.expression = 'rate(60 days)'; },
      'clients[0].schedule.expression',
      /no longer than policy.maxRotationDays \(45 days\)/,
    ],
    [
      'a cron schedule whose longest gap exceeds the policy',
      (c) => { c.clients[1]!.schedule.expression = 'cron(0 4 1 1/2 ? *)'; },
      'clients[1].schedule.expression',
      /can leave 62 days between rotations/,
    ],
    [
      'a client id used by two secrets',
      (c) => { c.clients[1]!.clientId = 'crm-1'; },
      'clients[1].clientId',
      /not used by another secret \(it is also clients\[0\]\.clientId\)/,
    ],
    [
      'an admin client id reused by a managed client',
      (c) => { c.clients[0]!.clientId = 'admin-b'; },
      'clients[0].clientId',
      /it is also organisations\[0\]\.admin\.alternateClientId/,
    ],
    [
      'a single client in an organisation without an admin pair',
      (c) => { c.clients[0]!.organisation = 'eu'; },
      'clients[0].strategy',
      /a "single" client cannot regenerate its own secret/,
    ],
    [
      'an alternating pair whose two ids are equal',
      (c) => { const client = c.clients[1]!; if (client.strategy === 'alternating') client.alternateClientId = 'wfm-a'; },
      'clients[1].alternateClientId',
      /the two clients of an alternating pair must differ/,
    ],
    [
      'an admin pair whose two ids are equal',
      (c) => { c.organisations[0]!.admin!.alternateClientId = 'admin-a'; },
      'organisations[0].admin.alternateClientId',
      /must differ/,
    ],
    [
      'a window that runs into the next UTC day',
      (c) => { c.clients[1]!.schedule = { expression: 'cron(0 22 1 * ? *)', window: '4h' }; },
      'clients[1].schedule.window',
      /at most "2h"/,
    ],
    [
      'a malformed schedule expression',
      (c) => { c.clients[0]!.schedule.expression = 'every 30 days'; },
      'clients[0].schedule.expression',
      /"rate\(N days\)" or "cron\(/,
    ],
    [
      'a window outside 1h-24h',
      (c) => { c.clients[0]!.schedule.window = '36h'; },
      'clients[0].schedule.window',
      /"1h" to "24h"/,
    ],
    [
      'a reference to an organisation that is not listed',
      (c) => { c.clients[0]!.organisation = 'apac'; },
      'clients[0].organisation',
      /organisation listed in "organisations" \(got "apac"/,
    ],
    [
      'a webhook that is not https',
      (c) => { c.clients[0]!.webhooks = [{ name: 'hook', url: 'http://example.com/x' }]; },
      'clients[0].webhooks[0].url',
      /an https:\/\/ URL/,
    ],
    [
      'a webhook to the instance metadata address',
      (c) => { c.clients[0]!.webhooks = [{ name: 'hook', url: 'https://169.254.169.254/latest' }]; },
      'clients[0].webhooks[0].url',
      /public/,
    ],
    [
      'an unknown strategy',
      (c) => { (c.clients[0] as Record<string, unknown>).strategy = 'triple'; },
      'clients[0].strategy',
      /"single" or "alternating"/,
    ],
    [
      'a policy that is not a whole number of days',
      (c) => { c.policy.maxRotationDays = 4.5; },
      'policy.maxRotationDays',
      /a whole number of days/,
    ],
    [
      'a loader ARN with a wildcard',
      (c) => { c.firstValueLoaders = ['arn:aws:iam::111122223333:role/*']; },
      'firstValueLoaders[0]',
      /an IAM role or user ARN .*no wildcards.*got "arn:aws:iam::111122223333:role\/\*"/,
    ],
    [
      'a loader given as an assumed-role session ARN',
      (c) => { c.firstValueLoaders = ['arn:aws:sts::111122223333:assumed-role/loader/alice']; },
      'firstValueLoaders[0]',
      /no assumed-role session ARN/,
    ],
    [
      'the account root as a loader',
      (c) => { c.firstValueLoaders = ['arn:aws:iam::111122223333:root']; },
      'firstValueLoaders[0]',
      /not the account root/,
    ],
    [
      'a loader listed twice',
      (c) => { c.firstValueLoaders = ['arn:aws:iam::111122223333:role/loader', 'arn:aws:iam::111122223333:role/loader']; },
      'firstValueLoaders[1]',
      /listed once .*also firstValueLoaders\[0\]/,
    ],
    [
      'a reader that is a user, not a role',
      (c) => { c.clients[0]!.readers = ['arn:aws:iam::111122223333:user/bob']; },
      'clients[0].readers[0]',
      /an IAM role ARN/,
    ],
    [
      'a reader whose account is not 12 digits',
      (c) => { c.clients[1]!.readers = ['arn:aws:iam::1234:role/reader']; },
      'clients[1].readers[0]',
      /an IAM role ARN such as/,
    ],
    [
      'a reader listed twice',
      (c) => { c.clients[0]!.readers = ['arn:aws:iam::111122223333:role/r', 'arn:aws:iam::111122223333:role/r']; },
      'clients[0].readers[1]',
      /listed once/,
    ],
    [
      'an unknown removal policy',
      (c) => { (c as Record<string, unknown>).removalPolicy = 'delete'; },
      'removalPolicy',
      /"retain" .* or "destroy"/,
    ],
    [
      'a replica region that is not a region name',
      (c) => { c.replicaRegions = [{ region: 'Frankfurt' }]; },
      'replicaRegions[0].region',
      /an AWS region name such as "eu-central-1" \(got "Frankfurt"\)/,
    ],
    [
      'a replica key given as an alias',
      (c) => { c.replicaRegions = [{ region: 'eu-central-1', encryptionKeyArn: 'arn:aws:kms:eu-central-1:111122223333:alias/secrets' }]; },
      'replicaRegions[0].encryptionKeyArn',
      /a KMS key ARN .*not an alias/,
    ],
    [
      'a ledger retention that is not a whole number of days',
      (c) => { (c as Record<string, unknown>).ledger = { retentionDays: 'forever' }; },
      'ledger.retentionDays',
      /a whole number of days from 1 to 3653, or 0 to keep records forever/,
    ],
    [
      'a ledger retention shorter than the policy',
      (c) => { c.ledger = { retentionDays: 44 }; },
      'ledger.retentionDays',
      /at least policy\.maxRotationDays \(45\) days/,
    ],
    [
      'a misspelt key',
      (c) => { c.notifcations = {}; },
      '(root)',
      /notifcations/,
    ],
  ])('refuses %s, naming the path', (_case, breakIt, where, expected) => {
    // Prepare
    const config = structuredClone(validConfig()) as RotatorConfigInput & Record<string, unknown>;
    breakIt(config);

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.message).toContain('test.json');
    if (where !== '(root)') expect(error.message).toContain(`→ at ${where}`);
    expect(error.message).toMatch(expected);
  });

  it('lists every problem at once, each with its path', () => {
    // Prepare
    const config = structuredClone(validConfig());
    config.organisations[1]!.environment = 'nowhere.example';
    config.clients[0]!.schedule.window = '0h';
    config.notifications = { emails: ['not-an-email'] };

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.message).toContain('→ at organisations[1].environment');
    expect(error.message).toContain('→ at clients[0].schedule.window');
    expect(error.message).toContain('→ at notifications.emails[0]');
    expect(error.field).toBe('organisations.1.environment, clients.0.schedule.window, notifications.emails.0');
    expect(error.issues.map((issue) => issue.path)).toEqual(['organisations.1.environment', 'clients.0.schedule.window', 'notifications.emails.0']);
    expect(error.issues.every((issue) => issue.expected.length > 0)).toBe(true);
  });

  it('lists shape, unknown-key and cross-field problems together (a file with 4 errors lists 4)', () => {
    // Prepare
    const config = structuredClone(validConfig()) as RotatorConfigInput & Record<string, unknown>;
    const crm = config.clients[0] as unknown as Record<string, unknown>;
    crm['strategey'] = crm['strategy'];
    delete crm['strategy'];
    config.clients[1]!.organisation = 'nowhere';
    config.clients[1]!.schedule.expression = 'rate(60 days)';

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      ['clients.0', 'clients.0.strategy', 'clients.1.organisation', 'clients.1.schedule.expression'].sort(),
    );
  });

  it('names a misspelled key and suggests the allowed one', () => {
    // Prepare
    const config = structuredClone(validConfig());
    const crm = config.clients[0] as unknown as Record<string, unknown>;
    crm['strategey'] = crm['strategy'];
    delete crm['strategy'];

    // Act
    const error = errorOf(config);

    // Assess
    const issue = error.issues.find((i) => i.path === 'clients.0');
    expect(issue?.expected).toMatch(/no key "strategey" here \(did you mean "strategy"\?\)/);
    expect(error.message).toContain('strategey');
  });

  it('names each unknown key of one object separately', () => {
    // Prepare
    const config = structuredClone(validConfig()) as RotatorConfigInput & Record<string, unknown>;
    config['notifcations'] = {};
    config['polcy'] = {};

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.issues.map((i) => i.expected)).toEqual([
      'no key "notifcations" here (did you mean "notifications"?)',
      'no key "polcy" here (did you mean "policy"?)',
    ]);
    expect(error.issues.map((i) => i.path)).toEqual(['(root)', '(root)']);
  });

  it('still reports cross-field problems when the policy or an organisation is malformed', () => {
    // Prepare
    const config = structuredClone(validConfig()) as RotatorConfigInput & Record<string, unknown>;
    config.organisations[1]!.environment = 'nowhere.example';
    config.clients[0]!.organisation = 'missing';

    // Act
    const error = errorOf(config);

    // Assess: the malformed "eu" organisation is not reported as unknown by the client that names it.
    expect(error.issues.map((i) => i.path)).toEqual(['organisations.1.environment', 'clients.0.organisation']);
  });

  it('refuses a configuration that is not an object without failing itself', () => {
    expect(errorOf('nope').issues.map((i) => i.path)).toEqual(['(root)']);
  });

  it('requires alternateClientId for "alternating" and refuses it for "single"', () => {
    // Prepare
    const config = structuredClone(validConfig()) as RotatorConfigInput & Record<string, unknown>;
    delete (config.clients[1] as unknown as Record<string, unknown>)['alternateClientId'];
    (config.clients[0] as unknown as Record<string, unknown>)['alternateClientId'] = 'crm-2';

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.issues.map((i) => i.path).sort()).toEqual(['clients.0', 'clients.1.alternateClientId']);
    expect(error.message).toMatch(/an "alternating" client needs alternateClientId/);
  });

  it('accepts holdWhileInUse (default false) and refuses a non-boolean', () => {
    // Prepare
    const config = structuredClone(validConfig());
    config.clients[1]!.holdWhileInUse = true;

    // Act
    const parsed = parseRotatorConfig(config);
    (config.clients[0] as unknown as Record<string, unknown>)['holdWhileInUse'] = 'yes';

    // Assess
    expect(parsed.clients.map((c) => c.holdWhileInUse)).toEqual([false, true]);
    expect(errorOf(config).issues).toEqual([{ path: 'clients.0.holdWhileInUse', expected: 'true or false' }]);
  });

  it('refuses holdWhileInUse on a "single" client (its rotation always regenerates the client in use)', () => {
    // Prepare
    const config = structuredClone(validConfig());
    config.clients[0]!.holdWhileInUse = true;

    // Act
    const error = errorOf(config);

    // Assess
    expect(error.issues.map((i) => i.path)).toEqual(['clients.0.holdWhileInUse']);
    expect(error.message).toMatch(/would never rotate/);
  });
});

describe('Config: loading the file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rotator-config-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads and validates the shipped example', () => {
    // Act
    const config = loadRotatorConfig(EXAMPLE_CONFIG);

    // Assess: two organisations in different regions, both strategies
    expect(new Set(config.organisations.map((o) => o.environment)).size).toBe(2);
    expect(new Set(config.clients.map((c) => c.strategy))).toEqual(new Set(['single', 'alternating']));
  });

  it('names the file when it is not JSON', () => {
    // Prepare
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "organisations": [');

    // Act / Assess
    expect(() => loadRotatorConfig(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });

  it('names the file when it does not exist', () => {
    expect(() => loadRotatorConfig(path.join(dir, 'missing.json'))).toThrow(DeploymentConfigError);
  });

  it('fails the synth of the app with the path of the bad value', () => {
    // Prepare
    const file = path.join(dir, 'too-long.json');
    const config = validConfig();
    config.clients[1]!.schedule.expression = 'rate(90 days)';
    writeFileSync(file, JSON.stringify(config));

    // Act / Assess
    expect(() => synthExample({ configPath: file })).toThrow(/→ at clients\[1\]\.schedule\.expression/);
  });

  it('synthesises the shipped example', () => {
    // Act
    const synth = synthExample();

    // Assess
    try {
      synth.template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 4);
    } finally {
      synth.cleanup();
    }
  });
});
