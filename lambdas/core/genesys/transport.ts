/**
 * How the Genesys client's bytes travel: one HTTP exchange, nothing more. Everything Genesys-specific
 * (endpoints, retries, timeouts, error classification, response shapes) lives in api-client.ts, once,
 * whatever the transport.
 *
 * Three transports exist: `undiciTransport` (undici-transport.ts, the only undici importer) for the
 * Lambdas and the CLI, where a dispatcher is injected and connections are pooled; `nodeTransport`
 * (node-transport.ts, Node's `http`/`https`), the consumer client's default, which must not bundle
 * undici; and `fetchTransport` (fetch-transport.ts), for a consumer that passes its own `fetch`.
 */

/** One request as the client sends it. `headers` may hold a secret or a token: a transport never logs them. */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborted when the attempt's timeout passes; the transport must stop then. */
  readonly signal: AbortSignal;
}

/** A complete answer: status, headers and the whole body as text. */
export interface HttpResponse {
  readonly status: number;
  /** A header's value (the first, if repeated), by case-insensitive name. */
  header(name: string): string | undefined;
  readonly text: string;
}

/**
 * Sends one request and reads the whole body; redirects are not followed (a 3xx is an answer).
 * Rejects when no complete answer arrives (connection refused or dropped, aborted): the rejection,
 * or an error in its `cause` chain, carries the socket's `code` (`ECONNRESET`, `UND_ERR_SOCKET`, ...),
 * from which retry.ts decides whether another attempt is worth it.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;
