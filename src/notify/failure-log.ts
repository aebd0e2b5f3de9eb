/**
 * Messages that could not be sent after every retry, one JSON object per line, with the whole
 * message so an operator can resend it (`transport.sendMail(record.mail)`).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PackageEventType } from './event.js';
import type { Audience, OutgoingMail } from './messages.js';

export interface NotificationFailure {
  /** When we gave up. */
  at: string;
  event: PackageEventType;
  audience: Audience;
  packageId: string;
  packageName: string;
  attempts: number;
  /** The last error's message. */
  error: string;
  mail: OutgoingMail;
}

/** Appends one record per line; writes are chained so concurrent failures never interleave. */
export function jsonLinesFailureLog(path: string): (record: NotificationFailure) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return (record) => {
    const write = async () => {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify(record)}\n`, 'utf8');
    };
    const next = chain.then(write, write);
    chain = next.catch(() => {});
    return next;
  };
}
