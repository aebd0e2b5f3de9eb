/**
 * `carepack restore`: loads a backup written by `backupStore` into a store.
 *
 * Two passes over the file. The first checks everything — framing (header first, footer
 * last, counts matching), every line against the domain schemas, the footer's checksum of the
 * content, no state number used by two packages — and writes nothing, so a truncated, corrupt
 * or edited file leaves the target untouched. Then, before any write, the target's numbers:
 * a package (or rate) of the backup whose state number another package (rate) of the target
 * holds would give two records one name, so the restore is refused, naming both. The second
 * pass writes: states and users first (packages reference states), then rates (before the
 * packages that link them), packages and audit events in batches, the user-audit events, then
 * the counters and rate counters (raised to at least each state's highest number). A package
 * of a backup made before questions existed has none; one of a backup made before rates were
 * records (format 1–3) has its embedded rate certifications turned into rate records
 * (embedded-rates.ts), numbered per state after the target's (and the backup's) rate counter.
 *
 * All or nothing: where the store can (PostgreSQL: `importAtomically`, one transaction) every
 * write commits together or none does. Where it cannot (DynamoDB), everything that can be
 * checked is checked before the first write; a failure after that (the network, a package
 * created meanwhile with a colliding number) names the package and leaves a partial restore
 * that running the same restore again with --force completes.
 * States, users and counters are few and kept in memory; packages and audit events stream,
 * and user-audit events too.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import {
  ActorSchema,
  type ApiClient,
  ApiClientSchema,
  currentPackageRecord,
  type Package,
  PackageSchema,
  type Rate,
  RateSchema,
  type State,
  type StateCode,
  StateCodeSchema,
  StateSchema,
  type User,
  type UserAuditEvent,
  UserAuditEventSchema,
  UserSchema,
} from '../domain/index.js';
import {
  type AtomicImportTarget,
  AUDIT_ACTIONS,
  type AuditEvent,
  type MaintainedStore,
} from '../store/store.js';
import {
  BACKUP_COUNT_KEYS,
  BACKUP_FORMAT,
  type BackupCounts,
  type BackupHeader,
  emptyCounts,
  FIRST_VERSION_WITH_RATES,
  LATER_BACKUP_COUNT_KEYS,
  READABLE_BACKUP_VERSIONS,
} from './backup.js';
import { convertEmbeddedRates, hasEmbeddedRates, type RateNumberSource } from './embedded-rates.js';

export interface RestoreOptions {
  /** The backup file (gzip-compressed JSON Lines). */
  in: string;
  /** Restore into a store that already holds states, users or packages (the backup's packages replace theirs). */
  force?: boolean;
  /** Packages per importPackages call (default 100); audit events go 10 times as many at once. */
  batchSize?: number;
  /** Packages written so far, of how many the backup holds. */
  onProgress?(done: number, total: number): void;
}

export interface RestoreResult {
  counts: BackupCounts;
  /** The header of the file: where and when it was made. */
  header: BackupHeader;
}

export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
}

/** The backup cannot go into this target as it is; nothing was written. */
export class RestoreConflictError extends Error {
  override readonly name = 'RestoreConflictError';
}

/** The audit event as stored; checked lightly (the domain has no schema of its own for it). */
const AuditEventSchema = z.object({
  id: z.string().min(1),
  packageId: z.string().min(1),
  at: z.iso.datetime(),
  actor: ActorSchema,
  action: z.enum(AUDIT_ACTIONS),
  summary: z.string(),
});

const CountersSchema = z.record(StateCodeSchema, z.number().int().nonnegative());
const SessionGenerationsSchema = z.record(z.uuid(), z.number().int().positive());

const HeaderSchema = z.object({
  type: z.literal('header'),
  format: z.string(),
  version: z.number(),
  createdAt: z.string(),
  backend: z.string(),
});

const FooterSchema = z.object({
  type: z.literal('footer'),
  counts: z.object(
    Object.fromEntries(
      BACKUP_COUNT_KEYS.map((k) => {
        const count = z.number().int().nonnegative();
        // Absent from older footers: those files hold none of it.
        return [k, LATER_BACKUP_COUNT_KEYS.includes(k) ? count.default(0) : count];
      }),
    ),
  ),
  /** Since version 2: the SHA-256 (hex) of every line before the footer, each with its newline. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

const DATA_SCHEMAS = {
  state: StateSchema,
  user: UserSchema,
  package: PackageSchema,
  rate: RateSchema,
  rateCounters: CountersSchema,
  audit: AuditEventSchema,
  userAudit: UserAuditEventSchema,
  apiClient: ApiClientSchema,
  counters: CountersSchema,
  sessions: SessionGenerationsSchema,
} as const;
type DataType = keyof typeof DATA_SCHEMAS;
const isDataType = (t: unknown): t is DataType => typeof t === 'string' && Object.hasOwn(DATA_SCHEMAS, t);

/** What the first pass keeps: the small parts of the backup, and what it learnt of the rest. */
interface Checked {
  header: BackupHeader;
  counts: BackupCounts;
  states: State[];
  users: User[];
  /** Machines' API clients (since version 5), written after the users they act for. */
  apiClients: ApiClient[];
  /** Session generations by user id (absent from backups made before sign-out ended sessions). */
  sessionGenerations: Record<string, number>;
  counters: Record<StateCode, number>;
  /** Per state, the highest package number in the file. */
  highestNumbers: Map<StateCode, number>;
  /** `STATE#number` → the id of the backup's package with that number. */
  numbers: Map<string, string>;
  /** The rate counters (absent from backups before rates were records: none). */
  rateCounters: Record<StateCode, number>;
  /** Per state, the highest rate number in the file. */
  highestRateNumbers: Map<StateCode, number>;
  /** `STATE#number` → the id of the backup's rate with that number. */
  rateNumbers: Map<string, string>;
  /** Packages whose embedded rate certifications become rate records (format 1–3). */
  embedded: number;
  /** Lines before the footer. */
  lines: number;
}

const numberKey = (stateCode: string, stateNumber: number) => `${stateCode}#${stateNumber}`;

export async function restoreStore(store: MaintainedStore, options: RestoreOptions): Promise<RestoreResult> {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new Error(`batch size must be 1..1000, not ${batchSize}`);
  }

  // A quick look at the first line, so a wrong path or a foreign file is named as such at once.
  await checkHeader(options.in);
  const [targetStates, targetUsers, targetPackages] = await Promise.all([
    store.listStates(),
    store.listUsers(),
    store.maintenance.countPackages(),
  ]);
  const empty = targetStates.length === 0 && targetUsers.length === 0 && targetPackages === 0;
  if (!empty && !options.force) {
    throw new Error(
      `the target ${store.backend} store is not empty (${targetStates.length} states, ${targetUsers.length} users, ` +
        `${targetPackages} packages); restore only into an empty store, or force it (--force) to write the backup ` +
        'over what is there',
    );
  }

  const checked = await checkBackup(options.in);
  const known = new Set([...checked.states, ...targetStates].map((s) => s.code));
  const unknown = [
    ...new Set([...checked.highestNumbers.keys(), ...checked.highestRateNumbers.keys()]),
  ].filter((code) => !known.has(code));
  if (unknown.length > 0) {
    throw new BackupFileError(
      `${options.in}: packages or rates of state(s) ${unknown.join(', ')} but no such state in the backup or the target`,
    );
  }

  // Nothing is written before this point.
  if (!empty) await refuseCollisions(store, checked, options.in);
  const write = (target: AtomicImportTarget) =>
    writeBackup(target, checked, options, empty ? 'overwrite' : 'force');
  const counts = store.maintenance.importAtomically
    ? await atomically(store.maintenance.importAtomically.bind(store), write)
    : await write(store);
  return { counts, header: checked.header };
}

async function atomically<T>(
  run: NonNullable<MaintainedStore['maintenance']['importAtomically']>,
  work: (target: AtomicImportTarget) => Promise<T>,
): Promise<T> {
  let out: T | undefined;
  await run(async (target) => {
    out = await work(target);
  });
  return out as T;
}

/**
 * A package of the backup whose number another package of the target holds: refused before
 * anything is written, naming both (the backup's own duplicates were refused by checkBackup).
 */
async function refuseCollisions(store: MaintainedStore, checked: Checked, file: string) {
  const clashes: string[] = [];
  // Rates: few beside packages, and no list shows never-submitted ones, so the whole scan.
  if (checked.rateNumbers.size > 0) {
    let cursor: string | undefined;
    do {
      const page = await store.maintenance.scanRates({ partition: 0, partitions: 1, limit: 500, cursor });
      for (const r of page.items) {
        const ours = checked.rateNumbers.get(numberKey(r.stateCode, r.stateRateNumber));
        if (ours !== undefined && ours !== r.id) {
          clashes.push(
            `${r.stateCode} rate number ${r.stateRateNumber}: rate ${ours} in the backup, ${r.id} in the target`,
          );
        }
      }
      cursor = page.cursor;
    } while (cursor);
  }
  for (const stateCode of checked.highestNumbers.keys()) {
    let cursor: string | undefined;
    do {
      const page = await store.listByState(stateCode, { limit: 100, cursor });
      for (const p of page.items) {
        const ours = checked.numbers.get(numberKey(p.stateCode, p.stateNumber));
        if (ours !== undefined && ours !== p.id) {
          clashes.push(
            `${p.stateCode} number ${p.stateNumber}: package ${ours} in the backup, ${p.id} in the target`,
          );
        }
      }
      cursor = page.cursor;
    } while (cursor);
  }
  if (clashes.length > 0) {
    const more = clashes.length > 20 ? ` (and ${clashes.length - 20} more)` : '';
    throw new RestoreConflictError(
      `nothing restored from ${file}: ${clashes.length} package or rate number(s) of the backup are held by ` +
        `other records in the target ${store.backend} store, and two packages (or rates) may never share a name — ` +
        `${clashes.slice(0, 20).join('; ')}${more}. Restore into an empty store, or remove those records first.`,
    );
  }
}

/** The second pass: writes the checked file into `store`; returns what it wrote. */
async function writeBackup(
  store: AtomicImportTarget,
  checked: Checked,
  options: RestoreOptions,
  mode: 'overwrite' | 'force',
): Promise<BackupCounts> {
  const batchSize = options.batchSize ?? 100;
  // States before users and packages (both reference states).
  await store.upsertStates(checked.states);
  await store.upsertUsers(checked.users);
  await store.maintenance.raiseSessionGenerations(checked.sessionGenerations);
  if (checked.apiClients.length > 0) await store.maintenance.importApiClients(checked.apiClients);
  // Rate numbers for embedded rate certifications come after every number the target or the
  // backup has handed out, so none is handed out twice.
  const rateCounters = { ...(await store.maintenance.getRateCounters()) };
  for (const [code, n] of [...Object.entries(checked.rateCounters), ...checked.highestRateNumbers])
    rateCounters[code] = Math.max(rateCounters[code] ?? 0, n);
  const nextRateNumber: RateNumberSource = (code) => {
    rateCounters[code] = (rateCounters[code] ?? 0) + 1;
    return rateCounters[code];
  };
  const convert = checked.header.version < FIRST_VERSION_WITH_RATES;
  const total = checked.counts.packages;
  const written = emptyCounts();
  written.states = checked.states.length;
  written.users = checked.users.length;
  written.apiClients = checked.apiClients.length;
  let packages: Package[] = [];
  let audit: AuditEvent[] = [];
  // The file's rates, and those converted from packages' embedded certifications (written first).
  let rates: Rate[] = [];
  let converted: Rate[] = [];
  let firstLine = 0;
  let firstRateLine = 0;
  const flushRates = async (lastLine: number) => {
    if (rates.length === 0) return;
    try {
      await store.maintenance.importRates(rates, { mode });
    } catch (e) {
      const ids = rates.map((r) => r.id);
      const which = ids.length === 1 ? `rate ${ids[0]}` : `rates ${ids[0]} … ${ids[ids.length - 1]}`;
      throw new Error(
        `restoring ${which} (lines ${firstRateLine}–${lastLine} of ${options.in}) failed: ${(e as Error).message}`,
        { cause: e },
      );
    }
    written.rates += rates.length;
    rates = [];
  };
  const flushPackages = async (lastLine: number) => {
    if (packages.length === 0) return;
    try {
      if (converted.length > 0) await store.maintenance.importRates(converted, { mode });
      await store.maintenance.importPackages(packages, { mode });
    } catch (e) {
      const ids = packages.map((p) => p.id);
      const which = ids.length === 1 ? `package ${ids[0]}` : `packages ${ids[0]} … ${ids[ids.length - 1]}`;
      throw new Error(
        `restoring ${which} (lines ${firstLine}–${lastLine} of ${options.in}) failed: ${(e as Error).message}`,
        { cause: e },
      );
    }
    written.packages += packages.length;
    packages = [];
    converted = [];
    options.onProgress?.(written.packages, total);
  };
  const flushAudit = async () => {
    if (audit.length === 0) return;
    await store.maintenance.importAudit(audit);
    written.auditEvents += audit.length;
    audit = [];
  };
  let userAudit: UserAuditEvent[] = [];
  const flushUserAudit = async () => {
    if (userAudit.length === 0) return;
    await store.maintenance.importUserAudit(userAudit);
    written.userAuditEvents += userAudit.length;
    userAudit = [];
  };
  options.onProgress?.(0, total);
  for await (const { n, text } of readLines(options.in)) {
    // Already checked line by line: only the streamed kinds matter here.
    const record = JSON.parse(text) as { type: string; data: unknown };
    if (record.type === 'rate') {
      if (rates.length === 0) firstRateLine = n;
      rates.push(record.data as Rate);
      if (rates.length >= batchSize) await flushRates(n);
    } else if (record.type === 'package') {
      await flushRates(n - 1);
      if (packages.length === 0) firstLine = n;
      const pkg = withRateLinks(currentPackageRecord(record.data as Package));
      if (convert && hasEmbeddedRates(pkg)) {
        const records = convertEmbeddedRates(PackageSchema.parse(pkg), nextRateNumber);
        packages.push(records.package);
        converted.push(...records.rates);
      } else packages.push(pkg);
      if (packages.length >= batchSize) await flushPackages(n);
    } else if (record.type === 'audit') {
      audit.push(record.data as AuditEvent);
      if (audit.length >= batchSize * 10) await flushAudit();
    } else if (record.type === 'userAudit') {
      userAudit.push(record.data as UserAuditEvent);
      if (userAudit.length >= batchSize * 10) await flushUserAudit();
    } else if (record.type === 'counters') {
      await flushPackages(n - 1);
    }
  }
  await flushRates(checked.lines);
  await flushPackages(checked.lines);
  await flushAudit();
  await flushUserAudit();
  if (
    written.packages !== checked.counts.packages ||
    written.rates !== checked.counts.rates ||
    written.auditEvents !== checked.counts.auditEvents ||
    written.userAuditEvents !== checked.counts.userAuditEvents
  ) {
    throw new BackupFileError(`${options.in} changed while it was being restored`);
  }

  // Counters last, and never below a restored package's number, so no number is handed out twice.
  const counters = { ...checked.counters };
  for (const [code, highest] of checked.highestNumbers)
    counters[code] = Math.max(counters[code] ?? 0, highest);
  await store.maintenance.raiseCounters(counters);
  written.counters = Object.keys(checked.counters).length;
  // Covers the backup's counters, its rates and the numbers handed out to converted rates.
  if (Object.keys(rateCounters).length > 0) await store.maintenance.raiseRateCounters(rateCounters);
  written.rateCounters = Object.keys(checked.rateCounters).length;
  return written;
}

/** The file's first line, checked to be a header this version reads. */
export async function checkHeader(file: string): Promise<BackupHeader> {
  for await (const { n, text } of readLines(file)) return parseHeader(file, n, text);
  throw new BackupFileError(`${file} is empty`);
}

function parseHeader(file: string, n: number, text: string): BackupHeader {
  const bad = (why: string) => new BackupFileError(`${file}, line ${n}: ${why}`);
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw bad('not a Carepack backup (the first line is not JSON)');
  }
  const h = HeaderSchema.safeParse(record);
  if (!h.success) throw bad('not a Carepack backup (the first line is not a backup header)');
  if (h.data.format !== BACKUP_FORMAT) throw bad(`not a Carepack backup (format "${h.data.format}")`);
  if (!READABLE_BACKUP_VERSIONS.includes(h.data.version)) {
    throw bad(
      `backup format version ${h.data.version} is not supported (this version reads ${READABLE_BACKUP_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_BACKUP_VERSIONS.at(-1)})`,
    );
  }
  return h.data as BackupHeader;
}

/** The first pass: reads the whole file and refuses it unless every line is sound. */
export async function checkBackup(file: string): Promise<Checked> {
  const counts = emptyCounts();
  const states: State[] = [];
  const users: User[] = [];
  const apiClients: ApiClient[] = [];
  let sessionGenerations: Record<string, number> | undefined;
  let counters: Record<StateCode, number> | undefined;
  const highestNumbers = new Map<StateCode, number>();
  let header: BackupHeader | undefined;
  let footer: { counts: BackupCounts; line: number; sha256?: string } | undefined;
  const numbers = new Map<string, string>();
  let rateCounters: Record<StateCode, number> | undefined;
  const highestRateNumbers = new Map<StateCode, number>();
  const rateNumbers = new Map<string, string>();
  /** Rate id → its state and revision numbers: what the packages after it may link. */
  const rates = new Map<string, { stateCode: string; revisions: Set<number> }>();
  let embedded = 0;
  // Converted as on the real pass, with numbers of no consequence: a certification the domain
  // cannot turn into a rate refuses the file before anything is written.
  const trialNumbers = new Map<string, number>();
  const trialNumber: RateNumberSource = (code) => {
    trialNumbers.set(code, (trialNumbers.get(code) ?? 0) + 1);
    return trialNumbers.get(code)!;
  };
  const content = createHash('sha256');

  for await (const { n, text } of readLines(file)) {
    if (n === 1) {
      header = parseHeader(file, n, text);
      content.update(`${text}\n`);
      continue;
    }
    const bad = (why: string) => new BackupFileError(`${file}, line ${n}: ${why}`);
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      throw bad(text.trim() === '' ? 'empty line' : 'not valid JSON');
    }
    const type = (record as { type?: unknown } | null)?.type;
    if (footer) throw bad(`data after the footer (line ${footer.line})`);
    if (type === 'header') throw bad('a second header');
    if (type === 'footer') {
      const f = FooterSchema.safeParse(record);
      if (!f.success) throw bad(`invalid footer: ${describeIssues(f.error)}`);
      footer = {
        counts: f.data.counts as BackupCounts,
        line: n,
        ...(f.data.sha256 ? { sha256: f.data.sha256 } : {}),
      };
      continue;
    }
    content.update(`${text}\n`);
    if (!isDataType(type)) throw bad(`unknown record type ${JSON.stringify(type)}`);
    // Checked by the schema, but kept as written: restore writes exactly what was backed up.
    const data = (record as { data?: unknown }).data;
    const parsed = DATA_SCHEMAS[type].safeParse(data);
    if (!parsed.success) throw bad(`invalid ${type}: ${describeIssues(parsed.error)}`);
    switch (type) {
      case 'state':
        states.push(data as State);
        counts.states++;
        break;
      case 'user':
        users.push(data as User);
        counts.users++;
        break;
      case 'apiClient':
        apiClients.push(data as ApiClient);
        counts.apiClients++;
        break;
      case 'sessions':
        if (sessionGenerations) throw bad('a second sessions record');
        sessionGenerations = data as Record<string, number>;
        break;
      case 'counters':
        if (counters) throw bad('a second counters record');
        counters = data as Record<StateCode, number>;
        counts.counters = Object.keys(counters).length;
        break;
      case 'rateCounters':
        if (rateCounters) throw bad('a second rateCounters record');
        rateCounters = data as Record<StateCode, number>;
        counts.rateCounters = Object.keys(rateCounters).length;
        break;
      case 'rate': {
        const rate = data as Rate;
        const key = numberKey(rate.stateCode, rate.stateRateNumber);
        const holder = rateNumbers.get(key);
        if (holder !== undefined && holder !== rate.id) {
          throw bad(
            `rate ${rate.id} has ${rate.stateCode} rate number ${rate.stateRateNumber}, like rate ${holder} before it`,
          );
        }
        if (rates.has(rate.id)) throw bad(`rate ${rate.id} a second time`);
        rateNumbers.set(key, rate.id);
        rates.set(rate.id, {
          stateCode: rate.stateCode,
          revisions: new Set(rate.revisions.map((r) => r.number)),
        });
        highestRateNumbers.set(
          rate.stateCode,
          Math.max(highestRateNumbers.get(rate.stateCode) ?? 0, rate.stateRateNumber),
        );
        counts.rates++;
        break;
      }
      case 'package': {
        const pkg = data as Package;
        let linked = pkg;
        if (
          header !== undefined &&
          header.version < FIRST_VERSION_WITH_RATES &&
          hasEmbeddedRates(parsed.data as Package)
        ) {
          try {
            const records = convertEmbeddedRates(parsed.data as Package, trialNumber);
            for (const r of records.rates) {
              if (rates.has(r.id))
                throw new Error(`rate certification ${r.id} is also elsewhere in the backup`);
              rates.set(r.id, {
                stateCode: r.stateCode,
                revisions: new Set(r.revisions.map((v) => v.number)),
              });
            }
            linked = records.package;
          } catch (e) {
            throw bad(
              `package ${pkg.id}: its rate certifications cannot become rate records: ${(e as Error).message}`,
            );
          }
          embedded++;
        }
        // Rates come before the packages that link them: a link to a rate not seen is a broken file.
        for (const revision of linked.revisions) {
          for (const link of revision.rateLinks ?? []) {
            const rate = rates.get(link.rateId);
            const where = `package ${pkg.id} revision ${revision.number} links rate ${link.rateId}`;
            if (!rate) throw bad(`${where}, which the backup does not hold (before it)`);
            if (rate.stateCode !== pkg.stateCode) throw bad(`${where} of another state (${rate.stateCode})`);
            if (link.rateRevision !== null && !rate.revisions.has(link.rateRevision))
              throw bad(`${where} at revision ${link.rateRevision}, which the rate does not have`);
          }
        }
        const key = numberKey(pkg.stateCode, pkg.stateNumber);
        const holder = numbers.get(key);
        if (holder !== undefined && holder !== pkg.id) {
          throw bad(
            `package ${pkg.id} has ${pkg.stateCode} number ${pkg.stateNumber}, like package ${holder} before it`,
          );
        }
        numbers.set(key, pkg.id);
        highestNumbers.set(pkg.stateCode, Math.max(highestNumbers.get(pkg.stateCode) ?? 0, pkg.stateNumber));
        counts.packages++;
        break;
      }
      case 'audit':
        counts.auditEvents++;
        break;
      case 'userAudit':
        counts.userAuditEvents++;
        break;
    }
  }

  if (!header) throw new BackupFileError(`${file} is empty`);
  if (!footer) {
    throw new BackupFileError(
      `${file} is truncated: it ends without the footer line, so the backup is incomplete`,
    );
  }
  const differ = BACKUP_COUNT_KEYS.filter((k) => footer.counts[k] !== counts[k]);
  if (differ.length > 0) {
    const what = differ
      .map((k) => `${k}: footer says ${footer.counts[k]}, file holds ${counts[k]}`)
      .join('; ');
    throw new BackupFileError(`${file} is incomplete or altered: ${what}`);
  }
  if (header.version >= 2) {
    const actual = content.digest('hex');
    if (footer.sha256 === undefined)
      throw new BackupFileError(`${file}: the footer has no content checksum (sha256)`);
    if (footer.sha256 !== actual) {
      throw new BackupFileError(
        `${file} was altered: its lines do not match the footer's checksum (sha256 ${footer.sha256}, the lines give ${actual})`,
      );
    }
  }
  if (!counters) throw new BackupFileError(`${file} has no counters record`);
  if (!rateCounters && header.version >= FIRST_VERSION_WITH_RATES)
    throw new BackupFileError(`${file} has no rateCounters record`);
  return {
    header,
    counts,
    states,
    users,
    apiClients,
    sessionGenerations: sessionGenerations ?? {},
    counters,
    highestNumbers,
    numbers,
    rateCounters: rateCounters ?? {},
    highestRateNumbers,
    rateNumbers,
    embedded,
    lines: footer.line - 1,
  };
}

/** A package as written before rates were records has no `rateLinks`: it links none. */
function withRateLinks(pkg: Package): Package {
  return { ...pkg, revisions: pkg.revisions.map((r) => ({ ...r, rateLinks: r.rateLinks ?? [] })) };
}

function describeIssues(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
  return issues.join('; ') + (error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '');
}

/** The file's lines, numbered from 1; a gzip or read error is a `BackupFileError` naming the file. */
async function* readLines(file: string): AsyncGenerator<{ n: number; text: string }> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const text of lines) yield { n: ++n, text };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new BackupFileError(`${file}: no such file`);
    if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') {
      throw new BackupFileError(
        `${file} is truncated or damaged (${err.message} after line ${n}): not a complete gzip file`,
      );
    }
    throw new BackupFileError(`cannot read ${file}: ${err.message}`);
  } finally {
    lines.close();
    gunzip.destroy();
    input.destroy();
  }
}
