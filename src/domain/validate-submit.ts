import { z } from 'zod';
import { isRateCategory, type PackageDocument } from './document.js';
import {
  type FormData,
  MODIFIED_PROVISION_KEYS,
  MODIFIED_PROVISIONS,
  type RateCertification,
} from './form-data.js';
import type { RateLink } from './rate-link.js';
import type { Program } from './reference.js';

/**
 * The rules below, and where they differ from CMS's own managed-care review:
 *
 * - As CMS asks (issue 11): the description (at most 1,500 characters on submit; a draft may hold
 *   10,000), population covered, risk-based contract, execution status, D-SNP contract, a title or
 *   role for every state contact and certifying actuary, a capitation type for every rate, the
 *   Medicaid populations of every rate of a D-SNP contract, a date certified that is not in the
 *   future, exactly one rate certification document (category RATE) per rate certification
 *   (RATE_SUPPORTING documents stay many), and no rate certifications in a CHIP-only package.
 * - Amendments: the yes/no answers on every provision of `MODIFIED_PROVISIONS` replace the
 *   earlier checklist (`itemsBeingAmended`, `otherItemBeingAmended`), which is no longer required
 *   nor checked. Drafts and revisions that hold a checklist keep it and still read as written
 *   (the pages show it); the two share provision codes. A base contract answers no provisions.
 * - Stricter than CMS on purpose, kept: a rate certification's programs must be programs of the
 *   package (so the package name and the rates never disagree); a document still being scanned,
 *   infected or unscannable blocks the submission; a contract-only package carries no leftover
 *   rate documents, and every rate document belongs to a rate certification of the package; a
 *   contract or rating period ends strictly after it starts; a base contract carries no
 *   provision answers.
 */

/** One broken rule: where (dotted path into the submission) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

export interface SubmitContext {
  /** The programs of the package's state. */
  programs: readonly Pick<Program, 'id'>[];
  /**
   * Today's date (`YYYY-MM-DD`, UTC) from the step's clock, never read here: a date certified after
   * it is refused. UTC is never behind a US state's own date, so no state's today is refused.
   */
  today: string;
}

/** The longest submission description CMS takes on submit (a draft may hold more, see form-data). */
export const MAX_SUBMIT_DESCRIPTION = 1_500;
/** How long a description counts: characters (code points) of the text without surrounding blanks. */
export const descriptionLength = (s: string) => [...s.trim()].length;

export interface SubmitDraft {
  formData: FormData;
  documents: readonly PackageDocument[];
  /**
   * The rate records the revision carries (rates.ts): each counts as one of its rate
   * certifications. Their own rules are `validateRateForSubmit`'s, run by the submit plan on the
   * child rates it submits (rate-plans.ts); a linked rate was checked when its parent submitted.
   */
  rateLinks?: readonly RateLink[];
}

const isEmail = (s: string) => z.email().safeParse(s.trim()).success;
const blank = (s: string | undefined) => s === undefined || s.trim() === '';

/**
 * Every rule a revision must meet before CMS receives it, all reported at once.
 * An empty list means the draft may be submitted.
 */
export function validateForSubmit(draft: SubmitDraft, ctx: SubmitContext): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  const f = draft.formData;
  const statePrograms = new Set(ctx.programs.map((p) => p.id));

  if (f.programIds.length === 0) fail('formData.programIds', 'choose at least one program');
  if (blank(f.submissionDescription)) fail('formData.submissionDescription', 'describe the submission');
  else if (descriptionLength(f.submissionDescription) > MAX_SUBMIT_DESCRIPTION) {
    fail(
      'formData.submissionDescription',
      `use at most ${MAX_SUBMIT_DESCRIPTION.toLocaleString('en-US')} characters (now ${descriptionLength(f.submissionDescription).toLocaleString('en-US')})`,
    );
  }
  f.programIds.forEach((id, i) => {
    if (!statePrograms.has(id)) fail(`formData.programIds.${i}`, "is not a program of the package's state");
  });

  if (!f.contractType) fail('formData.contractType', 'choose base contract or amendment');
  checkDateRange(
    fail,
    'formData.contractDateStart',
    f.contractDateStart,
    'formData.contractDateEnd',
    f.contractDateEnd,
  );
  if (f.managedCareEntities.length === 0) {
    fail('formData.managedCareEntities', 'choose at least one managed care entity');
  }
  if (f.federalAuthorities.length === 0)
    fail('formData.federalAuthorities', 'choose at least one federal authority');
  if (!f.populationCovered) fail('formData.populationCovered', 'choose the population the contract covers');
  if (f.riskBasedContract === undefined)
    fail('formData.riskBasedContract', 'say whether the contract is risk-based');
  if (!f.contractExecutionStatus)
    fail('formData.contractExecutionStatus', 'say whether the contract is executed');
  if (f.dsnpContract === undefined) fail('formData.dsnpContract', 'say whether this is a D-SNP contract');
  const answers = f.modifiedProvisions ?? {};
  if (f.contractType === 'AMENDMENT') {
    // The yes/no answers replace the checklist (itemsBeingAmended), which is kept but not required.
    // None answered yet: one error for the list; some: one for each provision still unanswered.
    if (Object.keys(answers).length === 0)
      fail('formData.modifiedProvisions', 'answer yes or no for each provision');
    else
      for (const p of MODIFIED_PROVISION_KEYS) {
        if (answers[p] === undefined)
          fail(`formData.modifiedProvisions.${p}`, `answer yes or no for "${MODIFIED_PROVISIONS[p]}"`);
      }
  } else if (f.contractType === 'BASE' && Object.keys(answers).length > 0) {
    fail('formData.modifiedProvisions', 'only an amendment says which provisions it modifies');
  }

  if (f.stateContacts.length === 0) fail('formData.stateContacts', 'add at least one state contact');
  f.stateContacts.forEach((c, i) => {
    const at = `formData.stateContacts.${i}`;
    if (blank(c.name)) fail(`${at}.name`, 'enter the contact name');
    if (blank(c.title)) fail(`${at}.title`, 'enter the contact title or role');
    if (!isEmail(c.email)) fail(`${at}.email`, 'enter a valid email address');
  });

  const docs = draft.documents;
  if (!docs.some((d) => d.category === 'CONTRACT'))
    fail('documents', 'attach at least one contract document');
  checkScans(fail, 'documents', docs);

  const rateIds = new Set(f.rateCertifications.map((r) => r.id));
  const rateLinks = draft.rateLinks ?? [];
  if (f.submissionType === 'CONTRACT_ONLY') {
    if (f.rateCertifications.length > 0) {
      fail('formData.rateCertifications', 'a contract-only submission carries no rate certifications');
    }
    if (rateLinks.length > 0) fail('rateLinks', 'a contract-only submission carries no rate certifications');
    docs.forEach((d, i) => {
      if (d.category === 'RATE' || d.category === 'RATE_SUPPORTING') {
        fail(`documents.${i}.category`, 'a contract-only submission carries no rate documents');
      }
    });
  } else {
    if (f.populationCovered === 'CHIP') {
      fail(
        'formData.submissionType',
        'a CHIP-only package carries no rate certifications: choose contract only',
      );
    }
    // Embedded certifications (records made before rates were records) and rate records both count.
    if (f.rateCertifications.length + rateLinks.length === 0)
      fail('formData.rateCertifications', 'add at least one rate certification');
    f.rateCertifications.forEach((r, i) => {
      const rateDocs = docs.filter((d) => isRateCategory(d.category) && d.rateId === r.id);
      checkRate(fail, `formData.rateCertifications.${i}`, r, { packageForm: f, rateDocs, today: ctx.today });
    });
    if (!f.actuaryCommunicationPreference) {
      fail(
        'formData.actuaryCommunicationPreference',
        'choose how OACT should communicate with the actuaries',
      );
    }
    docs.forEach((d, i) => {
      if (
        (d.category === 'RATE' || d.category === 'RATE_SUPPORTING') &&
        (!d.rateId || !rateIds.has(d.rateId))
      ) {
        fail(`documents.${i}.rateId`, 'a rate document must belong to one of the rate certifications');
      }
    });
  }
  return errors;
}

type Fail = (path: string, message: string) => void;

function checkDateRange(fail: Fail, startPath: string, start?: string, endPath?: string, end?: string) {
  if (!start) fail(startPath, 'enter a start date');
  if (!end) fail(endPath!, 'enter an end date');
  if (start && end && start >= end) fail(endPath!, 'must be after the start date');
}

function checkScans(fail: Fail, at: string, docs: readonly Pick<PackageDocument, 'name' | 'scanStatus'>[]) {
  docs.forEach((d, i) => {
    const path = `${at}.${i}.scanStatus`;
    if (d.scanStatus === 'INFECTED') fail(path, `"${d.name}" failed the virus scan; remove it`);
    else if (d.scanStatus === 'PENDING') fail(path, `"${d.name}" is still being scanned`);
    else if (d.scanStatus === 'ERROR') fail(path, `"${d.name}" could not be scanned; upload it again`);
  });
}

/** The package form a rate certification is checked against: its programs, and whether it is D-SNP. */
export type RatePackageForm = Pick<FormData, 'programIds' | 'dsnpContract'>;

export interface RateSubmitContext {
  packageForm: RatePackageForm;
  /** As `SubmitContext.today`. */
  today: string;
}

/** A rate record's revision as submitted: its form and its own documents (rates.ts). */
export interface RateSubmitDraft {
  formData: Omit<RateCertification, 'id'>;
  documents: readonly Pick<PackageDocument, 'name' | 'category' | 'scanStatus'>[];
}

/**
 * Every rule a rate record's revision must meet when its parent package submits it: the rules of
 * an embedded rate certification, and every document of its own scanned clean (or not scanned).
 * Paths are the rate's own (`rateType`, `documents`, `documents.0.scanStatus`, …).
 */
export function validateRateForSubmit(rate: RateSubmitDraft, ctx: RateSubmitContext): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  checkRate(fail, '', rate.formData, { ...ctx, rateDocs: rate.documents });
  checkScans(fail, 'documents', rate.documents);
  return errors;
}

/** The rules of one rate certification, embedded or a record; `rateDocs` are its own documents. */
function checkRate(
  fail: Fail,
  at: string,
  r: Omit<RateCertification, 'id'>,
  {
    packageForm: f,
    rateDocs,
    today,
  }: RateSubmitContext & { rateDocs: readonly Pick<PackageDocument, 'category'>[] },
) {
  const under = at === '' ? '' : `${at}.`;
  const packagePrograms = new Set(f.programIds);
  if (!r.rateType) fail(`${under}rateType`, 'choose new rate or amendment');
  if (r.rateProgramIds.length === 0) fail(`${under}rateProgramIds`, 'choose at least one program');
  r.rateProgramIds.forEach((id, i) => {
    if (!packagePrograms.has(id))
      fail(`${under}rateProgramIds.${i}`, 'is not one of the programs of this package');
  });
  checkDateRange(fail, `${under}rateDateStart`, r.rateDateStart, `${under}rateDateEnd`, r.rateDateEnd);
  if (!r.rateDateCertified) fail(`${under}rateDateCertified`, 'enter the date the rates were certified');
  else if (r.rateDateCertified > today)
    fail(`${under}rateDateCertified`, 'the date certified cannot be in the future');
  if (!r.capitationType) fail(`${under}capitationType`, 'choose rate cells or rate ranges');
  if (f.dsnpContract === true && (r.medicaidPopulations ?? []).length === 0) {
    fail(`${under}medicaidPopulations`, 'choose the Medicaid populations this rate covers (D-SNP contract)');
  }
  if (r.rateType === 'AMENDMENT') {
    checkDateRange(
      fail,
      `${under}effectiveDateStart`,
      r.effectiveDateStart,
      `${under}effectiveDateEnd`,
      r.effectiveDateEnd,
    );
  }
  if (r.certifyingActuaries.length === 0)
    fail(`${under}certifyingActuaries`, 'add at least one certifying actuary');
  r.certifyingActuaries.forEach((a, i) => {
    const ap = `${under}certifyingActuaries.${i}`;
    if (blank(a.name)) fail(`${ap}.name`, 'enter the actuary name');
    if (blank(a.title)) fail(`${ap}.title`, 'enter the actuary title or role');
    if (!isEmail(a.email)) fail(`${ap}.email`, 'enter a valid email address');
    if (!a.actuarialFirm) fail(`${ap}.actuarialFirm`, 'choose the actuarial firm');
    if (a.actuarialFirm === 'OTHER' && blank(a.actuarialFirmOther))
      fail(`${ap}.actuarialFirmOther`, 'name the firm');
  });
  const certifications = rateDocs.filter((d) => d.category === 'RATE').length;
  if (certifications === 0) fail(`${under}documents`, 'attach the rate certification document');
  else if (certifications > 1) {
    fail(
      `${under}documents`,
      `attach exactly one rate certification document (now ${certifications}); other files are supporting documents`,
    );
  }
}
