import { z } from 'zod';
import { DocumentSchema } from './document.js';
import { ActorSchema, CmsDivisionSchema } from './reference.js';
import { storableString } from './text.js';

/**
 * CMS's questions to the state during a review, and the state's responses (issue 12). Both are
 * records of the package, beside its revisions and review decisions:
 *
 * - A CMS user with a division asks, with at least one document and optional text, on a package
 *   submitted at least once and not approved, optionally about one rate certification of its
 *   last submitted revision. A question's round is its position among the package's questions
 *   of the same division (DMCO round 1, DMCO round 2, OACT round 1, …).
 * - While any question of the package is unanswered, no new one may be asked: a package has at
 *   most one open question, and it is the newest. Two CMS users asking at once: exactly one wins
 *   (the second plan, re-run on the package as written, sees the open question).
 * - A user of the package's own state responds, with at least one document and optional text;
 *   one response closes the question and is never replaced.
 *
 * Nothing here is ever rewritten or removed once written, except that a question gains its one
 * response. Their documents are stored like a package's (streamed, sniffed, sha256, scanned).
 */

/** At most this many documents with one question or one response (one request uploads them all). */
export const MAX_QA_DOCUMENTS = 20;
/** At most this many questions on one package (rounds of all divisions together). */
export const MAX_QUESTIONS_PER_PACKAGE = 50;
export const MAX_QA_TEXT_LENGTH = 5000;

/** A document sent with a question or a response: a package document without a list to sit in. */
export const QaDocumentSchema = DocumentSchema.omit({ category: true, rateId: true });
export type QaDocument = z.infer<typeof QaDocumentSchema>;

const QaDocumentListSchema = z
  .array(QaDocumentSchema)
  .min(1, 'attach at least one document')
  .max(MAX_QA_DOCUMENTS)
  .refine((docs) => new Set(docs.map((d) => d.id)).size === docs.length, 'a document is listed twice');

/** Optional text beside the documents: '' when none was given. */
export const QaTextSchema = storableString().max(MAX_QA_TEXT_LENGTH);

export const QuestionResponseSchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  by: ActorSchema,
  text: QaTextSchema,
  documents: QaDocumentListSchema,
});
export type QuestionResponse = z.infer<typeof QuestionResponseSchema>;

export const QuestionSchema = z.object({
  id: z.uuid(),
  /** The asker's division when asked; the round counts within it. */
  division: CmsDivisionSchema,
  /** 1 for the division's first question on the package, +1 for each next one. */
  round: z.number().int().positive(),
  at: z.iso.datetime(),
  by: ActorSchema,
  text: QaTextSchema,
  /** When the question is about one rate certification (of the last submitted revision when asked). */
  rateId: z.uuid().optional(),
  documents: QaDocumentListSchema,
  /** The state's one response; null while the question is open. */
  response: QuestionResponseSchema.nullable(),
});
export type Question = z.infer<typeof QuestionSchema>;

/**
 * A package's questions, newest first, as every store must hold them: ids unique, each
 * division's rounds numbered 1..n in order, at most one open question and that one the newest,
 * no response before its question.
 */
export const QuestionListSchema = z
  .array(QuestionSchema)
  .max(MAX_QUESTIONS_PER_PACKAGE)
  .superRefine((questions, ctx) => {
    for (const problem of questionListProblems(questions)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  });

/** What is wrong with a list of questions (newest first), per the rules above; empty when nothing. */
function questionListProblems(
  questions: readonly Pick<Question, 'id' | 'division' | 'round' | 'at' | 'response'>[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const ids = new Set<string>();
  const expectedRound = new Map<string, number>();
  // Walk oldest first: rounds count up per division.
  for (let i = questions.length - 1; i >= 0; i--) {
    const q = questions[i]!;
    if (ids.has(q.id)) problems.push({ path: [i, 'id'], message: 'is used twice' });
    ids.add(q.id);
    const round = (expectedRound.get(q.division) ?? 0) + 1;
    expectedRound.set(q.division, round);
    if (q.round !== round)
      problems.push({
        path: [i, 'round'],
        message: `must be ${round} (${q.division}'s question number ${round})`,
      });
    if (q.response === null && i !== 0)
      problems.push({ path: [i, 'response'], message: 'only the newest question may be unanswered' });
    if (q.response !== null && q.response.at < q.at)
      problems.push({ path: [i, 'response', 'at'], message: 'cannot be before the question' });
    const newer = questions[i - 1];
    if (newer && newer.at < q.at)
      problems.push({ path: [i - 1, 'at'], message: 'questions are listed newest first' });
  }
  return problems;
}

/** The question waiting for the state's response, if any (there is at most one: the newest). */
export function openQuestion<Q extends Pick<Question, 'response'>>(questions: readonly Q[]): Q | undefined {
  return questions.find((q) => q.response === null);
}

/** How many questions of the package wait for a response (0 or 1 under the rules; counted anyway). */
export function openQuestionCount(questions: readonly Pick<Question, 'response'>[]): number {
  return questions.filter((q) => q.response === null).length;
}

/** The round the division's next question gets. */
export function nextRound(questions: readonly Pick<Question, 'division'>[], division: Question['division']) {
  return questions.filter((q) => q.division === division).length + 1;
}

/** When a question was last asked or answered: news to both sides. */
export function latestQuestionActivity(questions: readonly Question[]): string | undefined {
  let latest: string | undefined;
  for (const q of questions) {
    for (const at of [q.at, q.response?.at])
      if (at !== undefined && (latest === undefined || at > latest)) latest = at;
  }
  return latest;
}

/** Every document of the package's questions and responses, oldest question first. */
export function questionDocuments(questions: readonly Question[]): QaDocument[] {
  return [...questions].reverse().flatMap((q) => [...q.documents, ...(q.response?.documents ?? [])]);
}
