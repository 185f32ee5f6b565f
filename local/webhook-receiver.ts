/**
 * A dependent's webhook endpoint on loopback, as a real receiver should be: every delivery is checked
 * with the helper receivers use (`verifyWebhook`), and de-duplicated on the idempotency key that the
 * signature covers (the one `verifyWebhook` returns), never on an unverified header. A valid repeat is
 * acknowledged (204) but marked `duplicate`; an invalid delivery is refused (401) and never marks a key seen.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verifyWebhook } from '../lambdas/core/webhooks/signature';
import { listenOnLoopback } from './listen';

export interface ReceivedWebhook {
  readonly path: string;
  readonly valid: boolean;
  readonly reason?: string;
  /** The verified idempotency key (only for a valid delivery). */
  readonly idempotencyKey?: string;
  readonly duplicate: boolean;
  readonly body: string;
  /** As received, so tests can capture a delivery and replay it. */
  readonly headers: IncomingHttpHeaders;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  close(): Promise<void>;
}

/** @param signingKey the shared key (the signing-key secret's SecretString). */
export async function startWebhookReceiver(signingKey: () => string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifyWebhook({ body, headers: req.headers, signingKey: signingKey() });
      const base = { path: req.url ?? '/', body, headers: req.headers };
      if (!check.valid) {
        received.push({ ...base, valid: false, reason: check.reason, duplicate: false });
        res.statusCode = 401;
      } else {
        const duplicate = seen.has(check.idempotencyKey);
        seen.add(check.idempotencyKey);
        received.push({ ...base, valid: true, idempotencyKey: check.idempotencyKey, duplicate });
        res.statusCode = 204;
      }
      res.end();
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, received, close: listening.close };
}
