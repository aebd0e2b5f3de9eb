/**
 * `npm run bench -- rates`: what shared rate certifications cost a package read, on DynamoDB and
 * on PostgreSQL. Reading a package WITH ITS RATES — the package, then every rate its revisions
 * link, as the service does (`getPackage` + `getRates(everLinkedRateIds)`) — is timed for a
 * submitted package linking ten rates, side by side with one linking a single rate, in one run,
 * interleaved (bench/lib/compare.ts). Both are the same number of requests on either store, so the
 * ratio is what nine more rates' bytes cost. Seeded through maintenance imports (rates first). The
 * package is one the domain would let be submitted, with its contract documents.
 */
import { randomUUID } from 'node:crypto';
import {
  everLinkedRateIds,
  type Package,
  type PackageDocument,
  type Rate,
  type RateDocument,
  type RateFormData,
  withDerivedStatuses,
} from '../src/domain/index.js';
import type { MaintainedStore } from '../src/store/store.js';
import { compareAB, summary } from './lib/compare.js';
import { onFreshDynamo, onFreshPostgres } from './lib/fresh-stores.js';
import { type BenchReport, type BenchRow, loadAverage, runNote } from './lib/report.js';
import { round } from './lib/stats.js';
import { TIMING } from './lib/store-vs-raw.js';
import { FORM_DATA, state, syntheticPackage, uploadedDocument } from './store-fixtures.js';

/** The target: ten linked rates cost a read at most 1.3× one. */
const TARGET = 1.3;
const MANY = 10;
const STATE = 'RT';

function rateForm(i: number, programIds: readonly string[]): RateFormData {
  return {
    rateType: 'NEW',
    rateProgramIds: [programIds[i % programIds.length]!],
    rateDateStart: '2026-01-01',
    rateDateEnd: '2026-12-31',
    rateDateCertified: '2025-10-15',
    capitationType: 'RATE_CELL',
    medicaidPopulations: ['MEDICAID_ONLY'],
    certifyingActuaries: [
      { name: `Actuary ${i}`, title: 'Principal', email: `actuary${i}@mercer.com`, actuarialFirm: 'MERCER' },
      {
        name: `Reviewer ${i}`,
        title: 'Consultant',
        email: `reviewer${i}@mercer.com`,
        actuarialFirm: 'MERCER',
      },
    ],
  };
}

const rateDocuments = (i: number, at: string): RateDocument[] => [
  uploadedDocument(`rate-${i}-certification.pdf`, 'RATE', 0, at),
  uploadedDocument(`rate-${i}-workbook.xlsx`, 'RATE_SUPPORTING', 1, at),
  uploadedDocument(`rate-${i}-assumptions.pdf`, 'RATE_SUPPORTING', 2, at),
];

/** A submitted package has at least one contract document (domain validate-submit): three, like a rate's. */
const contractDocuments = (n: number, at: string): PackageDocument[] => [
  uploadedDocument(`contract-${n}.pdf`, 'CONTRACT', 0, at),
  uploadedDocument(`contract-${n}-amendment-summary.pdf`, 'CONTRACT_SUPPORTING', 1, at),
  uploadedDocument(`contract-${n}-network-adequacy.xlsx`, 'CONTRACT_SUPPORTING', 2, at),
];

/** A submitted child rate of `pkg`, revision 1 frozen with the package's first submission. */
function childRate(pkg: Package, stateRateNumber: number, at: string): Rate {
  const revision = pkg.revisions[0]!;
  return {
    id: randomUUID(),
    stateCode: pkg.stateCode,
    stateRateNumber,
    parentPackageId: pkg.id,
    status: 'SUBMITTED',
    version: 2,
    createdAt: at,
    updatedAt: at,
    initiallySubmittedAt: at,
    revisions: [
      {
        id: randomUUID(),
        number: 1,
        createdAt: at,
        formData: rateForm(stateRateNumber, FORM_DATA.programIds),
        documents: rateDocuments(stateRateNumber, at),
        submitInfo: revision.submitInfo,
        unlockInfo: null,
        submittedWith: { packageId: pkg.id, packageRevision: revision.number },
      },
    ],
    packageIds: [pkg.id],
    withdrawals: [],
  };
}

/**
 * A submitted package (no embedded rates, three contract documents) linking `count` child rates,
 * frozen at revision 1.
 */
function packageWithRates(stateNumber: number, firstRateNumber: number, count: number) {
  const at = new Date().toISOString();
  const base = syntheticPackage(STATE, stateNumber, 'SUBMITTED', at);
  const shell: Package = {
    ...base,
    revisions: base.revisions.map((r) => ({
      ...r,
      formData: { ...r.formData, rateCertifications: [] },
      documents: contractDocuments(stateNumber, at),
    })),
  };
  const rates = Array.from({ length: count }, (_, i) => childRate(shell, firstRateNumber + i, at));
  const [submitted, ...older] = shell.revisions;
  const pkg = withDerivedStatuses({
    ...shell,
    revisions: [
      { ...submitted!, rateLinks: rates.map((r) => ({ rateId: r.id, rateRevision: 1 })) },
      ...older,
    ],
  });
  return { pkg, rates };
}

/** What the service reads to show a package: the package, then every rate it ever linked. */
async function readWithRates(store: MaintainedStore, id: string) {
  const pkg = await store.getPackage(id);
  const rates = await store.getRates([...everLinkedRateIds(pkg)]);
  return { pkg, rates };
}

async function compareReads(name: string, store: MaintainedStore): Promise<BenchRow> {
  await store.upsertStates([state(STATE)]);
  const many = packageWithRates(1, 1, MANY);
  const one = packageWithRates(2, MANY + 1, 1);
  await store.maintenance.raiseCounters({ [STATE]: 2 });
  await store.maintenance.raiseRateCounters({ [STATE]: MANY + 1 });
  await store.maintenance.importRates([...many.rates, ...one.rates]);
  await store.maintenance.importPackages([many.pkg, one.pkg]);
  const check = await readWithRates(store, many.pkg.id);
  if (check.rates.length !== MANY || check.pkg.revisions[0]!.rateLinks.length !== MANY)
    throw new Error(`${name}: the seeded package does not read back with its ${MANY} rates`);
  console.log(`  ${name}: timing reads…`);
  const result = await compareAB(
    { a: () => readWithRates(store, many.pkg.id), b: () => readWithRates(store, one.pkg.id) },
    TIMING,
  );
  const s = summary(result);
  return {
    op: `${name}: get a package with ${MANY} linked rates`,
    subjectMs: round(s.aMs, 3),
    baselineMs: round(s.bMs, 3),
    ratio: round(s.ratio, 3),
    ratioIqr: [round(s.ratioIqr[0], 3), round(s.ratioIqr[1], 3)],
    target: TARGET,
    baseline: 'same store, one linked rate',
  };
}

export async function run(): Promise<BenchReport> {
  const started = Date.now();
  const load = loadAverage();
  const rows = [
    await onFreshDynamo('bench-rates', (store) => compareReads('DynamoDB', store)),
    await onFreshPostgres((store) => compareReads('PostgreSQL', store)),
  ];
  return {
    name: 'rates',
    columns: { subject: `${MANY} rates`, baseline: '1 rate' },
    rows,
    notes: [
      `each package: one submitted revision, three contract documents; each rate: one submitted revision, two actuaries, three documents; the read is getPackage + getRates, ${TIMING.rounds} interleaved rounds per store`,
      runNote((Date.now() - started) / 1000, load),
    ],
  };
}
