/**
 * Every API operation the client calls: method, path template, and the types of its query,
 * body and answer. `test/web/endpoints.test.ts` checks each against the server's OpenAPI
 * document, so a route renamed or removed on the server fails the tests, not the user.
 */
import type * as T from './types.js';

export interface Endpoints {
  'GET /api/auth/config': { response: { devLogin: boolean; oidc: boolean } };
  'GET /api/auth/me': { response: T.User };
  'GET /api/auth/csrf': { response: { token: string } };
  'GET /api/auth/dev-users': { response: T.User[] };
  'POST /api/auth/dev-login': { body: T.DevLoginBody; response: T.User };
  'POST /api/auth/logout': { response: null };
  'POST /api/auth/logout-everywhere': { response: null };
  'GET /api/states': { response: T.State[] };
  'GET /api/packages': { query: T.ListPackagesQuery; response: T.Page<T.PackageSummaryView> };
  'POST /api/packages': { body: T.CreatePackageBody; response: T.PackageView };
  'GET /api/packages/{id}': { response: T.PackageView };
  'PUT /api/packages/{id}': { body: T.UpdatePackageBody; response: T.PackageView };
  'DELETE /api/packages/{id}': { query: { expectedVersion: number }; response: null };
  'POST /api/packages/{id}/submit': { body: T.TransitionBody; response: T.PackageView };
  'POST /api/packages/{id}/unlock': { body: T.ReasonBody; response: T.PackageView };
  'POST /api/packages/{id}/resubmit': { body: T.ReasonBody; response: T.PackageView };
  'POST /api/packages/{id}/approve': { body: T.ApproveBody; response: T.PackageView };
  'POST /api/packages/{id}/undo-approval': { body: T.ReasonBody; response: T.PackageView };
  'POST /api/packages/{id}/withdraw': { body: T.ReasonBody; response: T.PackageView };
  'POST /api/packages/{id}/undo-withdrawal': { body: T.ReasonBody; response: T.PackageView };
  'POST /api/packages/{id}/undo-unlock': { body: T.ReasonBody; response: T.PackageView };
  'GET /api/packages/{id}/history': { query: T.PageQuery; response: T.Page<T.AuditEvent> };
  'POST /api/packages/{id}/documents': { response: T.PackageDocument };
  'GET /api/packages/{id}/documents/{documentId}/download': { response: T.DownloadLink };
  'DELETE /api/packages/{id}/documents/{documentId}': { response: null };
  // A page navigation, never `call`ed: the browser saves the zip as it streams (revisionZipUrl).
  'GET /api/packages/{id}/revisions/{n}/documents.zip': { response: never };
  // Multipart uploads (upload.ts): `text`, `rateId`, then the files.
  'POST /api/packages/{id}/questions': { response: T.Question };
  'POST /api/packages/{id}/questions/{questionId}/response': { response: T.Question };
  'POST /api/packages/{id}/rate-links': { body: T.LinkRateBody; response: T.PackageView };
  'DELETE /api/packages/{id}/rate-links/{rateId}': {
    query: { expectedVersion: number };
    response: T.PackageView;
  };
  'GET /api/rates': { query: T.ListRatesQuery; response: T.Page<T.RateSummaryView> };
  'GET /api/rates/{id}': { response: T.RateView };
  'POST /api/rates/{id}/withdraw': { body: T.ReasonBody; response: T.RateView };
  'POST /api/rates/{id}/undo-withdrawal': { body: T.ReasonBody; response: T.RateView };
  'GET /api/rates/{id}/documents/{documentId}': { response: T.DownloadLink };
  // Administrators only.
  'GET /api/users': { query: T.ListUsersQuery; response: T.UserList };
  'PUT /api/users/{userId}/division': { body: { division: T.CmsDivision | null }; response: T.User };
  'PUT /api/users/{userId}/states': { body: { stateCodes: string[] }; response: T.User };
  'GET /api/admin/assignments': { response: T.Assignments };
  'GET /api/admin/audit': { query: T.PageQuery; response: T.Page<T.UserAuditEvent> };
}

/** The same list at run time (for the contract test); `satisfies` keeps it complete. */
export const ENDPOINTS = [
  'GET /api/auth/config',
  'GET /api/auth/me',
  'GET /api/auth/csrf',
  'GET /api/auth/dev-users',
  'POST /api/auth/dev-login',
  'POST /api/auth/logout',
  'POST /api/auth/logout-everywhere',
  'GET /api/states',
  'GET /api/packages',
  'POST /api/packages',
  'GET /api/packages/{id}',
  'PUT /api/packages/{id}',
  'DELETE /api/packages/{id}',
  'POST /api/packages/{id}/submit',
  'POST /api/packages/{id}/unlock',
  'POST /api/packages/{id}/resubmit',
  'POST /api/packages/{id}/approve',
  'POST /api/packages/{id}/undo-approval',
  'POST /api/packages/{id}/withdraw',
  'POST /api/packages/{id}/undo-withdrawal',
  'POST /api/packages/{id}/undo-unlock',
  'GET /api/packages/{id}/history',
  'POST /api/packages/{id}/documents',
  'GET /api/packages/{id}/documents/{documentId}/download',
  'DELETE /api/packages/{id}/documents/{documentId}',
  'GET /api/packages/{id}/revisions/{n}/documents.zip',
  'POST /api/packages/{id}/questions',
  'POST /api/packages/{id}/questions/{questionId}/response',
  'POST /api/packages/{id}/rate-links',
  'DELETE /api/packages/{id}/rate-links/{rateId}',
  'GET /api/rates',
  'GET /api/rates/{id}',
  'POST /api/rates/{id}/withdraw',
  'POST /api/rates/{id}/undo-withdrawal',
  'GET /api/rates/{id}/documents/{documentId}',
  'GET /api/users',
  'PUT /api/users/{userId}/division',
  'PUT /api/users/{userId}/states',
  'GET /api/admin/assignments',
  'GET /api/admin/audit',
] as const satisfies readonly (keyof Endpoints)[];

type Missing = Exclude<keyof Endpoints, (typeof ENDPOINTS)[number]>;
// Fails to compile when an endpoint is typed above but missing from the run-time list.
export const everyEndpointListed: Missing extends never ? true : Missing = true;
