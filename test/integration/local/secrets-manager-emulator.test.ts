/**
 * The Secrets Manager stand-in, driven through the real @aws-sdk/client-secrets-manager.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidNextTokenException,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { type AwsEmulator, type RotationEvent, type RotationHandler, startAwsEmulator } from '../../../local/aws';

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-genesys';
const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);
const DAY_MS = 86_400_000;

/** Tokens must be 32-64 characters, as on AWS. */
const token = (n: number): string => `token-${String(n).padStart(26, '0')}`;

describe('Secrets Manager emulator', () => {
  let aws: AwsEmulator;
  let sm: SecretsManagerClient;
  let nowMs: number;

  beforeEach(async () => {
    nowMs = T0;
    aws = await startAwsEmulator({ now: () => new Date(nowMs), stepRetry: { attempts: 3, delayMs: 0 } });
    sm = new SecretsManagerClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });

  afterEach(async () => {
    await aws.secretsManager.waitForAllRotations();
    sm.destroy();
    await aws.close();
  });

  async function createSecret(name: string, value = '{"v":1}', extra: { Tags?: { Key: string; Value: string }[]; Description?: string } = {}): Promise<{ arn: string; versionId: string }> {
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token(0), ...extra }));
    return { arn: created.ARN!, versionId: created.VersionId! };
  }

  /** A rotation function shaped like the AWS rotation template: guards, idempotent createSecret, label move in finishSecret. */
  function templateRotation(options: { seen?: RotationEvent[]; newValue?: string; failures?: Partial<Record<RotationEvent['Step'], number>> } = {}): RotationHandler {
    const failures = { ...options.failures };
    return async (event) => {
      options.seen?.push(event);
      const remaining = failures[event.Step] ?? 0;
      if (remaining > 0) {
        failures[event.Step] = remaining - 1;
        throw new Error(`injected ${event.Step} failure`);
      }
      const { SecretId: arn, ClientRequestToken: versionId } = event;
      const metadata = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
      if (metadata.RotationEnabled !== true) throw new Error('rotation not enabled');
      const stages = metadata.VersionIdsToStages?.[versionId];
      if (stages === undefined) throw new Error('token is not a version');
      if (stages.includes('AWSCURRENT')) return;
      if (!stages.includes('AWSPENDING')) throw new Error('token is not pending');
      switch (event.Step) {
        case 'createSecret':
          await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
          try {
            await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: versionId, VersionStage: 'AWSPENDING' }));
          } catch (error: unknown) {
            if (!(error instanceof ResourceNotFoundException)) throw error;
            await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: versionId, SecretString: options.newValue ?? '{"v":2}', VersionStages: ['AWSPENDING'] }));
          }
          return;
        case 'setSecret':
        case 'testSecret':
          return;
        case 'finishSecret': {
          const current = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
          await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: versionId, RemoveFromVersionId: current }));
          return;
        }
      }
    };
  }

  describe('CreateSecret and DescribeSecret', () => {
    it('creates the first version as AWSCURRENT with the ClientRequestToken as its id', async () => {
      // Act
      const { arn, versionId } = await createSecret('app/db', '{"v":1}', { Tags: [{ Key: 'team', Value: 'cx' }], Description: 'db creds' });
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'app/db' }));

      // Assess
      expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/db-[A-Za-z0-9]{6}$/);
      expect(versionId).toBe(token(0));
      expect(described).toMatchObject({ ARN: arn, Name: 'app/db', Description: 'db creds', Tags: [{ Key: 'team', Value: 'cx' }], VersionIdsToStages: { [token(0)]: ['AWSCURRENT'] } });
      expect(described.CreatedDate).toEqual(new Date(T0));
      expect(described.LastChangedDate).toEqual(new Date(T0));
      expect(described.RotationEnabled).toBeUndefined();
      expect(described.NextRotationDate).toBeUndefined();
    });

    it('refuses a second secret with the same name with ResourceExistsException', async () => {
      // Prepare
      await createSecret('dup');

      // Act / Assess
      await expect(sm.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }))).rejects.toBeInstanceOf(ResourceExistsException);
    });

    it('answers ResourceNotFoundException for an unknown secret', async () => {
      await expect(sm.send(new DescribeSecretCommand({ SecretId: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('refuses a ClientRequestToken shorter than 32 characters with ValidationException', async () => {
      await expect(sm.send(new CreateSecretCommand({ Name: 'short-token', SecretString: 'x', ClientRequestToken: 'abc' }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  describe('GetSecretValue', () => {
    it('finds the secret by name, full ARN and partial ARN, defaulting to AWSCURRENT', async () => {
      // Prepare
      const { arn } = await createSecret('lookup', 'value-1');
      const partialArn = arn.slice(0, -7);

      // Act
      const results = await Promise.all([arn, 'lookup', partialArn].map(async (SecretId) => await sm.send(new GetSecretValueCommand({ SecretId }))));

      // Assess
      for (const result of results) {
        expect(result).toMatchObject({ ARN: arn, Name: 'lookup', SecretString: 'value-1', VersionId: token(0), VersionStages: ['AWSCURRENT'] });
        expect(result.CreatedDate).toEqual(new Date(T0));
      }
    });

    it('answers ResourceNotFoundException for an unknown VersionId or a stage no version has', async () => {
      // Prepare
      await createSecret('versions');

      // Act / Assess
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'versions', VersionId: token(9) }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'versions', VersionStage: 'AWSPREVIOUS' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('answers InvalidRequestException when VersionId and VersionStage name different versions', async () => {
      // Prepare
      await createSecret('mismatch');

      // Act / Assess
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'mismatch', VersionId: token(0), VersionStage: 'AWSPENDING' }))).rejects.toBeInstanceOf(InvalidRequestException);
    });

    it('records LastAccessedDate as the UTC day of the read', async () => {
      // Prepare
      await createSecret('accessed');
      nowMs = T0 + 3 * DAY_MS;

      // Act
      await sm.send(new GetSecretValueCommand({ SecretId: 'accessed' }));
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'accessed' }));
      const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'accessed' }));

      // Assess
      const day = new Date(Date.UTC(2026, 0, 18));
      expect(described.LastAccessedDate).toEqual(day);
      expect(listed.Versions?.[0]?.LastAccessedDate).toEqual(day);
    });
  });

  describe('PutSecretValue', () => {
    it('moves AWSCURRENT to the new version and AWSPREVIOUS to the one it left', async () => {
      // Prepare
      await createSecret('put');

      // Act
      const put = await sm.send(new PutSecretValueCommand({ SecretId: 'put', SecretString: 'value-2', ClientRequestToken: token(1) }));

      // Assess
      expect(put.VersionStages).toEqual(['AWSCURRENT']);
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'put' }));
      expect(described.VersionIdsToStages).toEqual({ [token(0)]: ['AWSPREVIOUS'], [token(1)]: ['AWSCURRENT'] });
      const previous = await sm.send(new GetSecretValueCommand({ SecretId: 'put', VersionStage: 'AWSPREVIOUS' }));
      expect(previous.SecretString).toBe('{"v":1}');
    });

    it('ignores a repeat with the same token and value, and refuses the same token with another value', async () => {
      // Prepare
      await createSecret('idempotent');
      await sm.send(new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'pending', ClientRequestToken: token(1), VersionStages: ['AWSPENDING'] }));

      // Act
      const repeat = await sm.send(new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'pending', ClientRequestToken: token(1), VersionStages: ['AWSPENDING'] }));

      // Assess
      expect(repeat).toMatchObject({ VersionId: token(1), VersionStages: ['AWSPENDING'] });
      expect(aws.secretsManager.versions('idempotent')).toHaveLength(2);
      await expect(sm.send(new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'other', ClientRequestToken: token(1) }))).rejects.toBeInstanceOf(
        ResourceExistsException,
      );
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'idempotent' }))).SecretString).toBe('{"v":1}');
    });

    it('leaves AWSCURRENT in place when other stages are asked for', async () => {
      // Prepare
      await createSecret('staged');

      // Act
      await sm.send(new PutSecretValueCommand({ SecretId: 'staged', SecretString: 'next', ClientRequestToken: token(1), VersionStages: ['AWSPENDING'] }));

      // Assess
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'staged' }));
      expect(described.VersionIdsToStages).toEqual({ [token(0)]: ['AWSCURRENT'], [token(1)]: ['AWSPENDING'] });
    });

    it('attaches AWSCURRENT to the first version of a secret created without a value', async () => {
      // Prepare
      await sm.send(new CreateSecretCommand({ Name: 'empty' }));

      // Act
      await sm.send(new PutSecretValueCommand({ SecretId: 'empty', SecretString: 'first', ClientRequestToken: token(1), VersionStages: ['custom'] }));

      // Assess
      const value = await sm.send(new GetSecretValueCommand({ SecretId: 'empty' }));
      expect(value).toMatchObject({ SecretString: 'first', VersionStages: ['custom', 'AWSCURRENT'] });
    });

    it('refuses a request without SecretString or SecretBinary with InvalidRequestException', async () => {
      // Prepare
      await createSecret('no-value');

      // Act / Assess
      await expect(sm.send(new PutSecretValueCommand({ SecretId: 'no-value', ClientRequestToken: token(1) }))).rejects.toBeInstanceOf(InvalidRequestException);
    });

    it('keeps deprecated versions of the last 24 hours and drops the oldest beyond 100 versions afterwards', async () => {
      // Prepare: 1 + 101 versions within the same day
      await createSecret('many');
      for (let i = 1; i <= 101; i += 1) await sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: `value-${i}`, ClientRequestToken: token(i) }));
      expect(aws.secretsManager.versions('many')).toHaveLength(102);

      // Act
      nowMs = T0 + 25 * 3_600_000;
      await sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: 'value-102', ClientRequestToken: token(102) }));

      // Assess
      const versions = aws.secretsManager.versions('many');
      expect(versions).toHaveLength(100);
      expect(versions.map((version) => version.versionId)).not.toContain(token(0));
      expect(versions.find((version) => version.versionId === token(101))?.stages).toEqual(['AWSPREVIOUS']);
    });
  });

  describe('UpdateSecretVersionStage', () => {
    async function twoVersions(name: string): Promise<void> {
      await createSecret(name);
      await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'new', ClientRequestToken: token(1), VersionStages: ['AWSPENDING'] }));
    }

    it('moves AWSCURRENT and AWSPREVIOUS together when RemoveFromVersionId names the current version', async () => {
      // Prepare
      await twoVersions('move');

      // Act
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'move', VersionStage: 'AWSCURRENT', MoveToVersionId: token(1), RemoveFromVersionId: token(0) }));

      // Assess
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'move' }));
      expect(described.VersionIdsToStages).toEqual({ [token(0)]: ['AWSPREVIOUS'], [token(1)]: ['AWSPENDING', 'AWSCURRENT'] });
    });

    it('refuses to move an attached label without RemoveFromVersionId, or with the wrong one', async () => {
      // Prepare
      await twoVersions('guarded');

      // Act / Assess
      await expect(sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'guarded', VersionStage: 'AWSCURRENT', MoveToVersionId: token(1) }))).rejects.toBeInstanceOf(
        InvalidParameterException,
      );
      await expect(
        sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'guarded', VersionStage: 'AWSCURRENT', MoveToVersionId: token(1), RemoveFromVersionId: token(1) })),
      ).rejects.toBeInstanceOf(InvalidParameterException);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'guarded' }))).VersionId).toBe(token(0));
    });

    it('refuses to remove AWSCURRENT without moving it', async () => {
      // Prepare
      await createSecret('keep-current');

      // Act / Assess
      await expect(sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'keep-current', VersionStage: 'AWSCURRENT', RemoveFromVersionId: token(0) }))).rejects.toBeInstanceOf(
        InvalidParameterException,
      );
    });

    it('deprecates a version whose last label is removed: hidden unless IncludeDeprecated', async () => {
      // Prepare
      await twoVersions('deprecate');

      // Act
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'deprecate', VersionStage: 'AWSPENDING', RemoveFromVersionId: token(1) }));

      // Assess
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'deprecate' }));
      expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([token(0)]);
      const withoutDeprecated = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'deprecate' }));
      expect(withoutDeprecated.Versions?.map((version) => version.VersionId)).toEqual([token(0)]);
      const withDeprecated = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'deprecate', IncludeDeprecated: true }));
      expect(withDeprecated.Versions?.map((version) => [version.VersionId, version.VersionStages])).toEqual([
        [token(1), undefined],
        [token(0), ['AWSCURRENT']],
      ]);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'deprecate', VersionId: token(1) }))).SecretString).toBe('new');
    });
  });

  describe('ListSecrets, TagResource and UntagResource', () => {
    it('filters by tag key and value prefix, name prefix, words of all, and negation', async () => {
      // Prepare
      await createSecret('genesys/prod/admin', 'x', { Tags: [{ Key: 'env', Value: 'production' }] });
      await createSecret('genesys/test/client', 'x', { Tags: [{ Key: 'env', Value: 'test' }] });
      await createSecret('other', 'x');
      const names = async (Filters: { Key: 'tag-key' | 'tag-value' | 'name' | 'all'; Values: string[] }[]): Promise<string[]> =>
        ((await sm.send(new ListSecretsCommand({ Filters }))).SecretList ?? []).map((entry) => entry.Name!);

      // Act / Assess
      expect(await names([{ Key: 'tag-key', Values: ['env'] }])).toEqual(['genesys/prod/admin', 'genesys/test/client']);
      expect(await names([{ Key: 'tag-value', Values: ['prod'] }])).toEqual(['genesys/prod/admin']);
      expect(await names([{ Key: 'tag-value', Values: ['Prod'] }])).toEqual([]);
      expect(await names([{ Key: 'name', Values: ['genesys/'] }, { Key: 'tag-value', Values: ['!prod'] }])).toEqual(['genesys/test/client']);
      expect(await names([{ Key: 'all', Values: ['CLIENT'] }])).toEqual(['genesys/test/client']);
    });

    it('pages with MaxResults and NextToken, and refuses a forged token', async () => {
      // Prepare
      for (const name of ['a', 'b', 'c']) await createSecret(name);

      // Act
      const first = await sm.send(new ListSecretsCommand({ MaxResults: 2 }));
      const second = await sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken: first.NextToken }));

      // Assess
      expect(first.SecretList?.map((entry) => entry.Name)).toEqual(['a', 'b']);
      expect(first.SecretList?.[0]?.SecretVersionsToStages).toEqual({ [token(0)]: ['AWSCURRENT'] });
      expect(second.SecretList?.map((entry) => entry.Name)).toEqual(['c']);
      expect(second.NextToken).toBeUndefined();
      await expect(sm.send(new ListSecretsCommand({ NextToken: 'forged' }))).rejects.toBeInstanceOf(InvalidNextTokenException);
    });

    it('adds, overwrites and removes tags', async () => {
      // Prepare
      await createSecret('tagged', 'x', { Tags: [{ Key: 'a', Value: '1' }] });

      // Act
      await sm.send(new TagResourceCommand({ SecretId: 'tagged', Tags: [{ Key: 'a', Value: '2' }, { Key: 'genesys-rotator:emergency', Value: 'true' }] }));
      const afterTag = await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }));
      await sm.send(new UntagResourceCommand({ SecretId: 'tagged', TagKeys: ['genesys-rotator:emergency'] }));
      const afterUntag = await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }));

      // Assess
      expect(afterTag.Tags).toEqual([{ Key: 'a', Value: '2' }, { Key: 'genesys-rotator:emergency', Value: 'true' }]);
      expect(afterUntag.Tags).toEqual([{ Key: 'a', Value: '2' }]);
    });

    it('hides a secret scheduled for deletion and refuses to read it', async () => {
      // Prepare
      await createSecret('doomed');

      // Act
      const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));

      // Assess
      expect(deleted.DeletionDate).toEqual(new Date(T0 + 7 * DAY_MS));
      expect((await sm.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).rejects.toBeInstanceOf(InvalidRequestException);
    });
  });

  describe('RotateSecret and the rotation driver', () => {
    it('runs the four steps with the secret ARN and moves AWSCURRENT to the new version', async () => {
      // Prepare
      const { arn } = await createSecret('rotating');
      const seen: RotationEvent[] = [];
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation({ seen }));

      // Act
      const started = await sm.send(new RotateSecretCommand({ SecretId: 'rotating', RotationLambdaARN: LAMBDA_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, ClientRequestToken: token(1) }));
      const outcome = await aws.secretsManager.waitForRotation('rotating');

      // Assess
      expect(started).toMatchObject({ ARN: arn, Name: 'rotating', VersionId: token(1) });
      expect(outcome).toMatchObject({ ok: true, token: token(1), attempts: { createSecret: 1, setSecret: 1, testSecret: 1, finishSecret: 1 } });
      expect(seen.map((event) => [event.Step, event.SecretId, event.ClientRequestToken])).toEqual([
        ['createSecret', arn, token(1)],
        ['setSecret', arn, token(1)],
        ['testSecret', arn, token(1)],
        ['finishSecret', arn, token(1)],
      ]);
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
      expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: LAMBDA_ARN, RotationRules: { AutomaticallyAfterDays: 30 } });
      expect(described.VersionIdsToStages).toEqual({ [token(0)]: ['AWSPREVIOUS'], [token(1)]: ['AWSCURRENT'] });
      expect(described.LastRotatedDate).toEqual(new Date(T0));
      expect(described.NextRotationDate).toEqual(new Date(T0 + 30 * DAY_MS));
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'rotating' }))).SecretString).toBe('{"v":2}');
    });

    it('answers at once with the AWSPENDING version, which has no value until createSecret puts one', async () => {
      // Prepare
      await createSecret('async');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const template = templateRotation();
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, async (event, context) => {
        if (event.Step === 'createSecret') await gate;
        await template(event, context);
      });

      // Act
      const started = await sm.send(new RotateSecretCommand({ SecretId: 'async', RotationLambdaARN: LAMBDA_ARN, ClientRequestToken: token(1) }));
      const during = await sm.send(new DescribeSecretCommand({ SecretId: 'async' }));
      const pendingRead = sm.send(new GetSecretValueCommand({ SecretId: 'async', VersionId: token(1), VersionStage: 'AWSPENDING' }));
      const secondRotation = sm.send(new RotateSecretCommand({ SecretId: 'async', ClientRequestToken: token(2) }));

      // Assess
      expect(started.VersionId).toBe(token(1));
      expect(during.VersionIdsToStages?.[token(1)]).toEqual(['AWSPENDING']);
      await expect(pendingRead).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(secondRotation).rejects.toThrow("A previous rotation isn't complete. That rotation will be reattempted.");
      release();
      expect((await aws.secretsManager.waitForRotation('async')).ok).toBe(true);
      expect(aws.secretsManager.rotationHistory('async')).toHaveLength(1);
    });

    it('retries a failed step and completes the rotation', async () => {
      // Prepare
      await createSecret('flaky');
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation({ failures: { setSecret: 2 } }));

      // Act
      await sm.send(new RotateSecretCommand({ SecretId: 'flaky', RotationLambdaARN: LAMBDA_ARN, ClientRequestToken: token(1) }));
      const outcome = await aws.secretsManager.waitForRotation('flaky');

      // Assess
      expect(outcome).toMatchObject({ ok: true, attempts: { createSecret: 1, setSecret: 3, testSecret: 1, finishSecret: 1 } });
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'flaky' }))).VersionId).toBe(token(1));
      expect(aws.eventBridge.entries({ source: 'aws.secretsmanager' })).toEqual([]);
    });

    it('records RotationFailed when a step fails for good, and leaves the empty AWSPENDING version', async () => {
      // Prepare
      const { arn } = await createSecret('broken');
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation({ failures: { createSecret: 99 } }));

      // Act
      await sm.send(new RotateSecretCommand({ SecretId: 'broken', RotationLambdaARN: LAMBDA_ARN, ClientRequestToken: token(1) }));
      const outcome = await aws.secretsManager.waitForRotation('broken');

      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'createSecret', error: { message: 'injected createSecret failure' }, attempts: { createSecret: 3, setSecret: 0 } });
      const [failed] = aws.eventBridge.entries({ eventBusName: 'default', source: 'aws.secretsmanager' });
      expect(failed).toMatchObject({ detailType: 'AWS Service Event via CloudTrail' });
      expect(failed?.event.detail).toMatchObject({
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'RotationFailed',
        eventType: 'AwsServiceEvent',
        additionalEventData: { SecretId: arn },
        errorMessage: `Error when executing lambda ${LAMBDA_ARN} during createSecret step`,
      });
      expect(aws.secretsManager.versions('broken').find((version) => version.versionId === token(1))).toMatchObject({ stages: ['AWSPENDING'], value: undefined });
      expect((await sm.send(new DescribeSecretCommand({ SecretId: 'broken' }))).LastRotatedDate).toBeUndefined();
    });

    it('refuses a new rotation while AWSPENDING is stuck, and reattempts the stuck one', async () => {
      // Prepare
      await createSecret('stuck');
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation({ failures: { testSecret: 3 } }));
      await sm.send(new RotateSecretCommand({ SecretId: 'stuck', RotationLambdaARN: LAMBDA_ARN, ClientRequestToken: token(1) }));
      expect((await aws.secretsManager.waitForRotation('stuck')).ok).toBe(false);

      // Act
      const retry = sm.send(new RotateSecretCommand({ SecretId: 'stuck', ClientRequestToken: token(2) }));

      // Assess
      await expect(retry).rejects.toBeInstanceOf(InvalidRequestException);
      const reattempt = await aws.secretsManager.waitForRotation('stuck');
      expect(reattempt).toMatchObject({ ok: true, token: token(1) });
      expect(aws.secretsManager.versions('stuck').map((version) => version.versionId)).toEqual([token(0), token(1)]);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'stuck' }))).VersionId).toBe(token(1));
    });

    it('fails the rotation when the function returns without moving AWSCURRENT', async () => {
      // Prepare
      await createSecret('lazy');
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, () => undefined);

      // Act
      await sm.send(new RotateSecretCommand({ SecretId: 'lazy', RotationLambdaARN: LAMBDA_ARN }));
      const outcome = await aws.secretsManager.waitForRotation('lazy');

      // Assess
      expect(outcome).toMatchObject({ ok: false, failedStep: 'finishSecret', error: { name: 'RotationIncompleteError' } });
      expect(aws.eventBridge.entries({ source: 'aws.secretsmanager' })).toHaveLength(1);
    });

    it('does not start a second rotation when the same ClientRequestToken is sent again', async () => {
      // Prepare
      await createSecret('retried');
      const seen: RotationEvent[] = [];
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation({ seen }));
      await sm.send(new RotateSecretCommand({ SecretId: 'retried', RotationLambdaARN: LAMBDA_ARN, ClientRequestToken: token(1) }));

      // Act
      const again = await sm.send(new RotateSecretCommand({ SecretId: 'retried', ClientRequestToken: token(1) }));
      await aws.secretsManager.waitForAllRotations();

      // Assess
      expect(again.VersionId).toBe(token(1));
      expect(seen.filter((event) => event.Step === 'createSecret')).toHaveLength(1);
    });

    it('runs only testSecret and removes the AWSPENDING version when RotateImmediately is false', async () => {
      // Prepare
      await createSecret('later');
      const seen: RotationEvent[] = [];
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, (event) => {
        seen.push(event);
      });

      // Act
      await sm.send(new RotateSecretCommand({ SecretId: 'later', RotationLambdaARN: LAMBDA_ARN, RotationRules: { ScheduleExpression: 'rate(10 days)' }, RotateImmediately: false }));
      const outcome = await aws.secretsManager.waitForRotation('later');

      // Assess
      expect(outcome).toMatchObject({ ok: true, mode: 'test' });
      expect(seen.map((event) => event.Step)).toEqual(['testSecret']);
      const described = await sm.send(new DescribeSecretCommand({ SecretId: 'later' }));
      expect(described.VersionIdsToStages).toEqual({ [token(0)]: ['AWSCURRENT'] });
      expect(described.NextRotationDate).toEqual(new Date(T0 + 10 * DAY_MS));
    });

    it('refuses rotation of a secret without a rotation function ARN', async () => {
      // Prepare
      await createSecret('no-lambda');

      // Act / Assess
      await expect(sm.send(new RotateSecretCommand({ SecretId: 'no-lambda' }))).rejects.toBeInstanceOf(InvalidRequestException);
    });

    it('exposes stageToken and runStep for driving steps one by one', async () => {
      // Prepare
      await createSecret('stepwise');
      await sm.send(new RotateSecretCommand({ SecretId: 'stepwise', RotationLambdaARN: LAMBDA_ARN, RotateImmediately: false }));
      await aws.secretsManager.waitForRotation('stepwise');
      aws.secretsManager.registerRotationFunction(LAMBDA_ARN, templateRotation());

      // Act
      const staged = aws.secretsManager.stageToken('stepwise', token(5));
      await aws.secretsManager.runStep('stepwise', staged, 'createSecret');
      await aws.secretsManager.runStep('stepwise', staged, 'createSecret');

      // Assess
      expect(aws.secretsManager.versions('stepwise').find((version) => version.versionId === token(5))).toMatchObject({ stages: ['AWSPENDING'], value: '{"v":2}' });
      expect(() => aws.secretsManager.stageToken('stepwise')).toThrow("A previous rotation isn't complete");
    });
  });

  describe('endpointEnv', () => {
    it('points an SDK client configured only by environment variables at the emulator', async () => {
      // Prepare
      await createSecret('by-env');
      const saved = { ...process.env };
      Object.assign(process.env, aws.endpointEnv());
      const fromEnv = new SecretsManagerClient({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });

      try {
        // Act
        const value = await fromEnv.send(new GetSecretValueCommand({ SecretId: 'by-env' }));

        // Assess
        expect(value.SecretString).toBe('{"v":1}');
      } finally {
        fromEnv.destroy();
        process.env = saved;
      }
    });
  });

  describe('request counting and fault injection', () => {
    it('counts requests by operation and fails the next calls as asked', async () => {
      // Prepare
      await createSecret('faulty');
      aws.resetCounts();
      aws.secretsManager.failNext('GetSecretValue', 1);

      // Act
      const failed = sm.send(new GetSecretValueCommand({ SecretId: 'faulty' }));

      // Assess
      await expect(failed).rejects.toBeInstanceOf(InternalServiceError);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'faulty' }))).SecretString).toBe('{"v":1}');
      expect(aws.requestCounts()).toEqual({ GetSecretValue: 2 });
      expect(aws.requestLog().map((entry) => [entry.operation, entry.status, entry.errorType, entry.secretId])).toEqual([
        ['GetSecretValue', 500, 'InternalServiceError', 'faulty'],
        ['GetSecretValue', 200, undefined, 'faulty'],
      ]);
    });

    it('lets the SDK retry an injected service fault', async () => {
      // Prepare
      await createSecret('retry-me');
      aws.resetCounts();
      aws.secretsManager.failNext('GetSecretValue', 1, 'InternalServiceError');
      const retrying = new SecretsManagerClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 2 });

      // Act
      const value = await retrying.send(new GetSecretValueCommand({ SecretId: 'retry-me' }));
      retrying.destroy();

      // Assess
      expect(value.SecretString).toBe('{"v":1}');
      expect(aws.requestCounts().GetSecretValue).toBe(2);
    });
  });
});
