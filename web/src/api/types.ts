/**
 * The client's view of the API, inferred from the very zod schemas the server validates
 * with and publishes as OpenAPI (src/api/schemas.ts), so the two cannot drift apart.
 * Type-only imports: none of the server code reaches the bundle.
 */

import type { Problem } from '@carepack/api-types/problem.js';
import type * as S from '@carepack/api-types/schemas.js';
import type { z } from 'zod';

export type {
  CmsDivision,
  FieldError,
  FormData,
  FormDataInput,
  PackageDocument,
  Program,
  QaDocument,
  Question,
  QuestionResponse,
  RateCertification,
  State,
  User,
  UserAuditEvent,
} from '@carepack/domain/index.js';
export type {
  Rate,
  RateDocument,
  RateFormData,
  RateRevision,
  RateStatus,
  RateWithdrawal,
} from '@carepack/domain/rates.js';
/**
 * One rate a package revision carries, as the package page shows it (the API's projection):
 * `isChild` when this package is its parent; `rateRevision` the rate revision the package
 * revision shows; `latestSubmittedRevision` greater than that when the rate was submitted again since.
 */
export type RateLinkView = z.output<typeof S.RateLinkViewSchema>;
/** A package revision as projected: its form lists the rates it carries, `rates` says what each one is. */
export type PackageRevisionView = z.output<typeof S.RevisionViewSchema>;
/** A package as its page shows it; `questions` holds CMS's questions and the state's responses, newest first. */
export type PackageView = z.output<typeof S.PackageViewSchema>;
/** A rate list row (GET /api/rates): rates submitted at least once. */
export type RateSummaryView = z.output<typeof S.RateSummaryViewSchema>;
/** A rate's own page: its revisions (newest first), the packages carrying it, and the questions naming it. */
export type RateView = z.output<typeof S.RateViewSchema>;
/** A package carrying a rate, as the rate's page lists it. */
export type RatePackageView = RateView['packages'][number];
export type ListRatesQuery = z.input<typeof S.ListRatesQuery>;
export type LinkRateBody = z.input<typeof S.LinkRateBody>;
/** A list row; `openQuestions` counts the questions waiting for the state (the dashboards' badge). */
export type PackageSummaryView = z.output<typeof S.PackageSummaryViewSchema>;
export type AuditEvent = z.output<typeof S.AuditEventSchema>;
export type ListPackagesQuery = z.input<typeof S.ListPackagesQuery>;
export type PageQuery = z.input<typeof S.PageQuery>;
export type CreatePackageBody = z.input<typeof S.CreatePackageBody>;
export type UpdatePackageBody = z.input<typeof S.UpdatePackageBody>;
export type ReasonBody = z.input<typeof S.ReasonBody>;
export type ApproveBody = z.input<typeof S.ApproveBody>;
export type { DisplayStatus, ReviewAction, ReviewStatus } from '@carepack/domain/index.js';
export type TransitionBody = z.input<typeof S.TransitionBody>;
export type DevLoginBody = z.input<typeof S.DevLoginBody>;
export type { Problem };
/** Administrators' search of users (GET /api/users): the matches up to `limit`, `total` counting all. */
export type UserList = z.output<typeof S.UserListSchema>;
export type ListUsersQuery = z.input<typeof S.ListUsersQuery>;
/** Every state with its assigned CMS users; `unassigned` when there are none. */
export type Assignments = z.output<typeof S.AssignmentsSchema>;
export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}
export interface DownloadLink {
  url: string;
  name: string;
  expiresAt: string;
}
