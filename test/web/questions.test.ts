/**
 * What the "Questions and answers" tab shows and offers: rounds grouped by division, who may
 * ask or respond now (and why not), the rate a question names, the badge, and the API's
 * multipart field errors placed on the form's fields.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FormDataSchema, type Question, type User } from '../../src/domain/index.js';
import type { PackageView, State } from '../../web/src/api/types.js';
import {
  asking,
  onQaFields,
  openQuestionBadge,
  questionsByDivision,
  rateName,
  rateOptions,
  respondable,
} from '../../web/src/components/questions.js';

const cora: User = {
  id: randomUUID(),
  email: 'cora.reed@cms.example.gov',
  givenName: 'Cora',
  familyName: 'Reed',
  role: 'CMS_USER',
  division: 'DMCO',
};
const actor = { id: cora.id, email: cora.email, role: cora.role };
const doc = {
  id: randomUUID(),
  name: 'questions.pdf',
  size: 10,
  scanStatus: 'CLEAN',
} as Question['documents'][number];

let clock = Date.parse('2026-11-01T00:00:00Z');
/** A question asked after every earlier one; answered unless `open`. */
function question(division: Question['division'], round: number, open = false): Question {
  clock += 60_000;
  const at = new Date(clock).toISOString();
  return {
    id: randomUUID(),
    division,
    round,
    at,
    by: actor,
    text: '',
    documents: [doc],
    response: open
      ? null
      : { id: randomUUID(), at, by: { ...actor, role: 'STATE_USER' }, text: '', documents: [doc] },
  };
}

const rateA = {
  id: randomUUID(),
  rateType: 'NEW',
  rateProgramIds: ['p1'],
  rateDateStart: '2027-01-01',
  rateDateEnd: '2027-12-31',
  rateDateCertified: '2026-10-15',
};
const rateB = { ...rateA, id: randomUUID(), rateDateCertified: '2026-10-20' };
const formWith = (rates: object[]) => ({
  ...FormDataSchema.parse({ submissionType: 'CONTRACT_AND_RATES' }),
  rateCertifications: rates,
});
const submitted = { at: '2026-10-30T00:00:00Z', by: actor, reason: '' };

/** Only what the tab reads of a package: revisions newest first, with an unsubmitted one on top when `draftRates`. */
function pkg({
  questions = [] as Question[],
  reviewStatus = 'UNDER_REVIEW' as PackageView['reviewStatus'],
  submittedRates = [rateA] as object[],
  draftRates = undefined as object[] | undefined,
} = {}) {
  const revisions = [{ formData: formWith(submittedRates), submitInfo: submitted }];
  if (draftRates) revisions.unshift({ formData: formWith(draftRates), submitInfo: null as never });
  return { stateCode: 'MN', reviewStatus, questions, revisions } as unknown as PackageView;
}

const person = { email: 'someone@example.gov', givenName: 'Some', familyName: 'One' };
const mnUser: User = { ...person, id: randomUUID(), role: 'STATE_USER', stateCode: 'MN' };
const flUser: User = { ...person, id: randomUUID(), role: 'STATE_USER', stateCode: 'FL' };
const admin: User = { ...person, id: randomUUID(), role: 'ADMIN_USER' };
const minnesota = {
  code: 'MN',
  name: 'Minnesota',
  programs: [{ id: 'p1', name: 'PMAP', fullName: 'Prepaid Medical Assistance Program' }],
} satisfies State;

describe('questionsByDivision', () => {
  it('groups rounds under DMCO, DMCP, OACT in that order, oldest round first, leaving out divisions that asked nothing', () => {
    const dmco1 = question('DMCO', 1);
    const oact1 = question('OACT', 1);
    const dmco2 = question('DMCO', 2);
    // The package holds them newest first.
    const grouped = questionsByDivision([dmco2, oact1, dmco1]);
    expect(grouped.map((g) => g.division)).toEqual(['DMCO', 'OACT']);
    expect(grouped[0]!.rounds.map((q) => q.round)).toEqual([1, 2]);
    expect(grouped[1]!.rounds).toEqual([oact1]);
    expect(questionsByDivision([])).toEqual([]);
  });
});

describe('who may ask now', () => {
  it('a CMS reviewer with a division, on a submitted package under review with no open question', () => {
    expect(asking(pkg({ questions: [question('OACT', 1)] }), cora)).toEqual({
      kind: 'ASK',
      division: 'DMCO',
    });
  });

  it('not a CMS reviewer without a division: the page says why', () => {
    const { division: _none, ...noDivision } = cora;
    expect(asking(pkg(), noDivision)).toEqual({ kind: 'NO_DIVISION' });
  });

  it('not while a question waits for the state, and it names that question', () => {
    const open = question('OACT', 1, true);
    expect(asking(pkg({ questions: [open] }), cora)).toEqual({ kind: 'WAITING', open });
  });

  it('not on an approved package', () => {
    expect(asking(pkg({ reviewStatus: 'APPROVED' }), cora).kind).toBe('APPROVED');
  });

  it('but on a withdrawn or unlocked one, as the domain allows', () => {
    expect(asking(pkg({ reviewStatus: 'WITHDRAWN' }), cora).kind).toBe('ASK');
    expect(asking(pkg({ draftRates: [] }), cora).kind).toBe('ASK');
  });

  it('never the state or an administrator (no form, no note)', () => {
    expect(asking(pkg(), mnUser).kind).toBe('NOT_ASKER');
    expect(asking(pkg(), admin).kind).toBe('NOT_ASKER');
  });
});

describe('who may respond now', () => {
  it("only a user of the package's own state, and only to the open question", () => {
    const open = question('DMCO', 1, true);
    expect(respondable(pkg({ questions: [open] }), mnUser)).toBe(open);
    expect(respondable(pkg({ questions: [open] }), flUser)).toBeUndefined();
    expect(respondable(pkg({ questions: [open] }), cora)).toBeUndefined();
    expect(respondable(pkg({ questions: [question('DMCO', 1)] }), mnUser)).toBeUndefined();
  });
});

describe('rates', () => {
  it('a question may be about a rate of the last submitted revision, named as CMS names it', () => {
    const shown = pkg({ submittedRates: [rateA, rateB], draftRates: [rateA] });
    expect(rateOptions(shown, minnesota)).toEqual([
      {
        value: rateA.id,
        label: 'Rate certification 1: MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261015',
      },
      {
        value: rateB.id,
        label: 'Rate certification 2: MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261020',
      },
    ]);
    // Before the states are loaded, the rates are still offered by number.
    expect(rateOptions(shown, undefined).map((o) => o.label)).toEqual([
      'Rate certification 1',
      'Rate certification 2',
    ]);
  });

  it("a question's rate is named from the newest revision that holds it, even one since removed", () => {
    const shown = pkg({ submittedRates: [rateA, rateB], draftRates: [rateA] });
    expect(rateName(shown, minnesota, rateB.id)).toBe('MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261020');
    expect(rateName(shown, undefined, rateB.id)).toBe('Rate certification 2');
    expect(rateName(shown, minnesota, randomUUID())).toBe('a rate certification no longer in the package');
  });
});

describe('the open-question badge', () => {
  it('tells the state to respond and CMS that it waits; nothing when no question is open', () => {
    expect(openQuestionBadge(1, 'state')).toBe('Response needed');
    expect(openQuestionBadge(1, 'cms')).toBe('Question open');
    expect(openQuestionBadge(0, 'state')).toBeUndefined();
    expect(openQuestionBadge(0, 'cms')).toBeUndefined();
  });
});

describe("the API's field errors on the form", () => {
  it('puts errors on a file (by its place) and schema errors (under body.) on their fields', () => {
    expect(
      onQaFields([
        { path: 'file.1', message: '"a.pdf" is already attached' },
        { path: 'file', message: 'attach at least one document' },
        { path: 'body.text', message: 'too long' },
        { path: 'rateId', message: 'is not a rate certification of the submitted package' },
      ]).map((e) => e.path),
    ).toEqual(['file', 'file', 'text', 'rateId']);
  });
});
