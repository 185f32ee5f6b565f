import {
  DescribeSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  type TagResourceCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsStore, tagsToRecord } from '../../../lambdas/core/aws/secrets-store';
import { SecretsManagerError } from '../../../lambdas/core/errors';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:genesys/app-AbCdEf';

describe('SecretsStore', () => {
  const sm = mockClient(SecretsManagerClient);
  const store = new SecretsStore(sm as unknown as SecretsManagerClient);

  beforeEach(() => {
    sm.reset();
  });

  afterAll(() => {
    sm.restore();
  });

  describe('describe', () => {
    it('reports the created, last-rotated and next-rotation dates when DescribeSecret returns them', async () => {
      // Prepare
      const created = new Date('2026-01-02T03:04:05Z');
      const rotated = new Date('2026-03-01T00:00:00Z');
      const next = new Date('2026-05-30T00:00:00Z');
      sm.on(DescribeSecretCommand).resolves({
        ARN: SECRET_ARN,
        Name: 'genesys/app',
        RotationEnabled: true,
        CreatedDate: created,
        LastRotatedDate: rotated,
        NextRotationDate: next,
        Tags: [{ Key: 'genesys-rotator:managed', Value: 'true' }],
        VersionIdsToStages: { 'v-1': ['AWSCURRENT'] },
      });

      // Act
      const meta = await store.describe(SECRET_ARN);

      // Assess
      expect(meta).toEqual({
        arn: SECRET_ARN,
        name: 'genesys/app',
        rotationEnabled: true,
        createdDate: created,
        lastRotatedDate: rotated,
        nextRotationDate: next,
        tags: { 'genesys-rotator:managed': 'true' },
        versionIdsToStages: { 'v-1': ['AWSCURRENT'] },
      });
    });

    it('leaves the dates undefined when a never-rotated secret has none', async () => {
      // Prepare
      sm.on(DescribeSecretCommand).resolves({ ARN: SECRET_ARN, Name: 'genesys/app' });

      // Act
      const meta = await store.describe(SECRET_ARN);

      // Assess
      expect(meta.lastRotatedDate).toBeUndefined();
      expect(meta.nextRotationDate).toBeUndefined();
      expect(meta.rotationEnabled).toBe(false);
    });
  });

  describe('tag', () => {
    it('sends TagResource with the one key and value', async () => {
      // Prepare
      sm.on(TagResourceCommand).resolves({});

      // Act
      await store.tag(SECRET_ARN, 'genesys-rotator:emergency', 'leaked in a ticket');

      // Assess
      const calls = sm.commandCalls(TagResourceCommand);
      expect(calls).toHaveLength(1);
      const input: TagResourceCommandInput | undefined = calls[0]?.args[0].input;
      expect(input).toEqual({ SecretId: SECRET_ARN, Tags: [{ Key: 'genesys-rotator:emergency', Value: 'leaked in a ticket' }] });
    });

    it('throws SecretsManagerError naming the operation and AWS error when TagResource fails', async () => {
      // Prepare
      sm.on(TagResourceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      // Act
      const run = store.tag(SECRET_ARN, 'k', 'v');

      // Assess
      await expect(run).rejects.toBeInstanceOf(SecretsManagerError);
      await expect(run).rejects.toThrow(`Secrets Manager TagResource failed for ${SECRET_ARN}: AccessDeniedException`);
    });
  });
});

describe('tagsToRecord', () => {
  it('maps keys to values, reads a missing value as empty and skips tags without a key', () => {
    // Act
    const record = tagsToRecord([{ Key: 'a', Value: '1' }, { Key: 'b' }, { Value: 'orphan' }]);

    // Assess
    expect(record).toEqual({ a: '1', b: '' });
  });
});
