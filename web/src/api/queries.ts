/**
 * Server state through TanStack Query: one key per resource, shared by every page. Every read
 * the client makes is here; every change is in mutations.ts.
 */
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { call, isApiError, urlOf } from './client.js';
import type { Endpoints } from './endpoints.js';
import type { ListPackagesQuery, ListRatesQuery, ListUsersQuery, State, User } from './types.js';

export const keys = {
  me: ['me'] as const,
  authConfig: ['auth-config'] as const,
  states: ['states'] as const,
  packages: (query: ListPackagesQuery) => ['packages', query] as const,
  allPackages: ['packages'] as const,
  pkg: (id: string) => ['package', id] as const,
  anyPackage: ['package'] as const,
  history: (id: string) => ['history', id] as const,
  anyHistory: ['history'] as const,
  devUsers: ['dev-users'] as const,
  download: (id: string, documentId: string) => ['download', id, documentId] as const,
  rates: (query: ListRatesQuery) => ['rates', query] as const,
  allRates: ['rates'] as const,
  rate: (id: string) => ['rate', id] as const,
  allRatePages: ['rate'] as const,
  rateDownload: (id: string, documentId: string) => ['rate-download', id, documentId] as const,
  users: (query: ListUsersQuery) => ['users', query] as const,
  allUsers: ['users'] as const,
  assignments: ['assignments'] as const,
  userAudit: (cursor: string | undefined) => ['user-audit', cursor ?? ''] as const,
  allUserAudit: ['user-audit'] as const,
};

/** The signed-in user, or null when nobody is. */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async (): Promise<User | null> => {
      try {
        return await call('GET /api/auth/me', {});
      } catch (e) {
        if (isApiError(e, 401)) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function useAuthConfig() {
  return useQuery({
    queryKey: keys.authConfig,
    queryFn: () => call('GET /api/auth/config', {}),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** States and their programs change only with a deployment. */
export function useStates() {
  return useQuery({
    queryKey: keys.states,
    queryFn: () => call('GET /api/states', {}),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useStateInfo(code: string | undefined): State | undefined {
  const states = useStates();
  return states.data?.find((s) => s.code === code);
}

export function usePackages(query: ListPackagesQuery) {
  return useQuery({
    queryKey: keys.packages(query),
    queryFn: () => call('GET /api/packages', { query }),
    placeholderData: keepPreviousData,
  });
}

export const packageQuery = (id: string) =>
  queryOptions({
    queryKey: keys.pkg(id),
    queryFn: () => call('GET /api/packages/{id}', { params: { id } }),
  });

export function usePackage(id: string | undefined) {
  return useQuery({ ...packageQuery(id ?? ''), enabled: Boolean(id) });
}

/** A page of submitted rates: CMS's rate dashboard, and a state's search for rates to link. */
export function useRates(query: ListRatesQuery, { enabled = true } = {}) {
  return useQuery({
    queryKey: keys.rates(query),
    queryFn: () => call('GET /api/rates', { query }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useRate(id: string | undefined) {
  return useQuery({
    queryKey: keys.rate(id ?? ''),
    queryFn: () => call('GET /api/rates/{id}', { params: { id: id ?? '' } }),
    enabled: Boolean(id),
  });
}

export function useHistory(id: string) {
  return useQuery({
    queryKey: keys.history(id),
    queryFn: () => call('GET /api/packages/{id}/history', { params: { id }, query: { limit: 100 } }),
  });
}

/** The demo users of the development sign-in. */
export function useDevUsers() {
  return useQuery({ queryKey: keys.devUsers, queryFn: () => call('GET /api/auth/dev-users', {}) });
}

/**
 * A document's download link, fetched on demand (`client.fetchQuery`) at each click: links
 * expire, so none is kept or reused, and a failed one is not retried.
 */
export const downloadLinkQuery = (id: string, documentId: string) =>
  queryOptions({
    queryKey: keys.download(id, documentId),
    queryFn: () =>
      call('GET /api/packages/{id}/documents/{documentId}/download', { params: { id, documentId } }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

/** A revision's documents as one zip: a link to follow, not a fetch (the browser saves it as it streams). */
const REVISION_ZIP = 'GET /api/packages/{id}/revisions/{n}/documents.zip' satisfies keyof Endpoints;
export const revisionZipUrl = (id: string, revision: number) =>
  urlOf(REVISION_ZIP.slice('GET '.length), { id, n: String(revision) });

/** A rate document's download link, for the rate's own page (fetched at each click, as above). */
export const rateDownloadLinkQuery = (id: string, documentId: string) =>
  queryOptions({
    queryKey: keys.rateDownload(id, documentId),
    queryFn: () => call('GET /api/rates/{id}/documents/{documentId}', { params: { id, documentId } }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

/** Administrators: users found by name or email, role and state. */
export function useUsers(query: ListUsersQuery) {
  return useQuery({
    queryKey: keys.users(query),
    queryFn: () => call('GET /api/users', { query }),
    placeholderData: keepPreviousData,
  });
}

/** Administrators: every state with the CMS users assigned to it. */
export function useAssignments() {
  return useQuery({ queryKey: keys.assignments, queryFn: () => call('GET /api/admin/assignments', {}) });
}

/** Administrators: one page of the user-audit trail, newest first. */
export function useUserAudit(cursor: string | undefined) {
  return useQuery({
    queryKey: keys.userAudit(cursor),
    queryFn: () => call('GET /api/admin/audit', { query: { limit: 25, ...(cursor ? { cursor } : {}) } }),
    placeholderData: keepPreviousData,
  });
}
