/**
 * Compares two stores record by record: per-entity counts and a content checksum per
 * package, state, user and audit event. Used after a copy, during dual-write, after a restore.
 */
import type { Package } from '../domain/index.js';
import { checksum } from '../lib/checksum.js';
import type { Store } from '../store/store.js';
import { scanAll } from './scan-all.js';

export const ENTITIES = [
  'states',
  'programs',
  'users',
  'counters',
  'packages',
  'revisions',
  'documents',
  'auditEvents',
] as const;
export type Entity = (typeof ENTITIES)[number];
export type Counts = Record<Entity, number>;

export interface StoreDigest {
  counts: Counts;
  /** Package id → checksum of the whole package. */
  packages: Map<string, string>;
  /** Checksums of the reference data, the counters and the whole audit trail. */
  states: string;
  users: string;
  counters: string;
  audit: string;
}

export interface Mismatch {
  entity: Entity;
  id: string;
  problem: 'missing in target' | 'missing in source' | 'content differs';
}

export interface VerifyReport {
  ok: boolean;
  source: Counts;
  target: Counts;
  mismatches: Mismatch[];
  /** How many mismatches there were in all (the list keeps the first 100). */
  mismatchCount: number;
}

export interface DigestOptions {
  partitions?: number;
  onPackages?: (n: number) => void;
}

export async function digestStore(store: Store, options: DigestOptions = {}): Promise<StoreDigest> {
  const partitions = options.partitions ?? 4;
  const [states, users, counters] = await Promise.all([
    store.listStates(),
    store.listUsers(),
    store.getCounters(),
  ]);
  const packages = new Map<string, string>();
  const counts: Counts = {
    states: states.length,
    programs: states.reduce((n, s) => n + s.programs.length, 0),
    users: users.length,
    counters: Object.keys(counters).length,
    packages: 0,
    revisions: 0,
    documents: 0,
    auditEvents: 0,
  };
  await scanAll((r) => store.scanPackages(r), {
    partitions,
    onPage: (page: Package[]) => {
      for (const p of page) {
        packages.set(p.id, checksum(p));
        counts.revisions += p.revisions.length;
        counts.documents += p.revisions.reduce((n, r) => n + r.documents.length, 0);
      }
      counts.packages += page.length;
      options.onPackages?.(page.length);
    },
  });
  const auditSums: string[] = [];
  await scanAll((r) => store.scanAudit(r), {
    partitions,
    onPage: (page) => {
      for (const e of page) auditSums.push(checksum(e));
    },
  });
  counts.auditEvents = auditSums.length;
  const sortedBy = <T>(items: T[], key: (t: T) => string) =>
    [...items].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    counts,
    packages,
    states: checksum(sortedBy(states, (s) => s.code)),
    users: checksum(sortedBy(users, (u) => u.id)),
    counters: checksum(counters),
    audit: checksum(auditSums.sort()),
  };
}

export function compareDigests(source: StoreDigest, target: StoreDigest): VerifyReport {
  const mismatches: Mismatch[] = [];
  for (const [id, sum] of source.packages) {
    const other = target.packages.get(id);
    if (other === undefined) mismatches.push({ entity: 'packages', id, problem: 'missing in target' });
    else if (other !== sum) mismatches.push({ entity: 'packages', id, problem: 'content differs' });
  }
  for (const id of target.packages.keys()) {
    if (!source.packages.has(id)) mismatches.push({ entity: 'packages', id, problem: 'missing in source' });
  }
  const whole: [Entity, keyof StoreDigest][] = [
    ['states', 'states'],
    ['users', 'users'],
    ['counters', 'counters'],
    ['auditEvents', 'audit'],
  ];
  for (const [entity, key] of whole) {
    if (source[key] !== target[key]) mismatches.push({ entity, id: '*', problem: 'content differs' });
  }
  const countsDiffer = Object.keys(source.counts).some(
    (k) => source.counts[k as Entity] !== target.counts[k as Entity],
  );
  return {
    ok: mismatches.length === 0 && !countsDiffer,
    source: source.counts,
    target: target.counts,
    mismatches: mismatches.slice(0, 100),
    mismatchCount: mismatches.length,
  };
}

export async function verifyStores(
  source: Store,
  target: Store,
  options: DigestOptions = {},
): Promise<VerifyReport> {
  const [a, b] = await Promise.all([digestStore(source, options), digestStore(target, options)]);
  return compareDigests(a, b);
}

/** The report as a table for a terminal. */
export function formatReport(report: VerifyReport, names = { source: 'source', target: 'target' }): string {
  const rows = ENTITIES.map((e) => {
    const mark = report.source[e] === report.target[e] ? 'ok' : 'DIFFERENT';
    return `  ${e.padEnd(12)} ${String(report.source[e]).padStart(10)} ${String(report.target[e]).padStart(10)}  ${mark}`;
  });
  const lines = [
    `  ${'entity'.padEnd(12)} ${names.source.padStart(10)} ${names.target.padStart(10)}`,
    ...rows,
  ];
  if (report.mismatchCount > 0) {
    lines.push(`  ${report.mismatchCount} mismatch(es):`);
    for (const m of report.mismatches) lines.push(`    ${m.entity} ${m.id}: ${m.problem}`);
    if (report.mismatchCount > report.mismatches.length) lines.push('    …');
  }
  lines.push(report.ok ? 'VERIFIED: both stores hold the same records.' : 'MISMATCH: the stores differ.');
  return lines.join('\n');
}
