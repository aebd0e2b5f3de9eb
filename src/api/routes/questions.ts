/**
 * CMS's questions and the state's responses (issue 12): multipart forms, the fields `text` (and
 * for a question `rateId`) first, then 1..MAX_QA_DOCUMENTS parts named `file`, each streamed to
 * S3 like a package document. The question service decides who may; this reads the request.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_QA_DOCUMENTS, MAX_QA_TEXT_LENGTH, QaTextSchema, QuestionSchema } from '../../domain/index.js';
import type { QuestionService } from '../../service/question-service.js';
import { readFilesUpload, requireMultipart, streamedBodyValidator } from '../multipart-upload.js';
import { ApiError, COMMON_PROBLEMS, ProblemSchema } from '../problem.js';
import { IdParams } from '../schemas.js';
import { currentUser } from '../session.js';

const QuestionParams = IdParams.extend({ questionId: z.uuid() });

// Checked before any file is stored (the plan checks it again, trimmed).
const text = QaTextSchema.optional().describe(
  `Optional words beside the documents, at most ${MAX_QA_TEXT_LENGTH} characters`,
);
const RespondFields = z.object({ text });
const AskFields = RespondFields.extend({
  rateId: z.uuid().optional().describe('When the question is about one rate certification of the package'),
});

/** The files, for /openapi.json: after the fields, 1..MAX_QA_DOCUMENTS parts named `file`. */
const files = z
  .array(z.file())
  .min(1)
  .max(MAX_QA_DOCUMENTS)
  .describe(
    `1 to ${MAX_QA_DOCUMENTS} documents, each a part named \`file\`: PDF, Word, Excel, CSV or plain text`,
  );

const RESPONSES = { 201: QuestionSchema, ...COMMON_PROBLEMS, 413: ProblemSchema, 415: ProblemSchema };

/** The form's fields (sent before the files) and its files, or a 400 naming each bad field. */
async function readForm<T extends z.ZodObject>(req: FastifyRequest, schema: T) {
  requireMultipart(req, 'the documents');
  const upload = await readFilesUpload(req, {
    fields: Object.keys(schema.shape),
    // Room for the longest text in any UTF-8; the length itself is checked in characters.
    maxFieldBytes: 4 * MAX_QA_TEXT_LENGTH,
    maxFiles: MAX_QA_DOCUMENTS,
  });
  const fields = schema.safeParse(upload.fields);
  if (!fields.success)
    throw new ApiError(
      'VALIDATION_FAILED',
      'the form fields are not valid (send them before the files)',
      fields.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return { upload, fields: fields.data as z.infer<T> };
}

export const questionRoutes: FastifyPluginAsyncZod<{ questions: QuestionService }> = async (
  app,
  { questions },
) => {
  app.post(
    '/packages/:id/questions',
    {
      validatorCompiler: streamedBodyValidator,
      schema: {
        summary:
          'CMS: ask the state questions about a submitted package (multipart/form-data: optionally `text` and `rateId`, then the parts `file`)',
        description:
          'Only a CMS user with a division (DMCO, DMCP, OACT) asks, on a package submitted at least once and not ' +
          "approved, and only while none of the package's questions waits for a response. The question's round " +
          "counts within the asker's division. Each file is streamed to S3 like a package document (checked by " +
          'content, SHA-256, virus-scanned); when the question is refused, no file is kept. The state contacts, ' +
          "the submitters, the CMS review list and the division's list are emailed (for a question about a rate, " +
          "also the rate's certifying actuaries when OACT talks to them directly).",
        tags: ['questions'],
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: AskFields.extend({ file: files }),
        response: RESPONSES,
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const { upload, fields } = await readForm(req, AskFields);
      const question = await questions
        .ask(user, req.params.id, { ...fields, files: upload.files })
        .catch((e: unknown) => {
          throw upload.blame(e);
        });
      return reply.status(201).send(question);
    },
  );

  app.post(
    '/packages/:id/questions/:questionId/response',
    {
      validatorCompiler: streamedBodyValidator,
      schema: {
        summary:
          "The state: respond to CMS's question (multipart/form-data: optionally `text`, then the parts `file`)",
        description:
          "Only a user of the package's own state responds, once per question; the response closes it. Files " +
          'are stored like the question’s. The CMS review list, the division’s list and the state are emailed.',
        tags: ['questions'],
        consumes: ['multipart/form-data'],
        params: QuestionParams,
        body: RespondFields.extend({ file: files }),
        response: RESPONSES,
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const { upload, fields } = await readForm(req, RespondFields);
      const question = await questions
        .respond(user, req.params.id, req.params.questionId, { ...fields, files: upload.files })
        .catch((e: unknown) => {
          throw upload.blame(e);
        });
      return reply.status(201).send(question);
    },
  );
};
