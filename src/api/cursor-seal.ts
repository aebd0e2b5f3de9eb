/**
 * List cursors leave the server sealed: the store's opaque cursor plus an HMAC of it under the
 * session secret. A cursor the client edited, truncated or made up is refused here with
 * INVALID_CURSOR, so no position a client invented ever reaches a database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './problem.js';

export interface CursorSeal {
  seal(cursor: string | undefined): string | undefined;
  /** The store's cursor inside a sealed one; throws INVALID_CURSOR when it is not genuine. */
  open(sealed: string | undefined): string | undefined;
}

export function cursorSeal(secret: string): CursorSeal {
  const mac = (cursor: string) => createHmac('sha256', secret).update(`cursor:${cursor}`).digest();
  const invalid = () =>
    new ApiError('INVALID_CURSOR', 'the cursor is not one this list handed out', [
      { path: 'querystring.cursor', message: 'is not valid: start again without it' },
    ]);
  return {
    seal: (cursor) => (cursor === undefined ? undefined : `${cursor}.${mac(cursor).toString('base64url')}`),
    open(sealed) {
      if (sealed === undefined) return undefined;
      const dot = sealed.lastIndexOf('.');
      if (dot <= 0) throw invalid();
      const cursor = sealed.slice(0, dot);
      const given = Buffer.from(sealed.slice(dot + 1), 'base64url');
      const expected = mac(cursor);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      return cursor;
    },
  };
}

/** A page whose cursor is sealed for the client. */
export const sealPage = <P extends { cursor?: string }>(seal: CursorSeal, page: P): P => {
  const cursor = seal.seal(page.cursor);
  return cursor === undefined ? page : { ...page, cursor };
};
