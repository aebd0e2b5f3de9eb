/**
 * `Content-Disposition: attachment` for a user-supplied file name (RFC 6266): a plain quoted
 * `filename` when the name is harmless ASCII, otherwise an ASCII fallback plus `filename*`
 * (RFC 8187, UTF-8, percent-encoded) which every current browser prefers.
 */

// Control characters would end the header or smuggle a new one; they never belong in a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidirectional overrides can disguise an extension ("x\u202Egnp.pdf" displays as "xfdp.png").
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function attachmentDisposition(fileName: string): string {
  const name = fileName.normalize('NFC').replace(CONTROL, '').replace(BIDI, '').trim() || 'download';
  // `"` and `\` need quoting rules some clients get wrong; `%` some clients decode. Avoid all three.
  const plain = /^[\x20-\x7e]*$/.test(name) && !/["\\%]/.test(name);
  if (plain) return `attachment; filename="${name}"`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Percent-encodes everything outside RFC 8187's attr-char set. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
