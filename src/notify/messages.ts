/**
 * The emails each package event sends, as pure data: who gets what. One message goes to the
 * state side (contacts and submitters), one to the CMS review list (except for an approval,
 * which is news for the state only); either is left out when it would have no valid recipient.
 * The CMS users assigned to the package's state get what the review list gets (issue 14).
 * Questions and responses reach CMS's review list and the asking division's list too
 * (question-messages.ts).
 */
import type { ActionInfo } from '../domain/index.js';
import {
  isQuestionEvent,
  isReviewEvent,
  type PackageEvent,
  type PackageEventType,
  subjectRevision,
} from './event.js';
import {
  type DivisionLists,
  eventQuestion,
  questionAction,
  questionCmsRecipients,
  questionFacts,
  questionStateRecipients,
} from './question-messages.js';
import { uniqueAddresses } from './recipients.js';
import { type MessageContent, renderHtml, renderText } from './render.js';

export type Audience = 'STATE' | 'CMS';

/** Exactly what goes to the transport (nodemailer's SendMailOptions subset). */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** One message plus what it is about, for logs and the failure file. */
export interface NotificationEmail {
  event: PackageEventType;
  audience: Audience;
  packageId: string;
  packageName: string;
  mail: OutgoingMail;
}

export interface MessageSettings {
  /** Sender, e.g. `Carepack <no-reply@carepack.example.gov>`. */
  from: string;
  /** CMS staff who review every package. */
  cmsReviewList: readonly string[];
  /** The portal's public address; links are `${baseUrl}/packages/${id}`. */
  baseUrl: string;
  /** Each CMS division's list: told of its own questions and their responses. */
  divisionLists?: DivisionLists;
}

const stateOnly = (event: PackageEvent) => event.type === 'APPROVE' || event.type === 'UNDO_APPROVAL';

export function buildMessages(event: PackageEvent, settings: MessageSettings): NotificationEmail[] {
  const action = actionOf(event);
  const cmsList = [...settings.cmsReviewList, ...(event.analysts ?? [])];
  const audiences: [Audience, string[]][] = isQuestionEvent(event.type)
    ? [
        ['STATE', questionStateRecipients(event)],
        ['CMS', questionCmsRecipients(event, cmsList, settings.divisionLists ?? {})],
      ]
    : [
        ['STATE', stateRecipients(event)],
        // An approval and its undoing are news for the state; CMS made them.
        ['CMS', stateOnly(event) ? [] : uniqueAddresses(cmsList)],
      ];
  return audiences
    .filter(([, to]) => to.length > 0)
    .map(([audience, to]) => {
      const content = contentFor(event, audience, action, packageLink(settings.baseUrl, event.package.id));
      return {
        event: event.type,
        audience,
        packageId: event.package.id,
        packageName: event.name,
        mail: {
          from: settings.from,
          to,
          subject: subjectFor(event, audience),
          text: renderText(content),
          html: renderHtml(content),
          // Lets an operator (and the outbox file name) tell messages apart without parsing bodies.
          headers: {
            'X-Carepack-Event': event.type,
            'X-Carepack-Audience': audience,
            'X-Carepack-Package': event.package.id,
          },
        },
      };
    });
}

/**
 * Who did it, when and why: the submit info of the newest revision, the unlock info of the draft
 * an unlock made, or for a review decision the newest review action (which must be that decision).
 */
export function actionOf(event: PackageEvent): ActionInfo {
  if (isQuestionEvent(event.type)) return questionAction(event);
  if (isReviewEvent(event.type)) {
    const decision = event.package.reviewActions[0];
    if (decision?.action !== event.type) {
      throw new Error(
        `package ${event.package.id} has no ${event.type.toLowerCase()} as its newest review action`,
      );
    }
    return { at: decision.at, by: decision.by, reason: decision.reason };
  }
  const newest = event.package.revisions[0];
  const info = event.type === 'UNLOCK' ? newest?.unlockInfo : newest?.submitInfo;
  if (!info) {
    throw new Error(
      `package ${event.package.id} has no ${event.type.toLowerCase()} info on its newest revision`,
    );
  }
  return info;
}

/**
 * The state side: the contacts of the revision acted on, plus the (re)submitter; an unlock or a
 * review decision goes to everyone who ever submitted the package, since any of them may have to
 * act on it (or answer for it).
 */
export function stateRecipients(event: PackageEvent): string[] {
  const contacts = subjectRevision(event.package).formData.stateContacts.map((c) => c.email);
  if (event.type === 'UNLOCK' || isReviewEvent(event.type)) {
    return uniqueAddresses([...contacts, ...event.package.revisions.map((r) => r.submitInfo?.by.email)]);
  }
  return uniqueAddresses([...contacts, actionOf(event).by.email]);
}

export function packageLink(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/packages/${encodeURIComponent(id)}`;
}

/** `2025-01-15T12:00:00.000Z` → `2025-01-15 12:00 UTC`: unambiguous for readers in any time zone. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const ACTION_LABEL: Record<PackageEventType, string> = {
  SUBMIT: 'Submitted to CMS',
  UNLOCK: 'Unlocked by CMS',
  RESUBMIT: 'Resubmitted to CMS',
  APPROVE: 'Approved by CMS',
  UNDO_APPROVAL: 'Approval undone by CMS',
  WITHDRAW: 'Withdrawn by CMS',
  UNDO_WITHDRAWAL: 'Withdrawal undone by CMS',
  UNDO_UNLOCK: 'Unlock undone by CMS',
  QUESTION_ASKED: 'Questions from CMS',
  QUESTION_RESPONDED: 'Response from the state',
};

/** How each action's reason is introduced; an initial submission's is boilerplate and left out. */
const REASON_LABEL: Partial<Record<PackageEventType, string>> = {
  UNLOCK: 'Reason for unlocking',
  RESUBMIT: 'Reason for resubmitting',
  APPROVE: 'Note from CMS',
  UNDO_APPROVAL: 'Reason for undoing the approval',
  WITHDRAW: 'Reason for withdrawing',
  UNDO_WITHDRAWAL: 'Reason for undoing the withdrawal',
  UNDO_UNLOCK: 'Reason for undoing the unlock',
  QUESTION_ASKED: 'Questions',
  QUESTION_RESPONDED: 'Response',
};

function subjectFor(event: PackageEvent, audience: Audience): string {
  const { name } = event;
  const state = event.package.stateCode;
  switch (event.type) {
    case 'SUBMIT':
      return audience === 'STATE' ? `${name} was sent to CMS` : `New submission from ${state}: ${name}`;
    case 'UNLOCK':
      return audience === 'STATE' ? `${name} was unlocked by CMS` : `${name} was unlocked`;
    case 'RESUBMIT':
      return audience === 'STATE' ? `${name} was resubmitted to CMS` : `${name} was resubmitted by ${state}`;
    case 'APPROVE':
      return `${name} was approved by CMS`;
    case 'UNDO_APPROVAL':
      return `CMS undid the approval of ${name}`;
    case 'WITHDRAW':
      return audience === 'STATE' ? `${name} was withdrawn by CMS` : `${name} was withdrawn`;
    case 'UNDO_WITHDRAWAL':
      return audience === 'STATE'
        ? `CMS undid the withdrawal of ${name}`
        : `The withdrawal of ${name} was undone`;
    case 'UNDO_UNLOCK':
      return audience === 'STATE' ? `CMS undid the unlock of ${name}` : `The unlock of ${name} was undone`;
    case 'QUESTION_ASKED':
      return audience === 'STATE' ? `New questions about ${name}` : `Questions sent for ${name}`;
    case 'QUESTION_RESPONDED':
      return audience === 'STATE' ? `Response sent to CMS for ${name}` : `New responses for ${name}`;
  }
}

/** What the review status is once a withdrawal is undone, in words. */
function reviewAgain(event: PackageEvent): string {
  return event.package.reviewStatus === 'NOT_SUBJECT_TO_REVIEW'
    ? 'it is again not subject to review'
    : 'it is under review again';
}

function leadFor(event: PackageEvent, audience: Audience): string {
  const { name } = event;
  const state = event.package.stateCode;
  switch (event.type) {
    case 'SUBMIT':
      return audience === 'STATE'
        ? `${name} was sent to CMS for review.`
        : `${state} submitted ${name} to CMS for review.`;
    case 'UNLOCK':
      return audience === 'STATE'
        ? `CMS unlocked ${name} and returned it to the state. Make the requested changes and resubmit it.`
        : `${name} was unlocked and returned to ${state} for changes.`;
    case 'RESUBMIT':
      return audience === 'STATE'
        ? `${name} was resubmitted to CMS.`
        : `${state} resubmitted ${name} to CMS for review.`;
    case 'APPROVE':
      return `CMS approved ${name}.`;
    case 'UNDO_APPROVAL':
      return `CMS undid the approval of ${name}: ${reviewAgain(event)}. Disregard the earlier approval notice.`;
    case 'WITHDRAW':
      return audience === 'STATE'
        ? `CMS withdrew ${name} from review.`
        : `${name} from ${state} was withdrawn from review.`;
    case 'UNDO_WITHDRAWAL':
      return audience === 'STATE'
        ? `CMS undid the withdrawal of ${name}: ${reviewAgain(event)}.`
        : `The withdrawal of ${name} from ${state} was undone: ${reviewAgain(event)}.`;
    case 'UNDO_UNLOCK':
      return audience === 'STATE'
        ? `CMS undid the unlock of ${name}. The changes made since the unlock were discarded, and the last submitted version is current again.`
        : `The unlock of ${name} was undone: the last submission from ${state} is current again, and the state's unsubmitted changes were discarded.`;
    case 'QUESTION_ASKED': {
      const { division, round } = eventQuestion(event);
      return audience === 'STATE'
        ? `CMS (${division}) asked questions about ${name}. Respond with documents on the package's Questions and answers tab.`
        : `${division}'s round ${round} questions about ${name} were sent to ${state}.`;
    }
    case 'QUESTION_RESPONDED': {
      const { division, round } = eventQuestion(event);
      return audience === 'STATE'
        ? `The response to ${division}'s round ${round} questions about ${name} was sent to CMS.`
        : `${state} responded to ${division}'s round ${round} questions about ${name}.`;
    }
  }
}

function contentFor(
  event: PackageEvent,
  audience: Audience,
  action: ActionInfo,
  link: string,
): MessageContent {
  const revision = subjectRevision(event.package);
  const submission =
    revision.formData.submissionType === 'CONTRACT_AND_RATES'
      ? 'Contract action and rate certification'
      : 'Contract action only';
  const facts: [string, string][] = [
    ['Package', event.name],
    ['State', event.package.stateCode],
    ['Programs', event.programNames.length > 0 ? event.programNames.join(', ') : '(none)'],
    ['Submission type', submission],
    ['Action', ACTION_LABEL[event.type]],
    ['By', action.by.email],
    ['When', formatWhen(action.at)],
  ];
  const releasedOn = event.type === 'APPROVE' ? event.package.reviewActions[0]?.releasedOn : undefined;
  if (releasedOn) facts.push(['Released to the state', releasedOn]);
  if (isQuestionEvent(event.type)) facts.push(...questionFacts(event));
  const content: MessageContent = { lead: leadFor(event, audience), facts, link };
  // An initial submission's reason is boilerplate ("Initial submission"); the others are CMS's or
  // the state's words (a CMS reviewer may approve without one).
  const label = REASON_LABEL[event.type];
  if (label && action.reason.trim() !== '') content.reason = { label, text: action.reason };
  return content;
}
