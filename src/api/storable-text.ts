/**
 * One text rule for every request: a string that a store could not keep exactly (NUL, an
 * unpaired surrogate; see domain/text.ts) is a 400 naming where it is, before any route runs —
 * in bodies, query strings and path parameters alike, so both stores see the same input.
 */
import type { FastifyRequest } from 'fastify';
import { findUnstorableText } from '../domain/index.js';
import { ApiError } from './problem.js';

export async function refuseUnstorableText(request: FastifyRequest) {
  for (const [where, value] of [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ] as const) {
    const found = findUnstorableText(value);
    if (found) {
      throw new ApiError('VALIDATION_FAILED', `the ${where} holds text that cannot be stored`, [
        { path: [where, ...found.path].join('.'), message: found.message },
      ]);
    }
  }
}
