/**
 * A dependent's webhook endpoint on loopback, verifying every delivery with the helper receivers
 * use (`verifyWebhook`) and de-duplicating by the idempotency key, as a real receiver should.
 */
import { createServer, type Server } from 'node:http';
import { verifyWebhook } from '../lambdas/core/webhooks/signature';
import { listenOnLoopback } from './listen';

export interface ReceivedWebhook {
  readonly path: string;
  readonly valid: boolean;
  readonly reason?: string;
  readonly idempotencyKey?: string;
  readonly duplicate: boolean;
  readonly body: string;
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
      const key = check.valid ? check.idempotencyKey : undefined;
      const duplicate = key !== undefined && seen.has(key);
      if (key !== undefined) seen.add(key);
      received.push({ path: req.url ?? '/', valid: check.valid, ...(check.valid ? {} : { reason: check.reason }), ...(key !== undefined ? { idempotencyKey: key } : {}), duplicate, body });
      res.statusCode = check.valid ? 204 : 401;
      res.end();
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, received, close: listening.close };
}
