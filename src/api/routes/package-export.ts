/** The dashboard's list as a CSV download (service/package-export.ts), streamed as it is read. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachmentDisposition } from '../../files/content-disposition.js';
import type { PackageExport } from '../../service/package-export.js';
import { COMMON_PROBLEMS } from '../problem.js';
import { ExportPackagesQuery } from '../schemas.js';
import { currentUser } from '../session.js';

export const packageExportRoutes: FastifyPluginAsyncZod<{ exports: PackageExport }> = async (
  app,
  { exports },
) => {
  app.get(
    '/packages.csv',
    {
      schema: {
        summary: 'Export the package list as CSV: every package its filters match, no pages',
        description:
          'The same packages as `GET /api/packages` with the same filters and order (state users: their ' +
          "state's, drafts included; CMS: every package submitted at least once, as last submitted), one " +
          'record per package after a header: Name, State, Programs, Submission type, Status, Review status, ' +
          'Created, First submitted, Last updated (ISO 8601, UTC), Revisions. RFC 4180 (CRLF, quoted where ' +
          'needed), UTF-8 with a byte order mark (so Excel reads names beyond ASCII right); a field that a spreadsheet would read as a formula (starting with = + - @, tab or ' +
          'CR) starts with a single quote. Streamed as the list is read.',
        tags: ['packages'],
        produces: ['text/csv'],
        querystring: ExportPackagesQuery,
        response: {
          200: z.unknown().describe('The CSV: text/csv; charset=utf-8, Content-Disposition: attachment'),
          ...COMMON_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      // Reads the first page now: a refused query answers its 4xx before the download starts.
      const csv = await exports.csv(user, req.query);
      const scope = user.role === 'STATE_USER' ? user.stateCode : (req.query.stateCode ?? 'all-states');
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachmentDisposition(`carepack-packages-${scope}-${day}.csv`))
        .header('cache-control', 'private, no-store')
        .send(Readable.from(csv));
    },
  );
};
