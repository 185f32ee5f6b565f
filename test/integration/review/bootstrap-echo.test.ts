/**
 * Review: bootstrap refuses to repeat an unknown --admin-secret "in case it was a secret", but an
 * --admin-client-id outside the pair is echoed in the usage error (`(got "<value>")`). An operator who
 * pastes the admin secret into the wrong flag gets it printed to stderr (terminal scrollback, CI logs).
 */
import { ADMIN_PERMISSIONS, type Sandbox } from '../../../local/sandbox';
import { deployEmpty } from '../../../local/empty-deployment';
import { runAgainst, ShiftableClock, startSandbox } from '../cli/harness';

jest.setTimeout(60_000);

describe('review: bootstrap echoes a mistaken --admin-client-id', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox(new ShiftableClock());
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('never prints the value given as --admin-client-id when it is not a client of the pair', async () => {
    // Prepare
    const deployment = await deployEmpty(sandbox, { orgName: 'Acme', adminPermissions: [...ADMIN_PERMISSIONS, 'oauth:client:add'], clients: [{ name: 'crm', strategy: 'single' }] });
    // Act: the secret pasted into the wrong flag
    const run = await runAgainst(sandbox, ['bootstrap', '--admin-client-id', deployment.adminSecret]);
    // Assess
    expect(run.code).toBe(2);
    expect((run.stdout + run.stderr).includes(deployment.adminSecret)).toBe(false);
  });
});
