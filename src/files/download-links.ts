/**
 * Download links served by the API itself, for a file store whose own links a browser cannot
 * reach: the embedded S3 listens on 127.0.0.1 of the server, on a port of its own. Such a link
 * carries a token naming the object key, the download name and the expiry, HMAC-signed with the
 * session secret: like an S3 presigned URL, the link alone is the authority (the access check
 * happened when it was handed out) and nothing is kept on the server.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { checkLinkSeconds, type FileStore } from './file-store.js';

/** What a valid token lets its holder download. */
export interface DownloadGrant {
  key: string;
  downloadName: string;
  /** Seconds since the epoch; the token is refused from then on. */
  expiresAt: number;
}

export type TokenCheck = { ok: true; grant: DownloadGrant } | { ok: false; reason: 'invalid' | 'expired' };

const Payload = z.strictObject({ k: z.string().min(1), n: z.string(), e: z.number().int().positive() });
// base64url JSON, a dot, the base64url SHA-256 HMAC (43 characters).
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

export class DownloadTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own: nothing else signed with the session secret can pass for a download token.
    this.key = createHmac('sha256', secret).update('carepack download links v1').digest();
  }

  sign(grant: DownloadGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ k: grant.key, n: grant.downloadName, e: grant.expiresAt }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  verify(token: string, nowMs = Date.now()): TokenCheck {
    const m = TOKEN.exec(token);
    if (!m) return { ok: false, reason: 'invalid' };
    const [, payload, signature] = m as unknown as [string, string, string];
    // Compared as text: base64url decoding ignores the last character's spare bits, the text does not.
    const given = Buffer.from(signature);
    const expected = Buffer.from(this.mac(payload).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'invalid' };
    }
    let parsed: z.infer<typeof Payload>;
    try {
      parsed = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'invalid' }; // signed by us, so only an older format could land here
    }
    if (parsed.e * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, grant: { key: parsed.k, downloadName: parsed.n, expiresAt: parsed.e } };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}

/** Where the API serves the files: `GET <DOWNLOAD_PATH>?token=…` (see src/api/routes/files.ts). */
export const DOWNLOAD_PATH = '/api/files';

/**
 * The same file store, whose download links point at the API (a path; the API makes it
 * absolute with its public URL or the request's origin) instead of at S3.
 */
export function apiDownloadLinks(files: FileStore, tokens: DownloadTokens): FileStore {
  return {
    ...files,
    async presignedGet(key, { downloadName, expiresInSeconds }) {
      checkLinkSeconds(expiresInSeconds);
      const expiresAt = Math.floor(Date.now() / 1000) + expiresInSeconds;
      return `${DOWNLOAD_PATH}?token=${tokens.sign({ key, downloadName, expiresAt })}`;
    },
  };
}
