/**
 * A fake clamd speaking the real wire protocol (zINSTREAM / zPING, NUL-terminated), for
 * testing the ClamAV client without ClamAV: it answers FOUND when the reassembled stream
 * contains the EICAR test string, OK otherwise.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { EICAR } from './fixtures.js';

export type FakeClamdBehaviour =
  /** Answer like clamd. */
  | 'clamd'
  /** Accept the connection, then never read or answer. */
  | 'hang'
  /** Answer "size limit exceeded" and hang up once this many bytes arrived (clamd's StreamMaxLength). */
  | { maxStreamBytes: number };

export interface FakeClamd {
  server: Server;
  /** What each INSTREAM conversation delivered: the chunk lengths and the reassembled bytes. */
  streams: { chunkLengths: number[]; bytes: Buffer }[];
  close(): Promise<void>;
}

export async function startFakeClamd(
  behaviour: FakeClamdBehaviour,
  listenOn: { port: 0 } | { path: string } = { port: 0 },
): Promise<FakeClamd & { port?: number }> {
  const sockets = new Set<Socket>();
  const streams: FakeClamd['streams'] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (behaviour === 'hang') {
      socket.pause();
      return;
    }
    let buffer = Buffer.alloc(0);
    let command: string | undefined;
    const record = { chunkLengths: [] as number[], bytes: Buffer.alloc(0) };
    const parts: Buffer[] = [];
    let total = 0;
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      if (command === undefined) {
        const nul = buffer.indexOf(0);
        if (nul === -1) return;
        command = buffer.subarray(0, nul).toString('latin1');
        buffer = buffer.subarray(nul + 1);
        if (command === 'zPING') {
          socket.end('PONG\0');
          return;
        }
        if (command !== 'zINSTREAM') {
          socket.end('UNKNOWN COMMAND\0');
          return;
        }
        streams.push(record);
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          record.bytes = Buffer.concat(parts);
          const infected = record.bytes.includes(EICAR);
          socket.end(infected ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          buffer = Buffer.alloc(0);
          return;
        }
        if (buffer.length < 4 + length) return;
        record.chunkLengths.push(length);
        parts.push(buffer.subarray(4, 4 + length));
        total += length;
        buffer = buffer.subarray(4 + length);
        if (typeof behaviour === 'object' && total > behaviour.maxStreamBytes) {
          socket.end('INSTREAM size limit exceeded. ERROR\0');
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(listenOn, resolve));
  const address = server.address();
  return {
    server,
    streams,
    ...(typeof address === 'object' && address ? { port: address.port } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
