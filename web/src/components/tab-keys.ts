/** The in-page tabs' keyboard (tabs.tsx), per the WAI-ARIA tabs pattern. */

/** The tab a key moves to from tab `index` of `count` (wrapping around), or undefined for other keys. */
export function tabAfterKey(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
