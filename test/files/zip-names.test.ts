/** Paths inside a downloaded zip, from names users typed. */
import { describe, expect, it } from 'vitest';
import { safeSegment, ZipNames } from '../../src/files/zip-names.js';

describe('safeSegment', () => {
  it.each([
    ['contract.pdf', 'contract.pdf'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['/etc/passwd', '_etc_passwd'],
    ['C:\\Windows\\win.ini', 'C__Windows_win.ini'],
    ['..', 'document'],
    ['.', 'document'],
    ['   ', 'document'],
    ['bell\u0007.pdf', 'bell.pdf'],
    ['x\u202egnp.pdf', 'xgnp.pdf'],
    ['a<b>c?d*e|f"g.pdf', 'a_b_c_d_e_f_g.pdf'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['report.pdf. . ', 'report.pdf'],
    ['Cafe\u0301.pdf', 'Café.pdf'],
  ])('%j → %j', (name, safe) => {
    expect(safeSegment(name)).toBe(safe);
  });

  it('keeps a long name under 200 bytes of UTF-8, with its extension and whole characters', () => {
    const safe = safeSegment(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safe).not.toContain('\ufffd');
  });
});

describe('ZipNames', () => {
  it('tells apart names that differ only in case, and never reuses a reserved path', () => {
    const names = new ZipNames();
    names.reserve('manifest.json');
    expect(names.take('', 'Manifest.JSON')).toBe('Manifest (2).JSON');
    expect(names.take('documents', 'report.pdf')).toBe('documents/report.pdf');
    expect(names.take('documents', 'REPORT.pdf')).toBe('documents/REPORT (2).pdf');
    expect(names.take('documents', 'report.pdf')).toBe('documents/report (3).pdf');
    expect(names.take('rates/MN-RATE-0001', 'report.pdf')).toBe('rates/MN-RATE-0001/report.pdf');
    expect(names.take('documents', 'README')).toBe('documents/README');
    expect(names.take('documents', 'readme')).toBe('documents/readme (2)');
  });
});
