/** A minimal RFC 5322 reader for assertions: unfolded headers and the decoded text part. */

export interface ParsedEml {
  headers: Map<string, string>;
  body: string;
}

export function parseEml(raw: string): ParsedEml {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  if (split < 0) throw new Error('no blank line between headers and body');
  const headers = new Map<string, string>();
  for (const line of normalized
    .slice(0, split)
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${line}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: normalized.slice(split + 2) };
}

/** The text/plain part of a multipart message, with quoted-printable undone. */
export function textPart(eml: ParsedEml): string {
  const boundary = /boundary="?([^";]+)"?/.exec(eml.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('not multipart');
  for (const part of eml.body.split(`--${boundary}`)) {
    const content = part.replace(/^\n/, '');
    // The preamble before the first boundary and the `--` after the last one are not parts.
    if (!content.includes('\n\n')) continue;
    const parsed = parseEml(content);
    if (!parsed.headers.get('content-type')?.startsWith('text/plain')) continue;
    const encoding = parsed.headers.get('content-transfer-encoding');
    if (encoding === 'quoted-printable') {
      return parsed.body
        .replace(/=\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    if (encoding === 'base64') return Buffer.from(parsed.body, 'base64').toString('utf8');
    return parsed.body;
  }
  throw new Error('no text/plain part');
}
