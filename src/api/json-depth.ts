/**
 * JSON bodies nested deeper than any Carepack request needs are refused before they are
 * parsed: JSON.parse takes 400,000 levels within the 1 MB body limit, and every recursive
 * walk after it (prototype checks, validation, the text rule) would then overflow the stack —
 * a 5xx. The scan is one pass over the text, outside strings.
 */
import type { FastifyInstance } from 'fastify';

/** Carepack's deepest request is about 6 levels; this leaves room for any honest client. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in `text`, or `limit + 1` as soon as it passes `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Replaces Fastify's JSON parser by the same parser behind a depth check. */
export function limitJsonDepth(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      const error = Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), {
        statusCode: 400,
      });
      done(error, undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
