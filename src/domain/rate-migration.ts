/**
 * Moving a package's embedded rate certifications (`formData.rateCertifications`, rate documents
 * with a `rateId`) into rate records of their own (rates.ts), as a pure function the migration
 * runs on each package. Each embedded certification becomes a CHILD rate with the same id, with
 * one revision for each package revision that carried it, so what every submitted revision sent
 * reads back the same; the package revisions link them instead.
 */
import { isRateCategory } from './document.js';
import { type Package, type Revision, withDerivedStatuses } from './package.js';
import {
  deriveRateStatus,
  linkedRateIds,
  type Rate,
  type RateDocument,
  type RateLink,
  type RateRevision,
} from './rates.js';

/**
 * A uuid made from two: the same pair always gives the same id, so running the migration twice
 * (a retry, a copy migrated on both sides) writes the same records.
 */
function derivedUuid(a: string, b: string): string {
  const hexA = a.replaceAll('-', '');
  const hexB = b.replaceAll('-', '');
  const mixed = [...hexA].map((c, i) =>
    (Number.parseInt(c, 16) ^ Number.parseInt(hexB[i]!, 16)).toString(16),
  );
  mixed[12] = '4'; // version 4
  mixed[16] = ((Number.parseInt(mixed[16]!, 16) & 0x3) | 0x8).toString(16); // RFC variant
  const h = mixed.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The rate documents of one certification in a package revision, as the rate's own. */
function rateDocumentsOf(revision: Revision, rateId: string): RateDocument[] {
  return revision.documents.flatMap(({ rateId: owner, ...d }) =>
    isRateCategory(d.category) && owner === rateId
      ? [{ ...d, category: d.category as RateDocument['category'] }]
      : [],
  );
}

const latest = (times: (string | undefined)[]) =>
  times.reduce<string>((max, t) => (t !== undefined && t > max ? t : max), '');

/**
 * The package without embedded rates, and its rates as records. `numberFor` gives each rate its
 * per-state number (the caller allocates them from the state's rate counter). A package without
 * embedded rates comes back as it was, with no rates.
 */
export function embeddedRatesToRecords(
  pkg: Package,
  numberFor: (rateId: string) => number,
): { package: Package; rates: Rate[] } {
  if (!pkg.revisions.some((r) => r.formData.rateCertifications.length > 0))
    return { package: pkg, rates: [] };

  // Oldest first: each rate's revisions are numbered in the order its package sent them.
  const revisionsOf = new Map<string, RateRevision[]>();
  const linksOf = new Map<string, RateLink[]>();
  for (const revision of [...pkg.revisions].reverse()) {
    const links: RateLink[] = [];
    for (const { id: rateId, ...formData } of revision.formData.rateCertifications) {
      const own = revisionsOf.get(rateId) ?? revisionsOf.set(rateId, []).get(rateId)!;
      const number = own.length + 1;
      own.push({
        id: derivedUuid(revision.id, rateId),
        number,
        createdAt: revision.createdAt,
        formData,
        documents: rateDocumentsOf(revision, rateId),
        submitInfo: revision.submitInfo,
        unlockInfo: revision.unlockInfo,
        submittedWith: revision.submitInfo ? { packageId: pkg.id, packageRevision: revision.number } : null,
      });
      links.push({ rateId, rateRevision: revision.submitInfo ? number : null });
    }
    linksOf.set(revision.id, links);
  }

  const migrated = withDerivedStatuses({
    ...pkg,
    // A new version, so a copy or mirror (importPackages `replace`) takes it over the old shape.
    version: pkg.version + 1,
    revisions: pkg.revisions.map((revision) => ({
      ...revision,
      formData: { ...revision.formData, rateCertifications: [] },
      documents: revision.documents.filter((d) => !isRateCategory(d.category)),
      rateLinks: [...revision.rateLinks, ...linksOf.get(revision.id)!],
    })),
  });

  const carried = linkedRateIds(migrated);
  const rates = [...revisionsOf].map(([rateId, oldestFirst]): Rate => {
    const revisions = [...oldestFirst].reverse();
    const rate = {
      id: rateId,
      stateCode: pkg.stateCode,
      stateRateNumber: numberFor(rateId),
      parentPackageId: pkg.id,
      version: 1,
      createdAt: oldestFirst[0]!.createdAt,
      updatedAt: latest(revisions.flatMap((r) => [r.createdAt, r.submitInfo?.at, r.unlockInfo?.at])),
      initiallySubmittedAt: oldestFirst.find((r) => r.submitInfo !== null)?.submitInfo?.at ?? null,
      revisions,
      packageIds: carried.has(rateId) ? [pkg.id] : [],
      // A withdrawn package's withdrawal stays the package's: its rates are not withdrawn here.
      withdrawals: [],
    };
    return { ...rate, status: deriveRateStatus(rate) };
  });
  return { package: migrated, rates };
}
