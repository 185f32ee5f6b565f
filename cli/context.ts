/**
 * The clients a command needs, built from the global options and the environment the way the AWS CLI
 * resolves them: a flag wins over its variable; `AWS_ENDPOINT_URL_SECRETS_MANAGER` wins over
 * `AWS_ENDPOINT_URL`; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores both. The Secrets Manager
 * client has the same connection and request timeouts as the Lambdas' (a stalled call fails the
 * command after about 15 s instead of holding it for the SDK's 300 s per attempt).
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { sdkClientConfig, type SdkTimeouts } from '../lambdas/core/aws/sdk-clients';
import { createGenesysClient } from '../lambdas/core/genesys/client';
import type { GenesysApi } from '../lambdas/core/genesys/types';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import { stringOption, usageError, type ParsedValues } from './args';
import type { CliIo } from './io';

export interface CliContext {
  readonly secretsManager: SecretsManagerClient;
  readonly genesys: (environment: GenesysEnvironment) => GenesysApi;
  readonly now: () => Date;
  readonly pollIntervalMs: number;
  close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function checkUrl(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(field, `an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(field, `an http(s) URL (got "${value}")`);
  return value;
}

export function secretsManagerConfig(values: ParsedValues, env: Env, timeouts: Partial<SdkTimeouts> = {}): SecretsManagerClientConfig {
  const ignoreEnvEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const endpoint =
    checkUrl('--endpoint-url', nonEmpty(stringOption(values, 'endpoint-url'))) ??
    (ignoreEnvEndpoints
      ? undefined
      : (checkUrl('AWS_ENDPOINT_URL_SECRETS_MANAGER', nonEmpty(env.AWS_ENDPOINT_URL_SECRETS_MANAGER)) ?? checkUrl('AWS_ENDPOINT_URL', nonEmpty(env.AWS_ENDPOINT_URL))));
  const region = nonEmpty(stringOption(values, 'region')) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const profile = nonEmpty(stringOption(values, 'profile')) ?? nonEmpty(env.AWS_PROFILE);
  // Keys in the given environment are used as such (they are what the SDK would find in process.env);
  // a profile named on the command line wins over them, as in the AWS CLI.
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const useEnvKeys = stringOption(values, 'profile') === undefined && accessKeyId !== undefined && secretAccessKey !== undefined;
  return {
    ...sdkClientConfig(timeouts),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...(useEnvKeys ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) } } : {}),
  };
}

export function createContext(values: ParsedValues, io: CliIo): CliContext {
  const env = io.env ?? process.env;
  const secretsManager = new SecretsManagerClient(secretsManagerConfig(values, env, io.sdkTimeouts));
  const baseUrl = checkUrl('--genesys-base-url', nonEmpty(stringOption(values, 'genesys-base-url')) ?? nonEmpty(env.GENESYS_CLOUD_BASE_URL));
  const clients = new Map<GenesysEnvironment, GenesysApi>();
  const now = io.now ?? (() => new Date());
  return {
    secretsManager,
    genesys: (environment) => {
      let client = clients.get(environment);
      if (client === undefined) {
        client = createGenesysClient({ environment, ...(baseUrl !== undefined ? { baseUrl } : {}), now: () => now().getTime() });
        clients.set(environment, client);
      }
      return client;
    },
    now,
    pollIntervalMs: io.pollIntervalMs ?? 1_000,
    close: () => {
      secretsManager.destroy();
    },
  };
}
