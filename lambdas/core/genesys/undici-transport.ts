/**
 * `HttpTransport` over undici's `request` with an injectable dispatcher: the transport of the Lambdas
 * and the CLI, and the only module that imports undici for Genesys Cloud (STYLE.md §4.9). Tests inject
 * a `MockAgent`; the default is one module-level Agent with a short keep-alive, shared across clients so
 * a warm Lambda reuses connections while idle sockets close soon enough for Jest and Lambda to exit.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { HttpResponse, HttpTransport } from './transport';

let defaultAgent: Agent | undefined;

function defaultDispatcher(): Dispatcher {
  defaultAgent ??= new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 10_000 });
  return defaultAgent;
}

export function undiciTransport(dispatcher?: Dispatcher): HttpTransport {
  return async (req): Promise<HttpResponse> => {
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      dispatcher: dispatcher ?? defaultDispatcher(),
      signal: req.signal,
    });
    const text = await response.body.text();
    const { headers } = response;
    return {
      status: response.statusCode,
      header: (name) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      text,
    };
  };
}
