/**
 * Compares two stores record by record: per-entity counts and a content checksum per
 * package (its questions and responses included), per rate, per package's audit trail, and of
 * the states, users, counters, rate counters and user-audit trail. And within each store, every
 * link between packages and rates from both sides (verify-links.ts). Used after a copy, during
 * dual-write, after a restore.
 *
 * With the portal live, the two full scans see the stores at slightly different moments, so
 * a package written meanwhile can differ for a moment. Whatever differs is therefore read
 * again from both stores, a few times with a pause, until it agrees or the rounds run out;
 * only what still differs then is reported (with how many records settled on the way).
 */
import type { Package, Rate, UserAuditEvent } from '../domain/index.js';
import { hasErrorCode } from '../domain/index.js';
import { checksum } from '../lib/checksum.js';
import { inParallel } from '../lib/parallel.js';
import type { AuditEvent, MaintainedStore } from '../store/store.js';
import { scanAll } from './scan-all.js';
import {
  type LinkProblem,
  linkProblems,
  type PackageLinks,
  packageLinksOf,
  type RateLinks,
  rateLinksOf,
} from './verify-links.js';

export const ENTITIES = [
  'states',
  'programs',
  'users',
  'counters',
  'rateCounters',
  'packages',
  'revisions',
  'documents',
  'rates',
  'rateRevisions',
  'rateLinks',
  'reviewActions',
  'questions',
  'responses',
  'auditEvents',
  'userAuditEvents',
] as const;
export type Entity = (typeof ENTITIES)[number];
export type Counts = Record<Entity, number>;

interface PackageSum {
  sum: string;
  revisions: number;
  /** Rate links over all its revisions. */
  rateLinks: number;
  documents: number;
  reviewActions: number;
  questions: number;
  responses: number;
}
interface RateSum {
  sum: string;
  revisions: number;
}
interface AuditSum {
  sum: string;
  events: number;
}
interface ReferenceSums {
  states: string;
  users: string;
  counters: string;
  rateCounters: string;
  /** The rate counters themselves: each must cover its state's highest rate number. */
  rateCounterValues: Record<string, number>;
  userAudit: string;
  stateCount: number;
  programCount: number;
  userCount: number;
  counterCount: number;
  rateCounterCount: number;
  userAuditCount: number;
}

export interface StoreDigest extends ReferenceSums {
  counts: Counts;
  /** Package id → checksum of the whole package. */
  packages: Map<string, PackageSum>;
  /** Rate id → checksum of the whole rate. */
  rates: Map<string, RateSum>;
  /** What the link check needs of each package and rate. */
  packageLinks: Map<string, PackageLinks>;
  rateLinks: Map<string, RateLinks>;
  /** Package id → checksum of its audit trail (also of deleted drafts). */
  audit: Map<string, AuditSum>;
}

export interface Mismatch {
  entity: Entity;
  /** The package (packages, auditEvents, rateLinks), the rate (rates, rateLinks), the state (rateCounters), or `*` for the whole of an entity. */
  id: string;
  problem: 'missing in target' | 'missing in source' | 'content differs' | 'broken link';
  /** A broken link: the store it is in, and what is wrong. */
  store?: 'source' | 'target';
  detail?: string;
  /** A broken link: the records involved, read again when rechecking. */
  packageIds?: string[];
  rateIds?: string[];
}

export interface VerifyReport {
  ok: boolean;
  source: Counts;
  target: Counts;
  mismatches: Mismatch[];
  /** How many mismatches there were in all (the list keeps the first 100). */
  mismatchCount: number;
  /** Records that differed in the full scans and agreed when read again (written meanwhile). */
  settled: number;
  /** How many times what differed was read again. */
  rechecks: number;
}

export interface DigestOptions {
  partitions?: number;
  onPackages?: (n: number) => void;
}

export interface VerifyOptions extends DigestOptions {
  /** Times what differs is read again before it counts as a difference (default 8; 0: never). */
  rechecks?: number;
  /** Pause before the first re-read, doubled each time up to 2 s (default 100 ms). */
  recheckDelayMs?: number;
}

const sortedBy = <T>(items: T[], key: (t: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

const packageSum = (p: Package): PackageSum => ({
  sum: checksum(p),
  revisions: p.revisions.length,
  documents: p.revisions.reduce((n, r) => n + r.documents.length, 0),
  reviewActions: p.reviewActions.length,
  questions: p.questions.length,
  responses: p.questions.filter((q) => q.response !== null).length,
  rateLinks: p.revisions.reduce((n, r) => n + (r.rateLinks ?? []).length, 0),
});

const rateSum = (r: Rate): RateSum => ({ sum: checksum(r), revisions: r.revisions.length });

const auditSum = (eventSums: string[]): AuditSum => ({
  sum: checksum([...eventSums].sort()),
  events: eventSums.length,
});

async function referenceSums(store: MaintainedStore, partitions = 1): Promise<ReferenceSums> {
  const userAudit: UserAuditEvent[] = [];
  const [states, users, counters, rateCounters] = await Promise.all([
    store.listStates(),
    store.listUsers(),
    store.maintenance.getCounters(),
    store.maintenance.getRateCounters(),
    // Few (administrators' changes of users): checked as one, like the users.
    scanAll((r) => store.maintenance.scanUserAudit(r), {
      partitions,
      onPage: (page) => {
        userAudit.push(...page);
      },
    }),
  ]);
  return {
    states: checksum(sortedBy(states, (s) => s.code)),
    users: checksum(sortedBy(users, (u) => u.id)),
    counters: checksum(counters),
    rateCounters: checksum(rateCounters),
    rateCounterValues: rateCounters,
    rateCounterCount: Object.keys(rateCounters).length,
    userAudit: checksum(sortedBy(userAudit, (e) => e.id)),
    userAuditCount: userAudit.length,
    stateCount: states.length,
    programCount: states.reduce((n, s) => n + s.programs.length, 0),
    userCount: users.length,
    counterCount: Object.keys(counters).length,
  };
}

function countsOf(d: Omit<StoreDigest, 'counts'>): Counts {
  const counts: Counts = {
    states: d.stateCount,
    programs: d.programCount,
    users: d.userCount,
    counters: d.counterCount,
    rateCounters: d.rateCounterCount,
    packages: d.packages.size,
    revisions: 0,
    rates: d.rates.size,
    rateRevisions: 0,
    rateLinks: 0,
    documents: 0,
    reviewActions: 0,
    questions: 0,
    responses: 0,
    auditEvents: 0,
    userAuditEvents: d.userAuditCount,
  };
  for (const p of d.packages.values()) {
    counts.revisions += p.revisions;
    counts.documents += p.documents;
    counts.reviewActions += p.reviewActions;
    counts.questions += p.questions;
    counts.responses += p.responses;
    counts.rateLinks += p.rateLinks;
  }
  for (const r of d.rates.values()) counts.rateRevisions += r.revisions;
  for (const a of d.audit.values()) counts.auditEvents += a.events;
  return counts;
}

export async function digestStore(store: MaintainedStore, options: DigestOptions = {}): Promise<StoreDigest> {
  const partitions = options.partitions ?? 4;
  const reference = await referenceSums(store, partitions);
  const packages = new Map<string, PackageSum>();
  const packageLinks = new Map<string, PackageLinks>();
  await scanAll((r) => store.maintenance.scanPackages(r), {
    partitions,
    onPage: (page: Package[]) => {
      for (const p of page) {
        packages.set(p.id, packageSum(p));
        packageLinks.set(p.id, packageLinksOf(p));
      }
      options.onPackages?.(page.length);
    },
  });
  const rates = new Map<string, RateSum>();
  const rateLinks = new Map<string, RateLinks>();
  await scanAll((r) => store.maintenance.scanRates(r), {
    partitions,
    onPage: (page: Rate[]) => {
      for (const r of page) {
        rates.set(r.id, rateSum(r));
        rateLinks.set(r.id, rateLinksOf(r));
      }
    },
  });
  const eventSums = new Map<string, string[]>();
  await scanAll((r) => store.maintenance.scanAudit(r), {
    partitions,
    onPage: (page) => {
      for (const e of page) {
        const list = eventSums.get(e.packageId);
        if (list) list.push(checksum(e));
        else eventSums.set(e.packageId, [checksum(e)]);
      }
    },
  });
  const audit = new Map([...eventSums].map(([id, sums]) => [id, auditSum(sums)]));
  const digest = { ...reference, packages, rates, packageLinks, rateLinks, audit };
  return { ...digest, counts: countsOf(digest) };
}

/** Every difference between two digests, in full. */
function differences(source: StoreDigest, target: StoreDigest): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const keyed = (entity: Entity, a: Map<string, { sum: string }>, b: Map<string, { sum: string }>) => {
    for (const [id, { sum }] of a) {
      const other = b.get(id);
      if (other === undefined) mismatches.push({ entity, id, problem: 'missing in target' });
      else if (other.sum !== sum) mismatches.push({ entity, id, problem: 'content differs' });
    }
    for (const id of b.keys()) if (!a.has(id)) mismatches.push({ entity, id, problem: 'missing in source' });
  };
  keyed('packages', source.packages, target.packages);
  keyed('rates', source.rates, target.rates);
  keyed('auditEvents', source.audit, target.audit);
  const whole: [Entity, 'states' | 'users' | 'counters' | 'rateCounters' | 'userAudit'][] = [
    ['states', 'states'],
    ['users', 'users'],
    ['counters', 'counters'],
    ['rateCounters', 'rateCounters'],
    ['userAuditEvents', 'userAudit'],
  ];
  for (const [entity, key] of whole) {
    if (source[key] !== target[key]) mismatches.push({ entity, id: '*', problem: 'content differs' });
  }
  mismatches.push(...brokenLinks(source, 'source'), ...brokenLinks(target, 'target'));
  return mismatches;
}

/** Every broken link (or rate counter) within one store's digest. */
function brokenLinks(d: StoreDigest, store: 'source' | 'target'): Mismatch[] {
  return linkProblems(d.packageLinks, d.rateLinks, d.rateCounterValues).map((p: LinkProblem) => ({
    entity: p.entity,
    id: p.id,
    problem: 'broken link' as const,
    store,
    detail: p.detail,
    packageIds: p.packageIds,
    rateIds: p.rateIds,
  }));
}

function reportOf(source: StoreDigest, target: StoreDigest, settled = 0, rechecks = 0): VerifyReport {
  const mismatches = differences(source, target);
  const countsDiffer = ENTITIES.some((k) => source.counts[k] !== target.counts[k]);
  return {
    ok: mismatches.length === 0 && !countsDiffer,
    source: source.counts,
    target: target.counts,
    mismatches: mismatches.slice(0, 100),
    mismatchCount: mismatches.length,
    settled,
    rechecks,
  };
}

export function compareDigests(source: StoreDigest, target: StoreDigest): VerifyReport {
  return reportOf(source, target);
}

/** Reads one package, rate or audit trail again into `digest`. */
async function reread(store: MaintainedStore, digest: StoreDigest, id: string, what: Set<Entity>) {
  if (what.has('packages')) {
    try {
      const p = await store.getPackage(id);
      digest.packages.set(id, packageSum(p));
      digest.packageLinks.set(id, packageLinksOf(p));
    } catch (e) {
      if (!hasErrorCode(e, 'NOT_FOUND')) throw e;
      digest.packages.delete(id);
      digest.packageLinks.delete(id);
    }
  }
  if (what.has('rates')) {
    try {
      const r = await store.getRate(id);
      digest.rates.set(id, rateSum(r));
      digest.rateLinks.set(id, rateLinksOf(r));
    } catch (e) {
      if (!hasErrorCode(e, 'NOT_FOUND')) throw e;
      digest.rates.delete(id);
      digest.rateLinks.delete(id);
    }
  }
  if (what.has('auditEvents')) {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listAudit(id, { limit: 100, cursor });
      events.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    if (events.length === 0) digest.audit.delete(id);
    else digest.audit.set(id, auditSum(events.map((e) => checksum(e))));
  }
}

/**
 * Verifies `target` against `source`; what differs is re-read (see the module comment). The
 * report's counts are those of the last reads.
 */
export async function verifyStores(
  source: MaintainedStore,
  target: MaintainedStore,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  return (await verifyInDetail(source, target, options)).report;
}

/** `verifyStores`, with every mismatch (the report lists the first 100). */
export async function verifyInDetail(
  source: MaintainedStore,
  target: MaintainedStore,
  options: VerifyOptions = {},
): Promise<{ report: VerifyReport; mismatches: Mismatch[] }> {
  const [a, b] = await Promise.all([digestStore(source, options), digestStore(target, options)]);
  const rounds = options.rechecks ?? 8;
  let delay = options.recheckDelayMs ?? 100;
  const keyOf = (m: Mismatch) => `${m.entity}|${m.id}|${m.store ?? ''}|${m.detail ?? ''}`;
  let differing = differences(a, b);
  const first = new Set(differing.map(keyOf));
  let rechecks = 0;
  while (differing.length > 0 && rechecks < rounds) {
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(2000, delay * 2);
    rechecks++;
    // By record: a package (and its trail) or a rate; a broken link names the records on both ends.
    const byPackage = new Map<string, Set<Entity>>();
    const add = (id: string, entity: Entity) =>
      byPackage.set(id, (byPackage.get(id) ?? new Set()).add(entity));
    let reference = false;
    for (const m of differing) {
      if (m.id === '*' || m.entity === 'rateCounters') reference = true;
      if (m.problem === 'broken link') {
        for (const id of m.packageIds ?? []) add(id, 'packages');
        for (const id of m.rateIds ?? []) add(id, 'rates');
      } else if (m.id !== '*') add(m.id, m.entity);
    }
    // The source first: a live portal writes it first, so the target has caught up by the time it is read.
    await inParallel([...byPackage], 8, async ([id, what]) => {
      await reread(source, a, id, what);
      await reread(target, b, id, what);
    });
    if (reference) {
      Object.assign(a, await referenceSums(source));
      Object.assign(b, await referenceSums(target));
    }
    a.counts = countsOf(a);
    b.counts = countsOf(b);
    differing = differences(a, b);
  }
  const still = new Set(differing.map(keyOf));
  const settled = [...first].filter((k) => !still.has(k)).length;
  return { report: reportOf(a, b, settled, rechecks), mismatches: differing };
}

/** The report as a table for a terminal. */
export function formatReport(report: VerifyReport, names = { source: 'source', target: 'target' }): string {
  const rows = ENTITIES.map((e) => {
    const mark = report.source[e] === report.target[e] ? 'ok' : 'DIFFERENT';
    return `  ${e.padEnd(15)} ${String(report.source[e]).padStart(10)} ${String(report.target[e]).padStart(10)}  ${mark}`;
  });
  const lines = [
    `  ${'entity'.padEnd(15)} ${names.source.padStart(10)} ${names.target.padStart(10)}`,
    ...rows,
  ];
  if (report.settled > 0) {
    lines.push(
      `  ${report.settled} record(s) written while verifying differed at first and agreed when read again`,
    );
  }
  if (report.mismatchCount > 0) {
    const after =
      report.rechecks > 0 ? ` (still different after reading again ${report.rechecks} time(s))` : '';
    lines.push(`  ${report.mismatchCount} mismatch(es)${after}:`);
    for (const m of report.mismatches) {
      const where = m.store ? ` in ${names[m.store]}` : '';
      lines.push(`    ${m.entity} ${m.id}: ${m.problem}${where}${m.detail ? `: ${m.detail}` : ''}`);
    }
    if (report.mismatchCount > report.mismatches.length) lines.push('    …');
  }
  lines.push(
    report.ok
      ? 'VERIFIED: both stores hold the same records, and every link between packages and rates holds.'
      : 'MISMATCH: the stores differ, or a link between packages and rates is broken.',
  );
  return lines.join('\n');
}
