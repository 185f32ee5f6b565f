/**
 * The rotate function's configuration, read once from the environment (DESIGN.md §3 "Runtime
 * contract"). Empty strings count as unset, as in t3-env.
 */
import * as z from 'zod';
import { loadBindings, type Bindings } from './bindings';
import { ConfigurationError } from './errors';
import { emptyAsUnset, firstIssue } from './validation';


const rotateEnvSchema = z.object({
  EVENT_BUS_NAME: z.preprocess(emptyAsUnset, z.string({ error: 'the EventBridge bus name the rotated event is published to (required)' })),
  GENESYS_CLOUD_BASE_URL: z.preprocess(
    emptyAsUnset,
    z.url({ protocol: /^https?$/, error: 'an http(s) URL serving /oauth/token and /api/v2 (local stand-ins only; unset in production)' }).optional(),
  ),
});

export interface RotateConfig {
  readonly eventBusName: string;
  readonly genesysBaseUrl: string | undefined;
  /** From `ROTATOR_BINDINGS` or `ROTATOR_BINDINGS_FILE` (DESIGN.md §3 "Bindings"). */
  readonly bindings: Bindings;
}

/**
 * @throws ConfigurationError naming the variable and what was expected; bindings that are missing,
 * given twice, unreadable or of another version fail here, so every step fails closed.
 */
export function loadRotateConfig(env: Readonly<Record<string, string | undefined>>): RotateConfig {
  const result = rotateEnvSchema.safeParse(env);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error, '(environment)');
    throw new ConfigurationError('Invalid rotate function configuration', field, expected);
  }
  return { eventBusName: result.data.EVENT_BUS_NAME, genesysBaseUrl: result.data.GENESYS_CLOUD_BASE_URL, bindings: loadBindings(env) };
}
