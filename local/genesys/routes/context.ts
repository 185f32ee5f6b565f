/** What every Platform API route handler receives, and the shape of a route. */
import type { Caller, Directory } from '../directory';
import type { FaultInjector } from '../faults';
import type { Reply } from '../reply';
import type { UsageLedger } from '../usage';

/** Emulator state shared by the handlers. */
export interface Services {
  readonly directory: Directory;
  readonly usage: UsageLedger;
  readonly faults: FaultInjector;
  readonly now: () => number;
  /** `GenesysEmulatorOptions.oauthClientsPageSize`: undefined means the client listing is not paged. */
  readonly oauthClientsPageSize: number | undefined;
}

/** An authenticated, routed `/api/v2` request. */
export interface ApiRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body; undefined when the body was empty. */
  readonly body: unknown;
  readonly caller: Caller;
  readonly correlationId: string;
}

export interface ApiRoute {
  readonly method: string;
  /** Path template as the usage API reports it (§4 `templateUri`), e.g. `/api/v2/oauth/clients/{clientId}`. */
  readonly template: string;
  /** The caller needs ANY of these (GENESYS-API.md tables); empty means none. */
  readonly permissions: readonly string[];
  /** The route reads a JSON body: other content types get 415. */
  readonly jsonBody?: boolean;
  readonly handle: (request: ApiRequest, services: Services) => Reply;
}
