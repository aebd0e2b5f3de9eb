import { describe, expect, it } from 'vitest';
import { FormDataSchema, type Package } from '../../src/domain/index.js';
import {
  buildMessages,
  type NotificationEmail,
  packageEvent,
  packageLink,
  uniqueAddresses,
} from '../../src/notify/index.js';
import {
  approved,
  BOB,
  CAROL_CMS,
  event,
  LINK,
  PACKAGE_ID,
  PMAP_ID,
  RESUBMIT_REASON,
  SAM,
  SETTINGS,
  submitted,
  UNDO_REASON,
  UNLOCK_REASON,
  unlocked,
  WITHDRAW_REASON,
} from './fixtures.js';

const CMS_TO = ['review@cms.example.gov', 'oact@cms.example.gov'];

function byAudience(emails: NotificationEmail[]) {
  const state = emails.find((e) => e.audience === 'STATE');
  const cms = emails.find((e) => e.audience === 'CMS');
  if (!state || !cms) throw new Error('expected a state and a CMS message');
  return { state, cms };
}

function expectCommon(e: NotificationEmail, action: string, by: string, when: string) {
  for (const body of [e.mail.text, e.mail.html]) {
    expect(body).toContain('MN-PMAP-0001');
    expect(body).toContain('PMAP (Prepaid Medical Assistance Program)');
    expect(body).toContain(action);
    expect(body).toContain(by);
    expect(body).toContain(when);
    expect(body).toContain(LINK);
  }
  expect(e.mail.subject).toContain('MN-PMAP-0001');
  expect(e.mail.from).toBe(SETTINGS.from);
  expect(e.packageId).toBe(PACKAGE_ID);
  expect(e.mail.html).toContain(`<a href="${LINK}">`);
}

describe('submit messages', () => {
  const { state, cms } = byAudience(buildMessages(event('SUBMIT'), SETTINGS));

  it('goes to the state contacts and the submitter, each once, skipping invalid and empty addresses', () => {
    expect(state.mail.to).toEqual(['Ann.Contact@MN.example.gov', 'SAM.SUBMITTER@mn.example.gov']);
  });

  it('tells the state it was sent to CMS', () => {
    expect(state.mail.subject).toBe('MN-PMAP-0001 was sent to CMS');
    expect(state.mail.text).toContain('MN-PMAP-0001 was sent to CMS for review.');
    expectCommon(state, 'Submitted to CMS', SAM.email, '2025-01-15 12:00 UTC');
  });

  it('sends a separate message to the de-duplicated CMS review list', () => {
    expect(cms.mail.to).toEqual(CMS_TO);
    expect(cms.mail.subject).toBe('New submission from MN: MN-PMAP-0001');
    expect(cms.mail.text).toContain('MN submitted MN-PMAP-0001 to CMS for review.');
    expectCommon(cms, 'Submitted to CMS', SAM.email, '2025-01-15 12:00 UTC');
  });

  it('does not show the boilerplate reason', () => {
    expect(state.mail.text).not.toContain('Initial submission');
  });

  it('marks each message with its event, audience and package', () => {
    expect(state.mail.headers).toEqual({
      'X-Carepack-Event': 'SUBMIT',
      'X-Carepack-Audience': 'STATE',
      'X-Carepack-Package': PACKAGE_ID,
    });
    expect(cms.mail.headers['X-Carepack-Audience']).toBe('CMS');
  });
});

describe('unlock messages', () => {
  const { state, cms } = byAudience(buildMessages(event('UNLOCK'), SETTINGS));

  it('go to the state contacts and every past submitter', () => {
    expect(state.mail.to).toEqual(['dee@mn.example.gov', BOB.email, SAM.email]);
    expect(state.mail.to).not.toContain(CAROL_CMS.email);
  });

  it("carry CMS's reason, who unlocked and when, to both sides", () => {
    expect(state.mail.subject).toBe('MN-PMAP-0001 was unlocked by CMS');
    expect(cms.mail.subject).toBe('MN-PMAP-0001 was unlocked');
    expect(cms.mail.to).toEqual(CMS_TO);
    for (const e of [state, cms]) {
      expectCommon(e, 'Unlocked by CMS', CAROL_CMS.email, '2025-03-01 08:30 UTC');
      expect(e.mail.text).toContain('Reason for unlocking:');
      expect(e.mail.text).toContain(
        '  Rates <tables> are missing & the dates are wrong.\n  Please fix both.',
      );
    }
  });

  it('escapes the reason in HTML', () => {
    expect(state.mail.html).toContain('Rates &lt;tables&gt; are missing &amp; the dates are wrong.');
    expect(state.mail.html).not.toContain('<tables>');
  });
});

describe('resubmit messages', () => {
  const { state, cms } = byAudience(buildMessages(event('RESUBMIT'), SETTINGS));

  it("go to the state contacts and the resubmitter, and to CMS, with the state's reason", () => {
    expect(state.mail.to).toEqual(['dee@mn.example.gov', BOB.email]);
    expect(cms.mail.to).toEqual(CMS_TO);
    expect(state.mail.subject).toBe('MN-PMAP-0001 was resubmitted to CMS');
    expect(cms.mail.subject).toBe('MN-PMAP-0001 was resubmitted by MN');
    for (const e of [state, cms]) {
      expectCommon(e, 'Resubmitted to CMS', BOB.email, '2025-02-10 16:45 UTC');
      expect(e.mail.text).toContain(`Reason for resubmitting:\n  ${RESUBMIT_REASON}`);
      expect(e.mail.html).toContain('Added the &quot;rate&quot; tables');
      expect(e.mail.text).not.toContain(UNLOCK_REASON);
    }
  });
});

describe('review decision messages', () => {
  /** Everyone on the state side who ever submitted, and the contacts of the last submitted revision. */
  const STATE_TO = ['dee@mn.example.gov', BOB.email, SAM.email];

  it('approval: tells the state only, with the release date, who approved and when', () => {
    const emails = buildMessages(event('APPROVE'), SETTINGS);
    expect(emails.map((e) => e.audience)).toEqual(['STATE']);
    const state = emails[0]!;
    expect(state.mail.to).toEqual(STATE_TO);
    expect(state.mail.subject).toBe('MN-PMAP-0001 was approved by CMS');
    expect(state.mail.text).toContain('CMS approved MN-PMAP-0001.');
    expect(state.mail.text).toMatch(/^Released to the state: *2025-02-20$/m);
    expect(state.mail.html).toContain('<th align="left">Released to the state</th><td>2025-02-20</td>');
    expectCommon(state, 'Approved by CMS', CAROL_CMS.email, '2025-02-21 15:00 UTC');
    expect(state.mail.headers['X-Carepack-Event']).toBe('APPROVE');
    // A reviewer's approval without a note shows no empty reason; an admin's reason is shown.
    expect(state.mail.text).not.toContain('Note from CMS');
    const noted = buildMessages(event('APPROVE', approved('Approved on behalf of Carol.')), SETTINGS)[0]!;
    expect(noted.mail.text).toContain('Note from CMS:\n  Approved on behalf of Carol.');
  });

  it('undone approval: tells the state (whom the approval told) that it no longer holds, and why', () => {
    const emails = buildMessages(event('UNDO_APPROVAL'), SETTINGS);
    expect(emails.map((e) => e.audience)).toEqual(['STATE']);
    const state = emails[0]!;
    expect(state.mail.to).toEqual(STATE_TO);
    expect(state.mail.subject).toBe('CMS undid the approval of MN-PMAP-0001');
    expect(state.mail.text).toContain('CMS undid the approval of MN-PMAP-0001: it is under review again.');
    expect(state.mail.text).not.toContain('Released to the state');
    expectCommon(state, 'Approval undone by CMS', CAROL_CMS.email, '2025-02-24 08:30 UTC');
    expect(state.mail.text).toContain(`Reason for undoing the approval:\n  ${UNDO_REASON}`);
  });

  it("withdrawal: tells the state contacts, every submitter and the CMS list, with CMS's reason", () => {
    const { state, cms } = byAudience(buildMessages(event('WITHDRAW'), SETTINGS));
    expect(state.mail.to).toEqual(STATE_TO);
    expect(cms.mail.to).toEqual(CMS_TO);
    expect(state.mail.subject).toBe('MN-PMAP-0001 was withdrawn by CMS');
    expect(cms.mail.subject).toBe('MN-PMAP-0001 was withdrawn');
    expect(state.mail.text).toContain('CMS withdrew MN-PMAP-0001 from review.');
    expect(cms.mail.text).toContain('MN-PMAP-0001 from MN was withdrawn from review.');
    for (const e of [state, cms]) {
      expectCommon(e, 'Withdrawn by CMS', CAROL_CMS.email, '2025-02-22 09:15 UTC');
      expect(e.mail.text).toContain(`Reason for withdrawing:\n  ${WITHDRAW_REASON}`);
      expect(e.mail.html).toContain('asked to &lt;withdraw&gt; it &amp; start over');
      expect(e.mail.html).not.toContain('<withdraw>');
    }
  });

  it('undone withdrawal: tells both sides the package is under review again, and why', () => {
    const { state, cms } = byAudience(buildMessages(event('UNDO_WITHDRAWAL'), SETTINGS));
    expect(state.mail.to).toEqual(STATE_TO);
    expect(cms.mail.to).toEqual(CMS_TO);
    expect(state.mail.subject).toBe('CMS undid the withdrawal of MN-PMAP-0001');
    expect(cms.mail.subject).toBe('The withdrawal of MN-PMAP-0001 was undone');
    expect(state.mail.text).toContain('CMS undid the withdrawal of MN-PMAP-0001: it is under review again.');
    for (const e of [state, cms]) {
      expectCommon(e, 'Withdrawal undone by CMS', CAROL_CMS.email, '2025-02-23 10:00 UTC');
      expect(e.mail.text).toContain(`Reason for undoing the withdrawal:\n  ${UNDO_REASON}`);
      expect(e.mail.text).not.toContain(WITHDRAW_REASON);
    }
  });

  it('undone unlock: tells both sides the last submission is current again and the edits are gone', () => {
    const { state, cms } = byAudience(buildMessages(event('UNDO_UNLOCK'), SETTINGS));
    expect(state.mail.to).toEqual(STATE_TO);
    expect(cms.mail.to).toEqual(CMS_TO);
    expect(state.mail.subject).toBe('CMS undid the unlock of MN-PMAP-0001');
    expect(cms.mail.subject).toBe('The unlock of MN-PMAP-0001 was undone');
    expect(state.mail.text).toContain('The changes made since the unlock were discarded');
    for (const e of [state, cms]) {
      expectCommon(e, 'Unlock undone by CMS', CAROL_CMS.email, '2025-03-02 11:20 UTC');
      expect(e.mail.text).toContain(`Reason for undoing the unlock:\n  ${UNDO_REASON}`);
    }
  });

  it('refuses a review event whose package does not carry that decision on top', () => {
    const p: Package = { ...approved(), reviewActions: [] };
    expect(() => buildMessages(event('APPROVE', p), SETTINGS)).toThrow(/no approve as its newest/);
    expect(() => buildMessages(event('WITHDRAW', approved()), SETTINGS)).toThrow(/no withdraw/);
  });
});

describe("the state's assigned analysts (issue 14)", () => {
  const ANALYSTS = ['ana.lyst@cms.example.gov', 'OACT@cms.example.gov', 'not an address'];
  const cmsTo = (type: Parameters<typeof event>[0]) =>
    buildMessages({ ...event(type), analysts: ANALYSTS }, SETTINGS).find((e) => e.audience === 'CMS')?.mail
      .to;

  it('get every message the CMS review list gets, once each, after the list', () => {
    for (const type of [
      'SUBMIT',
      'UNLOCK',
      'RESUBMIT',
      'WITHDRAW',
      'UNDO_WITHDRAWAL',
      'UNDO_UNLOCK',
    ] as const)
      expect(cmsTo(type), type).toEqual([...CMS_TO, 'ana.lyst@cms.example.gov']);
    for (const type of ['QUESTION_ASKED', 'QUESTION_RESPONDED'] as const)
      expect(cmsTo(type), type).toContain('ana.lyst@cms.example.gov');
  });

  it('are not told of an approval, news for the state only', () => {
    expect(cmsTo('APPROVE')).toBeUndefined();
  });

  it('alone still make a CMS message when the review list is empty', () => {
    const emails = buildMessages(
      { ...event('SUBMIT'), analysts: ANALYSTS },
      { ...SETTINGS, cmsReviewList: [] },
    );
    expect(emails.find((e) => e.audience === 'CMS')?.mail.to).toEqual([
      'ana.lyst@cms.example.gov',
      'OACT@cms.example.gov',
    ]);
  });
});

describe('recipients and links', () => {
  it('leaves out the CMS message when the review list has no valid address', () => {
    const emails = buildMessages(event('SUBMIT'), { ...SETTINGS, cmsReviewList: ['', 'nope'] });
    expect(emails.map((e) => e.audience)).toEqual(['STATE']);
  });

  it('still reaches the submitter when every contact is invalid', () => {
    const p = submitted([{ name: 'x', title: '', email: 'x@' }]);
    const emails = buildMessages(event('SUBMIT', p), SETTINGS);
    expect(emails.find((e) => e.audience === 'STATE')?.mail.to).toEqual([SAM.email]);
  });

  it('de-duplicates case-insensitively, keeping the first spelling', () => {
    expect(
      uniqueAddresses(['A@x.gov', 'a@X.GOV', ' b@x.gov ', '', undefined, null, 'c@', 'x y@x.gov']),
    ).toEqual(['A@x.gov', 'b@x.gov']);
  });

  it('links to the package without a doubled slash', () => {
    expect(packageLink('https://h.example/', 'abc')).toBe('https://h.example/packages/abc');
    expect(packageLink('https://h.example', 'abc')).toBe('https://h.example/packages/abc');
  });

  it('refuses an event whose package lacks the action info', () => {
    const p: Package = { ...unlocked(), revisions: submitted().revisions };
    expect(() => buildMessages(event('UNLOCK', p), SETTINGS)).toThrow(/no unlock info/);
  });
});

describe('packageEvent', () => {
  it('names the package and labels its programs from reference data', () => {
    const p = submitted();
    const msho = {
      id: '00000000-0000-4000-8000-000000000002',
      name: 'MSHO',
      fullName: 'Senior Health Options',
    };
    p.revisions[0]!.formData = FormDataSchema.parse({
      submissionType: 'CONTRACT_AND_RATES',
      programIds: [PMAP_ID, msho.id],
    });
    const e = packageEvent('SUBMIT', p, [{ name: 'PMAP', fullName: 'Prepaid Medical Assistance' }, msho]);
    expect(e.name).toBe('MN-MSHO-PMAP-0001');
    expect(e.programNames).toEqual(['MSHO (Senior Health Options)', 'PMAP (Prepaid Medical Assistance)']);
  });
});
