/**
 * Review: admin-pair.ts says the `genesys-rotator:bootstrap` tag "only steers bootstrap towards more
 * rotations, never fewer". It does not: `seen=<a version that is neither AWSCURRENT nor AWSPREVIOUS>`
 * gives rotationsLeft 0, and with that version unreadable the "seen secret refused" step is "inferred"
 * done. One TagResource on the admin secret makes bootstrap skip both admin rotations and print
 * "Bootstrap complete: no admin secret a human has seen still works" while the hand-loaded admin
 * secret still gets tokens.
 */
import { GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { ADMIN_PERMISSIONS, type Sandbox } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from '../cli/harness';

jest.setTimeout(60_000);

describe('review: bootstrap tag forgery', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox(new ShiftableClock());
  });

  afterEach(async () => {
    await sandbox.close();
  });

  async function documentAt(secretId: string): Promise<SecretDocument> {
    const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseSecretDocument(out.SecretString);
  }

  it('a forged seen= version does not make bootstrap skip the admin rotations or claim the hand-loaded secret is refused', async () => {
    // Prepare: an admin pair loaded by hand (a human saw its secret), never rotated
    const org = await sandbox.createOrg('Acme', 'mypurecloud.com', { adminPermissions: [...ADMIN_PERMISSIONS, 'oauth:client:add'] });
    const handLoaded = await documentAt(org.adminSecretArn);
    await sandbox.scheduleRotation(org.adminSecretArn);
    // Act: someone who may tag the admin secret names a version that does not exist
    await sandbox.secretsManager.send(
      new TagResourceCommand({ SecretId: org.adminSecretArn, Tags: [{ Key: 'genesys-rotator:bootstrap', Value: 'seen=00000000-0000-0000-0000-000000000000' }] }),
    );
    const run = await runAgainst(sandbox, ['bootstrap', '--json']);
    // Assess: either bootstrap rotated the pair (the hand-loaded secret is refused) or it does not claim completion
    const result = JSON.parse(run.stdout) as { complete: boolean; steps: { step: string; status: string }[] };
    const stillWorks = sandbox.genesys.secretWorks(handLoaded.clientId, handLoaded.clientSecret);
    expect({ stillWorks, complete: result.complete, code: run.code }).toEqual({ stillWorks: false, complete: true, code: 0 });
  });
});
