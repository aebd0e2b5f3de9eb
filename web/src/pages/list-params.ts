/** A dashboard's filters as the address keeps them (shareable; the back button works). */

/** The filters the address holds, of those a list knows (anything else in it is ignored). */
export function filtersOf<N extends string>(
  params: URLSearchParams,
  names: readonly N[],
): Partial<Record<N, string>> {
  const filters: Partial<Record<N, string>> = {};
  for (const f of names) {
    const v = params.get(f);
    if (v) filters[f] = v;
  }
  return filters;
}

/** The address after choosing a filter: an empty value clears it; another state clears the program. */
export function withFilter(params: URLSearchParams, name: string, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value) next.set(name, value);
  else next.delete(name);
  if (name === 'stateCode') next.delete('programId');
  return next;
}

/**
 * Where a package list's CSV export downloads, with the list's filters (a plain link: the browser
 * sends the session cookie, and the server streams the file; no page size or cursor, it holds all).
 */
export function packagesCsvHref(filters: Readonly<Record<string, string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const query = params.toString();
  return `/api/packages.csv${query ? `?${query}` : ''}`;
}
