/**
 * A TCP port in front of a server that a test opens and closes: closed, it drops every
 * connection at once (a server that refuses its clients); open, it forwards them.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpGate {
  port: number;
  open: boolean;
  close(): Promise<void>;
}

export async function tcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  const gate = { open: false };
  const server = createServer((client) => {
    if (!gate.open) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    get open() {
      return gate.open;
    },
    set open(value: boolean) {
      gate.open = value;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
