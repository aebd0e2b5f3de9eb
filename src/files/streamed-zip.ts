/**
 * A ZIP archive written as a stream by yazl, every entry STORED: documents are PDFs and Office
 * files, compressed already, so deflating them again costs CPU for nothing. yazl writes the
 * headers, the CRC-32 and sizes (in a data descriptor after each entry's bytes, so nothing is
 * buffered) and ZIP64 records where counts, sizes or offsets pass the 16- and 32-bit fields.
 * This module feeds it the sources one at a time, in order, and ties their lives to the archive's.
 */
import { finished, Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** The path inside the archive, `/`-separated, already made safe (zip-names.ts). */
  path: string;
  modifiedAt: Date;
  /**
   * The bytes, opened while the entry before it streams (so a request's latency, S3's per
   * object, is not paid between entries); `null` leaves the entry out, nothing written.
   */
  open(): Promise<Readable | Buffer | null>;
}

/** A regular file, rw-r--r--, for unzip on Unix. */
const FILE_MODE = 0o100644;

/**
 * The archive of `entries`, in their order. A source that fails (or ends without its end) fails
 * the archive: the reader sees an error, never a silently short zip. Destroying the archive (a
 * client gone) destroys the sources it has open and opens no more. At most two sources are open:
 * the one streaming and the next, unread; an entry goes to yazl only once its source is open,
 * since yazl cannot take back an entry it was given.
 */
export function streamedZip(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): Readable {
  const zip = new ZipFile();
  // A PassThrough, which yazl's types do not say.
  const output = zip.outputStream as Readable;
  const sources = new Set<Readable>();
  let closed = false;
  const stopped = new Promise<void>((resolve) =>
    output.once('close', () => {
      closed = true;
      for (const source of sources) source.destroy();
      sources.clear();
      resolve();
    }),
  );
  const fail = (error: unknown) => {
    if (!closed) output.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  zip.on('error', fail);

  async function feed() {
    for await (const entry of entries) {
      if (closed) return;
      const opened = await entry.open();
      if (opened === null) continue;
      const body = opened instanceof Readable ? opened : Readable.from([opened], { objectMode: false });
      if (closed) {
        body.destroy(); // opened after the reader left
        return;
      }
      sources.add(body);
      // yazl only pipes the source: its errors, and an end that never came, are caught here.
      finished(body, (error) => {
        sources.delete(body);
        if (error) fail(error);
      });
      // yazl asks for the bytes when the entries before are written; only then is the next opened.
      const turn = new Promise<void>((resolve) =>
        zip.addReadStreamLazy(
          entry.path,
          { mtime: entry.modifiedAt, mode: FILE_MODE, compress: false },
          (give) => {
            resolve();
            give(null, body);
          },
        ),
      );
      await Promise.race([turn, stopped]);
    }
    if (!closed) zip.end();
  }

  feed().catch(fail);
  return output;
}
