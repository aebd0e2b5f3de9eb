/**
 * The draft editor's changes as graph plans. The editor keeps editing a draft as ONE form and
 * one document list (the projection, rate-projection.ts); these plans translate an edit back
 * into the records: the package's own form and documents, and its CHILD rates (created,
 * edited, removed) through the rate plans (rate-plans.ts) — all in one change, nothing
 * half-saved. A LINKED rate belongs to its parent package: an entry or a document of one must
 * come back unchanged (it is then ignored), else the edit is refused on that field.
 *
 * A save is recorded as ONE event on the package (UPDATE, naming the rates it added, edited or
 * removed), an upload as UPLOAD and a removal as REMOVE_DOCUMENT, as before rates were records;
 * and each bumps the package's version, so the editor's next save names the version it saw.
 */
import { AUDIT_SUMMARIES } from '../audit.js';
import { isRateCategory, type PackageDocument } from '../document.js';
import { applyDocumentChanges, type DocumentChange } from '../document-changes.js';
import { DomainError, invalidField, invalidFields, notFound } from '../errors.js';
import type { FormData, RateCertification } from '../form-data.js';
import { rateNumberLabel } from '../naming.js';
import { currentRevision, type Package, type Revision } from '../package.js';
import { type ProjectedRevision, projectRevision } from '../rate-projection.js';
import { lastSubmittedRateRevision, linkedRateIds, type Rate, type RateDocument } from '../rates.js';
import { actorOf, type Program } from '../reference.js';
import type { FieldError } from '../validate-submit.js';
import { GraphWork } from './graph-work.js';
import * as lifecycle from './lifecycle.js';
import { assertStatusAndVersion, withCurrentRevision } from './package-change.js';
import { missingFrom } from './rate-change.js';
import type { GraphChange, GraphNeeds, RateGraph } from './rate-graph.js';
import { planCreateRate, planUnlinkRate, planUpdateRate } from './rate-plans.js';
import {
  assertDocumentPlacement,
  assertMayAuthor,
  assertStatePrograms,
  type UserStep,
} from './user-plans.js';

export const LINKED_RATE_MESSAGE = 'is a linked rate: only its parent package edits it';

export interface SaveDraftStep extends UserStep {
  packageId: string;
  expectedVersion: number;
  /** The programs of the package's state (reference data). */
  programs: readonly Pick<Program, 'id'>[];
  /** The whole form as edited (parsed); its rate certifications are the child rates. Absent: unchanged. */
  formData?: FormData;
  /** The documents kept, by id (see `applyDocumentChanges`), rate documents included. Absent: unchanged. */
  documents?: readonly DocumentChange[];
}

/** Canonical JSON (keys sorted), to tell an edited rate from one sent back as shown. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
const sameForm = (entry: RateCertification, formData: object) => {
  const { id: _id, ...rest } = entry;
  return canonical(rest) === canonical(formData);
};

/** The package as read, with every rate its current or last submitted revision links; or what to read first. */
function packageWithRates(graph: RateGraph, packageId: string): Package | GraphNeeds {
  const pkg = graph.packages.get(packageId);
  if (!pkg) throw notFound('package', packageId);
  return missingFrom(graph, { rateIds: [...linkedRateIds(pkg)] }) ?? pkg;
}
const isNeeds = (x: Package | GraphNeeds): x is GraphNeeds => 'needs' in x;

const stepOf = (s: UserStep) => ({ user: s.user, at: s.at, ...(s.newId ? { newId: s.newId } : {}) });
const labelOf = (rate: Pick<Rate, 'stateCode' | 'stateRateNumber'>) =>
  rateNumberLabel(rate.stateCode, rate.stateRateNumber);

/** The form as shown with the linked rates it left out (they stay: a link leaves only by unlinking). */
function placementForm(form: FormData, shown: ProjectedRevision): Pick<FormData, 'rateCertifications'> {
  const listed = new Set(form.rateCertifications.map((r) => r.id));
  const kept = shown.formData.rateCertifications.filter(
    (r) => !listed.has(r.id) && shown.rates.some((f) => f.rateId === r.id && !f.isChild),
  );
  return { rateCertifications: [...form.rateCertifications, ...kept] };
}

/**
 * Saves the editor's form and documents: the package's own part on the package, each child
 * rate's part on its rate. A new entry id creates a child rate; a child left out is removed when
 * it was never submitted (refused otherwise: CMS withdraws it instead); a linked rate's entry and
 * documents must come back as shown. Rate documents go to their child rate.
 */
export function planSaveDraft(graph: RateGraph, step: SaveDraftStep): GraphChange | GraphNeeds {
  const read = packageWithRates(graph, step.packageId);
  if (isNeeds(read)) return read;
  const pkg = read;
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update', step.expectedVersion);
  const shown = projectRevision(pkg, currentRevision(pkg), graph.rates);
  const facts = new Map(shown.rates.map((f) => [f.rateId, f]));
  const form = step.formData ?? shown.formData;
  if (step.formData) assertStatePrograms(pkg.stateCode, form, step.programs);

  const errors: FieldError[] = [];
  const newChildren: RateCertification[] = [];
  const editedChildren: RateCertification[] = [];
  form.rateCertifications.forEach((entry, i) => {
    const fact = facts.get(entry.id);
    if (!fact) newChildren.push(entry);
    else if (fact.isChild) editedChildren.push(entry);
    else if (!sameForm(entry, fact.formData))
      errors.push({ path: `formData.rateCertifications.${i}`, message: LINKED_RATE_MESSAGE });
  });
  const listed = new Set(form.rateCertifications.map((r) => r.id));
  const removed = shown.rates.filter((f) => f.isChild && !listed.has(f.rateId));
  for (const f of removed) {
    if (lastSubmittedRateRevision(graph.rates.get(f.rateId)!))
      errors.push({
        path: 'formData.rateCertifications',
        message: `must keep rate certification ${f.rateNumber}: it was submitted (CMS withdraws it instead)`,
      });
  }
  if (errors.length > 0) throw invalidFields('some rate certifications cannot change here', errors);

  const placement = placementForm(form, shown);
  const placed = new Set(placement.rateCertifications.map((r) => r.id));
  // Without a document list, every document stays where it is, but those of a rate that goes.
  const changes =
    step.documents ??
    shown.documents
      .filter((d) => !isRateCategory(d.category) || (d.rateId !== undefined && placed.has(d.rateId)))
      .map((d) => ({ id: d.id }));
  const applied = applyDocumentChanges(shown.documents, changes, placement);
  if ('errors' in applied) throw invalidFields('some document changes are not allowed', applied.errors);
  const { packageDocuments, rateDocuments } = splitDocuments(applied.documents, shown, errors);
  if (errors.length > 0) throw invalidFields('some document changes are not allowed', errors);

  const work = new GraphWork(graph);
  const at = step.at;
  const edited = lifecycle.editDraft(pkg, {
    actor: actorOf(step.user),
    at,
    formData: { ...form, rateCertifications: [] },
    documents: packageDocuments,
  });
  work.putPackage(edited.after);
  const base = { ...stepOf(step), packageId: pkg.id, expectedVersion: pkg.version };
  for (const f of removed) {
    const needs = work.run((g) => planUnlinkRate(g, { ...base, rateId: f.rateId }));
    if (needs) return needs;
  }
  for (const entry of newChildren) {
    const { id: rateId, ...formData } = entry;
    const needs = work.run((g) => planCreateRate(g, { ...base, rateId, formData }));
    if (needs) return needs;
    const documents = rateDocuments.get(rateId);
    if (documents?.length) withNewRateDocuments(work, rateId, documents);
  }
  const updated: Rate[] = [];
  for (const entry of editedChildren) {
    const { id: rateId, ...formData } = entry;
    const rate = work.rates.get(rateId)!;
    const newest = rate.revisions[0]!;
    const documents = rateDocuments.get(rateId) ?? [];
    const formChanged = !sameForm(entry, newest.formData);
    const documentsChanged = canonical(documents) !== canonical(newest.documents);
    if (!formChanged && !documentsChanged) continue;
    const needs = work.run((g) =>
      planUpdateRate(g, {
        ...stepOf(step),
        rateId,
        expectedVersion: rate.version,
        ...(formChanged ? { formData } : {}),
        ...(documentsChanged ? { documents } : {}),
      }),
    );
    if (needs) return needs;
    updated.push(rate);
  }
  orderLinks(work, pkg.id, form);

  const created = work.createdRateIds;
  const build = (numbers?: ReadonlyMap<string, number>): GraphChange => {
    if (numbers) {
      for (const id of created) {
        const rate = work.rates.get(id)!;
        work.putRate({ ...rate, stateRateNumber: numbers.get(id) ?? rate.stateRateNumber });
      }
    }
    const parts = [
      ...created.map((id) => AUDIT_SUMMARIES.createRate(numbered(work.rates.get(id)!))),
      ...updated.map((r) => AUDIT_SUMMARIES.updateRate(labelOf(r))),
      ...removed.map((f) => AUDIT_SUMMARIES.removeRate(f.rateNumber)),
    ];
    const summary =
      parts.length > 0 ? `${AUDIT_SUMMARIES.update}: ${parts.join('; ')}` : AUDIT_SUMMARIES.update;
    const event = { packageId: pkg.id, actor: actorOf(step.user), action: 'UPDATE' as const, summary, at };
    return work.result(at, [event]);
  };
  const change = build();
  return created.length > 0 ? { ...change, withRateNumbers: (numbers) => build(numbers) } : change;
}

/** A rate's label, or a placeholder until the store numbers it. */
const numbered = (rate: Rate) => (rate.stateRateNumber > 0 ? labelOf(rate) : 'new');

/**
 * The documents the package keeps itself, and each child rate's. A linked rate's document
 * must be one it has, unchanged: it stays the rate's, and the package does not write it.
 */
function splitDocuments(
  documents: readonly PackageDocument[],
  shown: ProjectedRevision,
  errors: FieldError[],
) {
  const packageDocuments: PackageDocument[] = [];
  const rateDocuments = new Map<string, RateDocument[]>();
  documents.forEach((doc, i) => {
    if (!isRateCategory(doc.category) || doc.rateId === undefined) {
      packageDocuments.push(doc);
      return;
    }
    const fact = shown.rates.find((f) => f.rateId === doc.rateId);
    if (fact && !fact.isChild) {
      const was = shown.documents.find((d) => d.id === doc.id);
      if (!was || canonical(was) !== canonical(doc))
        errors.push({
          path: `documents.${i}.rateId`,
          message: `names a rate that ${LINKED_RATE_MESSAGE.slice(3)}`,
        });
      return;
    }
    const { rateId, ...rest } = doc;
    const list = rateDocuments.get(rateId) ?? [];
    list.push({ ...rest, category: doc.category as RateDocument['category'] });
    rateDocuments.set(rateId, list);
  });
  return { packageDocuments, rateDocuments };
}

/** A rate created in this change gets its documents in its first revision (it has no history yet). */
function withNewRateDocuments(work: GraphWork, rateId: string, documents: RateDocument[]) {
  const rate = work.rates.get(rateId)!;
  const [first, ...older] = rate.revisions;
  work.putRate({ ...rate, revisions: [{ ...first!, documents }, ...older] });
}

/** The links of the package's current revision in the order of the form (links it leaves out last). */
function orderLinks(work: GraphWork, packageId: string, form: FormData) {
  const pkg = work.packages.get(packageId)!;
  const current = currentRevision(pkg);
  const position = new Map(form.rateCertifications.map((r, i) => [r.id, i]));
  const rank = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const rateLinks = current.rateLinks
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l.rateId) - rank(b.l.rateId) || a.i - b.i)
    .map(({ l }) => l);
  const revision: Revision = { ...current, rateLinks };
  work.putPackage({ ...pkg, revisions: [revision, ...pkg.revisions.slice(1)] });
}

export interface RateDocumentStep extends UserStep {
  packageId: string;
}

/** The child rate of the package's current revision a rate document goes to, or the refusal. */
function childRateOf(graph: RateGraph, pkg: Package, rateId: string | undefined, field: string): Rate {
  const link = currentRevision(pkg).rateLinks.find((l) => l.rateId === rateId);
  const rate = link ? graph.rates.get(link.rateId) : undefined;
  if (!rate) throw invalidField(field, 'must name a rate certification of this package');
  if (rate.parentPackageId !== pkg.id) throw invalidField(field, LINKED_RATE_MESSAGE);
  return rate;
}

/** The package one version on, as a change of its rates' documents leaves it (the editor's version moves). */
const touched = (pkg: Package, at: string) => withCurrentRevision(pkg, currentRevision(pkg), at);

/**
 * Records an uploaded rate document (made by the server, `rateId` set) in its CHILD rate's
 * current revision. Placement rules as for package documents (name unique in its list); a
 * linked rate's id is refused on `rateId`. Event UPLOAD on the package.
 */
export function planAddRateDocument(
  graph: RateGraph,
  step: RateDocumentStep & { document: PackageDocument },
): GraphChange | GraphNeeds {
  const read = packageWithRates(graph, step.packageId);
  if (isNeeds(read)) return read;
  const pkg = read;
  const { document } = step;
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update');
  const rate = childRateOf(graph, pkg, document.rateId, 'rateId');
  const shown = projectRevision(pkg, currentRevision(pkg), graph.rates);
  assertDocumentPlacement({ ...pkg, revisions: [shown, ...pkg.revisions.slice(1)] }, step.user, document);
  const { rateId: _r, ...rest } = document;
  const documents = [
    ...rate.revisions[0]!.documents,
    { ...rest, category: document.category as RateDocument['category'] },
  ];
  return rateDocumentsChange(graph, pkg, rate, step, documents, {
    action: 'UPLOAD',
    summary: AUDIT_SUMMARIES.upload(document.name, document.category, document.scanStatus),
  });
}

/** Removes a document from a CHILD rate's current revision. Event REMOVE_DOCUMENT on the package. */
export function planRemoveRateDocument(
  graph: RateGraph,
  step: RateDocumentStep & { rateId: string; documentId: string },
): GraphChange | GraphNeeds {
  const read = packageWithRates(graph, step.packageId);
  if (isNeeds(read)) return read;
  const pkg = read;
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update');
  const rate = childRateOf(graph, pkg, step.rateId, 'documentId');
  const documents = rate.revisions[0]!.documents;
  if (!documents.some((d) => d.id === step.documentId))
    throw new DomainError('NOT_FOUND', `document ${step.documentId} is not in this draft`);
  return rateDocumentsChange(
    graph,
    pkg,
    rate,
    step,
    documents.filter((d) => d.id !== step.documentId),
    { action: 'REMOVE_DOCUMENT', summary: AUDIT_SUMMARIES.removeDocument },
  );
}

function rateDocumentsChange(
  graph: RateGraph,
  pkg: Package,
  rate: Rate,
  step: RateDocumentStep,
  documents: RateDocument[],
  audit: { action: 'UPLOAD' | 'REMOVE_DOCUMENT'; summary: string },
): GraphChange | GraphNeeds {
  const work = new GraphWork(graph);
  const needs = work.run((g) =>
    planUpdateRate(g, { ...stepOf(step), rateId: rate.id, expectedVersion: rate.version, documents }),
  );
  if (needs) return needs;
  work.putPackage(touched(work.packages.get(pkg.id)!, step.at));
  return work.result(step.at, [{ packageId: pkg.id, actor: actorOf(step.user), at: step.at, ...audit }]);
}
