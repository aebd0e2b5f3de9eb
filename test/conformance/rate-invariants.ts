/**
 * What must hold of rates and packages after every change, whoever made it: both sides of every
 * link agree, links stay in their state and never lead to a missing rate, a draft never links a
 * withdrawn rate, links freeze on submitted revisions and never on drafts, numbers are unique.
 * Shared by the rates conformance file and the model test.
 */
import {
  lastSubmittedRevision,
  linkedRateIds,
  type Package,
  type Rate,
  type Revision,
} from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';

/** Every broken rule among these records, as sentences (empty: all hold). */
export function rateInvariantProblems(packages: readonly Package[], rates: readonly Rate[]): string[] {
  const problems: string[] = [];
  const rateById = new Map(rates.map((r) => [r.id, r]));
  const pkgById = new Map(packages.map((p) => [p.id, p]));
  for (const pkg of packages) {
    const linked = linkedRateIds(pkg);
    for (const rateId of linked) {
      const rate = rateById.get(rateId);
      if (!rate) {
        problems.push(`package ${pkg.id} links missing rate ${rateId}`);
        continue;
      }
      if (rate.stateCode !== pkg.stateCode)
        problems.push(`package ${pkg.id} (${pkg.stateCode}) links rate ${rateId} of ${rate.stateCode}`);
      if (!rate.packageIds.includes(pkg.id))
        problems.push(`package ${pkg.id} links rate ${rateId}, whose packageIds lack it`);
    }
    const current = pkg.revisions[0]!;
    for (const link of current.rateLinks) {
      const rate = rateById.get(link.rateId);
      if (current.submitInfo === null && rate?.status === 'WITHDRAWN')
        problems.push(`draft revision of ${pkg.id} links withdrawn rate ${link.rateId}`);
    }
    for (const revision of pkg.revisions) problems.push(...frozenLinkProblems(pkg.id, revision, rateById));
  }
  for (const rate of rates) {
    for (const packageId of rate.packageIds) {
      const pkg = pkgById.get(packageId);
      if (!pkg) problems.push(`rate ${rate.id} names missing package ${packageId}`);
      else if (!linkedRateIds(pkg).has(rate.id))
        problems.push(`rate ${rate.id} names package ${packageId}, which does not link it`);
    }
    if (rate.status !== 'DRAFT' && !pkgById.has(rate.parentPackageId))
      problems.push(`submitted rate ${rate.id} has missing parent ${rate.parentPackageId}`);
  }
  const numbers = new Map<string, string>();
  for (const rate of rates) {
    const key = `${rate.stateCode}#${rate.stateRateNumber}`;
    const other = numbers.get(key);
    if (other) problems.push(`rates ${other} and ${rate.id} share number ${key}`);
    numbers.set(key, rate.id);
    if (rate.stateRateNumber < 1) problems.push(`rate ${rate.id} has no number`);
  }
  return problems;
}

function frozenLinkProblems(packageId: string, revision: Revision, rates: Map<string, Rate>): string[] {
  const problems: string[] = [];
  for (const link of revision.rateLinks) {
    if (revision.submitInfo === null) {
      if (link.rateRevision !== null)
        problems.push(
          `draft revision ${revision.number} of ${packageId} has a frozen link to ${link.rateId}`,
        );
      continue;
    }
    if (link.rateRevision === null) {
      problems.push(`submitted revision ${revision.number} of ${packageId} has an unfrozen link`);
      continue;
    }
    const rate = rates.get(link.rateId);
    const frozen = rate?.revisions.find((r) => r.number === link.rateRevision);
    if (rate && (!frozen || frozen.submitInfo === null))
      problems.push(
        `revision ${revision.number} of ${packageId} links rate ${link.rateId} revision ${link.rateRevision}, which is not a submitted revision`,
      );
  }
  return problems;
}

/** Reads every rate the packages link (ever) and every package the rates name, then checks. */
export async function readRateWorld(
  store: Store,
  packageIds: readonly string[],
  rateIds: readonly string[],
): Promise<{ packages: Package[]; rates: Rate[] }> {
  const packages = (
    await Promise.all(packageIds.map((id) => store.getPackage(id).catch(() => undefined)))
  ).filter((p): p is Package => p !== undefined);
  const ids = new Set(rateIds);
  for (const p of packages) for (const r of p.revisions) for (const l of r.rateLinks) ids.add(l.rateId);
  const rates = (await Promise.all([...ids].map((id) => store.getRate(id).catch(() => undefined)))).filter(
    (r): r is Rate => r !== undefined,
  );
  return { packages, rates };
}

/** What a submitted revision holds: must read back the same forever. */
export function frozenSnapshot(packages: readonly Package[], rates: readonly Rate[]): Map<string, unknown> {
  const snap = new Map<string, unknown>();
  for (const p of packages)
    for (const r of p.revisions)
      if (r.submitInfo) snap.set(`p:${p.id}:${r.number}`, { links: r.rateLinks, form: r.formData });
  for (const rate of rates)
    for (const r of rate.revisions)
      if (r.submitInfo) snap.set(`r:${rate.id}:${r.number}`, { form: r.formData, docs: r.documents });
  return snap;
}

export const lastSubmittedLinks = (pkg: Package) =>
  (lastSubmittedRevision(pkg)?.rateLinks ?? []).map((l) => ({ ...l }));
