/**
 * Shared set-up for the Genesys client tests: a fresh undici MockAgent with the network disabled, a
 * client wired to it with an instant recording `sleep`, and a log that records every line.
 */
import { MockAgent, type MockPool } from 'undici';
import { GenesysClient, type GenesysClientOptions } from '../../../lambdas/core/genesys/client';
import { AccessToken } from '../../../lambdas/core/genesys/types';
import type { Log, LogAttributes } from '../../../lambdas/core/log';

export const LOGIN_ORIGIN = 'https://login.mypurecloud.ie';
export const API_ORIGIN = 'https://api.mypurecloud.ie';

export const CLIENT_ID = '6a3f0a4e-1d2c-4b5a-9e8f-0123456789ab';
export const CLIENT_SECRET = 'cs-VERY-SECRET-7f9c2b1e4d';
export const ACCESS_TOKEN = 'at-VERY-SECRET-TOKEN-0e5d8c';
/** `Authorization: Basic` value for CLIENT_ID:CLIENT_SECRET: a leak of it is a leak of the secret. */
export const BASIC_VALUE = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
export const NOW_MS = Date.UTC(2026, 0, 8, 12, 0, 0);

export interface LogLine {
  readonly level: keyof Log;
  readonly message: string;
  readonly attributes: LogAttributes | undefined;
}

export function recordingLog(): Log & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record =
    (level: keyof Log) =>
    (message: string, attributes?: LogAttributes): void => {
      lines.push({ level, message, attributes });
    };
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export interface Harness {
  readonly agent: MockAgent;
  readonly login: MockPool;
  readonly api: MockPool;
  readonly client: GenesysClient;
  readonly sleep: jest.Mock<Promise<void>, [number]>;
  readonly log: ReturnType<typeof recordingLog>;
  readonly requests: { method: string; path: string }[];
  readonly token: AccessToken;
}

export function createHarness(options: Partial<GenesysClientOptions> = {}): Harness {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sleep = jest.fn<Promise<void>, [number]>(() => Promise.resolve());
  const log = recordingLog();
  const requests: { method: string; path: string }[] = [];
  const client = new GenesysClient({
    environment: 'mypurecloud.ie',
    dispatcher: agent,
    sleep,
    log,
    now: () => NOW_MS,
    onRequest: (info) => requests.push(info),
    ...options,
  });
  const override = options.baseUrl?.replace(/\/+$/, '');
  return {
    agent,
    login: agent.get(override ?? LOGIN_ORIGIN),
    api: agent.get(override ?? API_ORIGIN),
    client,
    sleep,
    log,
    requests,
    token: new AccessToken(ACCESS_TOKEN, 'bearer', 86399, NOW_MS),
  };
}

export async function closeHarness(harness: Harness): Promise<void> {
  try {
    harness.agent.assertNoPendingInterceptors();
  } finally {
    await harness.agent.close();
  }
}

/** Headers every Bearer call must carry. */
export const bearerHeaders = { authorization: `Bearer ${ACCESS_TOKEN}`, accept: 'application/json' };

/** The Platform API error body (GENESYS-API.md §6). */
export function platformError(status: number, code: string, contextId = 'ctx-from-body'): Record<string, unknown> {
  return { message: `error ${code}`, code, status, contextId, details: [], errors: [] };
}

export const oauthClientBody = {
  id: CLIENT_ID,
  name: 'rotator-a',
  accessTokenValiditySeconds: 86400,
  description: '',
  registeredRedirectUri: [],
  roleIds: ['role-1'],
  dateCreated: '2026-01-01T00:00:00.000Z',
  dateModified: '2026-01-02T00:00:00.000Z',
  createdBy: { id: 'user-1' },
  modifiedBy: { id: 'user-1' },
  authorizedGrantType: 'CLIENT-CREDENTIALS',
  scope: [],
  roleDivisions: [{ roleId: 'role-1', divisionId: 'div-1' }],
  state: 'active',
  selfUri: `/api/v2/oauth/clients/${CLIENT_ID}`,
};
