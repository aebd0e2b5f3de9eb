/**
 * Sends the emails of package events in the background. The caller's action has already
 * succeeded when it notifies, so mail problems must never fail or slow it: `notify()` only
 * queues; a small worker pool sends, retries with exponential backoff, and finally records what
 * it could not deliver (log + JSON Lines file + `onFailure`).
 */
import type { PackageEvent } from './event.js';
import { jsonLinesFailureLog, type NotificationFailure } from './failure-log.js';
import { consoleNotifyLogger, type NotifyLogger } from './logger.js';
import { buildMessages, type NotificationEmail, type OutgoingMail } from './messages.js';
import type { DivisionLists } from './question-messages.js';

/** Anything with nodemailer's promise-style `sendMail`: a Transporter, or one of ./transports.js. */
export interface MailTransport {
  sendMail(mail: OutgoingMail): Promise<{ messageId?: string }>;
}

export interface Notifier {
  /** Queues the event's emails and returns at once. Never throws, never blocks the caller. */
  notify(event: PackageEvent): void;
  /** Resolves when everything queued so far (and anything queued meanwhile) is sent or recorded. */
  drain(): Promise<void>;
}

export interface NotifierOptions {
  transport: MailTransport;
  from: string;
  cmsReviewList: readonly string[];
  /** Each CMS division's list, told of its questions and their responses. */
  divisionLists?: DivisionLists;
  baseUrl: string;
  /** Retries after the first attempt: a message is tried `retries + 1` times. Default 5. */
  retries?: number;
  /** Wait before the first retry; doubled before each further one. Default 1000. */
  backoffMs?: number;
  /** Messages sent at the same time. Default 2. */
  concurrency?: number;
  logger?: NotifyLogger;
  /** JSON Lines file that collects undeliverable messages for resending. */
  failedLog?: string;
  onFailure?(record: NotificationFailure): void;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { transport } = options;
  const retries = Math.max(0, options.retries ?? 5);
  const backoffMs = Math.max(0, options.backoffMs ?? 1000);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const log = options.logger ?? consoleNotifyLogger;
  const appendFailure = options.failedLog ? jsonLinesFailureLog(options.failedLog) : undefined;
  const settings = {
    from: options.from,
    cmsReviewList: options.cmsReviewList,
    divisionLists: options.divisionLists ?? {},
    baseUrl: options.baseUrl,
  };

  const queue: NotificationEmail[] = [];
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  function pump() {
    while (active < concurrency && queue.length > 0) {
      const email = queue.shift()!;
      active++;
      void deliver(email).finally(() => {
        active--;
        pump();
        if (active === 0 && queue.length === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
    }
  }

  async function deliver(email: NotificationEmail) {
    const about = {
      event: email.event,
      audience: email.audience,
      packageId: email.packageId,
      packageName: email.packageName,
      to: email.mail.to,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const info = await transport.sendMail(email.mail);
        log.info({ ...about, attempt, messageId: info?.messageId }, 'notification sent');
        return;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        if (attempt > retries) {
          await recordFailure(email, attempt, error);
          return;
        }
        const waitMs = backoffMs * 2 ** (attempt - 1);
        log.warn({ ...about, attempt, error, retryInMs: waitMs }, 'notification failed, will retry');
        await sleep(waitMs);
      }
    }
  }

  async function recordFailure(email: NotificationEmail, attempts: number, error: string) {
    const { mail, ...about } = email;
    const record: NotificationFailure = { at: new Date().toISOString(), ...about, attempts, error, mail };
    log.error(
      { ...about, to: mail.to, attempts, error, failedLog: options.failedLog },
      'notification could not be sent; recorded for resending',
    );
    if (appendFailure) {
      try {
        await appendFailure(record);
      } catch (e) {
        log.error(
          { ...about, error: String(e), failedLog: options.failedLog },
          'could not record a failed notification',
        );
      }
    }
    try {
      options.onFailure?.(record);
    } catch (e) {
      log.error({ ...about, error: String(e) }, 'onFailure threw');
    }
  }

  return {
    notify(event) {
      try {
        const emails = buildMessages(event, settings);
        if (emails.length === 0) {
          log.warn(
            { event: event.type, packageId: event.package.id },
            'notification has no valid recipients',
          );
          return;
        }
        queue.push(...emails);
        // Start on a later turn so not even the transport's synchronous work runs on the caller's time.
        setImmediate(pump);
      } catch (e) {
        log.error(
          {
            event: event?.type,
            packageId: event?.package?.id,
            error: e instanceof Error ? e.message : String(e),
          },
          'could not build notification',
        );
      }
    },
    drain() {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
