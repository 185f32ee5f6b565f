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
