/**
 * The emails each package event sends, as pure data: who gets what. One message goes to the
 * state side (contacts and submitters), one to the CMS review list; either is left out when it
 * would have no valid recipient.
 */
import type { ActionInfo } from '../domain/index.js';
import { type PackageEvent, type PackageEventType, subjectRevision } from './event.js';
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
}

export function buildMessages(event: PackageEvent, settings: MessageSettings): NotificationEmail[] {
  const action = actionOf(event);
  const audiences: [Audience, string[]][] = [
    ['STATE', stateRecipients(event)],
    ['CMS', uniqueAddresses(settings.cmsReviewList)],
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

/** Who did it, when and why: the submit info of the newest revision, or the unlock info of the draft an unlock made. */
export function actionOf(event: PackageEvent): ActionInfo {
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
 * The state side: the contacts of the revision acted on, plus the (re)submitter; an unlock goes
 * to everyone who ever submitted the package, since any of them may have to act on it.
 */
export function stateRecipients(event: PackageEvent): string[] {
  const contacts = subjectRevision(event.package).formData.stateContacts.map((c) => c.email);
  if (event.type === 'UNLOCK') {
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
  }
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
  const content: MessageContent = {
    lead: leadFor(event, audience),
    facts: [
      ['Package', event.name],
      ['State', event.package.stateCode],
      ['Programs', event.programNames.length > 0 ? event.programNames.join(', ') : '(none)'],
      ['Submission type', submission],
      ['Action', ACTION_LABEL[event.type]],
      ['By', action.by.email],
      ['When', formatWhen(action.at)],
    ],
    link,
  };
  // An initial submission's reason is boilerplate ("Initial submission"); the others are CMS's or the state's words.
  if (event.type === 'UNLOCK') content.reason = { label: 'Reason for unlocking', text: action.reason };
  if (event.type === 'RESUBMIT') content.reason = { label: 'Reason for resubmitting', text: action.reason };
  return content;
}
