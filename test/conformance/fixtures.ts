/** Builders for the conformance suite: every test makes its own states, ids and packages. */
import { createHash, randomUUID } from 'node:crypto';
import type { Actor, FormData, PackageDocument, State } from '../../src/domain/index.js';
import { FormDataSchema } from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';

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

/** A complete contract-and-rates form, as parsed (defaults filled). */
export function fullFormData(state: State): FormData {
  const programIds = state.programs.map((p) => p.id);
  return FormDataSchema.parse({
    submissionType: 'CONTRACT_AND_RATES',
    programIds,
    submissionDescription: 'Base contract for calendar year 2027 with capitation rates',
    contractType: 'BASE',
    contractDateStart: '2027-01-01',
    contractDateEnd: '2027-12-31',
    managedCareEntities: ['MCO'],
    federalAuthorities: ['STATE_PLAN', 'WAIVER_1115'],
    relatedToCovid19: false,
    rateCertifications: [
      {
        id: randomUUID(),
        rateType: 'NEW',
        rateProgramIds: programIds.slice(0, 1),
        rateDateStart: '2027-01-01',
        rateDateEnd: '2027-12-31',
        rateDateCertified: '2026-10-01',
        certifyingActuaries: [
          { name: 'Ada Actuary', title: 'FSA', email: 'ada@mercer.example.com', actuarialFirm: 'MERCER' },
        ],
      },
    ],
    stateContacts: [{ name: 'Sam State', title: 'Program lead', email: 'sam@state.example.gov' }],
    actuaryCommunicationPreference: 'OACT_TO_ACTUARY',
  });
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
  store: Store,
  nextCode: () => string,
  programNames?: string[],
): Promise<State> {
  const state = makeState(nextCode(), programNames);
  await store.upsertStates([state]);
  return state;
}

export async function draft(
  store: Store,
  state: State,
  actor = stateActor(),
  formData = minimalFormData(state),
) {
  return store.createDraft({ id: randomUUID(), stateCode: state.code, formData, actor });
}

export async function submitted(store: Store, state: State, actor = stateActor()) {
  const pkg = await draft(store, state, actor);
  return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
}
