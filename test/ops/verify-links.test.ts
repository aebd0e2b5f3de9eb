/**
 * The link check of `store verify` on its own (verify-links.ts), over the records of the
 * format-3 fixture turned into rate records: sound as converted, and each kind of break named
 * on the record it is seen from, with the records on both ends.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Package, PackageSchema, type Rate } from '../../src/domain/index.js';
import { convertEmbeddedRates } from '../../src/ops/embedded-rates.js';
import { linkProblems, packageLinksOf, rateLinksOf } from '../../src/ops/verify-links.js';

const u = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [A, B] = [u(1), u(2)];
const [X, Y, Z] = [u(101), u(102), u(103)];

/** Package A (unlocked: X submitted, then X and Y in its draft) and B (submitted with Z), as records. */
function records(): { packages: Package[]; rates: Rate[] } {
  const text = readFileSync(new URL('./fixtures/backup-v3-embedded-rates.jsonl', import.meta.url), 'utf8');
  let n = 0;
  const packages: Package[] = [];
  const rates: Rate[] = [];
  for (const line of text.trim().split('\n')) {
    const record = JSON.parse(line) as { type: string; data: unknown };
    if (record.type !== 'package') continue;
    const converted = convertEmbeddedRates(PackageSchema.parse(record.data), () => ++n);
    packages.push(converted.package);
    rates.push(...converted.rates);
  }
  return { packages, rates };
}

function check(packages: Package[], rates: Rate[], counters: Record<string, number> = { OL: 3 }) {
  return linkProblems(
    new Map(packages.map((p) => [p.id, packageLinksOf(p)])),
    new Map(rates.map((r) => [r.id, rateLinksOf(r)])),
    counters,
  );
}

const edit = <T extends { id: string }>(list: T[], id: string, change: (t: T) => T) =>
  list.map((t) => (t.id === id ? change(t) : t));

describe('linkProblems', () => {
  it('finds nothing wrong with sound records', () => {
    const { packages, rates } = records();
    expect(rates.map((r) => r.id).sort()).toEqual([X, Y, Z]);
    expect(check(packages, rates)).toEqual([]);
  });

  it('a link to a rate that does not exist, or of another state: on the package', () => {
    const { packages, rates } = records();
    expect(
      check(
        packages,
        rates.filter((r) => r.id !== Z),
      ),
    ).toEqual([
      {
        entity: 'rateLinks',
        id: B,
        packageIds: [B],
        rateIds: [Z],
        detail: `revision 1 links rate ${Z}, which does not exist`,
      },
    ]);
    const elsewhere = edit(rates, Z, (r) => ({ ...r, stateCode: 'EL' }));
    expect(check(packages, elsewhere, { OL: 3, EL: 3 }).map((p) => [p.id, p.detail])).toEqual([
      [B, `revision 1 links rate ${Z} of another state (EL, the package is OL)`],
    ]);
  });

  it('a frozen link to a revision the rate lacks, and a submitted revision linking unfrozen', () => {
    const { packages, rates } = records();
    const frozenWrong = edit(packages, B, (p) => ({
      ...p,
      revisions: p.revisions.map((r) => ({ ...r, rateLinks: [{ rateId: Z, rateRevision: 7 }] })),
    }));
    expect(check(frozenWrong, rates).map((p) => p.detail)).toEqual([
      `revision 1 links rate ${Z} at revision 7, which the rate does not have`,
    ]);
    const unfrozen = edit(packages, B, (p) => ({
      ...p,
      revisions: p.revisions.map((r) => ({ ...r, rateLinks: [{ rateId: Z, rateRevision: null }] })),
    }));
    expect(check(unfrozen, rates).map((p) => p.detail)).toEqual([
      `revision 1 links rate ${Z} unfrozen, though the revision was submitted`,
    ]);
  });

  it("the two sides disagree: a rate's packageIds lack a carrier, or list one that does not carry it", () => {
    const { packages, rates } = records();
    const forgotten = edit(rates, Y, (r) => ({ ...r, packageIds: [] }));
    expect(check(packages, forgotten)).toEqual([
      {
        entity: 'rateLinks',
        id: A,
        packageIds: [A],
        rateIds: [Y],
        detail: `carries rate ${Y}, whose packageIds do not list it`,
      },
    ]);
    const stranger = edit(rates, Z, (r) => ({ ...r, packageIds: [B, A] }));
    expect(check(packages, stranger).map((p) => [p.id, p.detail])).toEqual([
      [Z, `lists package ${A}, which does not carry it`],
    ]);
    const ghost = edit(rates, Z, (r) => ({ ...r, packageIds: [B, u(9)] }));
    expect(check(packages, ghost).map((p) => [p.id, p.detail])).toEqual([
      [Z, `lists package ${u(9)}, which does not exist`],
    ]);
  });

  it('a rate counter below the highest rate number, and two rates with one number', () => {
    const { packages, rates } = records();
    expect(check(packages, rates, { OL: 2 })).toEqual([
      {
        entity: 'rateCounters',
        id: 'OL',
        packageIds: [],
        rateIds: [Z],
        detail: `the rate counter is 2, below rate ${Z}'s number 3`,
      },
    ]);
    const twice = edit(rates, Z, (r) => ({ ...r, stateRateNumber: 1 }));
    expect(check(packages, twice).map((p) => [p.id, p.rateIds, p.detail])).toEqual([
      [Z, [Z, X], `has OL rate number 1, like rate ${X}`],
    ]);
  });
});
