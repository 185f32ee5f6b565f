/**
 * `startGenesysEmulator`: wires the directory, usage ledger, limiters and faults to the HTTP server and
 * exposes the in-process set-up and truth methods of `GenesysEmulator`.
 */
import { Directory } from './directory';
import { EmulatorSetupError } from './errors';
import { FaultInjector } from './faults';
import { FixedWindowLimiter } from './rate-limits';
import { oauthClientView } from './routes/views';
import { createEmulatorServer } from './server';
import type { GenesysEmulator, GenesysEmulatorOptions, RecordUsageInput, RequestLogEntry } from './types';
import { parseUsageDay, UsageLedger } from './usage';
import { listenOnLoopback } from '../listen';

const DEFAULT_TOKEN_RATE_PER_MINUTE = 300; // GENESYS-API.md §6, CLIM
const DEFAULT_INJECTED_RETRY_AFTER_SECONDS = 1; // rateLimitNext without a value: short, so tests stay fast

export async function startGenesysEmulator(options: GenesysEmulatorOptions = {}): Promise<GenesysEmulator> {
  const now = options.now ?? Date.now;
  const tokenRate = options.tokenRatePerMinute ?? DEFAULT_TOKEN_RATE_PER_MINUTE;
  requirePositiveInteger('tokenRatePerMinute', tokenRate);
  if (options.orgRequestLimit) requirePositiveInteger('orgRequestLimit.perSecond', options.orgRequestLimit.perSecond);
  if (options.oauthClientsPageSize !== undefined) requirePositiveInteger('oauthClientsPageSize', options.oauthClientsPageSize);
  if (options.usageResultsPageSize !== undefined) requirePositiveInteger('usageResultsPageSize', options.usageResultsPageSize);
  if (options.retryAfterSeconds !== undefined && !(Number.isInteger(options.retryAfterSeconds) && options.retryAfterSeconds >= 0)) {
    throw new EmulatorSetupError('retryAfterSeconds must be a non-negative integer');
  }

  const directory = new Directory(now);
  const usage = new UsageLedger(options.usageResultsPageSize);
  const faults = new FaultInjector(options.retryAfterSeconds ?? DEFAULT_INJECTED_RETRY_AFTER_SECONDS);
  const log: RequestLogEntry[] = [];
  const server = createEmulatorServer({
    services: { directory, usage, faults, now, oauthClientsPageSize: options.oauthClientsPageSize },
    tokenLimiter: new FixedWindowLimiter(tokenRate, 60_000),
    orgLimiter: options.orgRequestLimit ? new FixedWindowLimiter(options.orgRequestLimit.perSecond, 1_000) : undefined,
    retryAfterSeconds: options.retryAfterSeconds,
    log,
  });

  const listening = await listenOnLoopback(server, options.port);

  return {
    baseUrl: listening.url,
    close: listening.close,

    createOrganization: (input = {}) => {
      const org = directory.createOrganization(input.name);
      return { id: org.id, name: org.name };
    },
    defineRole: (orgId, input) => ({ id: directory.defineRole(orgId, input.name, input.permissions) }),
    createClient: (orgId, input) => directory.createClient(orgId, input),
    setClientRoles: (clientId, roleDivisions) => {
      directory.setClientRoles(clientId, roleDivisions);
    },
    setClientState: (clientId, state) => {
      directory.setClientState(clientId, state);
    },
    clientView: (clientId) => {
      const client = directory.client(clientId);
      const org = client === undefined ? undefined : directory.organization(client.orgId);
      return client === undefined || org === undefined ? undefined : oauthClientView(client, org);
    },
    createIntegrationCredential: (orgId, input) => ({ id: directory.createIntegrationCredential(orgId, input) }),
    integrationCredential: (id) => directory.credentialSnapshot(id),
    recordUsage: (clientId, input) => {
      recordUsage(directory, usage, now, clientId, input);
    },

    secretWorks: (clientId, secret) => directory.checkSecret(clientId, secret).ok,
    isCurrentSecret: (clientId, secret) => directory.client(clientId)?.secret === secret,
    tokenWorks: (accessToken) => directory.authenticateToken(accessToken) !== undefined,
    issuedSecrets: () => directory.issuedSecrets(),
    issuedTokens: () => directory.issuedTokens(),
    requests: () => [...log],
    resetRequests: () => {
      log.length = 0;
    },
    regenerateCount: (clientId) => directory.client(clientId)?.regenerateCount ?? 0,
    faults,
  };
}

function recordUsage(
  directory: Directory,
  usage: UsageLedger,
  now: () => number,
  clientId: string,
  input: RecordUsageInput,
): void {
  directory.requireClient(clientId);
  if (!Number.isInteger(input.requests) || input.requests < 0) {
    throw new EmulatorSetupError('recordUsage: requests must be a non-negative integer');
  }
  const dayMs = input.date === undefined ? now() : parseUsageDay(input.date);
  if (dayMs === undefined) throw new EmulatorSetupError('recordUsage: date must be YYYY-MM-DD or an ISO date-time');
  const templateUri = input.templateUri ?? 'api/v2/users/me';
  usage.record(clientId, dayMs, templateUri, (input.httpMethod ?? 'GET').toUpperCase(), 200, input.requests);
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new EmulatorSetupError(`${name} must be a positive integer`);
}
