/**
 * Reading multipart uploads safely — one file (a package document), or fields then several
 * files (a question or a response): every way a client can get multipart wrong (no or a wrong
 * boundary, a truncated body, no file, too many files, fields after the files, unknown fields)
 * is a 400 problem naming what to fix, never a 5xx, and never half a document. Files are handed
 * over as streams, one after another, never buffered whole.
 */
import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { hasErrorCode } from '../domain/index.js';
import type { IncomingFile } from '../service/file-intake.js';
import { ApiError } from './problem.js';

/**
 * The validator of a route whose multipart body the handler reads as a stream: the body schema
 * only documents the form in /openapi.json; params and query are validated as usual.
 */
export const streamedBodyValidator: FastifySchemaCompiler<unknown> = (context) =>
  context.httpPart === 'body' ? () => ({ value: undefined }) : validatorCompiler(context as never);

/** A multipart route called with another content type: the 400 that says how to send it. */
export function requireMultipart(req: FastifyRequest, what: string) {
  if (!req.isMultipart())
    throw new ApiError('VALIDATION_FAILED', `send ${what} as multipart/form-data`, [
      { path: 'file', message: 'is missing' },
    ]);
}

const malformed = (why: string, path = 'file') =>
  new ApiError('VALIDATION_FAILED', `the multipart body is not valid: ${why}`, [{ path, message: why }]);

/** What to tell a client that sent too much: how the form is meant to look. */
interface FormShape {
  files: string;
  fields: string;
}
const ONE_DOCUMENT: FormShape = {
  files: 'send exactly one file per request',
  fields: 'too many fields: send category, rateId and sha256, then the file',
};

/** Errors the multipart parser (busboy) and its plugin raise about the request itself. */
function asClientError(e: unknown, shape: FormShape = ONE_DOCUMENT): Error {
  if (hasErrorCode(e)) return e as Error;
  const err = e as { code?: string; message?: string };
  if (err.code === 'FST_FILES_LIMIT') return malformed(shape.files);
  if (err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FIELDS_LIMIT') return malformed(shape.fields);
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

export interface FilesUploadOptions {
  /** The fields the form has, each sent at most once, all before the first file. */
  fields: readonly string[];
  /** Largest value of a field, in bytes. */
  maxFieldBytes: number;
  /** At most this many parts named `file` (at least one). */
  maxFiles: number;
}

export interface FilesUploadRequest {
  /** The fields sent before the first file. */
  fields: Partial<Record<string, string>>;
  /**
   * The files, one after another; read each to its end before asking for the next. Throws a 400
   * when what follows a file is wrong (a field, a part not named `file`, one file too many, a
   * broken ending): the consumer then drops what it stored of this request.
   */
  files: AsyncIterable<IncomingFile>;
  /** Turns a failure while a file streamed into a 400 when the request body was at fault. */
  blame(e: unknown): unknown;
}

/** Reads "fields first, then 1..maxFiles parts named `file`" (questions and responses). */
export async function readFilesUpload(
  req: FastifyRequest,
  options: FilesUploadOptions,
): Promise<FilesUploadRequest> {
  const shape: FormShape = {
    files: `send at most ${options.maxFiles} files`,
    fields: `too many fields: send ${options.fields.join(', ')}, then the files`,
  };
  const fields: Partial<Record<string, string>> = {};
  let parts: AsyncIterator<Multipart>;
  let next: IteratorResult<Multipart>;
  try {
    parts = req
      .parts({
        limits: {
          // One more than allowed, so the extra one is refused here with a message that says so.
          files: options.maxFiles + 1,
          fields: options.fields.length + 1,
          fieldSize: options.maxFieldBytes,
        },
      })
      [Symbol.asyncIterator]();
    for (next = await parts.next(); !next.done && next.value.type === 'field'; next = await parts.next()) {
      const field = next.value;
      const name = field.fieldname;
      if (!options.fields.includes(name))
        throw malformed(
          `is not a field of this form: send ${options.fields.join(', ')}, then the files`,
          name,
        );
      if (Object.hasOwn(fields, name)) throw malformed('is sent twice', name);
      if (field.valueTruncated) throw malformed(`is longer than ${options.maxFieldBytes} bytes`, name);
      if (typeof field.value !== 'string') throw malformed('must be plain text', name);
      fields[name] = field.value;
    }
  } catch (e) {
    throw asClientError(e, shape);
  }
  if (next.done) throw malformed('no file was sent (parts named "file", after the fields)');

  let current: MultipartFile | undefined;
  let streamFailure: unknown;
  async function* files(): AsyncGenerator<IncomingFile> {
    let count = 0;
    while (!next.done) {
      const part = next.value;
      if (part.type !== 'file')
        throw malformed(
          `the field "${part.fieldname}" came after the files: send fields first`,
          part.fieldname,
        );
      count++;
      if (part.fieldname !== 'file' || count > options.maxFiles) {
        part.file.resume();
        throw malformed(part.fieldname !== 'file' ? 'send each file as a part named "file"' : shape.files);
      }
      current = part;
      part.file.once('error', (e) => {
        streamFailure = e;
      });
      yield { fileName: part.filename, body: part.file };
      try {
        next = await parts.next();
      } catch (e) {
        throw asClientError(e, shape);
      }
    }
  }

  return {
    fields,
    files: files(),
    blame(e) {
      if (hasErrorCode(e)) return e;
      if (streamFailure !== undefined || current?.file.truncated || isParserError(e))
        return asClientError(streamFailure ?? e, shape);
      return e;
    },
  };
}
