/**
 * `HttpTransport` over the WHATWG `fetch` (Node 20+'s global one by default): what the consumer client
 * uses when given a `fetch` of its own (a proxy-aware one, a test double). Connection failures surface
 * as Node's `TypeError: fetch failed` whose `cause` carries the socket error's `code`; retry.ts reads it
 * there. Not the default: the first global `fetch` of a process loads Node's internal undici, tens of
 * milliseconds a consumer's first token would wait (node-transport.ts).
 */
import type { HttpResponse, HttpTransport } from './transport';

/** The part of `fetch` used here; `globalThis.fetch` and undici's `fetch` both fit. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export function fetchTransport(fetchImpl?: FetchFunction): HttpTransport {
  return async (request): Promise<HttpResponse> => {
    // Resolved per call, so that a fetch replaced after start-up (a test's stub) is the one used.
    const send = fetchImpl ?? globalThis.fetch;
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: request.signal,
      // A 3xx is an answer, as with undici's request(): following it would resend the Authorization header elsewhere.
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
  };
}
