/** Runs `work` over `items` with at most `n` running at a time; the first failure rejects. */
export async function inParallel<T>(
  items: readonly T[],
  n: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
