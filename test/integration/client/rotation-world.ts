/**
 * A small world for the dependents' integration tests: the Genesys Cloud and AWS stand-ins, an admin
 * pair and managed secrets, and the real rotate handler registered as the rotation function, so every
 * rotation goes through RotateSecret exactly as in production. One clock drives Genesys token expiry.
 */
import { RotateSecretCommand, SecretsManagerClient, CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { Agent } from 'undici';
import { createRotateHandler } from '../../../lambdas/rotate/handler';
import { startAwsEmulator, type AwsEmulator, type EventBridgeEvent } from '../../../local/aws';
import { startGenesysEmulator, type GenesysEmulator } from '../../../local/genesys';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../../../lambdas/core/events';

export const EVENT_BUS = 'rotator-test-bus';
export const ROTATION_LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotator-rotate';
export const ADMIN_PERMISSIONS = ['oauth:client:view', 'oauth:client:edit', 'integrations:integration:view', 'integrations:integration:edit'];

export interface World {
  readonly genesys: GenesysEmulator;
  readonly aws: AwsEmulator;
  readonly sm: SecretsManagerClient;
  readonly orgId: string;
  readonly adminRoleId: string;
  readonly adminSecretArn: string;
  readonly adminClientIds: readonly [string, string];
  readonly clock: { now: number; advance(ms: number): void };
  /** Runs after each rotation step the rotation function completed (to put load inside a rotation window). */
  afterStep: ((step: string, secretId: string) => Promise<void>) | undefined;
  createManagedSecret(name: string, input: { strategy: 'single' | 'alternating'; tokenLifetimeSeconds?: number; adminSecret?: boolean }): Promise<{ arn: string; clientIds: string[] }>;
  /** RotateSecret through the SDK, then wait for it; throws if the rotation failed. */
  rotate(secretId: string): Promise<void>;
  /** Rotated events published to the bus, in order. */
  rotatedEvents(): EventBridgeEvent[];
  close(): Promise<void>;
}

const SAVED_ENV_KEYS = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL_EVENTBRIDGE', 'AWS_ENDPOINT_URL_SQS'] as const;

export async function startWorld(): Promise<World> {
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const genesys = await startGenesysEmulator({ now: () => clock.now, tokenRatePerMinute: 1_000_000 });
  const aws = await startAwsEmulator({ stepRetry: { attempts: 3, delayMs: 0 } });
  const saved = Object.fromEntries(SAVED_ENV_KEYS.map((k) => [k, process.env[k]]));
  // The rotate handler builds its SDK clients from the SDK's own variables, as in Lambda.
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = aws.endpoint;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = aws.endpoint;
  const sm = new SecretsManagerClient({ endpoint: aws.endpoint, region: aws.region });
  const rotateDispatcher = new Agent({ keepAliveTimeout: 1_000 });

  const org = genesys.createOrganization({ name: 'dependents-test' });
  const adminRole = genesys.defineRole(org.id, { name: 'rotator-admin', permissions: ADMIN_PERMISSIONS });
  const appRole = genesys.defineRole(org.id, { name: 'app', permissions: ['analytics:*:view'] });
  const roleDivisions = (roleId: string) => [{ roleId, divisionId: 'home' }];
  const adminA = genesys.createClient(org.id, { name: 'rotator-admin-a', roleDivisions: roleDivisions(adminRole.id) });
  const adminB = genesys.createClient(org.id, { name: 'rotator-admin-b', roleDivisions: roleDivisions(adminRole.id) });

  const rotateHandler = createRotateHandler({
    env: { EVENT_BUS_NAME: EVENT_BUS, GENESYS_CLOUD_BASE_URL: genesys.baseUrl },
    dispatcher: rotateDispatcher,
    propagation: { maxWaitMs: 2_000, initialDelayMs: 5, maxDelayMs: 20 },
  });

  const world: World = {
    genesys,
    aws,
    sm,
    orgId: org.id,
    adminRoleId: adminRole.id,
    adminSecretArn: '',
    adminClientIds: [adminA.id, adminB.id],
    clock,
    afterStep: undefined,
    async createManagedSecret(name, input) {
      const roleId = input.adminSecret === true ? adminRole.id : appRole.id;
      const a = genesys.createClient(org.id, { name: `${name}-a`, roleDivisions: roleDivisions(roleId), ...(input.tokenLifetimeSeconds !== undefined ? { accessTokenValiditySeconds: input.tokenLifetimeSeconds } : {}) });
      const b =
        input.strategy === 'alternating'
          ? genesys.createClient(org.id, { name: `${name}-b`, roleDivisions: roleDivisions(roleId), ...(input.tokenLifetimeSeconds !== undefined ? { accessTokenValiditySeconds: input.tokenLifetimeSeconds } : {}) })
          : undefined;
      const doc = {
        environment: 'mypurecloud.com',
        clientId: a.id,
        clientSecret: a.secret,
        strategy: input.strategy,
        ...(b !== undefined ? { alternateClientId: b.id } : {}),
        ...(input.adminSecret === true ? {} : { adminSecretId: world.adminSecretArn }),
      };
      const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(doc) }));
      return { arn: out.ARN ?? name, clientIds: b !== undefined ? [a.id, b.id] : [a.id] };
    },
    async rotate(secretId) {
      await sm.send(new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: ROTATION_LAMBDA_ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
      const outcome = await aws.secretsManager.waitForRotation(secretId);
      if (!outcome.ok) throw new Error(`rotation of ${secretId} failed at ${outcome.failedStep ?? '?'}: ${outcome.error?.name ?? ''} ${outcome.error?.message ?? ''}`);
    },
    rotatedEvents() {
      return aws.eventBridge.entries({ source: ROTATED_EVENT_SOURCE, detailType: ROTATED_EVENT_DETAIL_TYPE }).map((e) => e.event);
    },
    async close() {
      sm.destroy();
      await rotateDispatcher.close();
      await genesys.close();
      await aws.close();
      for (const key of SAVED_ENV_KEYS) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
      }
    },
  };

  aws.secretsManager.registerRotationFunction(ROTATION_LAMBDA_ARN, async (event, context) => {
    await rotateHandler(event, context);
    await world.afterStep?.(event.Step, event.SecretId);
  });

  // The admin pair rotates itself (alternating, no adminSecretId): it must exist before the others.
  const adminDoc = { environment: 'mypurecloud.com', clientId: adminA.id, clientSecret: adminA.secret, strategy: 'alternating', alternateClientId: adminB.id };
  const admin = await sm.send(new CreateSecretCommand({ Name: 'rotator-admin', SecretString: JSON.stringify(adminDoc) }));
  (world as { adminSecretArn: string }).adminSecretArn = admin.ARN ?? 'rotator-admin';
  return world;
}
