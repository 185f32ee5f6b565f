/**
 * Starts a stand-in's node:http server on a loopback port (a free one unless `port` is given, as
 * `genesys-rotator local --aws-port` does), and closes it with its keep-alive connections (so tests
 * and the demo exit). Every stand-in in local/ listens through here.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** @param port 0 (default): a free port chosen by the OS. A taken port rejects with Node's `EADDRINUSE` error. */
export async function listenOnLoopback(server: Server, port = 0): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
      server.closeAllConnections();
      await closed;
    },
  };
}
