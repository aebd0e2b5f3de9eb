/**
 * Questions and responses as change plans (rules in questions.ts). Neither names an expected
 * version: an upload takes time and the package may change meanwhile (a decision, an unlock).
 * The store's version guard still makes each atomic — when two CMS users ask at once, the
 * second plan is re-run on the package as written, finds the first question open, and refuses.
 *
 * The service checks `assertMayAsk` / `assertMayRespond` before it stores any bytes, so a
 * refused request costs no upload; the plan checks everything again on the package as it is.
 */
import { AUDIT_SUMMARIES } from '../audit.js';
import { DomainError, forbidden, invalidField, invalidFields, notFound } from '../errors.js';
import { lastSubmittedRevision, type Package } from '../package.js';
import {
  MAX_QA_DOCUMENTS,
  MAX_QUESTIONS_PER_PACKAGE,
  nextRound,
  openQuestion,
  type QaDocument,
  QaTextSchema,
  type Question,
  type QuestionResponse,
} from '../questions.js';
import { actorOf, type CmsDivision, type User } from '../reference.js';
import { assertVisible, type KeptChange, withQuestions } from './package-change.js';

/** The user who acts, the server's clock, and the record's id. */
interface QaStep {
  user: User;
  at: string;
  id: string;
  text?: string | undefined;
  /** Made by the server as the files were stored, never sent by a client. */
  documents: readonly QaDocument[];
}

export interface AskRequest extends QaStep {
  rateId?: string | undefined;
}

export interface RespondRequest extends QaStep {
  questionId: string;
}

/** May this user ask a question about this package now (and about this rate)? The division it asks for. */
export function assertMayAsk(pkg: Package, user: User, rateId?: string): CmsDivision {
  assertVisible(pkg, user);
  if (user.role !== 'CMS_USER') throw forbidden('only CMS reviewers ask questions');
  if (!user.division)
    throw forbidden('your CMS account has no division (DMCO, DMCP or OACT): ask an administrator to set one');
  const submitted = lastSubmittedRevision(pkg);
  if (!submitted) throw notFound('package', pkg.id);
  if (pkg.reviewStatus === 'APPROVED')
    throw new DomainError(
      'INVALID_TRANSITION',
      `cannot ask questions about package ${pkg.id}: it is approved`,
      [],
      {
        id: pkg.id,
      },
    );
  const open = openQuestion(pkg.questions);
  if (open)
    throw new DomainError(
      'INVALID_TRANSITION',
      `the state has not answered ${open.division}'s round ${open.round} question yet: no new question until it does`,
      [],
      { id: pkg.id, openQuestionId: open.id },
    );
  if (pkg.questions.length >= MAX_QUESTIONS_PER_PACKAGE)
    throw new DomainError(
      'INVALID_TRANSITION',
      `package ${pkg.id} already has ${MAX_QUESTIONS_PER_PACKAGE} questions, the most it may hold`,
    );
  // A rate of the submission: embedded (records made before rates were records) or a rate record it links.
  const submittedRate = (id: string) =>
    submitted.formData.rateCertifications.some((r) => r.id === id) ||
    submitted.rateLinks.some((l) => l.rateId === id);
  if (rateId !== undefined && !submittedRate(rateId))
    throw invalidField('rateId', 'is not a rate certification of the submitted package');
  return user.division;
}

/** May this user respond to this question now? Only a user of the package's own state, once. */
export function assertMayRespond(pkg: Package, user: User, questionId: string): Question {
  assertVisible(pkg, user);
  // Checked on every response, whatever the route: a user of another state never answers.
  if (user.role !== 'STATE_USER' || user.stateCode !== pkg.stateCode)
    throw forbidden(`only ${pkg.stateCode} state users respond to CMS's questions`);
  const question = pkg.questions.find((q) => q.id === questionId);
  if (!question) throw notFound('question', questionId);
  if (question.response !== null)
    throw new DomainError(
      'INVALID_TRANSITION',
      `${question.division}'s round ${question.round} question was already answered`,
      [],
      { id: pkg.id, questionId },
    );
  return question;
}

/** A CMS reviewer's question, with its documents: the package's newest question. */
export function planAskQuestion(pkg: Package, request: AskRequest): KeptChange {
  const division = assertMayAsk(pkg, request.user, request.rateId);
  const text = checkText(request.text);
  const documents = checkDocuments(request.documents);
  const question: Question = {
    id: request.id,
    division,
    round: nextRound(pkg.questions, division),
    at: request.at,
    by: actorOf(request.user),
    text,
    ...(request.rateId !== undefined ? { rateId: request.rateId } : {}),
    documents,
    response: null,
  };
  return {
    after: withQuestions(pkg, [question, ...pkg.questions], request.at),
    event: {
      actor: question.by,
      action: 'ASK_QUESTION',
      summary: AUDIT_SUMMARIES.askQuestion(division, question.round, documents.length),
      at: request.at,
    },
  };
}

/** The state's response, which closes the question. */
export function planRespond(pkg: Package, request: RespondRequest): KeptChange {
  const question = assertMayRespond(pkg, request.user, request.questionId);
  const text = checkText(request.text);
  const documents = checkDocuments(request.documents);
  const response: QuestionResponse = {
    id: request.id,
    at: request.at,
    by: actorOf(request.user),
    text,
    documents,
  };
  const questions = pkg.questions.map((q) => (q.id === question.id ? { ...q, response } : q));
  return {
    after: withQuestions(pkg, questions, request.at),
    event: {
      actor: response.by,
      action: 'RESPOND_QUESTION',
      summary: AUDIT_SUMMARIES.respondQuestion(question.division, question.round, documents.length),
      at: request.at,
    },
  };
}

function checkText(text: string | undefined): string {
  const parsed = QaTextSchema.safeParse((text ?? '').trim());
  if (!parsed.success) throw invalidField('text', parsed.error.issues[0]!.message);
  return parsed.data;
}

/** At least one, at most MAX_QA_DOCUMENTS, names unique (ignoring case) within the one request. */
function checkDocuments(documents: readonly QaDocument[]): QaDocument[] {
  if (documents.length === 0) throw invalidField('file', 'attach at least one document');
  const seen = new Set<string>();
  for (const [i, d] of documents.entries()) {
    const name = d.name.toLowerCase();
    if (seen.has(name))
      throw new DomainError('DUPLICATE_DOCUMENT', `two documents are named "${d.name}"`, [
        { path: `file.${i}`, message: `"${d.name}" is already attached` },
      ]);
    seen.add(name);
  }
  if (documents.length > MAX_QA_DOCUMENTS)
    throw invalidFields('too many documents', [
      { path: 'file', message: `attach at most ${MAX_QA_DOCUMENTS}` },
    ]);
  return [...documents];
}
