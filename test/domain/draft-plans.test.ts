import { describe, expect, it } from 'vitest';
import {
  type FormData,
  type GraphChange,
  isGraphNeeds,
  type Package,
  planAddRateDocument,
  planSaveDraft,
  projectRevision,
  type Rate,
  type RateGraph,
  ratesById,
} from '../../src/domain/index.js';
import { contractAndRatesDraft, doc, MN, stateUser, uid } from './fixtures.js';
import { NOW, PKG_ID, pathsOf, refusal } from './plan-builders.js';
import { draftLinking, OTHER_PKG_ID, rate, rateDoc, rateForm, rateRev } from './rate-records.js';

const user = stateUser('MN');
const graphOf = (pkg: Package, rates: Rate[]): RateGraph => ({
  packages: new Map([[pkg.id, pkg]]),
  rates: ratesById(rates),
});
const changed = (result: ReturnType<typeof planSaveDraft>): GraphChange => {
  if (isGraphNeeds(result)) throw new Error(`the plan asked for ${JSON.stringify(result.needs)}`);
  return result;
};
const save = (graph: RateGraph, parts: { formData?: FormData; documents?: { id: string }[] }) =>
  planSaveDraft(graph, {
    user,
    at: NOW,
    packageId: PKG_ID,
    expectedVersion: 1,
    programs: MN.programs,
    ...parts,
  });

/** A draft carrying its own child rate (3) and another package's submitted rate (4). */
function draftWithRates() {
  const child = rate(3, PKG_ID, [rateRev(1, { formData: rateForm(0), documents: [rateDoc(10)] })]);
  const linked = rate(
    4,
    OTHER_PKG_ID,
    [
      rateRev(1, {
        formData: rateForm(1),
        documents: [rateDoc(11)],
        submitted: true,
        packageId: OTHER_PKG_ID,
      }),
    ],
    { packageIds: [OTHER_PKG_ID, PKG_ID] },
  );
  const pkg = draftLinking([
    { rateId: child.id, rateRevision: null },
    { rateId: linked.id, rateRevision: null },
  ]);
  const graph = graphOf(pkg, [child, linked]);
  const shown = projectRevision(pkg, pkg.revisions[0]!, graph.rates);
  return { pkg, child, linked, graph, shown };
}

describe('saving the editor’s form as records', () => {
  it('turns new rate certifications into child rates with their documents, in one change with one event', () => {
    const legacy = contractAndRatesDraft();
    const pkg = draftLinking([]);
    const graph = graphOf(pkg, []);
    const formData = { ...legacy.formData, programIds: [MN.programs[0]!.id, MN.programs[1]!.id] };
    const withFiles = {
      ...pkg,
      revisions: [{ ...pkg.revisions[0]!, documents: [...legacy.documents] }],
    };
    const change = changed(
      planSaveDraft(graphOf(withFiles, []), {
        user,
        at: NOW,
        packageId: PKG_ID,
        expectedVersion: 1,
        programs: MN.programs,
        formData,
      }),
    );
    expect(graph.rates.size).toBe(0);
    const [after] = change.packages;
    expect(after!.version).toBe(2);
    expect(after!.revisions[0]!.formData.rateCertifications).toEqual([]);
    expect(after!.revisions[0]!.documents.map((d) => d.category)).toEqual([
      'CONTRACT',
      'CONTRACT_SUPPORTING',
    ]);
    expect(after!.revisions[0]!.rateLinks.map((l) => l.rateId)).toEqual(
      legacy.formData.rateCertifications.map((r) => r.id),
    );
    expect(
      change.rates.map((r) => [r.id, r.stateRateNumber, r.packageIds, r.revisions[0]!.documents.length]),
    ).toEqual([
      [legacy.formData.rateCertifications[0]!.id, 0, [PKG_ID], 2],
      [legacy.formData.rateCertifications[1]!.id, 0, [PKG_ID], 1],
    ]);
    const numbered = change.withRateNumbers!(
      new Map(legacy.formData.rateCertifications.map((r, i) => [r.id, 7 + i])),
    );
    expect(numbered.rates.map((r) => r.stateRateNumber)).toEqual([7, 8]);
    expect(numbered.events.map((e) => [e.action, e.summary])).toEqual([
      [
        'UPDATE',
        'Draft updated: Rate certification MN-RATE-0007 added; Rate certification MN-RATE-0008 added',
      ],
    ]);
    // What the editor reads back is what it sent.
    const shown = projectRevision(
      numbered.packages[0]!,
      numbered.packages[0]!.revisions[0]!,
      ratesById(numbered.rates),
    );
    expect(shown.formData.rateCertifications).toEqual(formData.rateCertifications);
    expect(new Set(shown.documents.map((d) => `${d.id} ${d.rateId}`))).toEqual(
      new Set(legacy.documents.map((d) => `${d.id} ${d.rateId}`)),
    );
  });

  it('edits a child rate and ignores a linked rate sent back as shown', () => {
    const { graph, shown, child, linked } = draftWithRates();
    const edited = shown.formData.rateCertifications.map((r) =>
      r.id === child.id ? { ...r, rateDateCertified: '2025-09-30' } : r,
    );
    const change = changed(save(graph, { formData: { ...shown.formData, rateCertifications: edited } }));
    expect(change.rates.map((r) => r.id)).toEqual([child.id]);
    expect(change.rates[0]!).toMatchObject({ version: 2 });
    expect(change.rates[0]!.revisions[0]!.formData.rateDateCertified).toBe('2025-09-30');
    expect(change.events.map((e) => e.summary)).toEqual([
      'Draft updated: Rate certification MN-RATE-0003 updated',
    ]);
    expect(change.rates.some((r) => r.id === linked.id)).toBe(false);
  });

  it('refuses an edit of a linked rate, its documents, or dropping a submitted child, on the field', () => {
    const { graph, shown, linked } = draftWithRates();
    const edited = shown.formData.rateCertifications.map((r) =>
      r.id === linked.id ? { ...r, rateDateCertified: '2025-09-30' } : r,
    );
    expect(
      pathsOf(refusal(() => save(graph, { formData: { ...shown.formData, rateCertifications: edited } }))),
    ).toEqual(['formData.rateCertifications.1']);
    const renamed = shown.documents.map((d) =>
      d.rateId === linked.id ? { id: d.id, name: 'other.pdf' } : { id: d.id },
    );
    expect(pathsOf(refusal(() => save(graph, { documents: renamed })))).toEqual([
      `documents.${renamed.length - 1}.rateId`,
    ]);

    const submittedChild = rate(3, PKG_ID, [rateRev(1, { submitted: true })]);
    const unlocked = graphOf(graph.packages.get(PKG_ID)!, [submittedChild, linked]);
    expect(
      pathsOf(refusal(() => save(unlocked, { formData: { ...shown.formData, rateCertifications: [] } }))),
    ).toEqual(['formData.rateCertifications']);
  });

  it('removes a never-submitted child left out of the form, keeping a linked rate left out', () => {
    const { graph, shown, child, linked } = draftWithRates();
    const change = changed(save(graph, { formData: { ...shown.formData, rateCertifications: [] } }));
    expect(change.deletedRateIds).toEqual([child.id]);
    expect(change.packages[0]!.revisions[0]!.rateLinks).toEqual([{ rateId: linked.id, rateRevision: null }]);
    expect(change.events[0]!.summary).toBe('Draft updated: Rate certification MN-RATE-0003 removed');
  });

  it('uploads a rate document to a child rate only', () => {
    const { graph, child, linked } = draftWithRates();
    const upload = (rateId: string) =>
      planAddRateDocument(graph, {
        user,
        at: NOW,
        packageId: PKG_ID,
        document: { ...doc(20, 'RATE_SUPPORTING', { rateId }), id: uid(4, 20) },
      });
    const change = upload(child.id);
    if (isGraphNeeds(change)) throw new Error('asked for more');
    expect(change.rates[0]!.revisions[0]!.documents.map((d) => d.name)).toEqual([
      rateDoc(10).name,
      'rate_supporting-20.pdf',
    ]);
    expect(change.packages[0]!.version).toBe(2);
    expect(change.events.map((e) => e.action)).toEqual(['UPLOAD']);
    expect(pathsOf(refusal(() => upload(linked.id)))).toEqual(['rateId']);
  });
});
