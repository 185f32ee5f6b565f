/**
 * The world `genesys-rotator local` starts: the Sandbox (Genesys Cloud, Secrets Manager + EventBridge
 * and SQS stand-ins, the real rotate handler as the secrets' rotation function) with a sample
 * organization wired as the stack wires a deployment:
 * - organization Acme with an admin pair (`genesys-rotator/acme/admin`, alternating, self-rotating),
 *   a `single` client `crm` and an `alternating` pair `jobs`, each secret tagged and bound as the stack
 *   tags and binds it, and each with its rotation configured as the stack's RotationSchedule does
 *   (rotate function ARN, `rate(30 days)`, RotateImmediately=false), so RotateSecret runs the rotate function;
 * - the real notify handler on the rotated event, with a Data Actions integration credential holding
 *   crm's credentials and a webhook (`data-platform`, HMAC-signed) for crm and jobs, delivered to a
 *   receiver on loopback that verifies every delivery.
 * What happens (rotations, notifications, failed rotations) is reported through `onActivity`, one line
 * each, never with a secret or a token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretArn } from '../lambdas/core/bindings';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../lambdas/core/events';
import { parseSecretDocument } from '../lambdas/core/secret-document';
import type { Strategy } from '../lambdas/core/secret-document';
import { deployEmpty, type EmptyDeployment } from './empty-deployment';
import { SECRETS_MANAGER_EVENT_SOURCE, SERVICE_EVENT_DETAIL_TYPE, type EventBridgeEvent } from './aws';
import { ADMIN_PERMISSIONS, DEFAULT_SCHEDULE, ROTATE_FUNCTION_ARN, Sandbox, type SandboxOrg } from './sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface PlaygroundOptions {
  /** Loopback port of the Secrets Manager + EventBridge stand-in; default a free one. */
  readonly awsPort?: number;
  /** Loopback port of the Genesys Cloud stand-in; default a free one. */
  readonly genesysPort?: number;
  /** One line per event worth telling (a rotation finished or failed, dependents notified). */
  readonly onActivity?: (line: string) => void;
  /**
   * Start as a freshly deployed stack: every secret holds the deployment's placeholder (`clientSecret: ""`)
   * and the first admin client's secret, as the Genesys UI showed it once, waits in a file (mode 600,
   * removed on close) for `bootstrap` to read on stdin. Default: the values are loaded, as by hand.
   */
  readonly empty?: boolean;
}

export interface PlaygroundSecret {
  readonly name: string;
  readonly arn: string;
  readonly strategy: Strategy;
  /** The client consumers use now first, then the standby (alternating). */
  readonly clientIds: readonly string[];
  /** `admin pair`, or the name of the admin secret that rotates this one. */
  readonly rotatedBy: string;
  readonly schedule: string;
  /** Who is told of a rotation, in words. */
  readonly dependents: readonly string[];
}

/** Everything a user (or a script) needs to point the CLI at the playground. JSON-ready; no secret in it. */
export interface PlaygroundInfo {
  readonly aws: { readonly endpoint: string; readonly region: string; readonly accountId: string };
  readonly genesys: {
    readonly baseUrl: string;
    readonly environment: string;
    readonly organization: { readonly id: string; readonly name: string };
  };
  /** The variables the CLI (and the AWS SDK) reads. The AWS keys are placeholders: the stand-in ignores them. */
  readonly env: Readonly<Record<string, string>>;
  /** The same, as command-line flags (the keys still come from the environment). */
  readonly flags: readonly string[];
  readonly rotateFunctionArn: string;
  readonly secrets: readonly PlaygroundSecret[];
  readonly integrationCredentials: readonly { readonly id: string; readonly name: string; readonly type: string; readonly secret: string }[];
  readonly webhooks: readonly { readonly name: string; readonly url: string; readonly secrets: readonly string[] }[];
  /** `empty` only: the file holding the first admin client's secret (its path, never its content). */
  readonly firstAdminSecretFile?: string;
}

export interface Playground {
  readonly info: PlaygroundInfo;
  readonly sandbox: Sandbox;
  readonly receiver: WebhookReceiver;
  /** Waits for running rotations and notifications, then stops every stand-in. */
  close(): Promise<void>;
}

export const PLAYGROUND_ORG = 'Acme';
/** The admin pair may also create clients (`oauth:client:add`), as pairing a standby client needs. */
export const PLAYGROUND_ADMIN_PERMISSIONS = [...ADMIN_PERMISSIONS, 'oauth:client:add'] as const;
const WEBHOOK_NAME = 'data-platform';
const CREDENTIAL_NAME = 'crm data actions';

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function secretName(arn: string): string {
  return parseSecretArn(arn)?.name ?? arn;
}

/** Rotated events, notify results and RotationFailed events, as activity lines. */
function reportActivity(sandbox: Sandbox, say: (line: string) => void): void {
  const events = sandbox.aws.eventBridge;
  events.subscribe(
    (event: EventBridgeEvent) => {
      const detail = event.detail as { secretArn?: string; versionId?: string; clientId?: string; strategy?: string; emergency?: boolean };
      say(
        `rotated ${secretName(detail.secretArn ?? '?')} (${detail.strategy ?? '?'}${detail.emergency === true ? ', emergency' : ''}): version ${detail.versionId ?? '?'} is AWSCURRENT, consumers use client ${detail.clientId ?? '?'}`,
      );
    },
    { source: ROTATED_EVENT_SOURCE, detailType: ROTATED_EVENT_DETAIL_TYPE },
  );
  events.subscribe(
    (event: EventBridgeEvent) => {
      const detail = event.detail as { eventName?: string; errorMessage?: string; additionalEventData?: { SecretId?: string } };
      if (detail.eventName !== 'RotationFailed') return;
      say(`rotation FAILED for ${secretName(detail.additionalEventData?.SecretId ?? '?')}: ${detail.errorMessage ?? 'no message'} (Secrets Manager reattempts it on the next RotateSecret)`);
    },
    { source: SECRETS_MANAGER_EVENT_SOURCE, detailType: SERVICE_EVENT_DETAIL_TYPE },
  );
}

async function currentSecretOf(sandbox: Sandbox, secretArn: string): Promise<{ clientId: string; clientSecret: string }> {
  const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const doc = parseSecretDocument(out.SecretString);
  return { clientId: doc.clientId, clientSecret: doc.clientSecret };
}

async function scheduleAll(sandbox: Sandbox, arns: readonly string[]): Promise<void> {
  for (const arn of arns) {
    const outcome = await sandbox.scheduleRotation(arn, DEFAULT_SCHEDULE);
    if (!outcome.ok) throw new Error(`The rotate function refused the configuration of ${secretName(arn)}: ${outcome.error?.name ?? 'unknown error'}`);
  }
}

/** Starts the stand-ins with the sample organization. Close it to stop them. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const say = (line: string): void => options.onActivity?.(`[${clock()}Z] ${line}`);
  const sandbox = await Sandbox.start({
    ...(options.genesysPort !== undefined ? { genesys: { port: options.genesysPort } } : {}),
    aws: { stepRetry: { attempts: 3, delayMs: 200 }, ...(options.awsPort !== undefined ? { port: options.awsPort } : {}) },
  });
  let receiver: WebhookReceiver | undefined;
  let secretDir: string | undefined;
  let firstAdminSecretFile: string | undefined;
  try {
    let org: SandboxOrg;
    let crm: { secretArn: string; clientIds: readonly string[] };
    let jobs: { secretArn: string; clientIds: readonly string[] };
    if (options.empty === true) {
      const deployed = await deployEmpty(sandbox, {
        orgName: PLAYGROUND_ORG,
        adminPermissions: PLAYGROUND_ADMIN_PERMISSIONS,
        clients: [
          { name: 'crm', strategy: 'single' },
          { name: 'jobs', strategy: 'alternating' },
        ],
      });
      org = deployed.org;
      [crm, jobs] = deployed.clients as [EmptyDeployment['clients'][number], EmptyDeployment['clients'][number]];
      secretDir = await mkdtemp(join(tmpdir(), 'genesys-rotator-local-'));
      firstAdminSecretFile = join(secretDir, 'first-admin-secret');
      await writeFile(firstAdminSecretFile, `${deployed.adminSecret}\n`, { mode: 0o600 });
    } else {
      org = await sandbox.createOrg(PLAYGROUND_ORG, 'mypurecloud.com', { adminPermissions: PLAYGROUND_ADMIN_PERMISSIONS });
      crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
      jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    }

    // Dependents, as a deployment file names them: a Data Actions credential for crm, a webhook for both.
    const credentialId = sandbox.genesys.createIntegrationCredential(org.orgId, {
      name: CREDENTIAL_NAME,
      typeName: 'pureCloudOAuthClient',
      fields: await currentSecretOf(sandbox, crm.secretArn),
    }).id;
    const signingKey = randomBytes(32).toString('base64url');
    const keyArn = (
      await sandbox.secretsManager.send(new CreateSecretCommand({ Name: `genesys-rotator/acme/webhooks/${WEBHOOK_NAME}/signing-key`, SecretString: signingKey }))
    ).ARN;
    if (keyArn === undefined) throw new Error('CreateSecret returned no ARN for the webhook signing key');
    receiver = await startWebhookReceiver(() => signingKey);
    const webhook = { name: WEBHOOK_NAME, url: `${receiver.url}/rotated`, signingKeySecretArn: keyArn };
    await sandbox.attachNotifier(
      [
        { secretArn: crm.secretArn, integrationCredentialIds: [credentialId], webhooks: [webhook] },
        { secretArn: jobs.secretArn, webhooks: [webhook] },
      ],
      {
        onInvocation: (outcome) => {
          if ('error' in outcome) {
            say(`notify function failed (Lambda would retry it): ${outcome.error instanceof Error ? outcome.error.name : 'unknown error'}`);
            return;
          }
          const { result } = outcome;
          const dead = result.webhooksDeadLettered > 0 ? `, ${result.webhooksDeadLettered} dead-lettered` : '';
          say(`notified for ${secretName(result.secretArn)} version ${result.versionId}: integration credentials ${result.credentials}, ${result.webhooksDelivered} webhook(s) delivered${dead}`);
        },
      },
    );
    reportActivity(sandbox, say);
    // deployEmpty configured the rotations already, as the stack does on its first deploy.
    if (options.empty !== true) await scheduleAll(sandbox, [org.adminSecretArn, crm.secretArn, jobs.secretArn]);

    const schedule = DEFAULT_SCHEDULE.expression;
    const adminName = secretName(org.adminSecretArn);
    const webhookText = `webhook ${WEBHOOK_NAME}`;
    const env = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sandbox.aws.endpoint,
      // The rotation ledger (DynamoDB) and the caller identity for its request records (STS).
      AWS_ENDPOINT_URL_DYNAMODB: sandbox.aws.endpoint,
      AWS_ENDPOINT_URL_STS: sandbox.aws.endpoint,
      AWS_REGION: sandbox.aws.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
    };
    const info: PlaygroundInfo = {
      aws: { endpoint: sandbox.aws.endpoint, region: sandbox.aws.region, accountId: sandbox.aws.accountId },
      genesys: { baseUrl: sandbox.genesys.baseUrl, environment: org.environment, organization: { id: org.orgId, name: org.name } },
      env,
      flags: ['--endpoint-url', sandbox.aws.endpoint, '--region', sandbox.aws.region, '--genesys-base-url', sandbox.genesys.baseUrl],
      rotateFunctionArn: ROTATE_FUNCTION_ARN,
      secrets: [
        { name: adminName, arn: org.adminSecretArn, strategy: 'alternating', clientIds: org.adminClientIds, rotatedBy: 'admin pair', schedule, dependents: [] },
        { name: secretName(crm.secretArn), arn: crm.secretArn, strategy: 'single', clientIds: crm.clientIds, rotatedBy: adminName, schedule, dependents: [`Data Actions credential "${CREDENTIAL_NAME}"`, webhookText] },
        { name: secretName(jobs.secretArn), arn: jobs.secretArn, strategy: 'alternating', clientIds: jobs.clientIds, rotatedBy: adminName, schedule, dependents: [webhookText] },
      ],
      integrationCredentials: [{ id: credentialId, name: CREDENTIAL_NAME, type: 'pureCloudOAuthClient', secret: secretName(crm.secretArn) }],
      webhooks: [{ name: WEBHOOK_NAME, url: webhook.url, secrets: [secretName(crm.secretArn), secretName(jobs.secretArn)] }],
      ...(firstAdminSecretFile !== undefined ? { firstAdminSecretFile } : {}),
    };
    const started = receiver;
    const startedDir = secretDir;
    return {
      info,
      sandbox,
      receiver: started,
      close: async () => {
        await sandbox.close();
        await started.close();
        if (startedDir !== undefined) await rm(startedDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sandbox.close();
    await receiver?.close();
    if (secretDir !== undefined) await rm(secretDir, { recursive: true, force: true });
    throw error;
  }
}
