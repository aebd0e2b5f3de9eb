import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { usePackages } from '../api/queries.js';
import type { ListPackagesQuery } from '../api/types.js';

export const PAGE_SIZE = 20;
const FILTERS = ['status', 'reviewStatus', 'stateCode', 'programId', 'order'] as const;
export type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** A dashboard's list: filters live in the address (shareable, back button works), the page in state. */
export function usePagedList() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = {};
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) filters[f] = v;
  }
  const filterKey = JSON.stringify(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts at page 1
  useEffect(() => setCursors([]), [filterKey]);
  const query = {
    ...filters,
    limit: PAGE_SIZE,
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
  } as ListPackagesQuery;
  const list = usePackages(query);
  const setFilter = (name: keyof Filters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name === 'stateCode') next.delete('programId');
    setParams(next, { replace: true });
  };
  return {
    filters,
    setFilter,
    list,
    page: cursors.length + 1,
    next: () => list.data?.cursor && setCursors([...cursors, list.data.cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
  };
}
