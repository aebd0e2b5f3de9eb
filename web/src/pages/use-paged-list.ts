import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { usePackages, useRates } from '../api/queries.js';
import type { ListPackagesQuery, ListRatesQuery } from '../api/types.js';
import { filtersOf, withFilter } from './list-params.js';

export const PAGE_SIZE = 20;
const PACKAGE_FILTERS = [
  'status',
  'reviewStatus',
  'stateCode',
  'programId',
  'updatedFrom',
  'updatedTo',
  'order',
] as const;
const RATE_FILTERS = ['status', 'stateCode', 'programId', 'order'] as const;
export type Filters = Partial<Record<(typeof PACKAGE_FILTERS)[number], string>>;
export type RateFilters = Partial<Record<(typeof RATE_FILTERS)[number], string>>;

/** Filters in the address (shareable, back button works), the page's cursors in state. */
function usePaging<N extends string>(names: readonly N[]) {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params, names);
  const filterKey = JSON.stringify(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts at page 1
  useEffect(() => setCursors([]), [filterKey]);
  return {
    filters,
    setFilter: (name: N, value: string) => setParams(withFilter(params, name, value), { replace: true }),
    query: {
      ...filters,
      limit: PAGE_SIZE,
      ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
    },
    page: cursors.length + 1,
    advance: (cursor: string | undefined) => cursor && setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
  };
}

/** A package dashboard's list. */
export function usePagedList() {
  const { query, advance, ...paging } = usePaging(PACKAGE_FILTERS);
  const list = usePackages(query as ListPackagesQuery);
  return { ...paging, list, next: () => advance(list.data?.cursor) };
}

/** CMS's rate dashboard's list. */
export function usePagedRates() {
  const { query, advance, ...paging } = usePaging(RATE_FILTERS);
  const list = useRates(query as ListRatesQuery);
  return { ...paging, list, next: () => advance(list.data?.cursor) };
}
