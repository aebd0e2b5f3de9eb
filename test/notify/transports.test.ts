import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessages, outboxFileName, outboxTransport, smtpTransport } from '../../src/notify/index.js';
import { parseEml, textPart } from './eml.js';
import { event, LINK, SETTINGS } from './fixtures.js';
import { recordingLogger } from './recording-logger.js';
import { startTinySmtpServer, type TinySmtpServer } from './tiny-smtp-server.js';

const [stateEmail, cmsEmail] = buildMessages(event('UNLOCK'), SETTINGS);

describe('outbox transport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'carepack-outbox-')), 'outbox');
  });
  afterAll(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes each message as a parseable .eml named by time, id and event, and logs its path', async () => {
    const { logger, lines } = recordingLogger();
    const outbox = outboxTransport(dir, logger);
    const info = await outbox.sendMail(stateEmail!.mail);
    await outbox.sendMail(cmsEmail!.mail);

    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}-unlock-(state|cms)\.eml$/);
    expect(info.path).toBe(join(dir, files.find((f) => f.endsWith('-unlock-state.eml'))!));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', details: expect.objectContaining({ path: info.path }) }),
    );

    const raw = await readFile(info.path, 'utf8');
    expect(raw).not.toContain('\r\n');
    const eml = parseEml(raw);
    expect(eml.headers.get('to')).toBe(
      'dee@mn.example.gov, bob.resubmitter@mn.example.gov, sam.submitter@mn.example.gov',
    );
    expect(eml.headers.get('from')).toBe('Carepack <no-reply@carepack.example.gov>');
    expect(eml.headers.get('subject')).toBe('MN-PMAP-0001 was unlocked by CMS');
    expect(eml.headers.get('message-id')).toBe(info.messageId);
    expect(eml.headers.get('x-carepack-event')).toBe('UNLOCK');
    expect(eml.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    const text = textPart(eml);
    expect(text).toContain('Reason for unlocking:');
    expect(text).toContain(LINK);
  });

  it('falls back to a generic name part for mail without Carepack headers', () => {
    expect(outboxFileName({ headers: {} }, new Date('2025-01-15T12:00:00.123Z'))).toMatch(
      /^20250115T120000123Z-[0-9a-f]{8}-mail\.eml$/,
    );
  });
});

describe('smtp transport', () => {
  let server: TinySmtpServer;
  beforeAll(async () => {
    server = await startTinySmtpServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('delivers a message to an SMTP server, logging in with the given user and password', async () => {
    const smtp = smtpTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      user: 'carepack',
      pass: 's3cret',
    });
    try {
      const info = await smtp.sendMail(cmsEmail!.mail);
      expect(info.messageId).toMatch(/^<.+>$/);

      expect(server.received).toHaveLength(1);
      const got = server.received[0]!;
      expect(got.auth).toEqual({ user: 'carepack', pass: 's3cret' });
      expect(got.from).toBe('no-reply@carepack.example.gov');
      expect(got.to).toEqual(['review@cms.example.gov', 'oact@cms.example.gov']);
      const eml = parseEml(got.data);
      expect(eml.headers.get('subject')).toBe('MN-PMAP-0001 was unlocked');
      expect(eml.headers.get('message-id')).toBe(info.messageId);
      expect(textPart(eml)).toContain(LINK);
      expect(server.commands.slice(0, 2)).toEqual([
        'EHLO [127.0.0.1]',
        expect.stringMatching(/^AUTH PLAIN /),
      ]);
    } finally {
      smtp.close();
    }
  });

  it('fails (so the notifier retries) when nothing listens', async () => {
    const closed = await startTinySmtpServer();
    await closed.close();
    const smtp = smtpTransport({ host: '127.0.0.1', port: closed.port, secure: false });
    await expect(smtp.sendMail(cmsEmail!.mail)).rejects.toThrow();
  });
});
