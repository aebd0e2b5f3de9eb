/**
 * Reading a one-file multipart upload safely: every way a client can get multipart wrong
 * (no or a wrong boundary, a truncated body, a second file, fields after the file) is a 400
 * problem naming what to fix, never a 5xx, and never half a document.
 */
import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { hasErrorCode } from '../domain/index.js';
import { ApiError } from './problem.js';

const malformed = (why: string) =>
  new ApiError('VALIDATION_FAILED', `the multipart body is not valid: ${why}`, [
    { path: 'file', message: why },
  ]);

/** Errors the multipart parser (busboy) and its plugin raise about the request itself. */
function asClientError(e: unknown): Error {
  if (hasErrorCode(e)) return e as Error;
  const err = e as { code?: string; message?: string };
  if (err.code === 'FST_FILES_LIMIT') return malformed('send exactly one file per request');
  if (err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FIELDS_LIMIT')
    return malformed('too many fields: send category, rateId and sha256, then the file');
  if (err.code === 'FST_PROTO_VIOLATION') return malformed('a field name is not allowed');
  return malformed(err.message ?? 'it could not be read');
}

/** The parser's own complaints about the body (busboy has no error codes, only messages). */
const isParserError = (e: unknown) =>
  e instanceof Error && /multipart|part header|end of form/i.test(e.message) && !('$metadata' in e);

export interface UploadRequest {
  /** The one file part; its fields are those sent before it. */
  part: MultipartFile;
  /**
   * Reads what follows the file: resolves when the body ends cleanly, throws a 400 when another
   * file or a broken ending follows. Call it before recording the upload.
   */
  expectEnd(): Promise<void>;
  /** Turns a failure while the file streamed into a 400 when the request body was at fault. */
  blame(e: unknown): unknown;
}

export async function readUpload(req: FastifyRequest): Promise<UploadRequest> {
  let parts: AsyncIterator<Multipart>;
  let first: IteratorResult<Multipart>;
  try {
    parts = req.parts()[Symbol.asyncIterator]();
    do first = await parts.next();
    while (!first.done && first.value.type !== 'file');
  } catch (e) {
    throw asClientError(e);
  }
  if (first.done) throw malformed('no file was sent (the part named "file")');
  const part = first.value as MultipartFile;
  let streamFailure: unknown;
  part.file.once('error', (e) => {
    streamFailure = e;
  });
  return {
    part,
    async expectEnd() {
      try {
        const next = await parts.next();
        if (!next.done) {
          if (next.value.type === 'file') next.value.file.resume();
          throw malformed(
            next.value.type === 'file'
              ? 'send exactly one file per request'
              : `the field "${next.value.fieldname}" came after the file: send fields first`,
          );
        }
      } catch (e) {
        throw asClientError(e);
      }
    },
    blame(e) {
      if (hasErrorCode(e)) return e;
      if (streamFailure !== undefined || part.file.truncated || isParserError(e))
        return asClientError(streamFailure ?? e);
      return e;
    },
  };
}
