/** Paging a store list through a filter, with every page but the last full. */
import { pageSize } from '../store/paging.js';
import type { Page, PageRequest } from '../store/store.js';

/** The most items one look-ahead read asks for (the store's largest page). */
const LOOKAHEAD = 100;

/**
 * One page of the items of `fetch` that `keep` accepts. Each read asks only for what the page
 * still lacks, so no read goes past the page's last item and the store's own cursor after it
 * is exactly where the next page starts; a full page then looks ahead for one kept item, so the
 * last page is never empty. Cursors are the store's, unchanged.
 */
export async function filteredPage<T>(
  fetch: (request: PageRequest) => Promise<Page<T>>,
  keep: (item: T) => boolean,
  request: PageRequest,
): Promise<Page<T>> {
  const limit = pageSize(request.limit);
  const items: T[] = [];
  let cursor = request.cursor;
  do {
    const page = await fetch({ limit: limit - items.length, ...(cursor ? { cursor } : {}) });
    items.push(...page.items.filter(keep));
    cursor = page.cursor;
  } while (cursor && items.length < limit);
  if (cursor && !(await anyKeptFrom(fetch, keep, cursor))) cursor = undefined;
  return { items, ...(cursor ? { cursor } : {}) };
}

async function anyKeptFrom<T>(
  fetch: (request: PageRequest) => Promise<Page<T>>,
  keep: (item: T) => boolean,
  from: string,
): Promise<boolean> {
  let cursor: string | undefined = from;
  while (cursor) {
    const page: Page<T> = await fetch({ limit: LOOKAHEAD, cursor });
    if (page.items.some(keep)) return true;
    cursor = page.cursor;
  }
  return false;
}
