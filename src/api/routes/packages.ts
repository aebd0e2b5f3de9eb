import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PackageService } from '../../service/package-service.js';
import { type CursorSeal, sealPage } from '../cursor-seal.js';
import { COMMON_PROBLEMS, ProblemSchema } from '../problem.js';
import {
  ApproveBody,
  AuditEventSchema,
  CreatePackageBody,
  DeleteQuery,
  IdParams,
  ListPackagesQuery,
  PackageSummaryViewSchema,
  PackageViewSchema,
  PageQuery,
  pageOf,
  ReasonBody,
  TransitionBody,
  UpdatePackageBody,
} from '../schemas.js';
import { currentUser } from '../session.js';

export const packageRoutes: FastifyPluginAsyncZod<{ packages: PackageService; cursors: CursorSeal }> = async (
  app,
  { packages, cursors },
) => {
  app.get(
    '/packages',
    {
      schema: {
        summary:
          "List packages: a state user's own state (drafts included); for CMS, every submitted package",
        description:
          'CMS sees each package as last submitted (type, programs, name, revision count), dated and ordered ' +
          'by its last submit, unlock or resubmit, whatever the state is editing. ' +
          '`status`, `reviewStatus` (UNDER_REVIEW, NOT_SUBJECT_TO_REVIEW, APPROVED, WITHDRAWN; never-submitted ' +
          'drafts have none), `stateCode` (CMS only) and `programId` narrow the list; `programId` keeps the packages ' +
          'whose current revision (for CMS: last submitted revision) names the program, and a program of another state than the one listed is a 400 ' +
          'on `programId` (an unknown program id is filtered on and usually matches nothing). `order` is ' +
          '`newest` (default: most recently updated first) or `oldest`. Pages hold `limit` items (default 25); ' +
          'pass back `cursor` with the same options for the next page (a cursor of other options is a 400).',
        tags: ['packages'],
        querystring: ListPackagesQuery,
        response: { 200: pageOf(PackageSummaryViewSchema), ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const query = { ...req.query, cursor: cursors.open(req.query.cursor) };
      return sealPage(cursors, await packages.list(currentUser(req), query));
    },
  );

  app.post(
    '/packages',
    {
      schema: {
        summary: "Create a draft package in the signed-in state user's state",
        tags: ['packages'],
        body: CreatePackageBody,
        response: { 201: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) => {
      const pkg = await packages.create(currentUser(req), req.body, randomUUID());
      return reply.status(201).header('location', `/api/packages/${pkg.id}`).send(pkg);
    },
  );

  app.get(
    '/packages/:id',
    {
      schema: {
        summary: 'One package with its revision history',
        tags: ['packages'],
        params: IdParams,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => packages.get(currentUser(req), req.params.id),
  );

  app.put(
    '/packages/:id',
    {
      schema: {
        summary: "Change a draft's (or unlocked package's) form data and documents",
        tags: ['packages'],
        params: IdParams,
        body: UpdatePackageBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => {
      const { expectedVersion, ...changes } = req.body;
      return packages.update(currentUser(req), req.params.id, expectedVersion, changes);
    },
  );

  app.delete(
    '/packages/:id',
    {
      schema: {
        summary: 'Delete a never-submitted draft',
        tags: ['packages'],
        params: IdParams,
        querystring: DeleteQuery,
        response: { 204: z.null(), ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) => {
      await packages.remove(currentUser(req), req.params.id, req.query.expectedVersion);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/packages/:id/submit',
    {
      schema: {
        summary: 'Submit a draft to CMS (all submit rules are checked; failures list every field)',
        tags: ['packages'],
        params: IdParams,
        body: TransitionBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS, 422: ProblemSchema },
      },
    },
    (req) => packages.submit(currentUser(req), req.params.id, req.body.expectedVersion),
  );

  app.post(
    '/packages/:id/unlock',
    {
      schema: {
        summary: 'CMS: send a submitted package back to the state, with a reason',
        tags: ['packages'],
        params: IdParams,
        body: ReasonBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => packages.unlock(currentUser(req), req.params.id, req.body.expectedVersion, req.body.reason),
  );

  app.post(
    '/packages/:id/resubmit',
    {
      schema: {
        summary: 'Resubmit an unlocked package, with a reason',
        tags: ['packages'],
        params: IdParams,
        body: ReasonBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS, 422: ProblemSchema },
      },
    },
    (req) => packages.resubmit(currentUser(req), req.params.id, req.body.expectedVersion, req.body.reason),
  );

  /*
   * CMS's review decisions (CMS reviewers and admins). Each names the version it was made on and
   * answers the package as the caller sees it; a state user who may see the package gets 403.
   */
  app.post(
    '/packages/:id/approve',
    {
      schema: {
        summary: 'CMS: approve a submitted or resubmitted package under review',
        description:
          '`releasedOn` is the date the approval was released to the state (not in the future). A CMS reviewer ' +
          'may leave out `reason`; an administrator must give one. The state is emailed. Once approved, the ' +
          'package cannot be unlocked until the approval is undone.',
        tags: ['review'],
        params: IdParams,
        body: ApproveBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => packages.approve(currentUser(req), req.params.id, req.body),
  );

  const decisions = [
    {
      path: '/packages/:id/undo-approval',
      summary: 'CMS: undo an approval; the package is under review again (or not subject to review)',
      run: packages.undoApproval,
    },
    {
      path: '/packages/:id/withdraw',
      summary:
        'CMS: withdraw a submitted or resubmitted package that is under review or not subject to review, ' +
        'with a reason (the state and the CMS review list are emailed)',
      run: packages.withdraw,
    },
    {
      path: '/packages/:id/undo-withdrawal',
      summary:
        'CMS: undo a withdrawal, with a reason; the review status is determined again from the last submission',
      run: packages.undoWithdrawal,
    },
    {
      path: '/packages/:id/undo-unlock',
      summary:
        "CMS: undo an unlock, with a reason: the last submitted revision is current again, the state's " +
        'unsubmitted edits and the files only they held are discarded',
      run: packages.undoUnlock,
    },
  ] as const;
  for (const { path, summary, run } of decisions) {
    app.post(
      path,
      {
        schema: {
          summary,
          tags: ['review'],
          params: IdParams,
          body: ReasonBody,
          response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
        },
      },
      (req) => run.call(packages, currentUser(req), req.params.id, req.body),
    );
  }

  app.get(
    '/packages/:id/history',
    {
      schema: {
        summary: "A package's audit trail, oldest first",
        description:
          "While a package is unlocked, CMS sees the unlock but not the state's edits, uploads, removals and " +
          'downloads since, until the state resubmits.',
        tags: ['packages'],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(AuditEventSchema), ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const page = { ...req.query, cursor: cursors.open(req.query.cursor) };
      return sealPage(cursors, await packages.history(currentUser(req), req.params.id, page));
    },
  );
};
