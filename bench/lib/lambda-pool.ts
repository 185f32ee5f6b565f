/**
 * Reserved concurrency, as Lambda enforces it: at most `size` invocations run at once, each on its own
 * warm instance (its own engine and admin-token cache); the rest wait for a free instance. Real
 * Secrets Manager gets a throttling error and retries later; waiting in a FIFO queue is the
 * idealised version of that (no retry delays, no lost invocations).
 */
import type { RotationEvent, RotationHandler } from '../../local/aws';

export function lambdaPool(size: number, createInstance: () => RotationHandler): RotationHandler {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('lambdaPool: size must be a positive integer');
  const idle: RotationHandler[] = [];
  let created = 0;
  const waiting: ((instance: RotationHandler) => void)[] = [];

  const acquire = async (): Promise<RotationHandler> => {
    const free = idle.pop();
    if (free !== undefined) return free;
    if (created < size) {
      created += 1;
      return createInstance();
    }
    return await new Promise<RotationHandler>((resolve) => waiting.push(resolve));
  };
  const release = (instance: RotationHandler): void => {
    const next = waiting.shift();
    if (next !== undefined) next(instance);
    else idle.push(instance);
  };

  return async (event: RotationEvent, context) => {
    const instance = await acquire();
    try {
      await instance(event, context);
    } finally {
      release(instance);
    }
  };
}
