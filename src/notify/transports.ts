/**
 * Where mail goes. With no SMTP server configured, the embedded default writes every message
 * as an `.eml` file into an outbox folder, so a developer or operator can open exactly what
 * would have been sent; with one, nodemailer's SMTP transport delivers it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { consoleNotifyLogger, type NotifyLogger } from './logger.js';
import type { OutgoingMail } from './messages.js';
import type { MailTransport } from './notifier.js';

export interface OutboxTransport extends MailTransport {
  sendMail(mail: OutgoingMail): Promise<{ messageId: string; path: string }>;
  readonly dir: string;
}

export function outboxTransport(dir: string, logger: NotifyLogger = consoleNotifyLogger): OutboxTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    dir,
    async sendMail(mail) {
      const info = await composer.sendMail(mail);
      if (!Buffer.isBuffer(info.message)) throw new Error('stream transport did not buffer the message');
      await mkdir(dir, { recursive: true });
      const path = join(dir, outboxFileName(mail));
      // Write then rename, so whoever watches the folder never sees half a message.
      const partial = `${path}.partial`;
      await writeFile(partial, info.message);
      await rename(partial, path);
      logger.info(
        { path, messageId: info.messageId, to: mail.to, subject: mail.subject },
        'email written to outbox',
      );
      return { messageId: info.messageId, path };
    },
  };
}

/** `20250115T120000123Z-1a2b3c4d-submit-state.eml`: sorts by time, unique, says what it is. */
export function outboxFileName(mail: Pick<OutgoingMail, 'headers'>, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const what = [mail.headers['X-Carepack-Event'], mail.headers['X-Carepack-Audience']]
    .filter((s): s is string => Boolean(s))
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');
  return `${stamp}-${randomBytes(4).toString('hex')}-${what || 'mail'}.eml`;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it (587/25). */
  secure: boolean;
  user?: string;
  pass?: string;
}

export interface SmtpTransport extends MailTransport {
  close(): void;
}

export function smtpTransport(settings: SmtpSettings): SmtpTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? '' } } : {}),
    // Bounded, so a dead server turns into a failed attempt (and a retry) instead of a stuck worker.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    sendMail: (mail) => transporter.sendMail(mail),
    close: () => transporter.close(),
  };
}

export interface MailTransportSettings {
  /** Absent: write to the outbox instead of sending. */
  smtp?: SmtpSettings;
  outboxDir: string;
}

/** The transport the configuration asks for: SMTP when a host is set, else the outbox. */
export function mailTransport(settings: MailTransportSettings, logger?: NotifyLogger): MailTransport {
  return settings.smtp ? smtpTransport(settings.smtp) : outboxTransport(settings.outboxDir, logger);
}
