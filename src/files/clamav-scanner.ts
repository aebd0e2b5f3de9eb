/**
 * A Scanner backed by ClamAV's daemon (clamd), over TCP or a UNIX socket, using the INSTREAM
 * command: the file is sent as length-prefixed chunks, so clamd needs no access to our disk
 * or bucket. Every failure (refused connection, timeout, clamd error) is an ERROR result.
 */
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Scanner, ScanResult } from './scanner.js';

export type ClamdAddress = { host: string; port?: number } | { socketPath: string };

export type ClamAvOptions = ClamdAddress & {
  /** No verdict within this long (connecting, sending and scanning included) → ERROR. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Bytes per INSTREAM chunk. (clamd's StreamMaxLength, 25 MB by default, bounds the whole file.) */
  chunkBytes?: number;
};

export const CLAMD_DEFAULT_PORT = 3310;
export const CLAMD_DEFAULTS = { timeoutMs: 120_000, connectTimeoutMs: 5_000, chunkBytes: 64 * 1024 };

/** Parses clamd's answer to INSTREAM, e.g. `stream: OK`, `stream: Eicar-Test-Signature FOUND`. */
export function parseClamdReply(reply: string): ScanResult {
  const text = reply.replace(/\0+$/, '').trim();
  if (text === 'stream: OK') return { status: 'CLEAN' };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found?.[1]) return { status: 'INFECTED', signature: found[1] };
  if (text.endsWith('ERROR')) return { status: 'ERROR', detail: `clamd: ${text}` };
  return { status: 'ERROR', detail: `clamd: unexpected reply ${JSON.stringify(text.slice(0, 200))}` };
}

interface Exchange {
  reply?: string;
  failure?: string;
}

export function createClamAvScanner(options: ClamAvOptions): Scanner {
  const timeoutMs = options.timeoutMs ?? CLAMD_DEFAULTS.timeoutMs;
  const connectTimeoutMs = options.connectTimeoutMs ?? CLAMD_DEFAULTS.connectTimeoutMs;
  const chunkBytes = options.chunkBytes ?? CLAMD_DEFAULTS.chunkBytes;
  const where =
    'socketPath' in options ? options.socketPath : `${options.host}:${options.port ?? CLAMD_DEFAULT_PORT}`;

  /**
   * One clamd conversation: connect, let `send` write the request, collect the NUL-terminated
   * reply. Resolves (never rejects) with the reply or why there is none.
   */
  function converse(send: (socket: Socket, stopped: () => boolean) => Promise<void>, limitMs: number) {
    return new Promise<Exchange>((resolve) => {
      const socket =
        'socketPath' in options
          ? connect({ path: options.socketPath })
          : connect({ host: options.host, port: options.port ?? CLAMD_DEFAULT_PORT });
      let settled = false;
      let received = '';
      let socketError: Error | undefined;
      const settle = (outcome: Exchange) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(overallTimer);
        socket.destroy();
        resolve(outcome);
      };
      const connectTimer = setTimeout(
        () => settle({ failure: `clamd at ${where}: no connection within ${connectTimeoutMs} ms` }),
        connectTimeoutMs,
      );
      const overallTimer = setTimeout(
        () => settle({ failure: `clamd at ${where}: no answer within ${limitMs} ms` }),
        limitMs,
      );
      socket.on('data', (d: Buffer) => {
        received += d.toString('utf8');
        // z-prefixed commands end their reply with a NUL byte.
        if (received.includes('\0')) settle({ reply: received.slice(0, received.indexOf('\0')) });
      });
      socket.on('error', (e) => {
        socketError = e;
      });
      // clamd may answer and hang up before we finish sending (e.g. "size limit exceeded"),
      // so a reply that arrived counts even when writing failed.
      socket.on('close', () => {
        if (received.trim()) settle({ reply: received });
        else
          settle({
            failure: `clamd at ${where}: ${socketError?.message ?? 'closed the connection without answering'}`,
          });
      });
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        send(socket, () => settled).catch((e: Error) => {
          settle({ failure: e.message });
        });
      });
    });
  }

  return {
    name: `clamav(${where})`,

    async scan(stream: Readable): Promise<ScanResult> {
      const outcome = await converse(async (socket, stopped) => {
        await write(socket, Buffer.from('zINSTREAM\0'));
        try {
          for await (const chunk of stream) {
            const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
            for (let at = 0; at < bytes.length; at += chunkBytes) {
              if (stopped()) return;
              const piece = bytes.subarray(at, at + chunkBytes);
              const length = Buffer.alloc(4);
              length.writeUInt32BE(piece.length);
              await write(socket, length);
              await write(socket, piece);
            }
          }
        } catch (e) {
          if (stopped()) return; // we destroyed the stream ourselves after giving up
          throw new Error(`could not read the file: ${(e as Error).message}`);
        }
        await write(socket, Buffer.alloc(4)); // a zero length ends the stream
      }, timeoutMs);
      // We gave up before the end (timeout, clamd hung up): stop the producer too.
      if (!stream.readableEnded) stream.destroy();
      if (outcome.reply !== undefined) return parseClamdReply(outcome.reply);
      return { status: 'ERROR', detail: outcome.failure ?? 'clamd: no answer' };
    },

    async ping(): Promise<void> {
      const outcome = await converse((socket) => write(socket, Buffer.from('zPING\0')), connectTimeoutMs);
      const answer = outcome.reply?.replace(/\0+$/, '').trim();
      if (answer !== 'PONG') {
        throw new Error(
          outcome.failure ?? `clamd at ${where}: unexpected PING reply ${JSON.stringify(answer)}`,
        );
      }
    },
  };
}

/** Writes with back-pressure: waits for `drain` when the socket's buffer is full. */
function write(socket: Socket, data: Buffer): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('connection closed'));
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', closed);
      resolve();
    };
    const closed = () => {
      socket.off('drain', done);
      reject(new Error('connection closed'));
    };
    socket.once('drain', done);
    socket.once('close', closed);
  });
}
