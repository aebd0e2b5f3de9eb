/**
 * The form questions added for CMS's review (issue 11 §1) on every store: a form answering all
 * of them, every provision and population included, reads back exactly, through submit and
 * unlock; a form made before they existed reads back without them; the rate-only program flag
 * is kept. Called from `runStoreConformance`.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type FormData,
  FormDataSchema,
  MEDICAID_POPULATION_KEYS,
  MODIFIED_PROVISION_KEYS,
  type State,
} from '../../src/domain/index.js';
import { completeForm } from '../support/complete-form.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, freshState, makeState, stateActor } from './fixtures.js';
import { suiteStore } from './suite-helpers.js';

/** The contract's new questions, each absent until answered. */
export const NEW_CONTRACT_FIELDS = [
  'populationCovered',
  'riskBasedContract',
  'contractExecutionStatus',
  'dsnpContract',
  'modifiedProvisions',
] as const;
const NEW_RATE_FIELDS = ['capitationType', 'medicaidPopulations'] as const;

/** An amendment answering every new question: provisions alternate yes and no. */
function everyNewField(state: State): FormData {
  const programIds = state.programs.map((p) => p.id);
  const form = completeForm(
    { programIds },
    {
      contractType: 'AMENDMENT',
      populationCovered: 'MEDICAID_AND_CHIP',
      riskBasedContract: false,
      contractExecutionStatus: 'UNEXECUTED',
      dsnpContract: false,
      modifiedProvisions: Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p, i) => [p, i % 2 === 0])),
    },
  );
  const [rate] = form.rateCertifications!;
  form.rateCertifications = [
    {
      ...rate!,
      rateType: 'AMENDMENT',
      effectiveDateStart: '2027-04-01',
      effectiveDateEnd: '2027-12-31',
      capitationType: 'RATE_RANGE',
      medicaidPopulations: [...MEDICAID_POPULATION_KEYS],
    },
    { id: randomUUID(), rateProgramIds: programIds, capitationType: 'RATE_CELL', medicaidPopulations: [] },
  ];
  return FormDataSchema.parse(form);
}

/** A form as drafts were made before the new questions: none of them present. */
function madeBefore(state: State): FormData {
  const form = completeForm({ programIds: state.programs.map((p) => p.id) });
  for (const field of NEW_CONTRACT_FIELDS) delete form[field];
  for (const rate of form.rateCertifications!) for (const field of NEW_RATE_FIELDS) delete rate[field];
  return FormDataSchema.parse(form);
}

export function runFormFieldsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

  async function roundTrip(state: State, formData: FormData) {
    const actor = stateActor();
    const created = await store.createDraft({ id: randomUUID(), stateCode: state.code, formData, actor });
    expect(created.revisions[0]!.formData).toEqual(formData);
    expect((await store.getPackage(created.id)).revisions[0]!.formData).toEqual(formData);
    return { created, actor };
  }

  describe('form fields of the review', () => {
    it('a form with every new field set, every provision and population, reads back exactly', async () => {
      const state = await freshState(store, nextCode);
      const formData = everyNewField(state);
      expect(Object.keys(formData.modifiedProvisions!)).toHaveLength(MODIFIED_PROVISION_KEYS.length);
      const { created, actor } = await roundTrip(state, formData);

      // Through submit and unlock: the submitted revision and the unlocked copy keep every answer.
      const sent = await store.submit(created.id, { expectedVersion: created.version, actor });
      const unlocked = await store.unlock(sent.id, {
        expectedVersion: sent.version,
        actor: cmsActor(),
        reason: 'Please fix the rates',
      });
      const read = await store.getPackage(unlocked.id);
      expect(read.revisions.map((r) => r.formData)).toEqual([formData, formData]);
    });

    it('answers change on a draft: all no, then none answered yet ({}), and read back exactly', async () => {
      const state = await freshState(store, nextCode);
      const { created, actor } = await roundTrip(state, everyNewField(state));
      let version = created.version;
      const allNo = Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p) => [p, false]));
      for (const modifiedProvisions of [allNo, {}]) {
        const formData = { ...everyNewField(state), modifiedProvisions };
        const updated = await store.updateDraft(created.id, { expectedVersion: version, formData, actor });
        version = updated.version;
        expect((await store.getPackage(created.id)).revisions[0]!.formData).toEqual(formData);
      }
    });

    it('a form made before the fields existed reads back with none of them', async () => {
      const state = await freshState(store, nextCode);
      const formData = madeBefore(state);
      const { created } = await roundTrip(state, formData);
      const read = (await store.getPackage(created.id)).revisions[0]!.formData;
      for (const field of NEW_CONTRACT_FIELDS) expect(read).not.toHaveProperty(field);
      for (const field of NEW_RATE_FIELDS) expect(read.rateCertifications[0]).not.toHaveProperty(field);
    });

    it('keeps which programs are rate-only, and leaves the flag absent where it was never set', async () => {
      const state = makeState(nextCode(), ['PMAP', 'MLTSS', 'MSHO']);
      state.programs[1]!.isRateProgram = true;
      state.programs[2]!.isRateProgram = false;
      await store.upsertStates([state]);
      const read = await store.getState(state.code);
      expect(read).toEqual(state);
      expect(read.programs[0]).not.toHaveProperty('isRateProgram');
    });
  });
}
