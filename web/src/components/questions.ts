/**
 * What the "Questions and answers" tab shows and offers, from the package as shown and the
 * signed-in user: the domain's rules (questions.ts, plans/question-plans.ts) in the page's
 * words, so a form appears only where the API would accept it, and a refusal is explained.
 */
import { rateCertificationName } from '@carepack/domain/naming.js';
import { lastSubmittedRevision } from '@carepack/domain/package.js';
import { MAX_QUESTIONS_PER_PACKAGE, openQuestion } from '@carepack/domain/questions.js';
import { CMS_DIVISIONS } from '@carepack/domain/reference.js';
import type { CmsDivision, FieldError, PackageView, Question, State, User } from '../api/types.js';

export const DIVISION_NAMES: Record<CmsDivision, string> = {
  DMCO: 'Division of Managed Care Operations',
  DMCP: 'Division of Managed Care Policy',
  OACT: 'Office of the Actuary',
};

export interface DivisionRounds {
  division: CmsDivision;
  /** The division's questions, oldest (round 1) first. */
  rounds: Question[];
}

/** The package's questions by division, in the order DMCO, DMCP, OACT; divisions that asked nothing are left out. */
export function questionsByDivision(questions: readonly Question[]): DivisionRounds[] {
  return CMS_DIVISIONS.map((division) => ({
    division,
    rounds: questions.filter((q) => q.division === division).sort((a, b) => a.round - b.round),
  })).filter((d) => d.rounds.length > 0);
}

/** Whether this user may ask a question now, and if not, why (shown instead of the form). */
export type Asking =
  | { kind: 'ASK'; division: CmsDivision }
  /** A CMS user without a division reads, but does not ask. */
  | { kind: 'NO_DIVISION' }
  | { kind: 'WAITING'; open: Question }
  | { kind: 'APPROVED' }
  | { kind: 'TOO_MANY' }
  /** Not a CMS reviewer (the state, an administrator), or nothing submitted to ask about. */
  | { kind: 'NOT_ASKER' };

type Shown = Pick<PackageView, 'reviewStatus' | 'questions' | 'revisions'>;

export function asking(pkg: Shown, user: User): Asking {
  if (user.role !== 'CMS_USER' || !lastSubmittedRevision(pkg)) return { kind: 'NOT_ASKER' };
  if (!user.division) return { kind: 'NO_DIVISION' };
  if (pkg.reviewStatus === 'APPROVED') return { kind: 'APPROVED' };
  const open = openQuestion(pkg.questions);
  if (open) return { kind: 'WAITING', open };
  if (pkg.questions.length >= MAX_QUESTIONS_PER_PACKAGE) return { kind: 'TOO_MANY' };
  return { kind: 'ASK', division: user.division };
}

/** The question this user may respond to now: the open one, for a user of the package's own state. */
export function respondable(pkg: Pick<PackageView, 'stateCode' | 'questions'>, user: User) {
  if (user.role !== 'STATE_USER' || user.stateCode !== pkg.stateCode) return undefined;
  return openQuestion(pkg.questions);
}

/** `DMCO round 2`: how a question is named in messages. */
export const questionLabel = (q: Pick<Question, 'division' | 'round'>) => `${q.division} round ${q.round}`;

type RateOf = PackageView['revisions'][number]['formData']['rateCertifications'][number];

function nameOf(rate: RateOf, state: State | undefined): string | undefined {
  if (!state) return undefined;
  const programs = state.programs.filter((p) => rate.rateProgramIds.includes(p.id));
  return rateCertificationName(state.code, programs, rate);
}

/**
 * The rates a question may be about: those of the last submitted revision (what CMS reviews),
 * named as CMS refers to them.
 */
export function rateOptions(
  pkg: Pick<PackageView, 'revisions'>,
  state: State | undefined,
): { value: string; label: string }[] {
  const rates = lastSubmittedRevision(pkg)?.formData.rateCertifications ?? [];
  return rates.map((r, i) => ({
    value: r.id,
    label: `Rate certification ${i + 1}${nameOf(r, state) ? `: ${nameOf(r, state)}` : ''}`,
  }));
}

/** The name of the rate a question is about, from the newest revision that holds it. */
export function rateName(
  pkg: Pick<PackageView, 'revisions'>,
  state: State | undefined,
  rateId: string,
): string {
  for (const revision of pkg.revisions) {
    const rates = revision.formData.rateCertifications;
    const index = rates.findIndex((r) => r.id === rateId);
    if (index >= 0) return nameOf(rates[index]!, state) ?? `Rate certification ${index + 1}`;
  }
  return 'a rate certification no longer in the package';
}

/** Who looks at a package: its state, or CMS (reviewers and administrators). */
export type Side = 'state' | 'cms';
export const sideOf = (user: Pick<User, 'role'>): Side => (user.role === 'STATE_USER' ? 'state' : 'cms');

/**
 * The badge for a package with a question waiting (dashboards, the package's tab): for the
 * state something to do, for CMS something it waits for. None when nothing waits.
 */
export function openQuestionBadge(openQuestions: number, side: Side): string | undefined {
  if (openQuestions === 0) return undefined;
  return side === 'state' ? 'Response needed' : 'Question open';
}

/**
 * The API names a multipart field as sent (`text`, `rateId`, `file`), a file by its place
 * (`file.1`), and a schema failure under `body.`; the form shows each on its field.
 */
export const onQaFields = (errors: readonly FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '').replace(/^file\.\d+$/, 'file') }));
