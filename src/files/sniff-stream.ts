/**
 * Looks at the first bytes of an upload without consuming it: reads until `bytes` are buffered
 * (or the stream ends), then hands back a stream that replays those bytes followed by the
 * rest. Only the head is ever held in memory.
 */
import { Readable } from 'node:stream';
import { detectFileType, type FileTypeDetection, SNIFF_BYTES } from './sniff.js';

export interface PeekedStream {
  /** At least `bytes` bytes, unless the whole stream was shorter (then all of it). */
  head: Buffer;
  /** Every byte of the source, head included, in order. */
  stream: Readable;
}

export async function peekStream(source: Readable, bytes = SNIFF_BYTES): Promise<PeekedStream> {
  const iterator: AsyncIterator<unknown> = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  }
  const stream = Readable.from(replay(), { objectMode: false });
  // A consumer that stops early (or rejects the file and destroys this stream) releases the source too.
  stream.once('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  return { head, stream };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}

/** peekStream + detectFileType: the verdict on an upload, and the untouched upload to store. */
export async function sniffStream(
  source: Readable,
  fileName: string,
): Promise<{ detection: FileTypeDetection; stream: Readable }> {
  const { head, stream } = await peekStream(source, SNIFF_BYTES);
  return { detection: detectFileType(head.subarray(0, SNIFF_BYTES), fileName), stream };
}
