import { z } from 'zod';
import type { PackageDocument } from './document.js';
import type { FormData, RateCertification } from './form-data.js';
import type { Program } from './reference.js';

/** One broken rule: where (dotted path into the submission) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

export interface SubmitContext {
  /** The programs of the package's state. */
  programs: readonly Pick<Program, 'id'>[];
}

export interface SubmitDraft {
  formData: FormData;
  documents: readonly PackageDocument[];
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
  if (f.contractType === 'AMENDMENT') {
    if (f.itemsBeingAmended.length === 0) {
      fail('formData.itemsBeingAmended', 'an amendment must say at least one item being amended');
    }
    if (f.itemsBeingAmended.includes('OTHER') && blank(f.otherItemBeingAmended)) {
      fail('formData.otherItemBeingAmended', 'describe the other item being amended');
    }
  }

  if (f.stateContacts.length === 0) fail('formData.stateContacts', 'add at least one state contact');
  f.stateContacts.forEach((c, i) => {
    const at = `formData.stateContacts.${i}`;
    if (blank(c.name)) fail(`${at}.name`, 'enter the contact name');
    if (!isEmail(c.email)) fail(`${at}.email`, 'enter a valid email address');
  });

  const docs = draft.documents;
  if (!docs.some((d) => d.category === 'CONTRACT'))
    fail('documents', 'attach at least one contract document');
  docs.forEach((d, i) => {
    const at = `documents.${i}`;
    if (d.scanStatus === 'INFECTED') fail(`${at}.scanStatus`, `"${d.name}" failed the virus scan; remove it`);
    else if (d.scanStatus === 'PENDING') fail(`${at}.scanStatus`, `"${d.name}" is still being scanned`);
    else if (d.scanStatus === 'ERROR')
      fail(`${at}.scanStatus`, `"${d.name}" could not be scanned; upload it again`);
  });

  const rateIds = new Set(f.rateCertifications.map((r) => r.id));
  if (f.submissionType === 'CONTRACT_ONLY') {
    if (f.rateCertifications.length > 0) {
      fail('formData.rateCertifications', 'a contract-only submission carries no rate certifications');
    }
    docs.forEach((d, i) => {
      if (d.category === 'RATE' || d.category === 'RATE_SUPPORTING') {
        fail(`documents.${i}.category`, 'a contract-only submission carries no rate documents');
      }
    });
  } else {
    if (f.rateCertifications.length === 0)
      fail('formData.rateCertifications', 'add at least one rate certification');
    f.rateCertifications.forEach((r, i) => {
      checkRate(fail, `formData.rateCertifications.${i}`, r, new Set(f.programIds), docs);
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

function checkRate(
  fail: Fail,
  at: string,
  r: RateCertification,
  packagePrograms: ReadonlySet<string>,
  docs: readonly PackageDocument[],
) {
  if (!r.rateType) fail(`${at}.rateType`, 'choose new rate or amendment');
  if (r.rateProgramIds.length === 0) fail(`${at}.rateProgramIds`, 'choose at least one program');
  r.rateProgramIds.forEach((id, i) => {
    if (!packagePrograms.has(id))
      fail(`${at}.rateProgramIds.${i}`, 'is not one of the programs of this package');
  });
  checkDateRange(fail, `${at}.rateDateStart`, r.rateDateStart, `${at}.rateDateEnd`, r.rateDateEnd);
  if (!r.rateDateCertified) fail(`${at}.rateDateCertified`, 'enter the date the rates were certified');
  if (r.rateType === 'AMENDMENT') {
    checkDateRange(
      fail,
      `${at}.effectiveDateStart`,
      r.effectiveDateStart,
      `${at}.effectiveDateEnd`,
      r.effectiveDateEnd,
    );
  }
  if (r.certifyingActuaries.length === 0)
    fail(`${at}.certifyingActuaries`, 'add at least one certifying actuary');
  r.certifyingActuaries.forEach((a, i) => {
    const ap = `${at}.certifyingActuaries.${i}`;
    if (blank(a.name)) fail(`${ap}.name`, 'enter the actuary name');
    if (!isEmail(a.email)) fail(`${ap}.email`, 'enter a valid email address');
    if (!a.actuarialFirm) fail(`${ap}.actuarialFirm`, 'choose the actuarial firm');
    if (a.actuarialFirm === 'OTHER' && blank(a.actuarialFirmOther))
      fail(`${ap}.actuarialFirmOther`, 'name the firm');
  });
  if (!docs.some((d) => d.category === 'RATE' && d.rateId === r.id)) {
    fail(`${at}.documents`, 'attach at least one rate certification document');
  }
}
