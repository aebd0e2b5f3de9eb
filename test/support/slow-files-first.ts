/**
 * Starts the slowest test files first. With two workers, a long file started last runs on
 * alone at the end while the other worker idles; started first, the short files fill in
 * around it. A clean clone has no timings of earlier runs (vitest then orders by file size,
 * which puts several of these late), hence the list: the files that took longest on CI's
 * two cores, longest first. The rest keep vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FILES = [
  'test/store/dual-store.test.ts',
  'test/e2e/browser-dynamo.test.ts',
  'test/e2e/browser-postgres.test.ts',
  'test/ops/backup-restore.test.ts',
  'test/ops/copy.test.ts',
  'test/store/dynamo-store.test.ts',
  'test/store/postgres-store.test.ts',
  'test/store/pglite-store.test.ts',
];

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST_FILES.findIndex((f) => spec.moduleId.endsWith(`/${f}`));
      return i < 0 ? SLOWEST_FILES.length : i;
    };
    // Array.prototype.sort is stable: files off the list keep vitest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
