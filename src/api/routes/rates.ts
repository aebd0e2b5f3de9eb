/**
 * Rates as records (issue 13): the rate list and page, CMS's withdrawal of a rate (and its
 * undoing), a state linking a submitted rate to its draft and unlinking one, and the download of
 * a rate's document from its page. The rate service decides who may; this reads the request.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DocumentService } from '../../service/document-service.js';
import type { RateService } from '../../service/rate-service.js';
import { type CursorSeal, sealPage } from '../cursor-seal.js';
import { answerWithLink, DOWNLOAD_LINK_RESPONSES, DownloadLinkQuery } from '../download-link.js';
import { COMMON_PROBLEMS } from '../problem.js';
import {
  DeleteQuery,
  IdParams,
  LinkRateBody,
  ListRatesQuery,
  PackageViewSchema,
  pageOf,
  RateDocumentParams,
  RateLinkParams,
  RateParams,
  RateSummaryViewSchema,
  RateViewSchema,
  ReasonBody,
} from '../schemas.js';
import { currentUser } from '../session.js';

export const rateRoutes: FastifyPluginAsyncZod<{
  rates: RateService;
  cursors: CursorSeal;
  /** Without a file store, the document route is absent (as the package document routes). */
  documents?: DocumentService;
  /** CAREPACK_PUBLIC_URL, when set. */
  publicUrl?: string;
}> = async (app, { rates, cursors, documents, publicUrl }) => {
  app.get(
    '/rates',
    {
      schema: {
        summary: 'List submitted rates: CMS every state (or `stateCode`), a state user its own state',
        description:
          'Newest `updatedAt` first (`order=oldest` reverses). `status` and `programId` narrow the list; `q` keeps ' +
          'the rates whose name or rate number contains it (case-insensitive). A state user naming another state ' +
          'gets a 400 on `stateCode`. Paged as the package list.',
        tags: ['rates'],
        querystring: ListRatesQuery,
        response: { 200: pageOf(RateSummaryViewSchema), ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const query = { ...req.query, cursor: cursors.open(req.query.cursor) };
      return sealPage(cursors, await rates.list(currentUser(req), query));
    },
  );

  app.get(
    '/rates/:id',
    {
      schema: {
        summary: 'One rate: its revisions, the packages carrying it and the questions about it',
        tags: ['rates'],
        params: RateParams,
        response: { 200: RateViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => rates.get(currentUser(req), req.params.id),
  );

  app.post(
    '/rates/:id/withdraw',
    {
      schema: {
        summary:
          'CMS: withdraw a rate from every package carrying it, with a reason (each submitted package gets a new revision without it)',
        tags: ['rates'],
        params: RateParams,
        body: ReasonBody,
        response: { 200: RateViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => rates.withdraw(currentUser(req), req.params.id, req.body),
  );

  app.post(
    '/rates/:id/undo-withdrawal',
    {
      schema: {
        summary: "CMS: undo a rate's withdrawal, with a reason (the packages it left carry it again)",
        tags: ['rates'],
        params: RateParams,
        body: ReasonBody,
        response: { 200: RateViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => rates.undoWithdrawal(currentUser(req), req.params.id, req.body),
  );

  app.post(
    '/packages/:id/rate-links',
    {
      schema: {
        summary: "Link a submitted rate of the package's state to a draft (or unlocked package)",
        tags: ['rates'],
        params: IdParams,
        body: LinkRateBody,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => rates.link(currentUser(req), req.params.id, req.body.rateId, req.body.expectedVersion),
  );

  app.delete(
    '/packages/:id/rate-links/:rateId',
    {
      schema: {
        summary:
          'Take a rate off a draft: a linked rate is unlinked; a never-submitted child rate is deleted with its files',
        tags: ['rates'],
        params: RateLinkParams,
        querystring: DeleteQuery,
        response: { 200: PackageViewSchema, ...COMMON_PROBLEMS },
      },
    },
    (req) => rates.unlink(currentUser(req), req.params.id, req.params.rateId, req.query.expectedVersion),
  );

  if (documents) {
    app.get(
      '/rates/:id/documents/:documentId',
      {
        schema: {
          summary:
            "A short-lived download link for a document of a rate revision the caller may see (the rate's page)",
          tags: ['rates'],
          params: RateDocumentParams,
          querystring: DownloadLinkQuery,
          response: { ...DOWNLOAD_LINK_RESPONSES, ...COMMON_PROBLEMS },
        },
      },
      async (req, reply) =>
        answerWithLink(
          await documents.rateDownloadLink(currentUser(req), req.params.id, req.params.documentId),
          req,
          reply,
          publicUrl,
        ),
    );
  }
};
