/**
 * Who hears of CMS's questions and the state's responses, and what the messages say about
 * them (messages.ts builds the messages). A question tells the state (contacts and everyone who
 * submitted the package, and the rate's certifying actuaries when the question is about a rate
 * and the package says OACT talks to them directly) and CMS (the review list plus the asking
 * division's list); a response tells the same CMS lists and the state.
 */
import type { ActionInfo, CmsDivision, Question } from '../domain/index.js';
import { lastSubmittedRevision } from '../domain/index.js';
import { type PackageEvent, subjectRevision } from './event.js';
import { uniqueAddresses } from './recipients.js';

/** Each division's own list, besides the CMS review list (CAREPACK_DMCO_EMAILS, …). */
export type DivisionLists = Partial<Record<CmsDivision, readonly string[]>>;

/** The question the event is about; an event without its question is a bug, not an email. */
export function eventQuestion(event: PackageEvent): Question {
  const question = event.package.questions.find((q) => q.id === event.questionId);
  if (!question || (event.type === 'QUESTION_RESPONDED' && question.response === null))
    throw new Error(`package ${event.package.id} has no such ${event.type.toLowerCase()} question`);
  return question;
}

/** Who asked or responded, when, and their text (shown like a reason). */
export function questionAction(event: PackageEvent): ActionInfo {
  const question = eventQuestion(event);
  const step = event.type === 'QUESTION_RESPONDED' ? question.response! : question;
  return { at: step.at, by: step.by, reason: step.text };
}

/** The state side of a question or response. */
export function questionStateRecipients(event: PackageEvent): string[] {
  const question = eventQuestion(event);
  const contacts = subjectRevision(event.package).formData.stateContacts.map((c) => c.email);
  const submitters = event.package.revisions.map((r) => r.submitInfo?.by.email);
  const responder = event.type === 'QUESTION_RESPONDED' ? [question.response?.by.email] : [];
  return uniqueAddresses([...contacts, ...submitters, ...responder, ...rateActuaries(event, question)]);
}

/** The certifying actuaries of the rate the question is about, when OACT talks to them directly. */
function rateActuaries(event: PackageEvent, question: Question): string[] {
  if (event.type !== 'QUESTION_ASKED' || question.rateId === undefined) return [];
  const form = lastSubmittedRevision(event.package)?.formData;
  if (form?.actuaryCommunicationPreference !== 'OACT_TO_ACTUARY') return [];
  const rate = form.rateCertifications.find((r) => r.id === question.rateId);
  return rate?.certifyingActuaries.map((a) => a.email) ?? [];
}

/** The CMS side: the review list plus the division that asked. */
export function questionCmsRecipients(
  event: PackageEvent,
  reviewList: readonly string[],
  divisions: DivisionLists,
): string[] {
  return uniqueAddresses([...reviewList, ...(divisions[eventQuestion(event).division] ?? [])]);
}

/** What the facts table adds for a question: division, round, the rate, how many documents. */
export function questionFacts(event: PackageEvent): [string, string][] {
  const question = eventQuestion(event);
  const documents = event.type === 'QUESTION_RESPONDED' ? question.response!.documents : question.documents;
  const facts: [string, string][] = [
    ['Division', question.division],
    ['Round', String(question.round)],
  ];
  if (question.rateId !== undefined) facts.push(['Rate certification', event.rateName ?? question.rateId]);
  facts.push(['Documents', documents.map((d) => d.name).join(', ')]);
  return facts;
}
