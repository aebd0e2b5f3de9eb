/**
 * Every error the API answers with, in one table, as `application/problem+json`
 * (RFC 9457) with a stable `code` and field-level `errors`. 5xx details never leave the server.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CodedError, type DomainErrorCode, type FieldError } from '../domain/index.js';
import type { StoreErrorCode } from '../store/errors.js';

export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  INVALID_CURSOR: {
    status: 400,
    title: 'The cursor is not one this list handed out: start again without it',
  },
  CHECKSUM_MISMATCH: { status: 400, title: 'The file arrived damaged (SHA-256 mismatch); send it again' },
  UNAUTHENTICATED: { status: 401, title: 'Sign in first' },
  FORBIDDEN: { status: 403, title: 'You may not do this' },
  INSUFFICIENT_SCOPE: {
    status: 403,
    title: "The API client's token does not allow this: it needs another scope, or a person signed in",
  },
  CSRF_FAILED: {
    status: 403,
    title: 'Missing or invalid CSRF token: send the x-csrf-token header from GET /api/auth/csrf',
  },
  INVALID_DOWNLOAD_LINK: { status: 403, title: 'This download link is not valid' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  VERSION_CONFLICT: { status: 409, title: 'Someone else changed this package; reload it and try again' },
  INVALID_TRANSITION: { status: 409, title: "The package's status does not allow this" },
  ALREADY_EXISTS: { status: 409, title: 'It exists already' },
  DUPLICATE_DOCUMENT: { status: 409, title: 'A document with this name is already attached' },
  NOT_DOWNLOADABLE: { status: 409, title: 'This document cannot be downloaded' },
  DOWNLOAD_LINK_EXPIRED: { status: 410, title: 'This download link has expired' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The address is too long' },
  FILE_TOO_LARGE: { status: 413, title: 'The file is too large' },
  UNSUPPORTED_FILE: {
    status: 415,
    title: 'This kind of file is not accepted (PDF, Word, Excel, CSV or plain text)',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send JSON' },
  SUBMISSION_INCOMPLETE: { status: 422, title: 'The package is not complete' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too many requests; wait a moment' },
  INTERNAL: { status: 500, title: 'Something went wrong on our side' },
  UNAVAILABLE: { status: 503, title: 'A service Carepack depends on is not reachable' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  requestId: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** Every code the domain and the stores raise has its row in the table (else this does not compile). */
type Mapped<T extends ErrorCode> = T;
export type RaisedErrorCode = Mapped<DomainErrorCode | StoreErrorCode>;

/** The API's own refusals, about the request rather than a rule of the domain (sign-in, CSRF, request shape). */
export class ApiError extends CodedError<ErrorCode> {
  override readonly name = 'ApiError';
}

/**
 * The refusals every signed-in route may answer with (bad input, not signed in, not allowed,
 * not found, conflict), for /openapi.json; a route adds its own (413, 415, 422…).
 */
export const COMMON_PROBLEMS = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
} as const;

export function problem(code: ErrorCode, detail: string, errors: FieldError[] = [], requestId = ''): Problem {
  const { status, title } = ERROR_CODES[code];
  return {
    type: `https://carepack.example/problems/${code.toLowerCase()}`,
    title,
    status,
    code,
    detail,
    errors,
    requestId,
  };
}

/** Maps anything thrown into a problem; the one place that decides statuses. */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof CodedError && error.code in ERROR_CODES)
    return problem(error.code as ErrorCode, error.message, error.fields, requestId);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    const fields = error.validation.flatMap((v) => {
      const at = [where, ...v.instancePath.split('/').filter(Boolean)];
      const message = v.message ?? 'is not valid';
      // A field that may not be sent is named itself, not its parent object.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined;
      if (keys?.length) return keys.map((k) => ({ path: [...at, k].join('.'), message }));
      return [{ path: at.join('.'), message }];
    });
    return problem('VALIDATION_FAILED', `the ${where} is not valid`, fields, requestId);
  }
  const fe = error as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return problem('UNSUPPORTED_MEDIA_TYPE', fe.message ?? '', [], requestId);
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return problem('PAYLOAD_TOO_LARGE', fe.message ?? '', [], requestId);
  if (fe.code === 'FST_CSRF_MISSING_SECRET' || fe.code === 'FST_CSRF_INVALID_TOKEN') {
    return problem('CSRF_FAILED', fe.message ?? 'invalid CSRF token', [], requestId);
  }
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return problem('URI_TOO_LONG', 'a part of the address is longer than any valid value', [], requestId);
  if (fe.statusCode === 429) return problem('TOO_MANY_REQUESTS', fe.message ?? '', [], requestId);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, empty body with a JSON content type, …
    return problem('VALIDATION_FAILED', fe.message ?? 'bad request', [], requestId);
  }
  return problem('INTERNAL', 'the error was logged; quote the request id when reporting it', [], requestId);
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.status(p.status).type('application/problem+json').send(p);
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error, request.id);
  if (p.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: p.code, detail: p.detail }, 'request refused');
  return sendProblem(reply, p);
}
