import type { Package } from '../../src/domain/index.js';
import type { StoreMaintenance } from '../../src/store/store.js';

/** The package as a full scan of the store reads it (one partition, every page), or undefined. */
export async function scannedPackage(
  maintenance: Pick<StoreMaintenance, 'scanPackages'>,
  id: string,
): Promise<Package | undefined> {
  let cursor: string | undefined;
  do {
    const page = await maintenance.scanPackages({ partition: 0, partitions: 1, limit: 1000, cursor });
    const found = page.items.find((p) => p.id === id);
    if (found) return found;
    cursor = page.cursor;
  } while (cursor);
  return undefined;
}
