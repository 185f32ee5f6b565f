/**
 * A realistic year for the report: five managed secrets with a year of monthly rotations in the
 * ledger (dynalite) matching what the Secrets Manager stand-in holds: a failed attempt retried by
 * hand, an emergency with its reason and requester, one secret due soon, one overdue, one whose
 * newest rotation failed. Used by the report test and to draw docs/report.png.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { LEDGER_TABLE_TAG, type LedgerRecord } from '../../../lambdas/core/ledger/record';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import { Sandbox, type ManagedClient } from '../../../local/sandbox';
import { ShiftableClock } from './harness';
import { rotationRecords, startLedger, type TestLedger } from './ledger-fixture';

export const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/SecOps/alice';
export const EMERGENCY_REASON = 'client secret pasted into support ticket 4711';

export interface Scenario {
  readonly sandbox: Sandbox;
  readonly ledger: TestLedger;
  readonly clock: ShiftableClock;
  readonly secrets: Readonly<Record<'admin' | 'crm' | 'jobs' | 'billing' | 'reporting', string>>;
  /** CLI environment: the stand-ins through their endpoint variables. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

const DAY = 86_400_000;

export async function startScenario(): Promise<Scenario> {
  const clock = new ShiftableClock();
  const sandbox = await Sandbox.start({
    aws: { now: clock.now, stepRetry: { attempts: 2, delayMs: 0 } },
    rotate: { propagation: { maxWaitMs: 1, initialDelayMs: 1, maxDelayMs: 1 } },
    ledger: false,
  });
  const ledger = await startLedger();
  const records: LedgerRecord[] = [];
  clock.daysAgo(400);
  const org = await sandbox.createOrg('Acme');
  const now = Date.now();

  /** The secret's AWSCURRENT document in the Secrets Manager stand-in. */
  const documentOf = async (arn: string): Promise<SecretDocument> =>
    parseSecretDocument((await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString);
  /**
   * Monthly scheduled rotations from `fromDaysAgo` to `toDaysAgo` in the ledger only (older than the versions kept),
   * leading up to the secret's current document: each rotation regenerated the client it made current, so the
   * newest one regenerated today's `clientId`; an alternating pair regenerated its two clients in turn (the standby
   * each time), a single client itself every time.
   */
  const history = async (client: ManagedClient, arn: string, fromDaysAgo: number, toDaysAgo: number): Promise<void> => {
    const current = (await documentOf(arn)).clientId;
    const other = client.clientIds.find((id) => id !== current) ?? current;
    const count = Math.floor((fromDaysAgo - toDaysAgo) / 30) + 1;
    for (let i = 0; i < count; i += 1) {
      const days = fromDaysAgo - i * 30;
      const targetClientId = client.strategy === 'alternating' && (count - 1 - i) % 2 === 1 ? other : current;
      records.push(...rotationRecords({ secretArn: arn, versionId: randomUUID(), startedAt: new Date(now - days * DAY), targetClientId, organizationId: org.orgId }));
    }
  };
  /**
   * A real rotation through the stand-ins `daysAgo`, recorded in the ledger as the rotate function would: the client
   * it regenerated is the document's `clientId` afterwards; an emergency on a pair revoked the previous one (now the standby).
   */
  const rotate = async (client: ManagedClient, arn: string, daysAgo: number, extra: Partial<Parameters<typeof rotationRecords>[0]> = {}): Promise<string> => {
    clock.daysAgo(daysAgo);
    const outcome = await sandbox.rotate(arn, extra.emergency !== undefined ? { emergency: true, reason: extra.emergency.reason } : {});
    if (!outcome.ok) throw new Error(`report scenario: the rotation of ${client.name} ${daysAgo} days ago failed`);
    const versionId = outcome.versionId ?? randomUUID();
    const after = await documentOf(arn);
    const revoked = extra.emergency !== undefined && after.alternateClientId !== undefined ? { revokedClientId: after.alternateClientId } : {};
    records.push(...rotationRecords({ secretArn: arn, versionId, startedAt: clock.now(), targetClientId: after.clientId, organizationId: org.orgId, ...revoked, ...extra }));
    return versionId;
  };

  const adminClient: ManagedClient = { secretArn: org.adminSecretArn, name: 'admin', strategy: 'alternating', clientIds: org.adminClientIds };
  const crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
  const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
  const billing = await sandbox.addManagedClient(org, { name: 'billing', strategy: 'single' });
  const reporting = await sandbox.addManagedClient(org, { name: 'reporting', strategy: 'alternating' });

  // admin: every 30 days, on time.
  await history(adminClient, org.adminSecretArn, 370, 40);
  await rotate(adminClient, org.adminSecretArn, 10);
  // crm: a failed scheduled attempt (testSecret refused after retries) fixed the next day by hand.
  await history(crm, crm.secretArn, 365, 200);
  records.push(
    ...rotationRecords({
      secretArn: crm.secretArn,
      versionId: randomUUID(),
      startedAt: new Date(now - 170 * DAY),
      targetClientId: crm.clientIds[0],
      retries: { testSecret: 2 },
      failAt: { step: 'testSecret', errorType: 'VerificationError', errorMessage: 'testSecret: the new credentials were still refused after 30 s (invalid_client)' },
    }),
  );
  records.push(
    ...rotationRecords({
      secretArn: crm.secretArn,
      versionId: randomUUID(),
      startedAt: new Date(now - 169 * DAY),
      targetClientId: crm.clientIds[0],
      organizationId: org.orgId,
      retries: { createSecret: 1 },
      request: { rotationKind: 'manual', requestedBy: OPERATOR, command: 'rotate', reason: 'retry after failed scheduled rotation' },
    }),
  );
  await history(crm, crm.secretArn, 139, 49);
  await rotate(crm, crm.secretArn, 19);
  // jobs: an emergency two months ago, then its last rotation 85 days ago... due soon.
  await history(jobs, jobs.secretArn, 360, 120);
  await rotate(jobs, jobs.secretArn, 85, {
    emergency: { reason: EMERGENCY_REASON, requestedAt: new Date(now - 85 * DAY) },
    request: { rotationKind: 'emergency', requestedBy: OPERATOR, command: 'emergency', reason: EMERGENCY_REASON },
  });
  // billing: last rotated 100 days ago, policy 90: overdue.
  await history(billing, billing.secretArn, 340, 130);
  await rotate(billing, billing.secretArn, 100);
  // reporting: rotated monthly; the newest attempt, two days ago, failed at createSecret.
  await history(reporting, reporting.secretArn, 365, 35);
  await rotate(reporting, reporting.secretArn, 5);
  clock.daysAgo(2);
  sandbox.genesys.faults.failNext(10, { method: 'POST', path: /\/secret$/, status: 403 });
  const failed = await sandbox.rotate(reporting.secretArn);
  sandbox.genesys.faults.reset();
  records.push(
    ...rotationRecords({
      secretArn: reporting.secretArn,
      versionId: failed.versionId ?? randomUUID(),
      startedAt: clock.now(),
      retries: { createSecret: 1 },
      failAt: { step: 'createSecret', errorType: 'GenesysPermissionError', errorMessage: 'POST /api/v2/oauth/clients/{id}/secret: 403 missing.permissions (oauth:client:edit)' },
    }),
  );
  clock.present();

  const secrets = { admin: org.adminSecretArn, crm: crm.secretArn, jobs: jobs.secretArn, billing: billing.secretArn, reporting: reporting.secretArn };
  for (const arn of Object.values(secrets)) {
    await sandbox.secretsManager.send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: LEDGER_TABLE_TAG, Value: ledger.table }] }));
  }
  await ledger.put(records);
  return {
    sandbox,
    ledger,
    clock,
    secrets,
    env: {
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
      GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
    },
    close: async () => {
      await ledger.close();
      await sandbox.close();
    },
  };
}
