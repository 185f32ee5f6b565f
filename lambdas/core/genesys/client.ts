/**
 * The Genesys Cloud client of the Lambdas and the CLI: `GenesysApiClient` (api-client.ts: endpoints,
 * retries, typed errors) over undici (undici-transport.ts), with an injectable dispatcher. The consumer
 * client does not import this module: it uses the same `GenesysApiClient` over Node's `https`
 * (node-transport.ts), so its bundle carries no undici.
 */
import type { Dispatcher } from 'undici';
import { clientsByEnvironment, GenesysApiClient, type GenesysApiClientOptions } from './api-client';
import type { HttpTransport } from './transport';
import type { GenesysApi } from './types';
import { undiciTransport } from './undici-transport';
import type { GenesysEnvironment } from '../regions';

export interface GenesysClientOptions extends Omit<GenesysApiClientOptions, 'transport'> {
  /** @default one module-level undici Agent with a short keep-alive, so Jest and Lambda can exit. */
  readonly dispatcher?: Dispatcher;
  /** Another transport altogether (then `dispatcher` is ignored). @default undici's `request` over `dispatcher` */
  readonly transport?: HttpTransport;
}

export class GenesysClient extends GenesysApiClient {
  constructor(options: GenesysClientOptions) {
    const { dispatcher, transport, ...rest } = options;
    super({ ...rest, transport: transport ?? undiciTransport(dispatcher) });
  }
}

export function createGenesysClient(options: GenesysClientOptions): GenesysApi {
  return new GenesysClient(options);
}

/** Options shared by every region's client; `undefined` members are ignored. */
export type SharedGenesysClientOptions = { readonly [K in Exclude<keyof GenesysClientOptions, 'environment'>]?: GenesysClientOptions[K] | undefined };

/**
 * One client per Genesys Cloud region, created on first use and kept (connections and retry state
 * are per client). Handlers hold one of these at module scope.
 */
export function genesysClientsByEnvironment(shared: SharedGenesysClientOptions): (environment: GenesysEnvironment) => GenesysApi {
  const entries: [string, unknown][] = Object.entries(shared);
  const defined = Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as Omit<GenesysClientOptions, 'environment'>;
  return clientsByEnvironment((environment) => createGenesysClient({ ...defined, environment }));
}
