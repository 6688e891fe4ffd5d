/**
 * A real WebSocket relay for tests (the `ws` package on 127.0.0.1): it stamps each
 * envelope's `from` with the identity in the connection URL (`?userId=&role=`), as a
 * server that authenticates would, and passes it to every connection of the room.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Relay {
  port: number;
  /** The URL a client of this identity connects to. */
  url(userId: string, role: string): string;
  /** Every envelope the relay forwarded, as text. */
  forwarded: string[];
  /** Users currently connected. */
  connected(): string[];
  /** Stops the server and cuts every connection. */
  stop(): Promise<void>;
}

export interface RelayOptions {
  port?: number;
  /** Also send each message back to its sender. */
  echo?: boolean;
  /** Hold a user's handshake until this resolves. */
  admit?: (userId: string) => Promise<void>;
}

function identity(req: IncomingMessage): { userId: string; role: string } {
  const url = new URL(req.url ?? '/', 'http://relay');
  return { userId: url.searchParams.get('userId') ?? '', role: url.searchParams.get('role') ?? '' };
}

export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const users = new Map<WebSocket, string>();
  const forwarded: string[] = [];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    verifyClient: (info, done) => {
      const admit = options.admit?.(identity(info.req).userId) ?? Promise.resolve();
      void admit.then(() => done(true));
    },
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket, req) => {
    const from = identity(req);
    users.set(socket, from.userId);
    socket.on('close', () => users.delete(socket));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let envelope: Record<string, unknown>;
      try {
        envelope = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      // Overwrite whatever the client claimed: the server knows who this connection is.
      const text = JSON.stringify({ ...envelope, from });
      forwarded.push(text);
      for (const client of wss.clients) {
        if ((client !== socket || options.echo) && client.readyState === client.OPEN)
          client.send(text);
      }
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    port,
    forwarded,
    url: (userId, role) =>
      `ws://127.0.0.1:${port}/room/r1?userId=${encodeURIComponent(userId)}&role=${role}`,
    connected: () => [...users.values()],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
