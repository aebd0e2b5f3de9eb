import { describe, expect, it } from 'vitest';
import { isoTimestamp, jsonTimestamp } from '../../src/store/postgres/postgres-types.js';

describe('timestamptz as ISO text', () => {
  it('matches Date.toISOString for UTC text, whatever the fraction', () => {
    for (const [text, iso] of [
      ['2026-01-31 12:34:56+00', '2026-01-31T12:34:56.000Z'],
      ['2026-01-31 12:34:56.1+00', '2026-01-31T12:34:56.100Z'],
      ['2026-01-31 12:34:56.12+00', '2026-01-31T12:34:56.120Z'],
      ['2026-01-31 12:34:56.789+00', '2026-01-31T12:34:56.789Z'],
      ['2026-01-31 12:34:56.789999+00', '2026-01-31T12:34:56.789Z'],
    ])
      expect(isoTimestamp(text!)).toBe(iso);
  });

  it('converts other zones through Date', () => {
    expect(isoTimestamp('2026-01-31 14:34:56.5+02')).toBe('2026-01-31T12:34:56.500Z');
    expect(isoTimestamp('2026-01-31 07:04:56-05:30')).toBe('2026-01-31T12:34:56.000Z');
  });
});

describe('timestamps inside JSON rows', () => {
  it.each([
    ['2026-01-31T12:34:56.789+00:00', '2026-01-31T12:34:56.789Z'],
    ['2026-01-31T12:34:56+00:00', '2026-01-31T12:34:56.000Z'],
    ['2026-01-31T12:34:56.7+00:00', '2026-01-31T12:34:56.700Z'],
    ['2026-01-31T12:34:56.789123+00:00', '2026-01-31T12:34:56.789Z'],
    ['2026-01-31T14:34:56.789+02:00', '2026-01-31T12:34:56.789Z'],
  ])('%s → %s', (json, iso) => {
    expect(jsonTimestamp(json)).toBe(iso);
  });
  it('keeps NULL', () => expect(jsonTimestamp(null)).toBeNull());
});
