import { ADMIN_PERMISSIONS, type Sandbox, type SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

interface PairJson {
  clientId: string;
  twin: { id: string; name: string; state: string };
  created: boolean;
  exitCode: number;
}

interface DiscoverJson {
  clients: { id: string; name: string; tokenLifetimeSeconds: number | null; roleDivisions: { roleId: string; divisionId: string }[] }[];
}

describe('CLI pair', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let sourceId: string;

  function leaks(text: string): string[] {
    return [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()].filter((value) => text.includes(value));
  }

  beforeAll(async () => {
    sandbox = await startSandbox(new ShiftableClock());
    org = await sandbox.createOrg('Acme', 'mypurecloud.com', { adminPermissions: [...ADMIN_PERMISSIONS, 'oauth:client:add'] });
    sourceId = sandbox.genesys.createClient(org.orgId, {
      name: 'billing',
      accessTokenValiditySeconds: 7200,
      roleDivisions: [
        { roleId: org.appRoleId, divisionId: org.divisionId },
        { roleId: org.appRoleId, divisionId: 'division-eu' },
      ],
    }).id;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('creates a twin with the same roles, divisions and token lifetime once, and never shows its secret', async () => {
    // Act
    const first = await runAgainst(sandbox, ['pair', sourceId, '--json']);
    const second = await runAgainst(sandbox, ['pair', sourceId]);
    const listing = await runAgainst(sandbox, ['discover', '--json', '--skip-usage']);
    // Assess
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as PairJson;
    expect(result).toMatchObject({ clientId: sourceId, created: true, twin: { name: 'billing (standby twin)', state: 'active' } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Standby twin ${result.twin.id} ("billing (standby twin)") of ${sourceId} already exists; nothing created.`);
    expect(second.stdout).toContain(`"alternateClientId": "${result.twin.id}"`);
    const clients = (JSON.parse(listing.stdout) as DiscoverJson).clients;
    expect(clients.filter((c) => c.name === 'billing (standby twin)')).toHaveLength(1);
    const source = clients.find((c) => c.id === sourceId)!;
    const twin = clients.find((c) => c.id === result.twin.id)!;
    expect(twin.tokenLifetimeSeconds).toBe(7200);
    expect(twin.roleDivisions).toEqual(source.roleDivisions);
    expect(leaks(first.stdout + first.stderr + second.stdout + second.stderr)).toEqual([]);
  });

  it('makes a pair that verify shows identical (roles, divisions, token lifetime, state) once a secret names both', async () => {
    // Prepare: a client with its own secret, paired, then managed as an alternating pair
    const source = sandbox.genesys.createClient(org.orgId, {
      name: 'ledger',
      accessTokenValiditySeconds: 3600,
      roleDivisions: [
        { roleId: org.appRoleId, divisionId: org.divisionId },
        { roleId: org.appRoleId, divisionId: 'division-apac' },
      ],
    });
    const paired = JSON.parse((await runAgainst(sandbox, ['pair', source.id, '--json'])).stdout) as PairJson;
    const secretArn = await sandbox.createSecret('genesys-rotator/acme/ledger', {
      environment: org.environment,
      clientId: source.id,
      clientSecret: source.secret,
      strategy: 'alternating',
      alternateClientId: paired.twin.id,
      adminSecretId: org.adminSecretArn,
    });
    // Act
    const run = await runAgainst(sandbox, ['verify', secretArn, '--json']);
    const text = await runAgainst(sandbox, ['verify', secretArn]);
    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { secrets: { checks: { check: string; ok: boolean; detail: string }[] }[] };
    expect(result.secrets[0]?.checks).toEqual([
      { check: 'credentials', ok: true, detail: expect.stringContaining(`token issued to client ${source.id}`) as unknown },
      { check: 'pair-roles', ok: true, detail: `clients ${source.id} and ${paired.twin.id} have identical roles and divisions` },
      { check: 'pair-lifetime', ok: true, detail: 'both clients issue tokens valid for 3600 s' },
      { check: 'pair-state', ok: true, detail: 'both clients are active' },
    ]);
    expect(text.stdout).toContain('1 secret verified: 1 ok, 0 failed');
    expect(leaks(run.stdout + run.stderr + text.stdout + text.stderr)).toEqual([]);
  });

  it('exits 2 for an id that is not a client-credentials client of the organisation', async () => {
    // Act
    const run = await runAgainst(sandbox, ['pair', 'no-such-client']);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('<clientId>');
  });

  it('exits 1 with the typed message when the admin pair may not create clients', async () => {
    // Prepare
    const other = await sandbox.createOrg('Plain');
    const id = sandbox.genesys.createClient(other.orgId, { name: 'reports' }).id;
    // Act
    const run = await runAgainst(sandbox, ['pair', id, '--admin-secret', other.adminSecretArn]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lacks the permission oauth:client:add');
  });
});
