import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createNotifier,
  type MailTransport,
  type NotificationFailure,
  type OutgoingMail,
  outboxTransport,
} from '../../src/notify/index.js';
import { event, PACKAGE_ID, SETTINGS, submitted, unlocked } from './fixtures.js';
import { recordingLogger } from './recording-logger.js';

/** A transport that fails its first `failures` calls per message, then succeeds; records every call. */
function flakyTransport(failures: number) {
  const calls: { mail: OutgoingMail; at: number }[] = [];
  const transport: MailTransport = {
    async sendMail(mail) {
      calls.push({ mail, at: performance.now() });
      const tries = calls.filter((c) => c.mail === mail).length;
      if (tries <= failures) throw new Error(`connection refused (try ${tries})`);
      return { messageId: `<${tries}-${mail.headers['X-Carepack-Audience']}@test>` };
    },
  };
  return { transport, calls };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'carepack-notifier-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('notifier', () => {
  it('retries a transport that fails twice, with exponential backoff, then logs the message id', async () => {
    const { transport, calls } = flakyTransport(2);
    const { logger, lines } = recordingLogger();
    const onFailure = vi.fn();
    const notifier = createNotifier({ ...SETTINGS, transport, retries: 5, backoffMs: 25, logger, onFailure });

    notifier.notify(event('SUBMIT'));
    await notifier.drain();

    const stateCalls = calls.filter((c) => c.mail.headers['X-Carepack-Audience'] === 'STATE');
    expect(stateCalls).toHaveLength(3);
    expect(calls).toHaveLength(6);
    const [a, b, c] = stateCalls.map((x) => x.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(23);
    expect(c - b).toBeGreaterThanOrEqual(48);

    expect(onFailure).not.toHaveBeenCalled();
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(4);
    const sent = lines.filter((l) => l.message === 'notification sent');
    expect(sent.map((l) => l.details.messageId).sort()).toEqual(['<3-CMS@test>', '<3-STATE@test>']);
    expect(sent[0]?.details).toMatchObject({ event: 'SUBMIT', packageId: PACKAGE_ID, attempt: 3 });
  });

  it('gives up after retries + 1 attempts and records each undelivered message (log, file, onFailure)', async () => {
    const { transport, calls } = flakyTransport(Number.POSITIVE_INFINITY);
    const { logger, lines } = recordingLogger();
    const failures: NotificationFailure[] = [];
    const failedLog = join(dir, 'nested', 'mail-failures.jsonl');
    const notifier = createNotifier({
      ...SETTINGS,
      transport,
      retries: 2,
      backoffMs: 1,
      logger,
      failedLog,
      onFailure: (r) => failures.push(r),
    });

    notifier.notify(event('UNLOCK'));
    await notifier.drain();

    expect(calls).toHaveLength(6); // 2 messages × 3 attempts
    expect(failures.map((f) => f.audience).sort()).toEqual(['CMS', 'STATE']);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(2);

    const records = (await readFile(failedLog, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as NotificationFailure);
    expect(records).toHaveLength(2);
    const state = records.find((r) => r.audience === 'STATE')!;
    expect(state).toMatchObject({
      event: 'UNLOCK',
      packageId: PACKAGE_ID,
      packageName: 'MN-PMAP-0001',
      attempts: 3,
      error: 'connection refused (try 3)',
    });
    // The whole message is kept, so it can be resent as is.
    expect(state.mail.to).toContain('sam.submitter@mn.example.gov');
    expect(state.mail.subject).toBe('MN-PMAP-0001 was unlocked by CMS');
    expect(state.mail.text).toContain('Reason for unlocking');
    expect(state).toEqual(failures.find((f) => f.audience === 'STATE'));
  });

  it('returns from notify() at once even when the transport is slow', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    let finished = 0;
    const transport: MailTransport = {
      async sendMail() {
        started++;
        await gate;
        finished++;
        return { messageId: '<slow@test>' };
      },
    };
    const notifier = createNotifier({ ...SETTINGS, transport, logger: recordingLogger().logger });

    const t0 = performance.now();
    notifier.notify(event('SUBMIT'));
    const elapsed = performance.now() - t0;

    expect(elapsed).toBeLessThan(50);
    expect(started).toBe(0); // not even begun on the caller's turn
    await vi.waitFor(() => expect(started).toBe(2));
    expect(finished).toBe(0);

    let drained = false;
    const draining = notifier.drain().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false); // drain waits for in-flight sends

    release();
    await draining;
    expect(finished).toBe(2);
  });

  it('never throws into the caller: not for a bad event, not for a transport that throws synchronously', async () => {
    const { logger, lines } = recordingLogger();
    const transport: MailTransport = {
      sendMail() {
        throw new Error('boom');
      },
    };
    const notifier = createNotifier({ ...SETTINGS, transport, retries: 0, logger });
    const broken = { ...unlocked(), revisions: submitted().revisions };

    expect(() => notifier.notify(event('UNLOCK', broken))).not.toThrow();
    expect(() => notifier.notify(event('SUBMIT'))).not.toThrow();
    await notifier.drain();

    expect(lines.find((l) => l.message === 'could not build notification')?.details).toMatchObject({
      event: 'UNLOCK',
      packageId: PACKAGE_ID,
    });
    expect(lines.filter((l) => l.details.error === 'boom' && l.level === 'error')).toHaveLength(2);
  });

  it('drain() resolves at once when nothing is queued', async () => {
    const notifier = createNotifier({ ...SETTINGS, transport: flakyTransport(0).transport });
    await expect(notifier.drain()).resolves.toBeUndefined();
  });

  it('writes the emails of an event into the outbox end to end', async () => {
    const outbox = join(dir, 'outbox');
    const logger = pino({ level: 'silent' });
    const notifier = createNotifier({ ...SETTINGS, transport: outboxTransport(outbox, logger), logger });

    notifier.notify(event('RESUBMIT'));
    await notifier.drain();

    const files = await readdir(outbox);
    expect(files.map((f) => f.replace(/^.*-resubmit-/, '')).sort()).toEqual(['cms.eml', 'state.eml']);
    const cms = await readFile(join(outbox, files.find((f) => f.endsWith('-cms.eml'))!), 'utf8');
    expect(cms).toContain('Subject: MN-PMAP-0001 was resubmitted by MN');
  });
});
