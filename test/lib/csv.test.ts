/** CSV fields: RFC 4180 quoting, and cells a spreadsheet would run as formulas shown as text. */
import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../src/lib/csv.js';

describe('csv', () => {
  it('leaves plain fields as they are', () => {
    expect(csvField('MN-PMAP-0001')).toBe('MN-PMAP-0001');
    expect(csvField('')).toBe('');
    expect(csvField('2026-12-01T10:00:00.000Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(csvField('Łódź – São Paulo')).toBe('Łódź – São Paulo');
  });

  it('quotes fields holding a comma, a quote, CR or LF, doubling the quotes', () => {
    expect(csvField('PMAP, MSHO')).toBe('"PMAP, MSHO"');
    expect(csvField('the "North" region')).toBe('"the ""North"" region"');
    expect(csvField('"')).toBe('""""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvField('a\rb')).toBe('"a\rb"');
  });

  it('starts a field that a spreadsheet would read as a formula with a single quote', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    // Neutralised first, then quoted: the quote goes inside.
    expect(csvField('=HYPERLINK("http://evil.test","x")')).toBe(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    // Only the first character counts.
    expect(csvField('a=1')).toBe('a=1');
    expect(csvField(' =1')).toBe(' =1');
  });

  it('ends each record with CRLF', () => {
    expect(csvRecord(['a', 'b,c', '=d'])).toBe(`a,"b,c",'=d\r\n`);
    expect(csvRecord([''])).toBe('\r\n');
  });
});
