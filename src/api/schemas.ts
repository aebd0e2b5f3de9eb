/**
 * The HTTP contract: request and response schemas, built from the domain's zod schemas so
 * the API, its OpenAPI document and the web client's types cannot drift apart.
 */
import { z } from 'zod';
import {
  ActionInfoSchema,
  AUDIT_ACTIONS,
  DISPLAY_STATUSES,
  DocumentChangesSchema,
  DocumentSchema,
  FormDataSchema,
  IsoDateSchema,
  MAX_REASON_LENGTH,
  MAX_STATE_ASSIGNMENTS,
  PACKAGE_STATUSES,
  PackageSchema,
  PackageSummarySchema,
  QuestionSchema,
  RATE_STATUSES,
  RateCertificationSchema,
  RateRevisionSchema,
  RateSchema,
  RateSummarySchema,
  REVIEW_STATUSES,
  ReasonSchema,
  RevisionSchema,
  RoleSchema,
  StateCodeSchema,
  StateSchema,
  UserSchema,
} from '../domain/index.js';
import { LIST_ORDERS } from '../store/store.js';

export const IdParams = z.object({ id: z.uuid() });
export const UserIdParams = z.object({ userId: z.uuid() });
export const StateParams = z.object({ code: StateCodeSchema });

export const CreatePackageBody = z.object({
  formData: FormDataSchema,
  documents: z
    .array(z.unknown())
    .max(0, 'a new draft has no documents yet: upload them to the draft once it is created')
    .optional(),
});

const expectedVersion = z
  .number()
  .int()
  .positive()
  .describe('The version you last read (optimistic concurrency)');

export const UpdatePackageBody = z
  .object({
    expectedVersion,
    formData: FormDataSchema.optional(),
    documents: DocumentChangesSchema.optional(),
  })
  .refine((b) => b.formData !== undefined || b.documents !== undefined, {
    message: 'send formData, documents or both',
    path: ['formData'],
  });

export const TransitionBody = z.object({ expectedVersion });
export const ReasonBody = z.object({
  expectedVersion,
  reason: ReasonSchema,
});
/** An approval: the release date is required; the reason only from an administrator (approving on CMS's behalf). */
export const ApproveBody = z.object({
  expectedVersion,
  releasedOn: IsoDateSchema.describe(
    'YYYY-MM-DD: the date the approval was released to the state; not in the future',
  ),
  reason: z
    .string()
    .max(MAX_REASON_LENGTH)
    .optional()
    .describe('Optional for a CMS reviewer; an administrator must say why they approve'),
});
export const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().positive() });

/** The package list's filters and order, shared by the JSON list and its CSV export. */
const packageListFilters = {
  status: z.enum(PACKAGE_STATUSES).optional(),
  reviewStatus: z.enum(REVIEW_STATUSES).optional(),
  stateCode: StateCodeSchema.optional(),
  programId: z.uuid().optional(),
  order: z.enum(LIST_ORDERS).optional(),
  updatedFrom: IsoDateSchema.optional().describe(
    'YYYY-MM-DD: only packages last updated on this UTC day or later (CMS: as its list dates them)',
  ),
  updatedTo: IsoDateSchema.optional().describe(
    'YYYY-MM-DD: only packages last updated on this UTC day or earlier; not before updatedFrom',
  ),
};

/** An updated-date range ends on or after its start (domain updatedBounds says the same to every caller). */
const rangeInOrder = (
  q: { updatedFrom?: string | undefined; updatedTo?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (q.updatedFrom && q.updatedTo && q.updatedTo < q.updatedFrom) {
    ctx.addIssue({ code: 'custom', path: ['updatedTo'], message: 'must not be before updatedFrom' });
  }
};

export const ListPackagesQuery = z
  .object({
    ...packageListFilters,
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(2000).optional(),
  })
  .superRefine(rangeInOrder);
export const ExportPackagesQuery = z.object(packageListFilters).superRefine(rangeInOrder);
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});

/** What users are shown of a package's status: Approved or Withdrawn outrank Submitted or Resubmitted. */
const displayStatus = z.enum(DISPLAY_STATUSES);

/** What a package revision's page says about one rate it carries (service RateLinkView). */
export const RateLinkViewSchema = z.object({
  rateId: z.uuid(),
  rateNumber: z.string().describe('e.g. MN-RATE-0003'),
  name: z.string().describe('The rate certification name of the revision shown'),
  parentPackageId: z.uuid(),
  parentPackageName: z.string(),
  isChild: z.boolean().describe('This package is the parent: only it edits the rate'),
  status: z.enum(RATE_STATUSES).describe("The rate's status now"),
  rateRevision: z.number().int().positive().describe('The rate revision this package revision shows'),
  latestSubmittedRevision: z
    .number()
    .int()
    .positive()
    .nullable()
    .describe('Greater than rateRevision: the rate has a newer submitted revision than this package carries'),
});

/**
 * A revision as shown: its rates projected into the form and the documents (child and linked, in
 * link order), and `rates` saying whose each is. The projection may hold more than one stored
 * revision does (the package's documents and its rates'), so the lists are not bounded here.
 */
export const RevisionViewSchema = RevisionSchema.extend({
  formData: FormDataSchema.extend({ rateCertifications: z.array(RateCertificationSchema) }),
  documents: z.array(DocumentSchema),
  rates: z.array(RateLinkViewSchema),
});

export const PackageViewSchema = PackageSchema.omit({ revisions: true }).extend({
  name: z.string(),
  displayStatus,
  revisions: z.array(RevisionViewSchema),
  unlockInfo: ActionInfoSchema.nullable(),
});
export const PackageSummaryViewSchema = PackageSummarySchema.extend({ name: z.string(), displayStatus });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: z.string().optional() });

export const AuditEventSchema = z.object({
  id: z.string(),
  packageId: z.string(),
  at: z.string(),
  actor: z.object({
    id: z.string(),
    email: z.string(),
    role: z.string(),
    clientId: z.string().optional().describe('the API client that acted as this user, if one did'),
  }),
  action: z.enum(AUDIT_ACTIONS),
  summary: z.string(),
});

export const RateParams = z.object({ id: z.uuid() });
export const RateLinkParams = IdParams.extend({ rateId: z.uuid() });
export const RateDocumentParams = RateParams.extend({ documentId: z.uuid() });

export const LinkRateBody = z.object({
  rateId: z.uuid().describe('A submitted rate of the same state'),
  expectedVersion,
});

export const ListRatesQuery = z.object({
  stateCode: StateCodeSchema.optional().describe("CMS: one state's rates; a state user: its own only"),
  status: z.enum(RATE_STATUSES).optional(),
  programId: z.uuid().optional(),
  q: z.string().max(200).optional().describe('Name or rate number contains this (case-insensitive)'),
  order: z.enum(LIST_ORDERS).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});

export const RateSummaryViewSchema = RateSummarySchema.extend({
  rateNumber: z.string(),
  name: z.string(),
  parentPackageName: z.string(),
});

export const RateViewSchema = RateSchema.extend({
  revisions: z.array(RateRevisionSchema).describe('Newest first; CMS sees the submitted ones only'),
  rateNumber: z.string(),
  name: z.string(),
  packages: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      displayStatus,
      isParent: z.boolean(),
      rateRevision: z
        .number()
        .int()
        .positive()
        .nullable()
        .describe('The rate revision its newest submitted revision carries'),
    }),
  ),
  questions: z.array(QuestionSchema.extend({ packageId: z.uuid(), packageName: z.string() })),
});

export const DevLoginBody = z.object({ userId: z.uuid() });
export { StateSchema, UserSchema };

// User administration (issue 14): administrators find users, assign CMS users to states.

export const StateAssignmentsBody = z.object({
  stateCodes: z
    .array(StateCodeSchema)
    .max(MAX_STATE_ASSIGNMENTS)
    .describe('Every state the CMS user is assigned to, replacing the list; [] removes them all'),
});
export const ListUsersQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Part of the name or email, any case'),
  role: RoleSchema.optional(),
  stateCode: StateCodeSchema.optional().describe("The state's users and the CMS users assigned to it"),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('At most this many users (default 100)'),
});
export const UserListSchema = z.object({
  items: z.array(UserSchema),
  total: z.number().int().min(0).describe('Every user matching, also beyond `limit`'),
});
export const StateAssignmentsSchema = z.object({
  code: StateCodeSchema,
  name: z.string(),
  analysts: z.array(UserSchema).describe('CMS users assigned to the state; empty: nobody is'),
  unassigned: z.boolean().describe('No CMS user is assigned to the state'),
});
export const AssignmentsSchema = z.object({
  states: z.array(StateAssignmentsSchema),
  unassignedCount: z.number().int().min(0),
});
