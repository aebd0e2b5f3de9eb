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
} from '@carepack/domain/index.js';
/** A package as its page shows it; `questions` holds CMS's questions and the state's responses, newest first. */
export type PackageView = z.output<typeof S.PackageViewSchema>;
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
export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}
export interface DownloadLink {
  url: string;
  name: string;
  expiresAt: string;
}
