import { inParallel } from '../lib/parallel.js';
import type { Page, ScanRequest } from '../store/store.js';

/** Reads every page of every partition, `partitions` readers at a time. */
export async function scanAll<T>(
  scan: (request: ScanRequest) => Promise<Page<T>>,
  options: { partitions: number; limit?: number; onPage?: (items: T[]) => void | Promise<void> },
): Promise<void> {
  const parts = Array.from({ length: options.partitions }, (_, i) => i);
  await inParallel(parts, parts.length, async (partition) => {
    let cursor: string | undefined;
    do {
      const page = await scan({
        partition,
        partitions: options.partitions,
        cursor,
        limit: options.limit ?? 200,
      });
      await options.onPage?.(page.items);
      cursor = page.cursor;
    } while (cursor);
  });
}
