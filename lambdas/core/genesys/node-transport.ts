/**
 * `HttpTransport` over Node's own `http`/`https` modules: the consumer client's default. It adds no
 * bytes to the client bundle (built-ins), and its first request in a fresh process is cheap: the AWS
 * SDK has loaded `https` already, while the first global `fetch` loads Node's internal undici
 * (measured here: ~15 ms against ~75-100 ms for the first request of a process), time a consumer's
 * first token would otherwise wait.
 *
 * Connections go through Node's global agents (keep-alive since Node 19; an idle socket is unref'd, so
 * it never keeps a process or a Lambda alive, and closes after the agent's free-socket timeout).
 * Socket failures surface as Node's own errors with their `code` (`ECONNRESET`, `ECONNREFUSED`, ...).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { HttpResponse, HttpTransport } from './transport';

export function nodeTransport(): HttpTransport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const send = url.protocol === 'https:' ? https.request : url.protocol === 'http:' ? http.request : undefined;
      if (send === undefined) {
        reject(new TypeError(`Unsupported protocol ${url.protocol}`));
        return;
      }
      const headers: Record<string, string> = { ...request.headers };
      // A known length rather than chunked encoding, as undici and fetch send a string body.
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const outgoing = send(url, { method: request.method, headers, signal: request.signal }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('close', () => {
          // Without `complete`, the connection ended before the whole body came (dropped or aborted).
          if (!response.complete) {
            reject(Object.assign(new Error('The connection closed before the whole response arrived'), { code: 'ECONNRESET' }));
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value[0] : value;
            },
            text,
          });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
}
