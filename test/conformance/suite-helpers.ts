/** Checks and paging shared by the conformance files. */
import { expect } from 'vitest';
import type { PackageSummary } from '../../src/domain/index.js';
import { hasErrorCode } from '../../src/domain/index.js';
import type { ErrorCode } from '../../src/store/errors.js';
import type { Page } from '../../src/store/store.js';
import type { DrivenStore } from '../support/store-commands.js';

/** The call is refused with this code of the shared vocabulary (a domain rule or the store's own). */
export async function expectStoreError(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeDefined();
  expect(hasErrorCode(error), `expected a Carepack error, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

export async function collect<T>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    pages++;
    sizes.push(page.items.length);
    items.push(...page.items);
    cursor = page.cursor;
    if (pages > 1000) throw new Error('pagination does not end');
  } while (cursor);
  return { items, pages, sizes };
}

export const newestFirst = (a: PackageSummary, b: PackageSummary) =>
  b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id);

/** How many raw records hold a package: `ConformanceOptions.inspect`, bound to the suite's store. */
export type RecordCount = (packageId: string) => Promise<number>;

/**
 * The suite's store as a conformance file names it: the suite makes the store in its beforeAll,
 * after the files declared their tests, so each use reads the current one.
 */
export function suiteStore(getStore: () => DrivenStore): DrivenStore {
  return new Proxy({} as DrivenStore, {
    get(_, key) {
      const store = getStore();
      const value: unknown = Reflect.get(store, key);
      return typeof value === 'function' ? value.bind(store) : value;
    },
  });
}
