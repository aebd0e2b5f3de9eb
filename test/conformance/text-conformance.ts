/**
 * Every store accepts exactly the same text: none keeps a NUL (U+0000) or an unpaired UTF-16
 * surrogate (PostgreSQL cannot, so DynamoDB must not either), each refuses them with
 * InvalidInput and writes nothing, and every other string comes back exactly as given.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import {
  cmsActor,
  document,
  draft,
  freshState,
  fullFormData,
  makeState,
  minimalFormData,
  stateActor,
  submitted,
} from './fixtures.js';
import { expectStoreError } from './suite-helpers.js';

const UNSTORABLE = [
  ['a NUL character', 'before\u0000after'],
  ['a lone high surrogate', 'before\ud800after'],
  ['a lone low surrogate', 'before\udc00after'],
  ['a high surrogate at the end', 'ends with\ud83d'],
] as const;

/** Text that is awkward but valid: every store must keep it exactly. */
const AWKWARD = 'émoji 😀 \u200b zero-width, \ufffd replacement, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, \'"; drop';

export function runTextConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe('text every store can keep', () => {
    for (const [what, text] of UNSTORABLE) {
      it(`refuses ${what} in a new draft's form data with InvalidInput, burning no number`, async () => {
        const store = getStore();
        const state = await freshState(store, nextCode);
        const formData = { ...minimalFormData(state), submissionDescription: text };
        await expectStoreError(
          store.createDraft({ id: randomUUID(), stateCode: state.code, formData, actor: stateActor() }),
          'VALIDATION_FAILED',
        );
        expect((await draft(store, state)).stateNumber).toBe(1);
      });
    }

    it('refuses such text in every part of a draft change, leaving the package as it was', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData: fullFormData(state),
        actor,
      });
      const form = pkg.revisions[0]!.formData;
      const contact = form.stateContacts[0]!;
      const rate = form.rateCertifications[0]!;
      const actuary = rate.certifyingActuaries[0]!;
      for (const [, text] of UNSTORABLE) {
        for (const formData of [
          { ...form, stateContacts: [{ ...contact, name: text }] },
          { ...form, otherItemBeingAmended: text },
          { ...form, rateCertifications: [{ ...rate, certifyingActuaries: [{ ...actuary, title: text }] }] },
        ]) {
          await expectStoreError(
            store.updateDraft(pkg.id, { expectedVersion: pkg.version, formData, actor }),
            'VALIDATION_FAILED',
          );
        }
        await expectStoreError(
          store.updateDraft(pkg.id, {
            expectedVersion: pkg.version,
            documents: [document(`contract${text}.pdf`)],
            actor,
          }),
          'VALIDATION_FAILED',
        );
        await expectStoreError(
          store.updateDraft(pkg.id, {
            expectedVersion: pkg.version,
            formData: form,
            actor,
            event: { action: 'UPDATE', summary: text },
          }),
          'VALIDATION_FAILED',
        );
      }
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
    });

    it('refuses such text in unlock and resubmit reasons and in audit events', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await submitted(store, state, actor);
      for (const [, text] of UNSTORABLE) {
        await expectStoreError(
          store.unlock(pkg.id, { expectedVersion: pkg.version, actor: cmsActor(), reason: text }),
          'VALIDATION_FAILED',
        );
        await expectStoreError(
          store.appendAudit({
            at: new Date().toISOString(),
            packageId: pkg.id,
            actor,
            action: 'DOWNLOAD',
            summary: text,
          }),
          'VALIDATION_FAILED',
        );
      }
      const unlocked = await store.unlock(pkg.id, {
        expectedVersion: pkg.version,
        actor: cmsActor(),
        reason: 'r',
      });
      await expectStoreError(
        store.resubmit(pkg.id, { expectedVersion: unlocked.version, actor, reason: UNSTORABLE[0][1] }),
        'VALIDATION_FAILED',
      );
      expect(await store.getPackage(pkg.id)).toEqual(unlocked);
      expect((await store.listAudit(pkg.id)).items.map((e) => e.action)).toEqual([
        'CREATE',
        'SUBMIT',
        'UNLOCK',
      ]);
    });

    it('refuses such text in states, users and imports, storing none of them', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      for (const [, text] of UNSTORABLE) {
        const badState = { ...makeState(nextCode()), name: text };
        await expectStoreError(store.upsertStates([badState]), 'VALIDATION_FAILED');
        await expectStoreError(store.getState(badState.code), 'NOT_FOUND');
        const program = { ...makeState(nextCode()), programs: [{ ...state.programs[0]!, fullName: text }] };
        await expectStoreError(store.upsertStates([program]), 'VALIDATION_FAILED');
        await expectStoreError(store.getState(program.code), 'NOT_FOUND');

        const user: User = {
          id: randomUUID(),
          email: 'someone@state.example.gov',
          givenName: text,
          familyName: 'State',
          role: 'STATE_USER',
          stateCode: state.code,
        };
        await expectStoreError(store.upsertUsers([user]), 'VALIDATION_FAILED');
        await expectStoreError(store.getUser(user.id), 'NOT_FOUND');

        const made = await draft(store, state);
        const copy = structuredClone(made);
        copy.id = randomUUID();
        copy.stateNumber += 1000;
        copy.revisions[0]!.formData.submissionDescription = text;
        await expectStoreError(store.maintenance.importPackages([copy]), 'VALIDATION_FAILED');
        await expectStoreError(store.getPackage(copy.id), 'NOT_FOUND');
        await expectStoreError(
          store.maintenance.importAudit([
            {
              id: randomUUID(),
              packageId: made.id,
              at: new Date().toISOString(),
              actor: cmsActor(),
              action: 'DOWNLOAD',
              summary: text,
            },
          ]),
          'VALIDATION_FAILED',
        );
        expect((await store.listAudit(made.id)).items.map((e) => e.action)).toEqual(['CREATE']);
      }
    });

    it('an id holding such text, or no uuid at all, names nothing: NotFound, an empty trail', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      for (const id of [`${randomUUID()}\u0000`, `${randomUUID().slice(0, 35)}\ud800`, 'not-a-uuid', '']) {
        const label = JSON.stringify(id);
        await expectStoreError(store.getPackage(id), 'NOT_FOUND');
        await expectStoreError(
          store.updateDraft(id, { expectedVersion: 1, formData: minimalFormData(state), actor }),
          'NOT_FOUND',
        );
        await expectStoreError(store.submit(id, { expectedVersion: 1, actor }), 'NOT_FOUND');
        await expectStoreError(store.deleteDraft(id, { expectedVersion: 1, actor }), 'NOT_FOUND');
        await expectStoreError(store.getUser(id), 'NOT_FOUND');
        expect((await store.listAudit(id)).items, label).toEqual([]);
        await store.maintenance.removePackage(id);
        await expectStoreError(
          store.createDraft({ id, stateCode: state.code, formData: minimalFormData(state), actor }),
          'VALIDATION_FAILED',
        );
      }
      await expectStoreError(
        store.appendAudit({
          at: new Date().toISOString(),
          packageId: 'not-a-uuid',
          actor,
          action: 'DOWNLOAD',
          summary: 'x',
        }),
        'NOT_FOUND',
      );
      expect((await draft(store, state)).stateNumber).toBe(1);
    });

    it('keeps every other string exactly as given', async () => {
      const store = getStore();
      const state = { ...makeState(nextCode()), name: AWKWARD };
      await store.upsertStates([state]);
      expect(await store.getState(state.code)).toEqual(state);
      const actor = stateActor();
      const formData = { ...fullFormData(state), submissionDescription: AWKWARD };
      const pkg = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData,
        documents: [document(`${AWKWARD}.pdf`)],
        actor,
      });
      expect((await store.getPackage(pkg.id)).revisions[0]!.formData.submissionDescription).toBe(AWKWARD);
      expect((await store.getPackage(pkg.id)).revisions[0]!.documents[0]!.name).toBe(`${AWKWARD}.pdf`);
      const user: User = {
        id: randomUUID(),
        email: 'a@b.example',
        givenName: AWKWARD,
        familyName: 'x',
        role: 'CMS_USER',
      };
      await store.upsertUsers([user]);
      expect(await store.getUser(user.id)).toEqual(user);
    });
  });
}
