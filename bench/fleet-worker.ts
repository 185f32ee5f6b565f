/**
 * One fleet run (item 5), in a fresh process so its peak memory is its own. Started by fleet.ts with
 * its parameters as JSON in argv[2]; prints its measurements as one JSON line on stdout.
 *
 * A fleet of managed secrets across several organizations, each organization's Genesys requests
 * limited per second (429 + Retry-After); every secret is asked to rotate at once through the Secrets
 * Manager stand-in, whose rotate function runs with the stack's reserved concurrency.
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { createRotateHandler } from '../lambdas/rotate/handler';
import { ROTATE_FUNCTION_ARN, type SandboxOrg } from '../local/sandbox';
import { RESULT_MARKER, type FleetParams, type FleetRun } from './fleet';
import { lambdaPool } from './lib/lambda-pool';
import { nowMs } from './lib/stats';
import { quietLogger, quietMetrics, startWorld, useRotationFunction } from './lib/world';
import { LAMBDA_TIMEOUT_SECONDS } from '../lib/lambda-settings';

/** Run `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

async function main(params: FleetParams): Promise<FleetRun> {
  // The stack's function timeout, so the rotate handler's deadline is the deployed one.
  const sandbox = await startWorld({ genesys: { orgRequestLimit: { perSecond: params.perSecond } }, aws: { functionTimeoutMs: LAMBDA_TIMEOUT_SECONDS * 1000 } });
  try {
    const orgs: SandboxOrg[] = [];
    for (let i = 0; i < params.orgs; i++) orgs.push(await sandbox.createOrg(`Fleet ${i + 1}`));
    const arns: string[] = new Array<string>(params.secrets);
    await inBatches([...Array(params.secrets).keys()], 16, async (i) => {
      const org = orgs[i % orgs.length];
      if (org === undefined) throw new Error('fleet: no organization');
      arns[i] = (await sandbox.addManagedClient(org, { name: `client-${i}`, strategy: i % 2 === 0 ? 'alternating' : 'single' })).secretArn;
    });

    useRotationFunction(
      sandbox,
      lambdaPool(params.concurrency, () => createRotateHandler({ env: sandbox.env, logger: quietLogger(), metrics: quietMetrics() })),
    );
    sandbox.genesys.resetRequests();
    const start = nowMs();
    await inBatches(arns, 16, async (arn) => {
      await sandbox.secretsManager.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: ROTATE_FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
    });
    await sandbox.aws.secretsManager.waitForAllRotations();
    const seconds = (nowMs() - start) / 1000;

    let failures = 0;
    let stepRetries = 0;
    for (const arn of arns) {
      const outcome = sandbox.aws.secretsManager.rotationHistory(arn).at(-1);
      if (outcome?.ok !== true) failures += 1;
      for (const attempts of Object.values(outcome?.attempts ?? {})) stepRetries += Math.max(0, attempts - 1);
    }
    const requests = sandbox.genesys.requests();
    return {
      seconds,
      rotationsPerSecond: params.secrets / seconds,
      rotated: params.secrets - failures,
      failures,
      tooManyRequests: requests.filter((r) => r.status === 429).length,
      genesysRequests: requests.length,
      stepRetries,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await sandbox.close();
  }
}

main(JSON.parse(process.argv[2] ?? '{}') as FleetParams).then(
  (run) => {
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(run)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`fleet run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
