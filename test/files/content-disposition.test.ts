import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/files/content-disposition.js';

describe('attachmentDisposition (RFC 6266)', () => {
  it.each([
    ['contract.pdf', 'attachment; filename="contract.pdf"'],
    ['MN rates 2025 (final).xlsx', 'attachment; filename="MN rates 2025 (final).xlsx"'],
    [
      'Contrat d’été.pdf',
      `attachment; filename="Contrat d__t_.pdf"; filename*=UTF-8''Contrat%20d%E2%80%99%C3%A9t%C3%A9.pdf`,
    ],
    [
      'rates "final".csv',
      `attachment; filename="rates _final_.csv"; filename*=UTF-8''rates%20%22final%22.csv`,
    ],
    ['back\\slash.txt', `attachment; filename="back_slash.txt"; filename*=UTF-8''back%5Cslash.txt`],
    ['100%.txt', `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`],
    ["it's (a)*.pdf", `attachment; filename="it's (a)*.pdf"`],
    ["it's é*.pdf", `attachment; filename="it's _*.pdf"; filename*=UTF-8''it%27s%20%C3%A9%2A.pdf`],
    ['日本語.docx', `attachment; filename="___.docx"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.docx`],
  ])('%s', (name, expected) => {
    expect(attachmentDisposition(name)).toBe(expected);
  });

  it('drops control characters, so a name cannot inject a header', () => {
    const value = attachmentDisposition('a.pdf\r\nSet-Cookie: x=1');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toBe('attachment; filename="a.pdfSet-Cookie: x=1"');
  });

  it('drops bidirectional controls, which could disguise the extension', () => {
    // "x\u202Egnp.pdf" would display as "xfdp.png".
    expect(attachmentDisposition('x\u202Egnp.pdf')).toBe('attachment; filename="xgnp.pdf"');
    expect(attachmentDisposition('é\u2067.pdf')).not.toContain('%E2%81%A7');
  });

  it('never produces an empty name, and only ASCII', () => {
    expect(attachmentDisposition('\u0000\u0001 ')).toBe('attachment; filename="download"');
    for (const name of ['é', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢.pdf', 'a"b']) {
      expect(attachmentDisposition(name)).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('filename* decodes back to the original (NFC) name', () => {
    const name = 'Re\u0301sume\u0301 – “draft”.docx'; // decomposed accents
    const encoded = /filename\*=UTF-8''(.+)$/.exec(attachmentDisposition(name))![1]!;
    expect(decodeURIComponent(encoded)).toBe(name.normalize('NFC'));
  });
});
