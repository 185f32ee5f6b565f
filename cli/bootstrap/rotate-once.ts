/**
 * One rotation for `bootstrap`, resumable: a rotation left pending by an earlier run (or a crash) is
 * waited for instead of started anew. RotateSecret on a secret with a pending version does not start a
 * second rotation: Secrets Manager answers "A previous rotation isn't complete. That rotation will be
 * reattempted." and runs the pending one again, which is what a resumed bootstrap needs.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerError } from '../../lambdas/core/errors';
import { describeSecret, pendingVersionId, startRotation } from '../aws/managed-secrets';
import type { Progress } from '../progress';
import { waitForRotation, type RotationWaitResult } from '../wait-rotation';

export interface RotateOnceOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly progress: Progress;
}

function isRotationIncomplete(error: unknown): boolean {
  return error instanceof SecretsManagerError && error.awsErrorName === 'InvalidRequestException';
}

/** Rotates `secretArn` once (or finishes the pending rotation) and waits; `resumed` says which. */
export async function rotateOnce(client: SecretsManagerClient, secretArn: string, options: RotateOnceOptions): Promise<RotationWaitResult & { readonly resumed: boolean }> {
  const pending = pendingVersionId(await describeSecret(client, secretArn));
  let versionId = pending;
  try {
    versionId = await startRotation(client, secretArn);
  } catch (error) {
    if (pending === undefined || !isRotationIncomplete(error)) throw error;
  }
  const result = await waitForRotation(client, { secretArn, versionId: versionId ?? '', timeoutMs: options.timeoutMs, pollIntervalMs: options.pollIntervalMs, progress: options.progress });
  return { ...result, resumed: pending !== undefined && versionId === pending };
}
