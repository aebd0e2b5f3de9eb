import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText, unstorableReason } from '../../src/domain/index.js';

describe('storable text', () => {
  it('accepts well-formed Unicode without NUL, surrogate pairs and other control characters included', () => {
    for (const text of ['', 'plain', 'émoji 😀', '𝔘𝔫𝔦', '\u0001\t\n', '\ufffd', '\ud83d\ude00'])
      expect(isStorableText(text), JSON.stringify(text)).toBe(true);
  });

  it('refuses NUL and every unpaired surrogate', () => {
    expect(unstorableReason('a\u0000b')).toBe('NUL');
    for (const text of [
      '\ud800',
      'a\ud800b',
      '\udc00',
      'a\udfffb',
      'end\ud83d',
      '\ude00start',
      '\ude00\ud83d',
    ])
      expect(unstorableReason(text), JSON.stringify(text)).toBe('LONE_SURROGATE');
  });

  it('finds the first unstorable string in nested values, keys included, with its path', () => {
    expect(findUnstorableText({ a: ['ok', { b: 'x\u0000' }] }, ['input'])).toEqual({
      path: ['input', 'a', 1, 'b'],
      reason: 'NUL',
      message: 'must not contain the NUL character (U+0000)',
    });
    expect(findUnstorableText({ 'k\ud800': 1 })?.path).toEqual(['k\ud800']);
    expect(findUnstorableText({ a: 1, b: [true, null, 'fine'], c: undefined })).toBeUndefined();
  });
});
