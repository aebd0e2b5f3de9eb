/** Builders for the conformance suite: every test makes its own states, ids and packages. */
import { createHash, randomUUID } from 'node:crypto';
import type {
  Actor,
  CmsDivision,
  FormData,
  PackageDocument,
  QaDocument,
  Rate,
  RateDocument,
  RateFormDataInput,
  State,
  User,
} from '../../src/domain/index.js';
import { FormDataSchema, RateSchema } from '../../src/domain/index.js';
import { completeForm } from '../support/complete-form.js';
import type { DrivenStore } from '../support/store-commands.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Hands out two-letter state codes, each once per suite run, so numbering starts at 1 per test. */
export function stateCodes() {
  let next = 0;
  return () => {
    const code = `${LETTERS[Math.floor(next / 26) % 26]}${LETTERS[next % 26]}`;
    next++;
    return code;
  };
}

export function makeState(code: string, programNames = ['PMAP', 'MSHO']): State {
  return {
    code,
    name: `Test state ${code}`,
    programs: programNames.map((name) => ({
      id: randomUUID(),
      name,
      fullName: `${name} program of ${code}`,
    })),
  };
}

export function stateActor(): Actor {
  return {
    id: randomUUID(),
    email: `analyst-${randomUUID().slice(0, 8)}@state.example.gov`,
    role: 'STATE_USER',
  };
}

export function cmsActor(): Actor {
  return {
    id: randomUUID(),
    email: `reviewer-${randomUUID().slice(0, 8)}@cms.example.gov`,
    role: 'CMS_USER',
  };
}

/**
 * A CMS reviewer as a user (review decisions check the role of a user, not an actor); with a
 * division, one who may ask the state questions.
 */
export function cmsUser(
  options: 'CMS_USER' | 'ADMIN_USER' | { role?: 'CMS_USER' | 'ADMIN_USER'; division?: CmsDivision } = {},
): User {
  const { role = 'CMS_USER', division } = typeof options === 'string' ? { role: options } : options;
  const actor = cmsActor();
  const user = { id: actor.id, email: actor.email, givenName: 'Rita', familyName: 'Reviewer' };
  if (role === 'ADMIN_USER') return { ...user, role };
  return { ...user, role, ...(division ? { division } : {}) };
}

/** A user of the state, who may respond to CMS's questions about its packages. */
export function stateUser(stateCode: string): User {
  const actor = stateActor();
  return {
    id: actor.id,
    email: actor.email,
    givenName: 'Sam',
    familyName: 'State',
    role: 'STATE_USER',
    stateCode,
  };
}

/** A document sent with a question or a response. */
export function qaDocument(name = `qa-${randomUUID().slice(0, 8)}.pdf`): QaDocument {
  const { category: _category, rateId: _rateId, ...rest } = document(name);
  return rest;
}

export function document(
  name: string,
  category: PackageDocument['category'] = 'CONTRACT',
  rateId?: string,
): PackageDocument {
  const key = `${randomUUID()}.pdf`;
  return {
    id: randomUUID(),
    name,
    bucket: 'carepack-test',
    key,
    size: 1000 + name.length,
    contentType: 'application/pdf',
    sha256: createHash('sha256').update(key).digest('hex'),
    category,
    ...(rateId ? { rateId } : {}),
    addedAt: new Date().toISOString(),
    scanStatus: 'NOT_SCANNED',
  };
}

/** A complete contract-and-rates form covering all the state's programs, as parsed (defaults filled). */
export function fullFormData(state: State): FormData {
  return FormDataSchema.parse(completeForm({ programIds: state.programs.map((p) => p.id) }));
}

export function minimalFormData(state: State): FormData {
  return FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', programIds: [state.programs[0]!.id] });
}

/** A contract-only form naming exactly these programs. */
export function formWithPrograms(programIds: string[]): FormData {
  return FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', programIds });
}

/** A fresh state with its own numbering, seeded into the store. */
export async function freshState(
  store: DrivenStore,
  nextCode: () => string,
  programNames?: string[],
): Promise<State> {
  const state = makeState(nextCode(), programNames);
  await store.upsertStates([state]);
  return state;
}

export async function draft(
  store: DrivenStore,
  state: State,
  actor = stateActor(),
  formData = minimalFormData(state),
) {
  return store.createDraft({ id: randomUUID(), stateCode: state.code, formData, actor });
}

export async function submitted(store: DrivenStore, state: State, actor = stateActor()) {
  const pkg = await draft(store, state, actor);
  return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
}

/** A complete rate certification's form (rates.ts `RateFormDataSchema`), certifying these programs. */
export function completeRateForm(programIds: string[]): RateFormDataInput {
  const { id: _id, ...form } = completeForm({ programIds }).rateCertifications![0]!;
  return form;
}

/** The least a rate's form holds: nothing (every answer is optional until the parent submits). */
export function minimalRateForm(): RateFormDataInput {
  return {};
}

/**
 * A contract-and-rates package form that passes every submit rule once the package has a
 * CONTRACT document and links a rate: its rates are records of their own, not in the form.
 */
export function ratesPackageForm(state: State): FormData {
  return FormDataSchema.parse(
    completeForm({ programIds: state.programs.map((p) => p.id) }, { rateCertifications: [] }),
  );
}

/** A clean contract document, as the upload path records it once scanned. */
export function cleanContract(): PackageDocument {
  return { ...document('contract.pdf', 'CONTRACT'), scanStatus: 'CLEAN' };
}

/**
 * A whole rate record, built directly (no plans), for the maintenance and read tests that import
 * rates: submitted once by `parentPackageId`, carried by the packages in `packageIds` (none unless
 * given: the parent is not imported with it, and a rate naming a package the store lacks is a broken
 * link that verify reports — the dual suite verifies the whole store after the run).
 */
export function rateRecord(
  state: State,
  overrides: Partial<Pick<Rate, 'stateRateNumber' | 'parentPackageId' | 'packageIds' | 'updatedAt'>> & {
    submitted?: boolean;
  } = {},
): Rate {
  const at = overrides.updatedAt ?? new Date().toISOString();
  const parentPackageId = overrides.parentPackageId ?? randomUUID();
  const submitted = overrides.submitted ?? true;
  const actor = stateActor();
  return RateSchema.parse({
    id: randomUUID(),
    stateCode: state.code,
    stateRateNumber: overrides.stateRateNumber ?? 1,
    parentPackageId,
    status: submitted ? 'SUBMITTED' : 'DRAFT',
    version: submitted ? 2 : 1,
    createdAt: at,
    updatedAt: at,
    initiallySubmittedAt: submitted ? at : null,
    revisions: [
      {
        id: randomUUID(),
        number: 1,
        createdAt: at,
        formData: completeRateForm([state.programs[0]!.id]),
        documents: [{ ...rateDocument('rates.pdf'), addedAt: at }],
        submitInfo: submitted ? { at, by: actor, reason: 'Initial submission' } : null,
        unlockInfo: null,
        submittedWith: submitted ? { packageId: parentPackageId, packageRevision: 1 } : null,
      },
    ],
    packageIds: overrides.packageIds ?? [],
    withdrawals: [],
  });
}

/** A rate's own document (a certification), as the upload path records it once scanned. */
export function rateDocument(name: string, category: RateDocument['category'] = 'RATE'): RateDocument {
  const { rateId: _rateId, ...doc } = document(name, category);
  return { ...doc, category, scanStatus: 'CLEAN' };
}
