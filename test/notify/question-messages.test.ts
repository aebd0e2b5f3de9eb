import { describe, expect, it } from 'vitest';
import { buildMessages, type NotificationEmail } from '../../src/notify/index.js';
import {
  ACTUARY_EMAIL,
  asked,
  BOB,
  event,
  LINK,
  QUESTION_TEXT,
  RESPONSE_TEXT,
  responded,
  SAM,
  SETTINGS,
} from './fixtures.js';

const DIVISIONS = {
  ...SETTINGS,
  divisionLists: {
    DMCO: ['dmco@cms.example.gov'],
    OACT: ['oact-team@cms.example.gov', 'REVIEW@cms.example.gov', 'not an address'],
  },
};
/** The review list (de-duplicated), then OACT's own list. */
const CMS_AND_OACT = ['review@cms.example.gov', 'oact@cms.example.gov', 'oact-team@cms.example.gov'];
const STATE_TO = ['dee@mn.example.gov', BOB.email, SAM.email];

function byAudience(emails: NotificationEmail[]) {
  const state = emails.find((e) => e.audience === 'STATE');
  const cms = emails.find((e) => e.audience === 'CMS');
  if (!state || !cms) throw new Error('expected a state and a CMS message');
  return { state, cms };
}

describe('question messages', () => {
  it('tell the state contacts and every submitter, and CMS: the review list plus the asking division', () => {
    const { state, cms } = byAudience(buildMessages(event('QUESTION_ASKED', asked()), DIVISIONS));
    expect(state.mail.to).toEqual(STATE_TO);
    expect(cms.mail.to).toEqual(CMS_AND_OACT);
    expect(cms.mail.to).not.toContain('dmco@cms.example.gov');
    expect(state.mail.subject).toBe('New questions about MN-PMAP-0001');
    expect(cms.mail.subject).toBe('Questions sent for MN-PMAP-0001');
    for (const e of [state, cms]) {
      expect(e.mail.headers['X-Carepack-Event']).toBe('QUESTION_ASKED');
      expect(e.mail.text).toContain(LINK);
      expect(e.mail.text).toContain('ruth.oact@cms.example.gov');
      expect(e.mail.text).toContain('2025-02-25 10:00 UTC');
      expect(e.mail.text).toMatch(/^Division: +OACT$/m);
      expect(e.mail.text).toMatch(/^Round: +1$/m);
      expect(e.mail.text).toMatch(/^Documents: +questions\.pdf, rates-table\.xlsx$/m);
      expect(e.mail.text).toContain(`Questions:\n  ${QUESTION_TEXT}`);
      expect(e.mail.html).toContain('Why do the &lt;rates&gt; &amp; the contract differ?');
    }
    expect(state.mail.text).toContain('CMS (OACT) asked questions about MN-PMAP-0001.');
    expect(cms.mail.text).toContain("OACT's round 1 questions about MN-PMAP-0001 were sent to MN.");
  });

  it("tell the rate's certifying actuaries when the question names the rate and OACT talks to them directly", () => {
    const direct = buildMessages(event('QUESTION_ASKED', asked({ preference: 'OACT_TO_ACTUARY' })), SETTINGS);
    expect(byAudience(direct).state.mail.to).toEqual([...STATE_TO, ACTUARY_EMAIL]);
    expect(byAudience(direct).cms.mail.to).not.toContain(ACTUARY_EMAIL);
    // The rate by the name CMS and actuaries know it by, when the service gave it.
    const named = byAudience(
      buildMessages(
        {
          ...event('QUESTION_ASKED', asked()),
          rateName: 'MCR-MN-0001-PMAP-20250101-20251231-CERTIFICATION-20241201',
        },
        SETTINGS,
      ),
    );
    expect(named.state.mail.text).toMatch(/^Rate certification: +MCR-MN-0001-PMAP-/m);
    for (const pkg of [
      asked({ preference: 'OACT_TO_STATE' }),
      asked(),
      asked({ preference: 'OACT_TO_ACTUARY', aboutRate: false }),
    ]) {
      const { state } = byAudience(buildMessages(event('QUESTION_ASKED', pkg), SETTINGS));
      expect(state.mail.to).not.toContain(ACTUARY_EMAIL);
    }
  });

  it('go to the CMS review list alone when the division has no list configured', () => {
    const { cms } = byAudience(buildMessages(event('QUESTION_ASKED', asked()), SETTINGS));
    expect(cms.mail.to).toEqual(['review@cms.example.gov', 'oact@cms.example.gov']);
  });
});

describe('response messages', () => {
  it('tell CMS (the review list and the division that asked) and the state, with the response', () => {
    const { state, cms } = byAudience(
      buildMessages(event('QUESTION_RESPONDED', responded({ preference: 'OACT_TO_ACTUARY' })), DIVISIONS),
    );
    expect(cms.mail.to).toEqual(CMS_AND_OACT);
    expect(state.mail.to).toEqual([...STATE_TO, 'bob.responder@mn.example.gov']);
    expect(state.mail.to).not.toContain(ACTUARY_EMAIL);
    expect(cms.mail.subject).toBe('New responses for MN-PMAP-0001');
    expect(state.mail.subject).toBe('Response sent to CMS for MN-PMAP-0001');
    expect(cms.mail.text).toContain("MN responded to OACT's round 1 questions about MN-PMAP-0001.");
    for (const e of [state, cms]) {
      expect(e.mail.headers['X-Carepack-Event']).toBe('QUESTION_RESPONDED');
      expect(e.mail.text).toContain('bob.responder@mn.example.gov');
      expect(e.mail.text).toContain('2025-02-27 14:30 UTC');
      expect(e.mail.text).toContain(`Response:\n  ${RESPONSE_TEXT}`);
      expect(e.mail.text).toMatch(/^Documents: +answers\.pdf$/m);
      expect(e.mail.text).not.toContain(QUESTION_TEXT);
    }
  });

  it('refuse to build a response message for a question still open (a bug, not an email)', () => {
    expect(() => buildMessages(event('QUESTION_RESPONDED', asked()), SETTINGS)).toThrow(/no such/);
  });
});
