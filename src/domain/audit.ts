import type { Actor } from './reference.js';

/** What an audit event records. Package changes make the first eight; a download is the ninth. */
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
} as const;
