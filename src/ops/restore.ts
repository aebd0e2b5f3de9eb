/**
 * `carepack restore`: loads a backup written by `backupStore` into a store.
 *
 * Two passes over the file. The first checks everything — framing (header first, footer
 * last, counts matching), every line against the domain schemas — and writes nothing, so a
 * truncated or corrupt file leaves the target untouched. The second writes: states and users
 * first (packages reference states), then packages and audit events in batches, then the
 * counters (after the packages, raised to at least each state's highest package number).
 * States, users and counters are few and kept in memory; packages and audit events stream.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import {
  ActorSchema,
  type Package,
  PackageSchema,
  type State,
  type StateCode,
  StateCodeSchema,
  StateSchema,
  type User,
  UserSchema,
} from '../domain/index.js';
import { AUDIT_ACTIONS, type AuditEvent, type Store } from '../store/store.js';
import {
  BACKUP_COUNT_KEYS,
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupCounts,
  type BackupHeader,
  emptyCounts,
} from './backup.js';

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
  counts: z.object(Object.fromEntries(BACKUP_COUNT_KEYS.map((k) => [k, z.number().int().nonnegative()]))),
});

const DATA_SCHEMAS = {
  state: StateSchema,
  user: UserSchema,
  package: PackageSchema,
  audit: AuditEventSchema,
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
  /** Session generations by user id (absent from backups made before sign-out ended sessions). */
  sessionGenerations: Record<string, number>;
  counters: Record<StateCode, number>;
  /** Per state, the highest package number in the file. */
  highestNumbers: Map<StateCode, number>;
}

export async function restoreStore(store: Store, options: RestoreOptions): Promise<RestoreResult> {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new Error(`batch size must be 1..1000, not ${batchSize}`);
  }

  // A quick look at the first line, so a wrong path or a foreign file is named as such at once.
  await checkHeader(options.in);
  const [targetStates, targetUsers, targetPackages] = await Promise.all([
    store.listStates(),
    store.listUsers(),
    store.countPackages(),
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
  const unknown = [...checked.highestNumbers.keys()].filter((code) => !known.has(code));
  if (unknown.length > 0) {
    throw new BackupFileError(
      `${options.in}: packages of state(s) ${unknown.join(', ')} but no such state in the backup or the target`,
    );
  }

  // Second pass: write. States before users and packages (both reference states).
  await store.upsertStates(checked.states);
  await store.upsertUsers(checked.users);
  await store.raiseSessionGenerations(checked.sessionGenerations);
  const mode = empty ? 'overwrite' : 'replace';
  const total = checked.counts.packages;
  const written = emptyCounts();
  written.states = checked.states.length;
  written.users = checked.users.length;
  let packages: Package[] = [];
  let audit: AuditEvent[] = [];
  const flushPackages = async () => {
    if (packages.length === 0) return;
    await store.importPackages(packages, { mode });
    written.packages += packages.length;
    packages = [];
    options.onProgress?.(written.packages, total);
  };
  const flushAudit = async () => {
    if (audit.length === 0) return;
    await store.importAudit(audit);
    written.auditEvents += audit.length;
    audit = [];
  };
  options.onProgress?.(0, total);
  for await (const { text } of readLines(options.in)) {
    // Already checked line by line: only the two streamed kinds matter here.
    const record = JSON.parse(text) as { type: string; data: unknown };
    if (record.type === 'package') {
      packages.push(record.data as Package);
      if (packages.length >= batchSize) await flushPackages();
    } else if (record.type === 'audit') {
      audit.push(record.data as AuditEvent);
      if (audit.length >= batchSize * 10) await flushAudit();
    }
  }
  await flushPackages();
  await flushAudit();
  if (written.packages !== checked.counts.packages || written.auditEvents !== checked.counts.auditEvents) {
    throw new BackupFileError(`${options.in} changed while it was being restored`);
  }

  // Counters last, and never below a restored package's number, so no number is handed out twice.
  const counters = { ...checked.counters };
  for (const [code, highest] of checked.highestNumbers)
    counters[code] = Math.max(counters[code] ?? 0, highest);
  await store.raiseCounters(counters);
  written.counters = Object.keys(checked.counters).length;

  return { counts: written, header: checked.header };
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
  if (h.data.version !== BACKUP_VERSION) {
    throw bad(
      `backup format version ${h.data.version} is not supported (this version reads ${BACKUP_VERSION})`,
    );
  }
  return h.data as BackupHeader;
}

/** The first pass: reads the whole file and refuses it unless every line is sound. */
export async function checkBackup(file: string): Promise<Checked> {
  const counts = emptyCounts();
  const states: State[] = [];
  const users: User[] = [];
  let sessionGenerations: Record<string, number> | undefined;
  let counters: Record<StateCode, number> | undefined;
  const highestNumbers = new Map<StateCode, number>();
  let header: BackupHeader | undefined;
  let footer: { counts: BackupCounts; line: number } | undefined;

  for await (const { n, text } of readLines(file)) {
    if (n === 1) {
      header = parseHeader(file, n, text);
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
      footer = { counts: f.data.counts as BackupCounts, line: n };
      continue;
    }
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
      case 'sessions':
        if (sessionGenerations) throw bad('a second sessions record');
        sessionGenerations = data as Record<string, number>;
        break;
      case 'counters':
        if (counters) throw bad('a second counters record');
        counters = data as Record<StateCode, number>;
        counts.counters = Object.keys(counters).length;
        break;
      case 'package': {
        const pkg = data as Package;
        highestNumbers.set(pkg.stateCode, Math.max(highestNumbers.get(pkg.stateCode) ?? 0, pkg.stateNumber));
        counts.packages++;
        break;
      }
      case 'audit':
        counts.auditEvents++;
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
  if (!counters) throw new BackupFileError(`${file} has no counters record`);
  return {
    header,
    counts,
    states,
    users,
    sessionGenerations: sessionGenerations ?? {},
    counters,
    highestNumbers,
  };
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
