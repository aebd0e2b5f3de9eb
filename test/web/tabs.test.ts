/** The package page's tabs by keyboard: the WAI-ARIA tabs pattern's keys. */
import { describe, expect, it } from 'vitest';
import { tabAfterKey } from '../../web/src/components/tab-keys.js';

describe('the package page tabs by keyboard', () => {
  it('Left and Right move to the neighbour, wrapping around; Home and End to the ends; other keys do nothing', () => {
    expect(tabAfterKey('ArrowRight', 0, 2)).toBe(1);
    expect(tabAfterKey('ArrowRight', 1, 2)).toBe(0);
    expect(tabAfterKey('ArrowLeft', 0, 3)).toBe(2);
    expect(tabAfterKey('ArrowLeft', 2, 3)).toBe(1);
    expect(tabAfterKey('Home', 2, 3)).toBe(0);
    expect(tabAfterKey('End', 0, 3)).toBe(2);
    expect(tabAfterKey('Enter', 0, 3)).toBeUndefined();
    expect(tabAfterKey('Tab', 0, 3)).toBeUndefined();
  });
});
