import type { Actor } from './reference.js';
import { REVIEW_ACTIONS } from './review.js';

/** What happens to rate records (rates.ts), recorded on each package it touches. */
export const RATE_AUDIT_ACTIONS = [
  'CREATE_RATE',
  'UPDATE_RATE',
  'REMOVE_RATE',
  'LINK_RATE',
  'UNLINK_RATE',
  'WITHDRAW_RATE',
  'UNDO_RATE_WITHDRAWAL',
  'REPARENT_RATE',
] as const;

/** What an audit event records: package changes, a download, CMS's review decisions, questions and responses. */
export const AUDIT_ACTIONS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'SUBMIT',
  'UNLOCK',
  'RESUBMIT',
  'UPLOAD',
  'REMOVE_DOCUMENT',
  'DOWNLOAD',
  ...REVIEW_ACTIONS,
  'ASK_QUESTION',
  'RESPOND_QUESTION',
  ...RATE_AUDIT_ACTIONS,
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  id: string;
  packageId: string;
  /** Set by the server's clock, never by a client. */
  at: string;
  actor: Actor;
  action: AuditAction;
  summary: string;
}

/** An event before the store gives it an id. */
export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/** The audit wording of each package change, in one place. */
export const AUDIT_SUMMARIES = {
  create: (stateNumber: number) => `Draft created as number ${stateNumber}`,
  update: 'Draft updated',
  delete: 'Draft deleted',
  submit: 'Submitted to CMS',
  resubmit: (reason: string) => `Resubmitted: ${reason}`,
  unlock: (reason: string) => `Unlocked: ${reason}`,
  upload: (name: string, category: string, scanStatus: string) =>
    `Uploaded ${name} (${category}, ${scanStatus})`,
  removeDocument: 'Removed a document',
  download: (name: string) => `Downloaded ${name}`,
  downloadZip: (revision: number, included: number, withheld: number) =>
    `Downloaded revision ${revision} as a zip: ${included} document${included === 1 ? '' : 's'}${withheld > 0 ? `, ${withheld} withheld` : ''}`,
  approve: (releasedOn: string, reason: string) =>
    `Approved, released to the state on ${releasedOn}${reason ? `: ${reason}` : ''}`,
  undoApproval: (reason: string) => `Approval undone: ${reason}`,
  withdraw: (reason: string) => `Withdrawn: ${reason}`,
  undoWithdrawal: (reason: string) => `Withdrawal undone: ${reason}`,
  undoUnlock: (reason: string) => `Unlock undone, the state's unsubmitted edits discarded: ${reason}`,
  askQuestion: (division: string, round: number, documents: number) =>
    `${division} asked its round ${round} question (${documents} document${documents === 1 ? '' : 's'})`,
  respondQuestion: (division: string, round: number, documents: number) =>
    `Responded to ${division}'s round ${round} question (${documents} document${documents === 1 ? '' : 's'})`,
  createRate: (rateNumber: string) => `Rate certification ${rateNumber} added`,
  updateRate: (rateNumber: string) => `Rate certification ${rateNumber} updated`,
  removeRate: (rateNumber: string) => `Rate certification ${rateNumber} removed`,
  linkRate: (rateNumber: string) => `Linked rate certification ${rateNumber}`,
  unlinkRate: (rateNumber: string) => `Unlinked rate certification ${rateNumber}`,
  withdrawRate: (rateNumber: string, reason: string) =>
    `Rate certification ${rateNumber} withdrawn: ${reason}`,
  undoRateWithdrawal: (rateNumber: string, reason: string) =>
    `Withdrawal of rate certification ${rateNumber} undone: ${reason}`,
  reparentRate: (rateNumber: string, from: string) =>
    `Now the parent of rate certification ${rateNumber} (its parent ${from} was withdrawn)`,
} as const;
