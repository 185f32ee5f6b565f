/** The event Secrets Manager sends the rotation function (DESIGN.md §3), validated at the edge. */
import * as z from 'zod';
import { ValidationError } from '../errors';
import { ROTATION_STEPS, type RotationRequest } from './engine';
import { firstIssue } from '../validation';

const rotationEventSchema = z.object({
  SecretId: z.string({ error: 'a secret ARN or name' }).min(1, { error: 'a non-empty secret ARN or name' }),
  ClientRequestToken: z.string({ error: 'the version id being rotated' }).min(1, { error: 'a non-empty version id' }),
  Step: z.enum(ROTATION_STEPS, { error: `one of ${ROTATION_STEPS.join(', ')}` }),
});

/** @throws ValidationError naming the bad field. */
export function parseRotationEvent(event: unknown): RotationRequest {
  const result = rotationEventSchema.safeParse(event);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error);
    throw new ValidationError('Not a Secrets Manager rotation event', field, expected);
  }
  return { secretId: result.data.SecretId, token: result.data.ClientRequestToken, step: result.data.Step };
}
