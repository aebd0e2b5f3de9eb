/**
 * The links between packages and rates (issue 13), checked within one store from both sides:
 * each package revision's `rateLinks` name an existing rate of the package's state (a frozen
 * link, an existing revision of it; a submitted revision links frozen only), each rate's
 * `packageIds` are exactly the packages that carry it (domain `linkedRateIds`), and each state's
 * rate counter is at least its highest rate number (so no number is handed out twice).
 */
import { linkedRateIds, type Package, type Rate } from '../domain/index.js';

/** What verification keeps of a package to check its links: small, so a large store fits in memory. */
export interface PackageLinks {
  stateCode: string;
  /** Every link of every revision. */
  links: { revision: number; submitted: boolean; rateId: string; rateRevision: number | null }[];
  /** The rates it carries now (linkedRateIds). */
  carries: string[];
}

/** What verification keeps of a rate to check links to it. */
export interface RateLinks {
  stateCode: string;
  stateRateNumber: number;
  revisions: number[];
  packageIds: string[];
}

export const packageLinksOf = (p: Package): PackageLinks => ({
  stateCode: p.stateCode,
  links: p.revisions.flatMap((r) =>
    (r.rateLinks ?? []).map((l) => ({
      revision: r.number,
      submitted: r.submitInfo !== null,
      rateId: l.rateId,
      rateRevision: l.rateRevision,
    })),
  ),
  carries: [...linkedRateIds(p)],
});

export const rateLinksOf = (r: Rate): RateLinks => ({
  stateCode: r.stateCode,
  stateRateNumber: r.stateRateNumber,
  revisions: r.revisions.map((v) => v.number),
  packageIds: [...r.packageIds],
});

/** One broken link or counter: on which record, the records involved (to read again), and what is wrong. */
export interface LinkProblem {
  entity: 'rateLinks' | 'rateCounters';
  /** The package or rate the problem is seen on, or the state of a counter. */
  id: string;
  packageIds: string[];
  rateIds: string[];
  detail: string;
}

export function linkProblems(
  packages: ReadonlyMap<string, PackageLinks>,
  rates: ReadonlyMap<string, RateLinks>,
  rateCounters: Readonly<Record<string, number>>,
): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const onPackage = (id: string, rateId: string, detail: string) =>
    problems.push({ entity: 'rateLinks', id, packageIds: [id], rateIds: [rateId], detail });
  const onRate = (id: string, packageId: string, detail: string) =>
    problems.push({ entity: 'rateLinks', id, packageIds: [packageId], rateIds: [id], detail });

  for (const [id, p] of packages) {
    for (const l of p.links) {
      const rate = rates.get(l.rateId);
      const where = `revision ${l.revision} links rate ${l.rateId}`;
      if (!rate) onPackage(id, l.rateId, `${where}, which does not exist`);
      else if (rate.stateCode !== p.stateCode)
        onPackage(
          id,
          l.rateId,
          `${where} of another state (${rate.stateCode}, the package is ${p.stateCode})`,
        );
      else if (l.rateRevision !== null && !rate.revisions.includes(l.rateRevision))
        onPackage(id, l.rateId, `${where} at revision ${l.rateRevision}, which the rate does not have`);
      else if (l.rateRevision === null && l.submitted)
        onPackage(id, l.rateId, `${where} unfrozen, though the revision was submitted`);
    }
    for (const rateId of p.carries) {
      const rate = rates.get(rateId);
      if (rate && !rate.packageIds.includes(id))
        onPackage(id, rateId, `carries rate ${rateId}, whose packageIds do not list it`);
    }
  }

  const highest = new Map<string, { number: number; rateId: string }>();
  const numbers = new Map<string, string>();
  for (const [id, r] of rates) {
    for (const packageId of r.packageIds) {
      const p = packages.get(packageId);
      if (!p) onRate(id, packageId, `lists package ${packageId}, which does not exist`);
      else if (!p.carries.includes(id))
        onRate(id, packageId, `lists package ${packageId}, which does not carry it`);
    }
    const key = `${r.stateCode}#${r.stateRateNumber}`;
    const other = numbers.get(key);
    if (other !== undefined) {
      problems.push({
        entity: 'rateLinks',
        id,
        packageIds: [],
        rateIds: [id, other],
        detail: `has ${r.stateCode} rate number ${r.stateRateNumber}, like rate ${other}`,
      });
    }
    numbers.set(key, id);
    const top = highest.get(r.stateCode);
    if (!top || r.stateRateNumber > top.number)
      highest.set(r.stateCode, { number: r.stateRateNumber, rateId: id });
  }
  for (const [stateCode, top] of highest) {
    const counter = rateCounters[stateCode] ?? 0;
    if (counter < top.number) {
      problems.push({
        entity: 'rateCounters',
        id: stateCode,
        packageIds: [],
        rateIds: [top.rateId],
        detail: `the rate counter is ${counter}, below rate ${top.rateId}'s number ${top.number}`,
      });
    }
  }
  return problems;
}
