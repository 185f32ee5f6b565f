/**
 * Review: the emergency reason is free text from the tag (anyone who can tag the secret, or the
 * operator's --reason). The engine takes care never to log it ("a reason may quote anything"), but the
 * rotate handler logs the whole step outcome (`logger.info('Rotation step succeeded', { outcome })`),
 * which carries `emergency.reason` / `emergencyRequest.reason`; and the ledger stores it unredacted
 * (only error messages get the SECRET_LIKE scrub). An operator who quotes the leaked value
 * ("secret <value> pasted in ticket 4711") puts a secret into CloudWatch Logs and the ledger.
 */
import { GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { TAGS } from '../../../lambdas/core/rotation/engine';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox } from '../../../local/sandbox';

describe('review: the emergency reason reaches logs and the ledger', () => {
  let sandbox: Sandbox;
  const captured: string[] = [];
  let leakedSecret = '';

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
    sandbox = await Sandbox.start({ rotate: { logger: new Logger({ serviceName: 'genesys-oauth-rotator', logLevel: 'INFO' }) } });
    const org = await sandbox.createOrg('Reason');
    const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'alternating' });
    await sandbox.rotate(crm.secretArn);
    leakedSecret = parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: crm.secretArn }))).SecretString).clientSecret;
    // Act: the operator quotes what leaked (tag-safe characters only: the CLI's sanitiser keeps it too)
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: crm.secretArn, Tags: [{ Key: TAGS.emergency, Value: `secret ${leakedSecret} pasted in ticket 4711` }] }));
    const outcome = await sandbox.rotate(crm.secretArn);
    expect(outcome.ok).toBe(true);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await sandbox.close();
  });

  it('the test is not vacuous: the value is tag-safe and the rotation logged', () => {
    expect(leakedSecret.length).toBeGreaterThan(20);
    expect(captured.join('')).toContain('Rotation step succeeded');
  });

  it('never writes the quoted secret to a log', () => {
    expect(captured.join('').includes(leakedSecret)).toBe(false);
  });

  it('never writes the quoted secret to a ledger record', () => {
    const items = sandbox.aws.dynamoDb.items(sandbox.ledgerTableName ?? '').map((item) => JSON.stringify(item));
    expect(items.length).toBeGreaterThan(0);
    expect(items.some((item) => item.includes(leakedSecret))).toBe(false);
  });
});
