import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import { checkClientUsage } from '../../../lambdas/core/status/usage-check';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock } from './harness';

jest.setTimeout(30_000);

interface PlanJson {
  secrets: { name: string; drain: { verdict: string; requests: number } | null; cutsOffClientInUse: boolean }[];
  exitCode: number;
}

/**
 * Usage results that come in pages (`cursors.after`): a client whose only requests are on a later page
 * must read "in use", not "idle".
 */
describe('Usage results with cursors', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let standbyId: string;

  beforeAll(async () => {
    // One row per page: the rotator's own calls sort first (api/v2/oauth/..., api/v2/tokens/me), the
    // consumer's request (api/v2/users/me) comes last, on page 3.
    const clock = new ShiftableClock();
    sandbox = await Sandbox.start({ genesys: { usageResultsPageSize: 1 }, aws: { now: clock.now, stepRetry: { attempts: 2, delayMs: 0 } } });
    // Created (and so "last rotated") three days ago: today's requests are after it.
    clock.daysAgo(3);
    org = await sandbox.createOrg('Acme');
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    clock.present();
    standbyId = jobs.clientIds[1]!;
    sandbox.genesys.recordUsage(standbyId, { requests: 3, templateUri: 'api/v2/oauth/clients/{clientId}', httpMethod: 'GET' });
    sandbox.genesys.recordUsage(standbyId, { requests: 2, templateUri: 'api/v2/tokens/me', httpMethod: 'GET' });
    sandbox.genesys.recordUsage(standbyId, { requests: 7, templateUri: 'api/v2/users/me', httpMethod: 'GET' });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('follows cursors.after to the last page', async () => {
    // Prepare
    const genesys = createGenesysClient({ environment: 'mypurecloud.com', baseUrl: sandbox.genesys.baseUrl });
    const admin = sandbox.genesys;
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: org.adminSecretArn }));
    const token = await genesys.getToken(parseSecretDocument(out.SecretString));
    admin.resetRequests();
    // Act
    const usage = await checkClientUsage(genesys, token, standbyId, { days: 7 });
    // Assess
    expect(usage).toMatchObject({ verdict: 'in-use', requests: 7, totalRequests: 7 });
    const resultPolls = admin.requests().filter((r) => r.method === 'GET' && r.path.includes('/usage/query/results/'));
    // Running, then page 1, page 2 (after=...), page 3 (after=...)
    expect(resultPolls).toHaveLength(4);
  });

  it('has the stand-in refuse a cursor the query never gave (400), so a made-up cursor cannot read as an empty page', async () => {
    // Prepare
    const genesys = createGenesysClient({ environment: 'mypurecloud.com', baseUrl: sandbox.genesys.baseUrl });
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: org.adminSecretArn }));
    const token = await genesys.getToken(parseSecretDocument(out.SecretString));
    const headers = { authorization: `Bearer ${token.reveal()}`, 'content-type': 'application/json' };
    const base = `${sandbox.genesys.baseUrl}/api/v2/oauth/clients/${standbyId}/usage/query`;
    const started = (await (await fetch(base, { method: 'POST', headers, body: JSON.stringify({ interval: '2026-01-01T00:00:00Z/2026-01-02T00:00:00Z' }) })).json()) as { executionId: string };
    // Act
    const reply = await fetch(`${base}/results/${started.executionId}?after=made-up`, { headers });
    // Assess
    expect(reply.status).toBe(400);
  });

  it('makes plan see the standby in use when its requests are on a later page', async () => {
    // Act
    const run = await runAgainst(sandbox, ['plan', 'genesys-rotator/acme/jobs', '--json']);
    // Assess
    const result = JSON.parse(run.stdout) as PlanJson;
    expect(result.secrets[0]).toMatchObject({ drain: { verdict: 'in-use', requests: 7 }, cutsOffClientInUse: true });
    expect(run.code).toBe(1);
  });
});
