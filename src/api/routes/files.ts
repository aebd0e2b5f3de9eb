/**
 * Downloads through the API, for file stores whose own links a browser cannot reach (the
 * embedded S3). No session: the signed, short-lived token is the authority, as a presigned
 * S3 URL is; the access check was made when the link was handed out.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachmentDisposition } from '../../files/content-disposition.js';
import type { DownloadTokens } from '../../files/download-links.js';
import { FileNotFound } from '../../files/file-errors.js';
import type { FileStore } from '../../files/file-store.js';
import { ProblemSchema, problem, sendProblem } from '../problem.js';

export const fileRoutes: FastifyPluginAsyncZod<{ files: FileStore; tokens: DownloadTokens }> = async (
  app,
  { files, tokens },
) => {
  app.get(
    '/files',
    {
      schema: {
        summary:
          'Download a document through a link from `GET /api/packages/{id}/documents/{documentId}/download` (when documents are in the embedded S3): the file as an attachment',
        tags: ['documents'],
        querystring: z.object({
          token: z.string().min(1).max(8192).describe('The signed, short-lived token of the link'),
        }),
        response: {
          200: z
            .unknown()
            .describe('The file: its stored Content-Type, Content-Disposition: attachment with its name'),
          400: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
          410: ProblemSchema,
        },
      },
    },
    async (req, reply) => {
      const check = tokens.verify(req.query.token);
      if (!check.ok) {
        return check.reason === 'expired'
          ? sendProblem(
              reply,
              problem('DOWNLOAD_LINK_EXPIRED', 'download the document again from its package', [], req.id),
            )
          : sendProblem(
              reply,
              problem(
                'INVALID_DOWNLOAD_LINK',
                'this link was not made by Carepack or was changed',
                [],
                req.id,
              ),
            );
      }
      const { key, downloadName } = check.grant;
      let file: Awaited<ReturnType<FileStore['read']>>;
      try {
        file = await files.read(key);
      } catch (e) {
        if (!(e instanceof FileNotFound)) throw e;
        return sendProblem(
          reply,
          problem('NOT_FOUND', `"${downloadName}" is no longer stored (it was removed)`, [], req.id),
        );
      }
      reply
        .header('content-disposition', attachmentDisposition(downloadName))
        .header('cache-control', 'private, no-store')
        .type(file.contentType ?? 'application/octet-stream');
      if (file.size !== undefined) reply.header('content-length', file.size);
      return reply.send(file.body);
    },
  );
};
