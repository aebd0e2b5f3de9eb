import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PackageService } from '../../service/package-service.js';
import { type CursorSeal, sealPage } from '../cursor-seal.js';
import { COMMON_PROBLEMS, ProblemSchema } from '../problem.js';
import {
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
          '`status`, `stateCode` (CMS only) and `programId` narrow the list; `programId` keeps the packages ' +
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
