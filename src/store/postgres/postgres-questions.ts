/**
 * CMS's questions and the state's responses on PostgreSQL (migration 0009): what a change adds
 * to `questions` and `qa_documents`. The database holds the numbering, the one open question
 * and the history; the rule that spans the two tables — every question and every response has
 * at least one document — is checked here, before anything is written.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Transaction } from 'kysely';
import { invalidFields, type Package, type Question } from '../../domain/index.js';
import { qaDocumentRows, questionRow, responseColumns } from './postgres-marshal.js';
import type { Database } from './postgres-schema.js';
import { exec, execNamed, insertRows, insertTogether, SQL } from './postgres-statements.js';

/** VALIDATION_FAILED when a question or a response of the package comes without a document. */
export function refuseQuestionsWithoutDocuments(packageId: string, questions: readonly Question[]): void {
  const problems = questions.flatMap((q, i) => [
    ...(q.documents.length === 0
      ? [{ path: `questions.${i}.documents`, message: 'attach at least one document' }]
      : []),
    ...(q.response && q.response.documents.length === 0
      ? [{ path: `questions.${i}.response.documents`, message: 'attach at least one document' }]
      : []),
  ]);
  if (problems.length > 0)
    throw invalidFields(`package ${packageId}: a question or response without a document`, problems);
}

/** The question without its response: what must not change when the response comes. */
const asked = (q: Question) => ({ ...q, response: null });

/**
 * A new question with its documents, or an open question's response with its documents: the
 * rows the change adds. Anything else (a question rewritten or removed, one inserted already
 * answered) is sent as is, for the database to refuse: questions are history (migration 0009).
 */
export async function persistQuestions(trx: Transaction<Database>, before: Package, after: Package) {
  refuseQuestionsWithoutDocuments(after.id, after.questions);
  const old = new Map(before.questions.map((q) => [q.id, q]));
  const count = after.questions.length;
  for (const [index, q] of after.questions.entries()) {
    const prev = old.get(q.id);
    if (prev === q) continue;
    const position = count - index;
    if (!prev) {
      await insertTogether(trx, [
        ['questions', [questionRow(after.id, position, q)]],
        ['qa_documents', qaDocumentRows(after.id, q.id, null, q.documents)],
      ]);
    } else if (prev.response === null && q.response !== null && isDeepStrictEqual(asked(prev), asked(q))) {
      await execNamed(trx, SQL.respond, { id: q.id, ...responseColumns(q) });
      await insertRows(
        trx,
        'qa_documents',
        qaDocumentRows(after.id, q.id, q.response.id, q.response.documents, q.documents.length + 1),
      );
    } else if (!isDeepStrictEqual(prev, q)) {
      await execNamed(trx, SQL.rewriteQuestion, questionRow(after.id, position, q));
    }
  }
  const kept = new Set(after.questions.map((q) => q.id));
  for (const prev of before.questions) if (!kept.has(prev.id)) await exec(trx, SQL.deleteQuestion, [prev.id]);
}
