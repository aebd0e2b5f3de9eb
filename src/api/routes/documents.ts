import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DOCUMENT_CATEGORIES, DocumentSchema } from '../../domain/index.js';
import { attachmentDisposition } from '../../files/content-disposition.js';
import type { DocumentService } from '../../service/document-service.js';
import { answerWithLink, DOWNLOAD_LINK_RESPONSES, DownloadLinkQuery } from '../download-link.js';
import { readUpload, requireMultipart, streamedBodyValidator } from '../multipart-upload.js';
import { ApiError, COMMON_PROBLEMS, ProblemSchema } from '../problem.js';
import { IdParams } from '../schemas.js';
import { currentUser } from '../session.js';

const DocumentParams = IdParams.extend({ documentId: z.uuid() });
const RevisionParams = IdParams.extend({
  n: z.coerce.number().int().min(1).max(1_000_000).describe('The revision number (1 = the first)'),
});
const UploadFields = z.object({
  category: z.enum(DOCUMENT_CATEGORIES),
  rateId: z.uuid().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256')
    .optional(),
});
/** The multipart form, for /openapi.json: the fields first, then the one file. */
const UploadForm = UploadFields.extend({
  file: z.file().describe('the document: PDF, Word, Excel, CSV or plain text'),
});

function fieldValue(field: unknown): string | undefined {
  const f = Array.isArray(field) ? field[0] : field;
  return f && typeof f === 'object' && 'value' in f && typeof f.value === 'string' ? f.value : undefined;
}

export const documentRoutes: FastifyPluginAsyncZod<{
  documents: DocumentService;
  /** CAREPACK_PUBLIC_URL, when set. */
  publicUrl?: string;
}> = async (app, { documents, publicUrl }) => {
  app.post(
    '/packages/:id/documents',
    {
      // The multipart body is read as a stream by the handler; the schema above only documents it.
      validatorCompiler: streamedBodyValidator,
      schema: {
        summary:
          'Upload a document to a draft (multipart/form-data: the fields `category`, for rate documents `rateId`, optionally `sha256` to have the upload checked, then the part `file`). Streamed to S3 with its SHA-256; PDF, Word, Excel, CSV or text, checked by content.',
        tags: ['documents'],
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: UploadForm,
        response: { 201: DocumentSchema, ...COMMON_PROBLEMS, 413: ProblemSchema, 415: ProblemSchema },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      requireMultipart(req, 'the document');
      const upload = await readUpload(req);
      const { part } = upload;
      const fields = UploadFields.safeParse({
        category: fieldValue(part.fields.category),
        rateId: fieldValue(part.fields.rateId),
        sha256: fieldValue(part.fields.sha256),
      });
      if (!fields.success) {
        part.file.resume();
        throw new ApiError(
          'VALIDATION_FAILED',
          'the upload fields are not valid (send them before the file)',
          fields.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      const doc = await documents
        .upload(user, req.params.id, {
          fileName: part.filename,
          category: fields.data.category,
          rateId: fields.data.rateId,
          sha256: fields.data.sha256,
          body: part.file,
          beforeRecord: upload.expectEnd,
        })
        .catch((e: unknown) => {
          throw upload.blame(e);
        });
      return reply.status(201).send(doc);
    },
  );

  app.get(
    '/packages/:id/documents/:documentId/download',
    {
      schema: {
        summary:
          'A short-lived download link for a document (after an access check); `?redirect=1` answers 302 to it',
        tags: ['documents'],
        params: DocumentParams,
        querystring: DownloadLinkQuery,
        response: { ...DOWNLOAD_LINK_RESPONSES, ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) =>
      answerWithLink(
        await documents.downloadLink(currentUser(req), req.params.id, req.params.documentId),
        req,
        reply,
        publicUrl,
      ),
  );

  app.get(
    '/packages/:id/revisions/:n/documents.zip',
    {
      schema: {
        summary:
          "Every document of a revision the caller may download, as one zip streamed from storage (entries stored, not recompressed): the package's documents under `documents/`, each rate's under `rates/<rate number>/`, `revision.json` (the revision's record) and `manifest.json` (each document's name, category, size and SHA-256; those whose virus scan did not pass are listed as withheld, never included). Audited like a single download",
        tags: ['documents'],
        params: RevisionParams,
        response: {
          200: z.unknown().describe('The zip (application/zip), Content-Disposition: attachment'),
          ...COMMON_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const zip = await documents.revisionZip(currentUser(req), req.params.id, req.params.n);
      return reply
        .header('content-disposition', attachmentDisposition(zip.fileName))
        .header('cache-control', 'private, no-store')
        .type('application/zip')
        .send(zip.body);
    },
  );

  app.delete(
    '/packages/:id/documents/:documentId',
    {
      schema: {
        summary: 'Remove a document from a draft (its file is deleted unless a submitted revision keeps it)',
        tags: ['documents'],
        params: DocumentParams,
        response: { 204: z.null(), ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) => {
      await documents.remove(currentUser(req), req.params.id, req.params.documentId);
      return reply.status(204).send(null);
    },
  );
};
