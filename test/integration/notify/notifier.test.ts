import { BINDINGS_VARIABLE, parseBindings } from '../../../lambdas/core/bindings';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../../client';
import { SecretsStore } from '../../../lambdas/core/aws/secrets-store';
import { GenesysNotFoundError, GenesysPermissionError } from '../../../lambdas/core/errors';
import { parseRotatedEvent, ROTATED_EVENT_DETAIL_TYPE, ROTATED_EVENT_SOURCE, type RotatedEventDetail } from '../../../lambdas/core/events';
import { createGenesysClient } from '../../../lambdas/core/genesys/client';
import type { Log } from '../../../lambdas/core/log';
import { SqsDeadLetterQueue } from '../../../lambdas/core/notify/dead-letter';
import { notifyDependents, type NotifierDeps } from '../../../lambdas/core/notify/notifier';
import { createNotifyHandler } from '../../../lambdas/notify/handler';
import { Sandbox, type SandboxOrg } from '../../../local/sandbox';
import { startSqsEmulator, type SqsEmulator } from '../../../local/sqs';
import { startWebhookReceiver } from '../../../local/webhook-receiver';

const SIGNING_KEY = 'whsec-integration-test-signing-key';

interface Received {
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/** A webhook receiver on loopback: `/ok` answers 200, `/flaky` 503 twice then 200, `/down` always 500. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let flaky = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      let status = 200;
      if (path === '/flaky') status = (flaky += 1) <= 2 ? 503 : 200;
      if (path === '/down') status = 500;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

jest.setTimeout(30_000);

describe('Integration: notifier against the Genesys and AWS stand-ins', () => {
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let sqs: SqsEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sqsClient: SQSClient;
  let agent: Agent;
  let queueUrl: string;
  let signingKeyArn: string;
  let appArn: string;
  let credentialId: string;
  // Everything the leak check inspects.
  const logLines: string[] = [];
  const errorTexts: string[] = [];
  const sqsEndpointBefore = process.env.AWS_ENDPOINT_URL_SQS;

  const log: Log = {
    debug: (m, a) => logLines.push(`${m} ${JSON.stringify(a ?? {})}`),
    info: (m, a) => logLines.push(`${m} ${JSON.stringify(a ?? {})}`),
    warn: (m, a) => logLines.push(`${m} ${JSON.stringify(a ?? {})}`),
    error: (m, a) => logLines.push(`${m} ${JSON.stringify(a ?? {})}`),
  };

  function deps(credentialIds: string[], webhooks: string[] = ['/ok']): NotifierDeps {
    return {
      config: {
        allowLoopbackWebhooks: true,
        dependents: [{ secretArn: appArn, integrationCredentialIds: credentialIds, webhooks: webhooks.map((p) => ({ name: p.slice(1), url: `${receiver.url}${p}`, signingKeySecretArn: signingKeyArn })) }],
      },
      secrets: new SecretsStore(sandbox.secretsManager),
      bindings: parseBindings(sandbox.env[BINDINGS_VARIABLE] ?? '', BINDINGS_VARIABLE),
      genesysFor: (environment) => createGenesysClient({ environment, baseUrl: sandbox.genesys.baseUrl, dispatcher: agent }),
      deadLetters: new SqsDeadLetterQueue(sqsClient, queueUrl),
      log,
      webhookOptions: { dispatcher: agent, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } },
    };
  }

  async function notify(detail: RotatedEventDetail, d: NotifierDeps) {
    try {
      return await notifyDependents(detail, d);
    } catch (error) {
      if (error instanceof Error) errorTexts.push(`${error.name}: ${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`);
      throw error;
    }
  }

  /** Rotates the app secret and returns the raw rotated event it published. */
  async function rotateAndGetEvent(): Promise<unknown> {
    expect((await sandbox.rotate(appArn)).ok).toBe(true);
    const events = sandbox.aws.eventBridge.entries({ source: ROTATED_EVENT_SOURCE, detailType: ROTATED_EVENT_DETAIL_TYPE }).map((e) => e.event);
    return events.filter((e) => (e.detail as { secretArn?: string }).secretArn === appArn).pop();
  }

  async function rotateAndGetDetail(): Promise<RotatedEventDetail> {
    return parseRotatedEvent(await rotateAndGetEvent());
  }

  async function currentDoc(): Promise<{ clientId: string; clientSecret: string }> {
    const value = await new SecretsStore(sandbox.secretsManager).getValue(appArn, { stage: 'AWSCURRENT' });
    return JSON.parse(value.secretString ?? '{}') as { clientId: string; clientSecret: string };
  }

  beforeAll(async () => {
    agent = new Agent({ keepAliveTimeout: 1_000 });
    sandbox = await Sandbox.start({
      aws: { stepRetry: { attempts: 3, delayMs: 0 } },
      rotate: { dispatcher: agent, propagation: { maxWaitMs: 2_000, initialDelayMs: 5, maxDelayMs: 20 } },
    });
    org = await sandbox.createOrg('dependents-test');
    sqs = await startSqsEmulator();
    receiver = await startReceiver();
    sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    queueUrl = sqs.createQueue('rotator-webhooks-dlq');
    signingKeyArn = (await sandbox.secretsManager.send(new CreateSecretCommand({ Name: 'webhook-signing-key', SecretString: SIGNING_KEY }))).ARN!;
    appArn = (await sandbox.addManagedClient(org, { name: 'app-notify', strategy: 'alternating' })).secretArn;
    credentialId = sandbox.genesys.createIntegrationCredential(org.orgId, {
      name: 'gc-data-actions',
      typeName: 'pureCloudOAuthClient',
      fields: { clientId: 'placeholder', clientSecret: 'placeholder' },
    }).id;
  });

  afterAll(async () => {
    if (sqsEndpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
    else process.env.AWS_ENDPOINT_URL_SQS = sqsEndpointBefore;
    sqsClient.destroy();
    await receiver.close();
    await sqs.close();
    await sandbox.close();
    await agent.close();
  });

  it('updates the integration credential to the new AWSCURRENT, keeping its name and type, so Data Actions keep working', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();

    // Act
    const result = await notify(detail, deps([credentialId]));

    // Assess
    const current = await currentDoc();
    expect(result.credentials).toEqual({ kind: 'updated', credentialIds: [credentialId] });
    expect(sandbox.genesys.integrationCredential(credentialId)).toEqual({
      name: 'gc-data-actions',
      typeName: 'pureCloudOAuthClient',
      fields: { clientId: current.clientId, clientSecret: current.clientSecret },
      modifiedCount: 1,
    });
    expect(current.clientId).toBe(detail.clientId);
    expect(sandbox.genesys.secretWorks(current.clientId, current.clientSecret)).toBe(true);
  });

  it('does no harm when the same event arrives twice', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();
    await notify(detail, deps([credentialId]));
    const afterFirst = sandbox.genesys.integrationCredential(credentialId);
    const deliveredBefore = receiver.received.length;

    // Act
    const again = await notify(detail, deps([credentialId]));

    // Assess
    expect(again.credentials.kind).toBe('updated');
    expect(sandbox.genesys.integrationCredential(credentialId)?.fields).toEqual(afterFirst?.fields);
    const keys = receiver.received.slice(deliveredBefore - 1).map((r) => r.headers[WEBHOOK_HEADERS.idempotencyKey]);
    expect(keys).toEqual([detail.versionId, detail.versionId]);
  });

  it('signs each webhook so that the receiver helper verifies it', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();
    const before = receiver.received.length;

    // Act
    await notify(detail, deps([]));

    // Assess
    const [delivery] = receiver.received.slice(before);
    expect(JSON.parse(delivery!.body)).toEqual(detail);
    expect(verifyWebhook({ body: delivery!.body, headers: delivery!.headers, signingKey: SIGNING_KEY })).toMatchObject({ valid: true, idempotencyKey: detail.versionId });
    expect(verifyWebhook({ body: delivery!.body, headers: delivery!.headers, signingKey: 'another-key' }).valid).toBe(false);
  });

  it('refuses a captured delivery replayed within the replay window under a fresh Idempotency-Key, so de-duplication holds', async () => {
    // Prepare: a receiver that verifies and de-duplicates on the verified key gets one real delivery
    const verifying = await startWebhookReceiver(() => SIGNING_KEY);
    try {
      const detail = await rotateAndGetDetail();
      const d = deps([]);
      await notify(detail, { ...d, config: { ...d.config, dependents: [{ secretArn: appArn, integrationCredentialIds: [], webhooks: [{ name: 'verifying', url: `${verifying.url}/rotated`, signingKeySecretArn: signingKeyArn }] }] } });
      const [captured] = verifying.received;
      const replay = async (idempotencyKey: string) => {
        const { 'content-length': _length, host: _host, connection: _connection, ...headers } = captured!.headers;
        const response = await request(`${verifying.url}/rotated`, {
          method: 'POST',
          dispatcher: agent,
          body: captured!.body,
          headers: { ...headers, [WEBHOOK_HEADERS.idempotencyKey]: idempotencyKey },
        });
        await response.body.dump();
        return response.statusCode;
      };

      // Act: the attacker resends body, timestamp and signature at once (well inside 300 s), first under a fresh key, then unchanged
      const freshKeyStatus = await replay('00000000-0000-4000-8000-000000000001');
      const sameKeyStatus = await replay(detail.versionId);

      // Assess: the fresh key is refused by the signature; the plain replay is recognised as a duplicate
      expect(captured).toMatchObject({ valid: true, idempotencyKey: detail.versionId, duplicate: false });
      expect(freshKeyStatus).toBe(401);
      expect(verifying.received[1]).toMatchObject({ valid: false, reason: 'signature-mismatch', duplicate: false });
      expect(sameKeyStatus).toBe(204);
      expect(verifying.received[2]).toMatchObject({ valid: true, idempotencyKey: detail.versionId, duplicate: true });
      expect(verifying.received.filter((r) => r.valid && !r.duplicate)).toHaveLength(1);
    } finally {
      await verifying.close();
    }
  });

  it('delivers to a receiver that fails twice and then succeeds', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();

    // Act
    const result = await notify(detail, deps([], ['/flaky']));

    // Assess
    expect(result.webhooks).toEqual([{ delivered: true, name: 'flaky', attempts: 3, status: 200 }]);
    expect(result.deadLettered).toEqual([]);
    expect(receiver.received.filter((r) => r.path === '/flaky')).toHaveLength(3);
  });

  it('keeps a webhook that always fails in the dead-letter queue without failing the invocation', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();

    // Act
    const result = await notify(detail, deps([], ['/down']));

    // Assess
    expect(result.deadLettered).toEqual(['down']);
    const out = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const letters = (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as { webhook: string; versionId: string; attempts: number; reason: string; status: number; detail: unknown });
    expect(letters).toEqual([expect.objectContaining({ webhook: 'down', versionId: detail.versionId, attempts: 3, reason: 'exhausted', status: 500, detail })]);
  });

  it('skips the credential update when a newer rotation is already AWSCURRENT, and still delivers the webhook', async () => {
    // Prepare
    const older = await rotateAndGetDetail();
    await rotateAndGetDetail();
    const before = sandbox.genesys.integrationCredential(credentialId);
    const delivered = receiver.received.length;

    // Act
    const result = await notify(older, deps([credentialId]));

    // Assess
    expect(result.credentials.kind).toBe('skipped-newer-version');
    expect(sandbox.genesys.integrationCredential(credentialId)).toEqual(before);
    expect(receiver.received.length).toBe(delivered + 1);
    expect(logLines.some((l) => l.includes('a newer rotation is already AWSCURRENT'))).toBe(true);
  });

  it('fails with a clear GenesysNotFoundError for a configured credential that does not exist', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();

    // Act
    const run = notify(detail, deps(['00000000-0000-0000-0000-000000000404']));

    // Assess
    await expect(run).rejects.toBeInstanceOf(GenesysNotFoundError);
    await expect(run).rejects.toThrow(/Integration credential 00000000-0000-0000-0000-000000000404 .* does not exist in Genesys Cloud.*status 404/);
  });

  it('fails with a clear GenesysPermissionError when the admin client may not edit integration credentials', async () => {
    // Prepare
    const detail = await rotateAndGetDetail();
    const weakRole = sandbox.genesys.defineRole(org.orgId, { name: 'oauth-only', permissions: ['oauth:client:view', 'oauth:client:edit'] });
    for (const id of org.adminClientIds) sandbox.genesys.setClientRoles(id, [{ roleId: weakRole.id, divisionId: org.divisionId }]);

    // Act
    const run = notify(detail, deps([credentialId]));

    // Assess
    try {
      await expect(run).rejects.toBeInstanceOf(GenesysPermissionError);
      await expect(run).rejects.toThrow(/may not update integration credential .*integrations:integration:edit.*status 403/);
    } finally {
      for (const id of org.adminClientIds) sandbox.genesys.setClientRoles(id, [{ roleId: org.adminRoleId, divisionId: org.divisionId }]);
    }
  });

  it('runs through the Lambda handler from the raw EventBridge event, configured by the environment', async () => {
    // Prepare
    const event = await rotateAndGetEvent();
    // The handler's SQS client reads its endpoint from the environment; restored in afterAll.
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
    const handler = createNotifyHandler({
      env: {
        ROTATOR_DEPENDENTS: JSON.stringify([{ secretArn: appArn, integrationCredentialIds: [credentialId], webhooks: [{ name: 'ok', url: `${receiver.url}/ok`, signingKeySecretArn: signingKeyArn }] }]),
        DLQ_URL: queueUrl,
        GENESYS_CLOUD_BASE_URL: sandbox.genesys.baseUrl,
        ROTATOR_ALLOW_LOOPBACK_WEBHOOKS: 'true',
        [BINDINGS_VARIABLE]: sandbox.env[BINDINGS_VARIABLE],
      },
      dispatcher: agent,
      webhookDispatcher: agent,
    });

    // Act: with a Lambda context, as the runtime calls it
    const result = await handler(event, { getRemainingTimeInMillis: () => 120_000 } as unknown as Parameters<typeof handler>[1]);

    // Assess
    const current = await currentDoc();
    expect(result).toMatchObject({ secretArn: appArn, credentials: 'updated', webhooksDelivered: 1, webhooksDeadLettered: 0 });
    expect(sandbox.genesys.integrationCredential(credentialId)?.fields).toEqual({ clientId: current.clientId, clientSecret: current.clientSecret });
  });

  it('never lets an issued secret or access token reach logs, errors, webhook bodies or headers, or dead letters', () => {
    // Prepare: everything captured by the tests above
    const issued = [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()];
    const surfaces = [
      ...logLines,
      ...errorTexts,
      ...receiver.received.map((r) => `${r.body} ${JSON.stringify(r.headers)}`),
      ...sqs.sentBodies(queueUrl),
    ].join('\n');

    // Assess: the captures are not empty, and hold none of the values
    expect(issued.length).toBeGreaterThan(10);
    expect(errorTexts.length).toBeGreaterThanOrEqual(2);
    expect(sqs.sentBodies(queueUrl).length).toBeGreaterThanOrEqual(1);
    for (const value of issued) expect(surfaces).not.toContain(value);
  });
});
