/**
 * Turns one message's content into a plain-text and a minimal HTML body. Everything that came
 * from users (names, reasons, addresses) is escaped in the HTML.
 */

export interface MessageContent {
  /** One sentence saying what happened. */
  lead: string;
  /** Label/value lines: package, programs, action, by, when. */
  facts: readonly (readonly [string, string])[];
  /** The reason given for the action, when it carries one worth reading. */
  reason?: { label: string; text: string };
  link: string;
}

const FOOTER = 'This message was sent by Carepack. Please do not reply to it.';

export function renderText(c: MessageContent): string {
  const width = Math.max(...c.facts.map(([label]) => label.length)) + 2;
  const lines = [c.lead, '', ...c.facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)];
  if (c.reason) {
    lines.push('', `${c.reason.label}:`, ...c.reason.text.split(/\r?\n/).map((l) => `  ${l}`));
  }
  lines.push('', `View the package: ${c.link}`, '', '--', FOOTER, '');
  return lines.join('\n');
}

export function renderHtml(c: MessageContent): string {
  const rows = c.facts
    .map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const reason = c.reason
    ? `<p><strong>${escapeHtml(c.reason.label)}:</strong></p>\n` +
      `<blockquote style="white-space:pre-wrap">${escapeHtml(c.reason.text)}</blockquote>\n`
    : '';
  const href = escapeHtml(c.link);
  return [
    '<!doctype html>',
    '<html><body>',
    `<p>${escapeHtml(c.lead)}</p>`,
    `<table cellpadding="4">\n${rows}\n</table>`,
    `${reason}<p><a href="${href}">View the package</a> (${href})</p>`,
    `<p style="color:#555">${escapeHtml(FOOTER)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
