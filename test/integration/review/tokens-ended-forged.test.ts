/**
 * Review: finishSecret decides what the emergency did from the tag as it reads it then, not from what
 * createSecret did. For `single`, `end-tokens=true` in the tag at finishSecret makes the rotated event
 * and the ledger say `tokensEnded: true, disabledClientIds: [client]` even when createSecret never
 * disabled the client (the tag gained `end-tokens=true` after createSecret bound it). A token taken with
 * the leaked secret keeps working while the event, the ledger and `emergency` report it ended.
 */
import { GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox } from '../../../local/sandbox';

describe('review: tokensEnded is read from the tag at finishSecret', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('never reports tokensEnded while a token taken with the leaked secret still works', async () => {
    // Prepare: a single client, a token a thief took with its leaked secret
    const org = await sandbox.createOrg('Forged');
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    await sandbox.rotate(crm.secretArn);
    const leaked = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: crm.secretArn }))).SecretString);
    const genesys = createGenesysClient({ environment: leaked.environment, baseUrl: sandbox.genesys.baseUrl });
    const stolen = await genesys.getToken({ clientId: leaked.clientId, clientSecret: leaked.clientSecret });
    // An emergency without end-tokens, bound by createSecret (no disable)
    const token = sandbox.aws.secretsManager.stageToken(crm.secretArn);
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: crm.secretArn, Tags: [{ Key: TAGS.emergency, Value: 'leaked' }] }));
    await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: 'createSecret' });
    // Act: the tag gains end-tokens=true (same version) before finishSecret
    await sandbox.secretsManager.send(
      new TagResourceCommand({ SecretId: crm.secretArn, Tags: [{ Key: TAGS.emergency, Value: `requested=2026-11-29T10:00:00.000Z version=${token} end-tokens=true reason=leaked` }] }),
    );
    for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.rotateHandler({ SecretId: crm.secretArn, ClientRequestToken: token, Step: step });
    // Assess
    const event = sandbox.aws.eventBridge
      .entries()
      .map((e) => JSON.parse(e.detail) as Record<string, unknown>)
      .find((d) => d.versionId === token);
    const ledger = (await sandbox.ledgerRecords(crm.secretArn)).find((r) => r.kind === 'step' && r.versionId === token && r.step === 'finishSecret') as Record<string, unknown> | undefined;
    const stolenWorks = sandbox.genesys.tokenWorks(stolen.reveal());
    expect({ stolenWorks, eventTokensEnded: event?.tokensEnded, ledgerTokensEnded: ledger?.tokensEnded }).toEqual({ stolenWorks: true, eventTokensEnded: false, ledgerTokensEnded: false });
  });

  it('a tag naming an in-flight version does not make that rotation report the emergency done while the leaked pending secret becomes current', async () => {
    // Prepare: an alternating rotation past createSecret; its pending secret leaks with the current one
    const org = await sandbox.createOrg('Forged2');
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    await sandbox.rotate(jobs.secretArn);
    const token = sandbox.aws.secretsManager.stageToken(jobs.secretArn);
    await sandbox.rotateHandler({ SecretId: jobs.secretArn, ClientRequestToken: token, Step: 'createSecret' });
    const pending = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: jobs.secretArn, VersionStage: 'AWSPENDING' }))).SecretString);
    // Act: the emergency tag is written with version=<the in-flight version> (by hand, or by whoever holds the leak)
    await sandbox.secretsManager.send(
      new TagResourceCommand({ SecretId: jobs.secretArn, Tags: [{ Key: TAGS.emergency, Value: `requested=2026-11-29T10:00:00.000Z version=${token} reason=leaked` }] }),
    );
    for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await sandbox.rotateHandler({ SecretId: jobs.secretArn, ClientRequestToken: token, Step: step });
    // Assess: the emergency is reported done only if no leaked value still works
    const event = sandbox.aws.eventBridge
      .entries()
      .map((e) => JSON.parse(e.detail) as Record<string, unknown>)
      .find((d) => d.versionId === token);
    const leakedPendingWorks = sandbox.genesys.secretWorks(pending.clientId, pending.clientSecret);
    expect(leakedPendingWorks && event?.emergency === true).toBe(false);
  });
});
