/**
 * The baseline of item 2: a rotation function that makes exactly the minimal calls of
 * minimum-round-trips.ts (managed secret with an admin secret, warm process, no emergency) with the
 * same SDK clients and undici, and nothing else: no validation, no logging, no retries, no typed
 * errors. It rotates for real (the stand-ins end in the same state), so the rotator's time divided by
 * this one's is the price of the code around the calls, not of the calls.
 *
 * Not a product: it trusts every answer and would be unsafe in production.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { Agent, request } from 'undici';
import { ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE } from '../lambdas/core/events';
import type { RotationEvent, RotationHandler } from '../local/aws';

interface Doc {
  environment: string;
  clientId: string;
  clientSecret: string;
  strategy: 'single' | 'alternating';
  alternateClientId?: string;
  adminSecretId?: string;
}

export interface BareRotation {
  readonly handler: RotationHandler;
  close(): Promise<void>;
}

/**
 * `baseUrl` serves `/oauth/token` and `/api/v2` (GENESYS_CLOUD_BASE_URL); `eventBusName` as the stack
 * sets it; `ledgerTable`, when set, gets one UpdateItem per step, as the rotate function's ledger does.
 */
export function createBareRotation(baseUrl: string, eventBusName: string, ledgerTable?: string): BareRotation {
  // Same construction as the rotate handler: SDK clients from the environment, one keep-alive agent.
  const sm = new SecretsManagerClient({});
  const events = new EventBridgeClient({});
  const ledger = new DynamoDBClient({});
  const agent = new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 10_000 });
  const adminTokens = new Map<string, { token: string; orgId?: string }>();

  const describe = async (secretId: string) => await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  const value = async (secretId: string, stage: string, versionId?: string) =>
    await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
  const json = async <T>(method: 'GET' | 'POST', path: string, authorization: string, body?: string): Promise<T> => {
    const response = await request(`${baseUrl}${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const parsed = (await response.body.json()) as T;
    if (response.statusCode !== 200) throw new Error(`bare rotation: ${method} ${path} answered ${response.statusCode}`);
    return parsed;
  };
  const token = async (clientId: string, clientSecret: string): Promise<string> =>
    (await json<{ access_token: string }>('POST', '/oauth/token', `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'grant_type=client_credentials'))
      .access_token;
  const tokenInfo = async (bearer: string) => await json<{ organization: { id: string }; OAuthClient: { id: string } }>('GET', '/api/v2/tokens/me', `Bearer ${bearer}`);
  const admin = async (adminSecretId: string) => {
    const out = await value(adminSecretId, 'AWSCURRENT');
    const key = `${out.VersionId ?? ''}@${adminSecretId}`;
    let entry = adminTokens.get(key);
    if (entry === undefined) {
      const doc = JSON.parse(out.SecretString ?? '') as Doc;
      entry = { token: await token(doc.clientId, doc.clientSecret) };
      adminTokens.set(key, entry);
    }
    return entry;
  };

  const steps: Record<RotationEvent['Step'], (event: RotationEvent) => Promise<void>> = {
    createSecret: async ({ SecretId, ClientRequestToken }) => {
      const meta = await describe(SecretId);
      if (meta.VersionIdsToStages?.[ClientRequestToken]?.includes('AWSCURRENT') === true) return;
      try {
        await value(SecretId, 'AWSPENDING', ClientRequestToken);
        return; // already created
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      const current = JSON.parse((await value(SecretId, 'AWSCURRENT')).SecretString ?? '') as Doc;
      const { token: adminToken } = await admin(current.adminSecretId ?? '');
      const target = current.strategy === 'single' ? current.clientId : (current.alternateClientId ?? '');
      const { secret } = await json<{ secret: string }>('POST', `/api/v2/oauth/clients/${encodeURIComponent(target)}/secret`, `Bearer ${adminToken}`);
      const pending: Doc =
        current.strategy === 'single' ? { ...current, clientSecret: secret } : { ...current, clientId: target, clientSecret: secret, alternateClientId: current.clientId };
      await sm.send(new PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString: JSON.stringify(pending), VersionStages: ['AWSPENDING'] }));
    },
    setSecret: async ({ SecretId }) => {
      await describe(SecretId);
    },
    testSecret: async ({ SecretId, ClientRequestToken }) => {
      await describe(SecretId);
      const pending = JSON.parse((await value(SecretId, 'AWSPENDING', ClientRequestToken)).SecretString ?? '') as Doc;
      const entry = await admin(pending.adminSecretId ?? '');
      entry.orgId ??= (await tokenInfo(entry.token)).organization.id;
      const info = await tokenInfo(await token(pending.clientId, pending.clientSecret));
      if (info.OAuthClient.id !== pending.clientId || info.organization.id !== entry.orgId) throw new Error('bare rotation: wrong client or organization');
    },
    finishSecret: async ({ SecretId, ClientRequestToken }) => {
      const meta = await describe(SecretId);
      const doc = JSON.parse((await value(SecretId, 'AWSPENDING', ClientRequestToken)).SecretString ?? '') as Doc;
      const current = Object.entries(meta.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: ClientRequestToken, RemoveFromVersionId: current }));
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: ClientRequestToken }));
      const detail = { secretArn: meta.ARN, versionId: ClientRequestToken, clientId: doc.clientId, environment: doc.environment, strategy: doc.strategy, emergency: false, rotatedAt: new Date().toISOString() };
      await events.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: eventBusName, Source: ROTATED_EVENT_SOURCE, DetailType: ROTATED_EVENT_DETAIL_TYPE, Resources: [meta.ARN ?? SecretId], Detail: JSON.stringify(detail) }],
        }),
      );
    },
  };

  return {
    handler: async (event) => {
      await steps[event.Step](event);
      if (ledgerTable === undefined) return;
      // The least a ledger record takes: the step's outcome on its item, attempts counted.
      await ledger.send(
        new UpdateItemCommand({
          TableName: ledgerTable,
          Key: { secret: { S: event.SecretId }, entry: { S: `${event.ClientRequestToken}#${event.Step}` } },
          UpdateExpression: 'SET #o = :o ADD #a :one',
          ExpressionAttributeNames: { '#o': 'outcome', '#a': 'attempts' },
          ExpressionAttributeValues: { ':o': { S: 'succeeded' }, ':one': { N: '1' } },
        }),
      );
    },
    close: async () => {
      sm.destroy();
      events.destroy();
      ledger.destroy();
      await agent.close();
    },
  };
}
