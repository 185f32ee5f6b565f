/**
 * Review: single `end-tokens`: createSecret disables the client, then the invocation dies (Lambda
 * timeout during the regenerate: the catch that enables it again never runs). Before Secrets Manager's
 * retry, someone who can tag the secret clears or rewrites the emergency tag (e.g. an operator re-runs
 * `emergency` without --end-tokens, or untags). The retry regenerates without enabling the client: the
 * only client of a `single` secret stays disabled forever and every consumer is locked out.
 */
import { DescribeSecretCommand, GetSecretValueCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';

describe('review: single end-tokens crash window', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      aws: { stepRetry: { attempts: 1, delayMs: 0 } },
      rotate: { sleep: () => Promise.resolve(), propagation: { maxWaitMs: 10, initialDelayMs: 1, maxDelayMs: 1 } },
    });
    org = await sandbox.createOrg('Review');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it.each([
    ['the tag is removed', 'untag'],
    ['the tag is rewritten without end-tokens (a second emergency request)', 'retag'],
  ])('a client disabled by a crashed end-tokens createSecret is enabled again by the retry even when %s', async (_what, how) => {
    // Prepare: the state a createSecret that disabled the client and then timed out leaves behind
    const crm = await sandbox.addManagedClient(org, { name: `forever-${how}`, strategy: 'single' });
    const clientId = crm.clientIds[0]!;
    await sandbox.rotate(crm.secretArn);
    const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
    await sandbox.secretsManager.send(
      new TagResourceCommand({ SecretId: crm.secretArn, Tags: [{ Key: TAGS.emergency, Value: `requested=2026-11-29T10:00:00.000Z version=${token} end-tokens=true reason=laptop stolen` }] }),
    );
    sandbox.genesys.setClientState(clientId, 'disabled');
    // One tag write by someone allowed to tag the secret
    if (how === 'untag') await sandbox.secretsManager.send(new UntagResourceCommand({ SecretId: crm.secretArn, TagKeys: [TAGS.emergency] }));
    else await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: crm.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'secret pasted in chat' }] }));
    // Act: Secrets Manager's retry of the rotation, every step
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: step }).catch(() => undefined);
    }
    // Assess: the single client serves again with the stored secret
    expect(sandbox.genesys.clientView(clientId)?.state).toBe('active');
    const current = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: crm.secretArn }))).SecretString);
    expect(sandbox.genesys.secretWorks(clientId, current.clientSecret)).toBe(true);
    await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: crm.secretArn }));
  });

  it('alternating: a standby left disabled by a createSecret that crashed after its put is enabled by the retry even when the operator re-ran emergency meanwhile', async () => {
    // Prepare: an emergency createSecret disabled the standby, regenerated it, stored it, and died before enabling it
    const jobs = await sandbox.addManagedClient(org, { name: 'alt-forever', strategy: 'alternating' });
    await sandbox.rotate(jobs.secretArn);
    const leakedCurrent = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: jobs.secretArn }))).SecretString);
    const token = sandbox.aws.secretsManager.stageToken(jobs.secretArn);
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: jobs.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'requested=2026-11-29T10:00:00.000Z reason=leak' }] }));
    await sandbox.rotateHandler({ SecretId: jobs.secretArn, ClientRequestToken: token, Step: 'createSecret' });
    const standby = leakedCurrent.alternateClientId!;
    sandbox.genesys.setClientState(standby, 'disabled');
    // The operator, seeing no result, runs `genesys-rotator emergency` again: it rewrites the tag (not bound to this version)
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: jobs.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'requested=2026-11-29T10:05:00.000Z reason=leak' }] }));
    // Act: Secrets Manager's retry
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await sandbox.rotateHandler({ SecretId: jobs.secretArn, ClientRequestToken: token, Step: step }).catch(() => undefined);
    }
    // Assess: the new client serves, and the rotation finished
    expect(sandbox.genesys.clientView(standby)?.state).toBe('active');
    const now = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: jobs.secretArn }))).SecretString);
    expect(now.clientId).toBe(standby);
  });
});
