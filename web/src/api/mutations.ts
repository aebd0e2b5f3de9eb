/**
 * Every change the client makes, as TanStack Query mutations: each says which cached reads it
 * makes stale (queries.ts holds the reads and their keys). Pages keep what is theirs: the
 * messages they show, where they go next, and which version a save claims to change.
 */
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { call, setCsrfToken } from './client.js';
import { keys } from './queries.js';
import type { CmsDivision, FormData, PackageView, Question, RateView, User } from './types.js';
import { askQuestion, respondToQuestion, uploadDocument } from './upload.js';

/**
 * The answer is the new package; lists and history are out of date, and so is whatever shows
 * its rates (rate pages, rate lists: a rate's packages and status follow its packages).
 */
function packageChanged(client: QueryClient, pkg: PackageView) {
  client.setQueryData(keys.pkg(pkg.id), pkg);
  void client.invalidateQueries({ queryKey: keys.allPackages });
  void client.invalidateQueries({ queryKey: keys.history(pkg.id) });
  void client.invalidateQueries({ queryKey: keys.allRates });
  void client.invalidateQueries({ queryKey: keys.allRatePages });
}

/** A change whose answer is the package itself (save, submit, unlock…). */
function usePackageChange<V>(change: (variables: V) => Promise<PackageView>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: change, onSuccess: (pkg) => packageChanged(client, pkg) });
}

export const useCreatePackage = () =>
  usePackageChange((formData: FormData) => call('POST /api/packages', { body: { formData } }));

/** Changes to a package name it and the version they claim to change (a conflict otherwise). */
interface Change {
  id: string;
  expectedVersion: number;
}
type WithReason = Change & { reason: string };

export const useUpdatePackage = () =>
  usePackageChange(({ id, ...body }: Change & { formData: FormData }) =>
    call('PUT /api/packages/{id}', { params: { id }, body }),
  );

export const useSubmitPackage = () =>
  usePackageChange(({ id, ...body }: Change) =>
    call('POST /api/packages/{id}/submit', { params: { id }, body }),
  );

export const useResubmitPackage = () =>
  usePackageChange(({ id, ...body }: WithReason) =>
    call('POST /api/packages/{id}/resubmit', { params: { id }, body }),
  );

export const useUnlockPackage = () =>
  usePackageChange(({ id, ...body }: WithReason) =>
    call('POST /api/packages/{id}/unlock', { params: { id }, body }),
  );

/** Links a submitted rate of the state to the draft (the package's version is the one claimed). */
export const useLinkRate = () =>
  usePackageChange(({ id, ...body }: Change & { rateId: string }) =>
    call('POST /api/packages/{id}/rate-links', { params: { id }, body }),
  );

/** Takes a rate off the draft: a linked one's link goes (never the rate itself). */
export const useUnlinkRate = () =>
  usePackageChange(({ id, rateId, expectedVersion }: Change & { rateId: string }) =>
    call('DELETE /api/packages/{id}/rate-links/{rateId}', {
      params: { id, rateId },
      query: { expectedVersion },
    }),
  );

/**
 * CMS withdraws a rate from every package carrying it, or undoes that: each of those packages
 * gets a new revision, so every package read is stale, as are rate lists.
 */
function useRateChange<V>(change: (variables: V) => Promise<RateView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (rate) => {
      client.setQueryData(keys.rate(rate.id), rate);
      void client.invalidateQueries({ queryKey: keys.allRates });
      void client.invalidateQueries({ queryKey: keys.allPackages });
      // The packages it left are no longer in `rate.packages`: every package read goes stale.
      void client.invalidateQueries({ queryKey: keys.anyPackage });
      void client.invalidateQueries({ queryKey: keys.anyHistory });
    },
  });
}

export const useWithdrawRate = () =>
  useRateChange(({ id, ...body }: WithReason) =>
    call('POST /api/rates/{id}/withdraw', { params: { id }, body }),
  );
export const useUndoRateWithdrawal = () =>
  useRateChange(({ id, ...body }: WithReason) =>
    call('POST /api/rates/{id}/undo-withdrawal', { params: { id }, body }),
  );

/*
 * CMS's review decisions. Each is a plain call (approvePackage…) for whoever needs one, and a
 * mutation (useApprovePackage…) that updates the cached package and makes lists and history stale.
 */

/** `releasedOn` is `YYYY-MM-DD`, not in the future; `reason` is optional for a CMS reviewer, required for an admin. */
export const approvePackage = ({ id, ...body }: Change & { releasedOn: string; reason?: string }) =>
  call('POST /api/packages/{id}/approve', { params: { id }, body });
export const undoApproval = ({ id, ...body }: WithReason) =>
  call('POST /api/packages/{id}/undo-approval', { params: { id }, body });
export const withdrawPackage = ({ id, ...body }: WithReason) =>
  call('POST /api/packages/{id}/withdraw', { params: { id }, body });
export const undoWithdrawal = ({ id, ...body }: WithReason) =>
  call('POST /api/packages/{id}/undo-withdrawal', { params: { id }, body });
/** Discards the state's unsubmitted edits: the last submitted revision is current again. */
export const undoUnlock = ({ id, ...body }: WithReason) =>
  call('POST /api/packages/{id}/undo-unlock', { params: { id }, body });

export const useApprovePackage = () => usePackageChange(approvePackage);
export const useUndoApproval = () => usePackageChange(undoApproval);
export const useWithdrawPackage = () => usePackageChange(withdrawPackage);
export const useUndoWithdrawal = () => usePackageChange(undoWithdrawal);
export const useUndoUnlock = () => usePackageChange(undoUnlock);

/** Deleting a draft: its own entry goes, the lists are refetched before the answer is final. */
export function useDeletePackage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (pkg: { id: string; version: number }) =>
      call('DELETE /api/packages/{id}', { params: { id: pkg.id }, query: { expectedVersion: pkg.version } }),
    onSuccess: async (_, pkg) => {
      client.removeQueries({ queryKey: keys.pkg(pkg.id) });
      await client.invalidateQueries({ queryKey: keys.allPackages });
    },
  });
}

/**
 * Adding or removing a document answers no package: it is refetched (success or not, since a
 * failure may still have changed it) before the answer is final; lists and history go stale.
 */
function useDocumentChange<V extends { packageId: string }>(change: (variables: V) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSettled: async (_data, _error, { packageId }) => {
      void client.invalidateQueries({ queryKey: keys.allPackages });
      void client.invalidateQueries({ queryKey: keys.history(packageId) });
      await client.invalidateQueries({ queryKey: keys.pkg(packageId) });
    },
  });
}

export const useUploadDocument = () => useDocumentChange(uploadDocument);

export const useRemoveDocument = () =>
  useDocumentChange((v: { packageId: string; documentId: string }) =>
    call('DELETE /api/packages/{id}/documents/{documentId}', {
      params: { id: v.packageId, documentId: v.documentId },
    }),
  );

/**
 * Questions and responses answer with the question, not the package: on success the package is
 * refetched before the answer is final, and lists and history go stale. A refused one changed
 * nothing (the API deletes whatever it stored), so the page keeps the user's words and offers to
 * load the latest package itself.
 */
function useQaChange<V extends { packageId: string }>(change: (variables: V) => Promise<Question>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: async (_question, { packageId }) => {
      void client.invalidateQueries({ queryKey: keys.allPackages });
      void client.invalidateQueries({ queryKey: keys.history(packageId) });
      await client.invalidateQueries({ queryKey: keys.pkg(packageId) });
    },
  });
}

export const useAskQuestion = () => useQaChange(askQuestion);
export const useRespondToQuestion = () => useQaChange(respondToQuestion);

/** Development sign-in: the answer is the signed-in user. */
export function useDevLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => call('POST /api/auth/dev-login', { body: { userId } }),
    onSuccess: (me) => client.setQueryData(keys.me, me),
  });
}

/**
 * Signing out ends the session on the server ("everywhere": the user's other browsers too);
 * whatever the server answers, this browser forgets the session and everything it fetched.
 */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (everywhere: boolean) =>
      call(everywhere ? 'POST /api/auth/logout-everywhere' : 'POST /api/auth/logout', {}).catch(() => null),
    onSettled: () => {
      setCsrfToken(undefined);
      client.clear();
      client.setQueryData(keys.me, null);
    },
  });
}

/**
 * An administrator's change to a user: its division and its states, each sent only when it
 * changed (each is a user-audit record of its own). Lists, assignments and the trail are stale.
 */
export function useChangeUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({
      user,
      division,
      stateCodes,
    }: {
      user: User;
      division: CmsDivision | null;
      stateCodes: string[];
    }) => {
      let after = user;
      const was = user.role === 'CMS_USER' ? user : undefined;
      if ((was?.division ?? null) !== division)
        after = await call('PUT /api/users/{userId}/division', {
          params: { userId: user.id },
          body: { division },
        });
      const sorted = [...stateCodes].sort();
      if ((was?.stateAssignments ?? []).join() !== sorted.join())
        after = await call('PUT /api/users/{userId}/states', {
          params: { userId: user.id },
          body: { stateCodes: sorted },
        });
      return after;
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.allUsers });
      void client.invalidateQueries({ queryKey: keys.assignments });
      void client.invalidateQueries({ queryKey: keys.allUserAudit });
    },
  });
}
