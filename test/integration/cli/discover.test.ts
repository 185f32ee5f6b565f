import { Sandbox, type SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock } from './harness';

jest.setTimeout(30_000);

interface DiscoverJson {
  adminSecret: string;
  clients: { id: string; name: string; state: string; tokenLifetimeSeconds: number | null; roles: number; divisions: number; usage: { requests: number } | null; holder: { secret: string; slot: string; admin: boolean } | null }[];
  config?: { name: string; organisation: string; strategy: string; clientId: string; schedule: { expression: string; window: string } }[];
  exitCode: number;
}

describe('CLI discover', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let crmId: string;
  let jobsIds: readonly string[];
  let legacyId: string;

  function leaks(text: string): string[] {
    return [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()].filter((value) => text.includes(value));
  }

  beforeAll(async () => {
    // One client per page: the listing must be followed through nextUri.
    sandbox = await Sandbox.start({ genesys: { oauthClientsPageSize: 1 }, aws: { now: new ShiftableClock().now, stepRetry: { attempts: 2, delayMs: 0 } } });
    org = await sandbox.createOrg('Acme');
    crmId = (await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single', tokenLifetimeSeconds: 3600 })).clientIds[0]!;
    jobsIds = (await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' })).clientIds;
    legacyId = sandbox.genesys.createClient(org.orgId, { name: 'Legacy Reporting (BI)', roleDivisions: [{ roleId: org.appRoleId, divisionId: org.divisionId }] }).id;
    sandbox.genesys.createClient(org.orgId, { name: 'web-login', authorizedGrantType: 'CODE' });
    sandbox.genesys.recordUsage(legacyId, { requests: 12 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('lists every client-credentials client of a paged listing with the secret that holds it', async () => {
    // Act
    const run = await runAgainst(sandbox, ['discover', '--json']);
    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as DiscoverJson;
    expect(result.adminSecret).toBe('genesys-rotator/acme/admin');
    const byId = new Map(result.clients.map((c) => [c.id, c]));
    expect(result.clients).toHaveLength(6);
    expect(byId.get(org.adminClientIds[0])?.holder).toEqual({ secret: 'genesys-rotator/acme/admin', slot: 'current', admin: true });
    expect(byId.get(org.adminClientIds[1])?.holder).toEqual({ secret: 'genesys-rotator/acme/admin', slot: 'standby', admin: true });
    expect(byId.get(crmId)).toMatchObject({ holder: { secret: 'genesys-rotator/acme/crm', slot: 'current', admin: false }, tokenLifetimeSeconds: 3600, roles: 1, divisions: 1, state: 'active' });
    expect(byId.get(jobsIds[1]!)?.holder).toEqual({ secret: 'genesys-rotator/acme/jobs', slot: 'standby', admin: false });
    expect(byId.get(legacyId)).toMatchObject({ holder: null, usage: { requests: 12 } });
    expect(result.clients.some((c) => c.name === 'web-login')).toBe(false);
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
  });

  it('shows unmanaged clients in the table and proposes config entries for them only', async () => {
    // Act
    const table = await runAgainst(sandbox, ['discover', '--skip-usage']);
    const config = await runAgainst(sandbox, ['discover', '--config', '--organisation', 'acme-us', '--skip-usage']);
    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').find((line) => line.includes(legacyId))).toMatch(/Legacy Reporting \(BI\)\s+active\s+24h\s+1\/1.*unmanaged/);
    expect(table.stdout.split('\n').find((line) => line.includes(crmId))).toContain('genesys-rotator/acme/crm (current)');
    expect(table.stdout).toContain('6 client-credentials clients (read with genesys-rotator/acme/admin): 5 managed, 1 unmanaged');
    expect(config.code).toBe(0);
    expect(JSON.parse(config.stdout)).toEqual([
      { name: 'legacy-reporting-bi', organisation: 'acme-us', strategy: 'single', clientId: legacyId, schedule: { expression: 'rate(30 days)', window: '3h' } },
    ]);
    expect(leaks(table.stdout + table.stderr + config.stdout + config.stderr)).toEqual([]);
  });

  it('exits 2 on a bad flag and on an admin secret that is not an admin pair', async () => {
    // Act
    const badOrg = await runAgainst(sandbox, ['discover', '--config', '--organisation', 'Acme US']);
    const notAdmin = await runAgainst(sandbox, ['discover', '--admin-secret', 'genesys-rotator/acme/crm']);
    // Assess
    expect(badOrg.code).toBe(2);
    expect(badOrg.stderr).toContain('--organisation');
    expect(notAdmin.code).toBe(2);
    expect(notAdmin.stderr).toContain('--admin-secret');
  });

  it('exits 1 with the typed message when the admin pair may not view OAuth clients', async () => {
    // Prepare
    const other = await sandbox.createOrg('Blind', 'mypurecloud.com', { adminPermissions: ['oauth:client:edit'] });
    // Act
    const run = await runAgainst(sandbox, ['discover', '--admin-secret', other.adminSecretArn]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lacks the permission oauth:client:view');
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
  });
});
