/**
 * A pass-through stream that hashes (SHA-256) and counts the bytes flowing through it, and
 * fails with FileTooLarge the moment the count passes the limit, so an oversized upload is
 * cut off early instead of being read to the end.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FileTooLarge } from './file-errors.js';

export class ByteMeter extends Transform {
  private readonly hash = createHash('sha256');
  private count = 0;
  private digest: string | undefined;
  /** True once the limit was passed; the stream has then failed with FileTooLarge. */
  exceeded = false;

  constructor(readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.count += bytes.length;
    if (this.count > this.maxBytes) {
      this.exceeded = true;
      done(new FileTooLarge(this.maxBytes));
      return;
    }
    this.hash.update(bytes);
    done(null, bytes);
  }

  override _flush(done: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    done();
  }

  /** Size and lower-case hex SHA-256 of everything that passed; only once the stream has ended. */
  result(): { size: number; sha256: string } {
    if (this.digest === undefined) throw new Error('ByteMeter: the stream has not ended yet');
    return { size: this.count, sha256: this.digest };
  }
}
