import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import type { Sandbox, SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

interface VerifyJson {
  ok: boolean;
  secrets: { name: string; ok: boolean; checks: { check: string; ok: boolean; detail: string }[] }[];
  exitCode: number;
}

describe('CLI verify', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  async function documentAt(secretId: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseSecretDocument(out.SecretString);
  }

  beforeAll(async () => {
    sandbox = await startSandbox(new ShiftableClock());
    org = await sandbox.createOrg('Acme');
    await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('passes when every current credential works and pairs match, without changing anything', async () => {
    // Prepare
    sandbox.aws.resetCounts();
    const regenerations = org.adminClientIds.map((id) => sandbox.genesys.regenerateCount(id));
    // Act
    const run = await runAgainst(sandbox, ['verify', '--json']);
    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as VerifyJson;
    expect(result.ok).toBe(true);
    expect(result.secrets.map((s) => s.name)).toEqual(['genesys-rotator/acme/admin', 'genesys-rotator/acme/crm', 'genesys-rotator/acme/jobs']);
    const jobs = result.secrets.find((s) => s.name.endsWith('/jobs'))!;
    expect(jobs.checks.map((c) => [c.check, c.ok])).toEqual([
      ['credentials', true],
      ['pair-roles', true],
      ['pair-lifetime', true],
      ['pair-state', true],
    ]);
    const writes = ['PutSecretValue', 'UpdateSecretVersionStage', 'TagResource', 'UntagResource', 'RotateSecret'];
    expect(writes.map((op) => sandbox.aws.requestCounts()[op] ?? 0)).toEqual([0, 0, 0, 0, 0]);
    expect(org.adminClientIds.map((id) => sandbox.genesys.regenerateCount(id))).toEqual(regenerations);
  });

  it('fails on role drift between the two clients of an alternating pair', async () => {
    // Prepare: the standby gets an extra role in another division.
    const drift = await sandbox.addManagedClient(org, { name: 'drift', strategy: 'alternating' });
    const [, standby] = drift.clientIds as [string, string];
    const extraRole = sandbox.genesys.defineRole(org.orgId, { name: 'extra', permissions: ['users:user:view'] });
    sandbox.genesys.setClientRoles(standby, [
      { roleId: org.appRoleId, divisionId: org.divisionId },
      { roleId: extraRole.id, divisionId: 'division-other' },
    ]);
    // Act
    const run = await runAgainst(sandbox, ['verify', drift.secretArn]);
    // Assess
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes('pair-roles'));
    expect(line).toMatch(/FAIL\s+role drift/);
    expect(line).toContain(`only ${standby} has [${extraRole.id}@division-other]`);
    expect(run.stdout).toContain('1 secret verified: 0 ok, 1 failed -> FAIL');
  });

  it('fails when the two clients of a pair issue tokens of different lifetimes', async () => {
    // Prepare
    const grant = [{ roleId: org.appRoleId, divisionId: org.divisionId }];
    const current = sandbox.genesys.createClient(org.orgId, { name: 'short-a', accessTokenValiditySeconds: 3600, roleDivisions: grant });
    const standby = sandbox.genesys.createClient(org.orgId, { name: 'short-b', accessTokenValiditySeconds: 7200, roleDivisions: grant });
    const secretArn = await sandbox.createSecret('genesys-rotator/acme/short', {
      environment: org.environment,
      clientId: current.id,
      clientSecret: current.secret,
      strategy: 'alternating',
      alternateClientId: standby.id,
      adminSecretId: org.adminSecretArn,
    });
    // Act
    const run = await runAgainst(sandbox, ['verify', secretArn]);
    // Assess
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes('pair-lifetime'));
    expect(line).toMatch(/FAIL\s+token lifetimes differ/);
    expect(line).toContain(`${current.id} 3600 s, ${standby.id} 7200 s`);
  });

  it('fails when the current credential is dead (its secret was reset behind the rotator)', async () => {
    // Prepare: someone regenerates the client's secret with the admin pair, outside the rotator.
    const dead = await sandbox.addManagedClient(org, { name: 'dead', strategy: 'single' });
    const admin = await documentAt(org.adminSecretArn);
    const genesys = createGenesysClient({ environment: 'mypurecloud.com', baseUrl: sandbox.genesys.baseUrl });
    const token = await genesys.getToken({ clientId: admin.clientId, clientSecret: admin.clientSecret });
    await genesys.regenerateSecret(token, dead.clientIds[0]!);
    // Act
    const run = await runAgainst(sandbox, ['verify', '--json']);
    // Assess
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as VerifyJson;
    const entry = result.secrets.find((s) => s.name.endsWith('/dead'))!;
    expect(entry.ok).toBe(false);
    expect(entry.checks).toEqual([{ check: 'credentials', ok: false, detail: expect.stringContaining('are refused (invalid_client)') }]);
    expect(result.secrets.find((s) => s.name.endsWith('/crm'))?.ok).toBe(true);
  });

  it('never prints a secret or token', async () => {
    const run = await runAgainst(sandbox, ['verify', '--json']);
    const table = await runAgainst(sandbox, ['verify']);
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) {
      expect(run.stdout + run.stderr + table.stdout + table.stderr).not.toContain(value);
    }
  });
});
