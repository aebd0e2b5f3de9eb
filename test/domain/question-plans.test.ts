/**
 * CMS's questions and the state's responses as pure plans: who may ask and respond, on which
 * packages, rounds per division, one open question at a time, text and document limits, the
 * audit event — and the list rules every store must keep (QuestionListSchema).
 */
import { describe, expect, test } from 'vitest';
import {
  AUDIT_SUMMARIES,
  assertMayAsk,
  assertMayRespond,
  type CmsDivision,
  MAX_QA_DOCUMENTS,
  MAX_QA_TEXT_LENGTH,
  MAX_QUESTIONS_PER_PACKAGE,
  openQuestion,
  openQuestionCount,
  type Package,
  planApprove,
  planAskQuestion,
  planRespond,
  type QaDocument,
  type Question,
  QuestionListSchema,
  type User,
} from '../../src/domain/index.js';
import {
  adminUser,
  cmsUser,
  contractAndRatesDraft,
  deepFreeze,
  doc,
  ID_KIND,
  RATE_1,
  RATE_2,
  stateUser,
  uid,
} from './fixtures.js';
import {
  counterIds,
  draftPackage,
  NOW,
  otherStatuses,
  PACKAGES_BY_STATUS,
  refusal,
  resubmittedPackage,
  STATUSES,
  submittedPackage,
  unlockedPackage,
} from './plan-builders.js';

const QUESTION_KIND = 20;
const RESPONSE_KIND = 21;
const QA_DOC_KIND = 22;

const reviewer = (division: CmsDivision | null = 'DMCO', n = 100): User => ({
  ...cmsUser(n),
  ...(division ? { division } : {}),
});
const MN_USER = stateUser('MN');

/** A question's or response's document: a package document without category or rate. */
function qaDoc(n: number, name = `qa-${n}.pdf`): QaDocument {
  const { category: _c, rateId: _r, ...rest } = doc(n, 'CONTRACT_SUPPORTING', { name });
  return { ...rest, id: uid(QA_DOC_KIND, n) };
}

/** An hour after `NOW` per step, so a chain of questions and responses is in order. */
const later = (step: number) => new Date(Date.parse(NOW) + step * 3_600_000).toISOString();

let seq = 0;
function ask(
  pkg: Package,
  extra: Partial<Parameters<typeof planAskQuestion>[1]> = {},
): ReturnType<typeof planAskQuestion> {
  seq++;
  return planAskQuestion(pkg, {
    user: reviewer(),
    at: later(seq),
    id: uid(QUESTION_KIND, seq),
    documents: [qaDoc(seq)],
    ...extra,
  });
}
function respond(
  pkg: Package,
  extra: Partial<Parameters<typeof planRespond>[1]> = {},
): ReturnType<typeof planRespond> {
  seq++;
  return planRespond(pkg, {
    user: MN_USER,
    at: later(seq),
    id: uid(RESPONSE_KIND, seq),
    questionId: openQuestion(pkg.questions)?.id ?? pkg.questions[0]!.id,
    documents: [qaDoc(seq)],
    ...extra,
  });
}
/** The package after `division` asked and the state answered. */
const askedAndAnswered = (pkg: Package, division: CmsDivision) =>
  respond(ask(pkg, { user: reviewer(division) }).after).after;

/** Submitted with two rate certifications (the contract-and-rates form). */
function withRates(): Package {
  const pkg = structuredClone(submittedPackage());
  const { formData, documents } = contractAndRatesDraft();
  pkg.revisions[0]!.formData = formData;
  pkg.revisions[0]!.documents = [...documents];
  return pkg;
}

const approved = () =>
  planApprove(submittedPackage(), {
    user: reviewer(),
    at: NOW,
    expectedVersion: submittedPackage().version,
    newId: counterIds(),
    reason: '',
    releasedOn: NOW.slice(0, 10),
  }).after;

describe('asking', () => {
  test.each(otherStatuses('DRAFT'))(
    'a CMS reviewer with a division asks on a %s package: the newest question, round 1, open',
    (status) => {
      const pkg = PACKAGES_BY_STATUS[status]();
      const user = reviewer('OACT');
      const documents = [qaDoc(1), qaDoc(2)];
      const { after, event } = planAskQuestion(pkg, {
        user,
        at: NOW,
        id: uid(QUESTION_KIND, 1),
        text: '  Why did the rates change?  ',
        documents,
      });
      const question: Question = {
        id: uid(QUESTION_KIND, 1),
        division: 'OACT',
        round: 1,
        at: NOW,
        by: { id: user.id, email: user.email, role: 'CMS_USER' },
        text: 'Why did the rates change?',
        documents,
        response: null,
      };
      expect(after.questions).toEqual([question]);
      expect(after).toMatchObject({ version: pkg.version + 1, updatedAt: NOW, status: pkg.status });
      expect(after.revisions).toEqual(pkg.revisions);
      expect(after.reviewActions).toEqual(pkg.reviewActions);
      expect(event).toEqual({
        actor: question.by,
        action: 'ASK_QUESTION',
        summary: AUDIT_SUMMARIES.askQuestion('OACT', 1, 2),
        at: NOW,
      });
      expect(event.summary).toBe('OACT asked its round 1 question (2 documents)');
      expect(openQuestionCount(after.questions)).toBe(1);
    },
  );

  test('text is optional: none, or blank, is stored as an empty string', () => {
    expect(ask(submittedPackage()).after.questions[0]!.text).toBe('');
    expect(ask(submittedPackage(), { text: '   ' }).after.questions[0]!.text).toBe('');
  });

  test('only CMS reviewers ask: a state user (even its own) and an administrator are refused', () => {
    for (const user of [MN_USER, adminUser()]) {
      expect(refusal(() => ask(submittedPackage(), { user })).code).toBe('FORBIDDEN');
      expect(refusal(() => assertMayAsk(submittedPackage(), user)).code).toBe('FORBIDDEN');
    }
    // A state user of another state does not learn the package exists.
    expect(refusal(() => ask(submittedPackage(), { user: stateUser('WI') })).code).toBe('NOT_FOUND');
  });

  test('a CMS user without a division reads but does not ask', () => {
    const e = refusal(() => ask(submittedPackage(), { user: reviewer(null) }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/division/);
  });

  test('a never-submitted draft is not found by CMS', () => {
    expect(refusal(() => ask(draftPackage())).code).toBe('NOT_FOUND');
    expect(refusal(() => assertMayAsk(draftPackage(), reviewer())).code).toBe('NOT_FOUND');
  });

  test('an approved package takes no more questions', () => {
    const e = refusal(() => ask(approved()));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(e.message).toMatch(/approved/);
  });

  test('no new question while one is open — from any division — until the state responds', () => {
    const asked = ask(submittedPackage(), { user: reviewer('DMCO') }).after;
    for (const division of ['DMCO', 'DMCP', 'OACT'] as const) {
      const e = refusal(() => ask(asked, { user: reviewer(division, 101) }));
      expect(e.code).toBe('INVALID_TRANSITION');
      expect(e.details).toMatchObject({ openQuestionId: asked.questions[0]!.id });
    }
    const answered = respond(asked).after;
    expect(ask(answered, { user: reviewer('OACT') }).after.questions).toHaveLength(2);
  });

  test('rounds count per division: DMCO 1, OACT 1, DMCO 2, DMCP 1, OACT 2', () => {
    let pkg = submittedPackage();
    for (const division of ['DMCO', 'OACT', 'DMCO', 'DMCP', 'OACT'] as const)
      pkg = askedAndAnswered(pkg, division);
    expect(pkg.questions.map((q) => `${q.division}${q.round}`)).toEqual([
      'OACT2',
      'DMCP1',
      'DMCO2',
      'OACT1',
      'DMCO1',
    ]);
    expect(QuestionListSchema.safeParse(pkg.questions).success).toBe(true);
    const next = ask(pkg, { user: reviewer('DMCO') });
    expect(next.after.questions[0]!.round).toBe(3);
    expect(next.event.summary).toBe('DMCO asked its round 3 question (1 document)');
  });

  test('a question may name a rate certification of the last submitted revision', () => {
    const pkg = withRates();
    const asked = ask(pkg, { user: reviewer('OACT'), rateId: RATE_2 }).after;
    expect(asked.questions[0]!.rateId).toBe(RATE_2);
    expect(assertMayAsk(pkg, reviewer('OACT'), RATE_1)).toBe('OACT');
    // Without one, the question has no rateId at all.
    expect(ask(pkg).after.questions[0]).not.toHaveProperty('rateId');
  });

  test('a rate not in the last submitted revision is refused — not even one of the unlocked draft', () => {
    const unknown = uid(ID_KIND.rate, 99);
    const e = refusal(() => ask(withRates(), { rateId: unknown }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fields.map((f) => f.path)).toEqual(['rateId']);
    expect(refusal(() => ask(submittedPackage(), { rateId: RATE_1 })).code).toBe('VALIDATION_FAILED');

    // Unlocked: the draft on top names a rate the submission did not have.
    const { formData } = contractAndRatesDraft();
    const unlocked = unlockedPackage({ formData });
    expect(refusal(() => ask(unlocked, { rateId: RATE_1 })).fields[0]!.path).toBe('rateId');
  });

  test('text longer than the limit is refused; the limit itself is fine', () => {
    expect(
      ask(submittedPackage(), { text: 'x'.repeat(MAX_QA_TEXT_LENGTH) }).after.questions[0]!.text,
    ).toHaveLength(MAX_QA_TEXT_LENGTH);
    const e = refusal(() => ask(submittedPackage(), { text: 'x'.repeat(MAX_QA_TEXT_LENGTH + 1) }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fields[0]!.path).toBe('text');
  });

  test('at least one document, at most the limit, no name twice (ignoring case)', () => {
    const none = refusal(() => ask(submittedPackage(), { documents: [] }));
    expect(none.code).toBe('VALIDATION_FAILED');
    expect(none.fields[0]!.path).toBe('file');

    const most = Array.from({ length: MAX_QA_DOCUMENTS }, (_, i) => qaDoc(i + 1));
    expect(ask(submittedPackage(), { documents: most }).after.questions[0]!.documents).toEqual(most);
    const tooMany = refusal(() =>
      ask(submittedPackage(), { documents: [...most, qaDoc(MAX_QA_DOCUMENTS + 1)] }),
    );
    expect(tooMany.code).toBe('VALIDATION_FAILED');
    expect(tooMany.fields[0]!.path).toBe('file');

    const twice = refusal(() =>
      ask(submittedPackage(), { documents: [qaDoc(1, 'Answers.pdf'), qaDoc(2, 'answers.PDF')] }),
    );
    expect(twice.code).toBe('DUPLICATE_DOCUMENT');
    expect(twice.fields[0]!.path).toBe('file.1');
  });

  test(`at most ${MAX_QUESTIONS_PER_PACKAGE} questions on a package`, () => {
    let pkg = submittedPackage();
    for (let i = 0; i < MAX_QUESTIONS_PER_PACKAGE; i++) pkg = askedAndAnswered(pkg, 'DMCP');
    expect(pkg.questions).toHaveLength(MAX_QUESTIONS_PER_PACKAGE);
    const e = refusal(() => ask(pkg));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(refusal(() => assertMayAsk(pkg, reviewer())).code).toBe('INVALID_TRANSITION');
  });

  test('assertMayAsk answers the division the question is asked for', () => {
    expect(assertMayAsk(resubmittedPackage(), reviewer('DMCP'))).toBe('DMCP');
  });
});

describe('responding', () => {
  const asked = () => ask(submittedPackage(), { user: reviewer('DMCP') }).after;

  test('a user of the package state responds: the question closes, everything else stays', () => {
    const pkg = asked();
    const question = pkg.questions[0]!;
    const documents = [qaDoc(7), qaDoc(8), qaDoc(9)];
    const { after, event } = planRespond(pkg, {
      user: MN_USER,
      at: later(100_000),
      id: uid(RESPONSE_KIND, 1),
      questionId: question.id,
      text: ' Here. ',
      documents,
    });
    const by = { id: MN_USER.id, email: MN_USER.email, role: 'STATE_USER' as const };
    expect(after.questions).toEqual([
      {
        ...question,
        response: { id: uid(RESPONSE_KIND, 1), at: later(100_000), by, text: 'Here.', documents },
      },
    ]);
    expect(after).toMatchObject({ version: pkg.version + 1, updatedAt: later(100_000), status: pkg.status });
    expect(openQuestionCount(after.questions)).toBe(0);
    expect(event).toEqual({
      actor: by,
      action: 'RESPOND_QUESTION',
      summary: "Responded to DMCP's round 1 question (3 documents)",
      at: later(100_000),
    });
    expect(QuestionListSchema.safeParse(after.questions).success).toBe(true);
  });

  test('in every status a question can be open in: submitted, unlocked, resubmitted — even approved', () => {
    for (const status of otherStatuses('DRAFT')) {
      const pkg = ask(PACKAGES_BY_STATUS[status]()).after;
      expect(respond(pkg).after.questions[0]!.response).not.toBeNull();
    }
    // Approval with a question open: the state still answers it.
    const open = ask(submittedPackage()).after;
    const approvedOpen = planApprove(open, {
      user: reviewer(),
      at: later(500),
      expectedVersion: open.version,
      newId: counterIds(),
      reason: '',
      releasedOn: NOW.slice(0, 10),
    }).after;
    expect(respond(approvedOpen, { at: later(501) }).after.questions[0]!.response).not.toBeNull();
  });

  test('only the package state: CMS and admins are refused, another state does not see the package', () => {
    const pkg = asked();
    for (const user of [reviewer(), reviewer(null), adminUser()]) {
      expect(refusal(() => respond(pkg, { user })).code).toBe('FORBIDDEN');
      expect(refusal(() => assertMayRespond(pkg, user, pkg.questions[0]!.id)).code).toBe('FORBIDDEN');
    }
    expect(refusal(() => respond(pkg, { user: stateUser('WI') })).code).toBe('NOT_FOUND');
  });

  test('an unknown question is not found', () => {
    const e = refusal(() => respond(asked(), { questionId: uid(QUESTION_KIND, 9999) }));
    expect(e.code).toBe('NOT_FOUND');
  });

  test('one response closes a question; a second is refused, also on an older question', () => {
    const answered = respond(asked()).after;
    const q = answered.questions[0]!;
    const e = refusal(() => respond(answered, { questionId: q.id }));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(e.details).toMatchObject({ questionId: q.id });
    expect(refusal(() => assertMayRespond(answered, MN_USER, q.id)).code).toBe('INVALID_TRANSITION');

    const twoRounds = ask(answered, { user: reviewer('OACT') }).after;
    expect(refusal(() => respond(twoRounds, { questionId: q.id })).code).toBe('INVALID_TRANSITION');
    // The open one is still answerable.
    expect(respond(twoRounds).after.questions.every((x) => x.response !== null)).toBe(true);
  });

  test('text limits and documents rules are the same as for a question', () => {
    const pkg = asked();
    expect(respond(pkg).after.questions[0]!.response!.text).toBe('');
    expect(refusal(() => respond(pkg, { text: 'y'.repeat(MAX_QA_TEXT_LENGTH + 1) })).fields[0]!.path).toBe(
      'text',
    );
    expect(refusal(() => respond(pkg, { documents: [] })).fields[0]!.path).toBe('file');
    const many = Array.from({ length: MAX_QA_DOCUMENTS + 1 }, (_, i) => qaDoc(i + 1));
    expect(refusal(() => respond(pkg, { documents: many })).code).toBe('VALIDATION_FAILED');
    expect(refusal(() => respond(pkg, { documents: [qaDoc(1, 'a.pdf'), qaDoc(2, 'A.pdf')] })).code).toBe(
      'DUPLICATE_DOCUMENT',
    );
  });

  test('the plans never mutate the package they read (it is deep-frozen)', () => {
    for (const status of STATUSES.filter((s) => s !== 'DRAFT')) {
      const pkg = PACKAGES_BY_STATUS[status]();
      expect(() => respond(deepFreeze(ask(pkg).after))).not.toThrow();
    }
  });
});

describe('QuestionListSchema: what every store holds', () => {
  const chain = () => {
    let pkg = submittedPackage();
    for (const d of ['DMCO', 'OACT', 'DMCO'] as const) pkg = askedAndAnswered(pkg, d);
    return structuredClone(ask(pkg, { user: reviewer('OACT') }).after.questions);
  };
  const problems = (questions: unknown) => {
    const parsed = QuestionListSchema.safeParse(questions);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  test('accepts a chain the plans made, and an empty list', () => {
    expect(problems(chain())).toEqual([]);
    expect(problems([])).toEqual([]);
  });

  test('refuses an id used twice', () => {
    const qs = chain();
    qs[1]!.id = qs[2]!.id;
    expect(problems(qs)).toContain('1.id');
  });

  test('refuses a gap or a repeat in a division’s rounds', () => {
    const gap = chain();
    gap[1]!.round = 3; // DMCO's second is numbered 3
    expect(problems(gap)).toContain('1.round');
    const repeat = chain();
    repeat[0]!.round = 1; // OACT's second numbered 1 again
    expect(problems(repeat)).toContain('0.round');
  });

  test('refuses an open question that is not the newest, and two open ones', () => {
    const qs = chain();
    qs[2]!.response = null;
    expect(problems(qs)).toContain('2.response');
  });

  test('refuses a response dated before its question', () => {
    const qs = chain();
    qs[1]!.response!.at = '2020-01-01T00:00:00.000Z';
    expect(problems(qs)).toContain('1.response.at');
  });

  test('refuses a list not newest first', () => {
    const qs = chain();
    [qs[1], qs[2]] = [qs[2]!, qs[1]!];
    expect(problems(qs).length).toBeGreaterThan(0);
    const swapped = chain().reverse();
    expect(problems(swapped)).not.toEqual([]);
  });

  test('refuses a question without documents, and more than the most questions', () => {
    const qs = chain();
    qs[0]!.documents = [];
    expect(problems(qs)).toContain('0.documents');
    let pkg = submittedPackage();
    for (let i = 0; i < MAX_QUESTIONS_PER_PACKAGE; i++) pkg = askedAndAnswered(pkg, 'DMCO');
    const extra = structuredClone(pkg.questions[0]!);
    expect(QuestionListSchema.safeParse([extra, ...pkg.questions]).success).toBe(false);
  });
});
