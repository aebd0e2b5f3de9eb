import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PackageStatus } from '../src/domain/index.js';
import { inParallel } from '../src/lib/parallel.js';
import { createDynamoClients } from '../src/store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../src/store/dynamo/dynamo-local.js';
import { headToItem, type Item, revisionToItem } from '../src/store/dynamo/dynamo-marshal.js';
import { createDynamoStore } from '../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../src/store/dynamo/dynamo-tables.js';
import { type DrivenStore, drive } from '../test/support/store-commands.js';
import { chunks } from './lib/chunks.js';
import { type AB, type ABResult, compareAB, iqr } from './lib/compare.js';
import { type BenchReport, type BenchRow, loadAverage, runNote } from './lib/report.js';
import { median, round } from './lib/stats.js';
import {
  type Comparison,
  compareFourOps,
  compare as compareWith,
  createInput,
  makeDrafts,
  TIMING,
} from './lib/store-vs-raw.js';
import { ACTOR, state, syntheticPackage } from './store-fixtures.js';
import { type RawOps, rawOps } from './store-raw.js';

const SCALING_TARGET = 1.3;
const PAGE_SIZE = 25;
/** The state whose packages are read and listed, in both parts. */
const LISTED_STATE = 'LS';
/** Packages in the listed state, in both parts and at both table sizes. */
const LISTED = 200;
const SIZES = [10_000, 100_000] as const;
/** DynamoDB Local's write rate levels off past ~8 requests in flight (about 2k items/s on 2 cores). */
const SEED_CONCURRENCY = 16;
/** Heads only: they are all the list indexes hold; revisions as well would double seeding time. */
const SEED_REVISIONS = false;
const OVERHEAD_TABLE = 'bench-overhead';
/** Seeded into part 1's table too, so CMS's list by review status has a page there (the control). */
const REVIEWED_STATE = 'RV';
/** The review status listed by review status: most packages of a live system are under review. */
const LISTED_REVIEW = 'UNDER_REVIEW';
const SCALING_TABLE = 'bench-scaling';

interface Env {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

async function startEnv(): Promise<Env> {
  const local = await startDynamoLocal();
  // The same client serves store and raw calls, so both go through the same sockets and middleware.
  const { client, doc } = createDynamoClients({ endpoint: local.endpoint, region: 'us-east-1' });
  return {
    client,
    doc,
    async stop() {
      doc.destroy();
      await local.stop();
    },
  };
}

async function table(env: Env, name: string) {
  await ensureTable(env.client, name);
  return {
    store: drive(createDynamoStore({ client: env.doc, tableName: name })),
    raw: rawOps(env.doc, name),
  };
}

/** Attribute names of every item of a package (audit included). */
async function shapeOf(doc: DynamoDBDocumentClient, TableName: string, id: string): Promise<string> {
  const out = await doc.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `PKG#${id}` },
    }),
  );
  return (out.Items ?? [])
    .map((i) => `${String(i.kind)}: ${Object.keys(i).sort().join(',')}`)
    .sort()
    .join('\n');
}

/** Fails the bench if the raw baseline no longer writes the items the store writes. */
async function checkSameItems(doc: DynamoDBDocumentClient, storeId: string, rawId: string, op: string) {
  const [s, r] = [await shapeOf(doc, OVERHEAD_TABLE, storeId), await shapeOf(doc, OVERHEAD_TABLE, rawId)];
  if (s !== r) throw new Error(`raw ${op} writes other items than the store:\n-- store\n${s}\n-- raw\n${r}`);
}

/** Fails fast if the raw create or submit no longer writes the items the store writes. */
async function checkBaseline(env: Env, store: DrivenStore, raw: RawOps) {
  const pair = [createInput('CR'), createInput('CR')] as const;
  await store.createDraft(pair[0]);
  await raw.create(pair[1]);
  await checkSameItems(env.doc, pair[0].id, pair[1].id, 'create');
  const [s, r] = await makeDrafts(store, 'SB', 2);
  await store.submit(s!, { expectedVersion: 1, actor: ACTOR });
  await raw.submit(r!, ACTOR);
  await checkSameItems(env.doc, s!, r!, 'submit');
}

/** Part 1: each operation, store vs raw, on a table with LISTED packages in the listed state. */
async function overhead(env: Env): Promise<Comparison[]> {
  const { store, raw } = await table(env, OVERHEAD_TABLE);
  await store.upsertStates([LISTED_STATE, 'CR', 'SB'].map(state));
  await checkBaseline(env, store, raw);
  console.log(`  making ${LISTED} packages to read and list…`);
  const listed = await makeDrafts(store, LISTED_STATE, LISTED);
  return compareFourOps(store, raw, {
    createState: 'CR',
    submitState: 'SB',
    listedState: LISTED_STATE,
    listed,
    pageSize: PAGE_SIZE,
    baseline: 'raw SDK',
  });
}

/** YA…ZX: codes no real state uses, none of them the listed state. */
const OTHER_STATES = Array.from({ length: 50 }, (_, i) =>
  String.fromCharCode(89 + Math.floor(i / 26), 65 + (i % 26)),
);
/** Cycled through when seeding: submitted packages outnumber drafts, as in a live system. */
const STATUS_MIX: PackageStatus[] = [
  'DRAFT',
  'DRAFT',
  'SUBMITTED',
  'SUBMITTED',
  'SUBMITTED',
  'UNLOCKED',
  'RESUBMITTED',
];
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

/** Items of `count` synthetic packages of one state, with spread-out update times and mixed statuses. */
function packageItems(stateCode: string, count: number, firstNumber: number): Item[] {
  const items: Item[] = [];
  for (let n = 0; n < count; n++) {
    const at = new Date(Date.now() - Math.random() * TWO_YEARS_MS).toISOString();
    const pkg = syntheticPackage(stateCode, firstNumber + n, STATUS_MIX[n % STATUS_MIX.length]!, at);
    items.push(headToItem(pkg));
    if (SEED_REVISIONS) items.push(revisionToItem(pkg.id, pkg.revisions[0]!));
  }
  return items;
}

/** `count` packages spread evenly over the other states, numbered after the `existing` ones. */
function otherPackageItems(count: number, existing: number): Item[] {
  const per = count / OTHER_STATES.length;
  const first = existing / OTHER_STATES.length + 1;
  return OTHER_STATES.flatMap((code) => packageItems(code, per, first));
}

/** BatchWriteItem in chunks of 25, SEED_CONCURRENCY requests in flight; returns the seconds it took. */
async function seed(doc: DynamoDBDocumentClient, TableName: string, items: Item[]): Promise<number> {
  const batches = chunks(items, 25);
  const start = performance.now();
  await inParallel(batches, SEED_CONCURRENCY, async (chunk) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
      // DynamoDB Local does not throttle, so unprocessed items are retried at once.
      requests = (out.UnprocessedItems?.[TableName] ?? []) as typeof requests;
    }
  });
  return (performance.now() - start) / 1000;
}

interface SizePoint {
  size: number;
  /** DrivenStore vs raw on the grown table. */
  overhead: Comparison;
  /** DrivenStore list on the grown table (a) vs the same list on part 1's table, which does not grow (b). */
  vsControl: ABResult;
  /** CMS's list by review status (index submittedByReview), grown table (a) vs part 1's (b). */
  reviewVsControl: ABResult;
}

interface Scaling {
  small: SizePoint;
  large: SizePoint;
  seedItemsPerSecond: number[];
  seedSeconds: number;
}

/** Part 2: list the listed state (LISTED packages) at each table size. */
async function scaling(env: Env): Promise<Scaling> {
  const { store, raw } = await table(env, SCALING_TABLE);
  const control = (await table(env, OVERHEAD_TABLE)).store;
  const rates: number[] = [];
  let seedSeconds = 0;
  const timedSeed = async (items: Item[]) => {
    const seconds = await seed(env.doc, SCALING_TABLE, items);
    seedSeconds += seconds;
    rates.push(items.length / seconds);
  };
  await timedSeed(packageItems(LISTED_STATE, LISTED, 1));
  await seed(env.doc, OVERHEAD_TABLE, packageItems(REVIEWED_STATE, LISTED, 1));
  let packages = LISTED;
  const points: SizePoint[] = [];
  for (const size of SIZES) {
    await timedSeed(otherPackageItems(size - packages, packages - LISTED));
    packages = size;
    console.log(`  seeded to ${size} packages (${seedSeconds.toFixed(0)} s of seeding so far)`);
    const list = () => store.listByState(LISTED_STATE, { limit: PAGE_SIZE });
    const overhead = await compare(`list-by-state @${size / 1000}k`, {
      a: list,
      b: () => raw.listByState(LISTED_STATE, PAGE_SIZE),
    });
    const vsControl = await compareAB(
      { a: list, b: () => control.listByState(LISTED_STATE, { limit: PAGE_SIZE }) },
      TIMING,
    );
    const reviewQuery = { reviewStatus: LISTED_REVIEW, limit: PAGE_SIZE } as const;
    const reviewVsControl = await compareAB(
      { a: () => store.listSubmitted(reviewQuery), b: () => control.listSubmitted(reviewQuery) },
      TIMING,
    );
    points.push({ size, overhead, vsControl, reviewVsControl });
  }
  return { small: points[0]!, large: points[1]!, seedItemsPerSecond: rates.map(Math.round), seedSeconds };
}

/**
 * Store list time at the large size over the small one. The two sizes are measured a minute
 * apart, so each is first taken relative to the same list on a table that does not grow,
 * interleaved: outside load that comes and goes then cancels out of the ratio.
 */
function scalingRow(
  scale: Scaling,
  op = 'list-by-state',
  side: 'vsControl' | 'reviewVsControl' = 'vsControl',
): BenchRow {
  const small = scale.small[side];
  const large = scale.large[side];
  const base = median(small.ratios);
  const [q1, q3] = iqr(large.ratios);
  return {
    op: `${op} ${SIZES[1] / 1000}k/${SIZES[0] / 1000}k`,
    subjectMs: median(large.aMs),
    baselineMs: median(small.aMs),
    ratio: median(large.ratios) / base,
    ratioIqr: [q1 / base, q3 / base],
    target: SCALING_TARGET,
    baseline: `store @${SIZES[0] / 1000}k`,
  };
}

/** Per-round ms of each side, for the JSON. */
function perRound({ aMs, bMs, opsPerRound }: ABResult, [a, b]: [string, string]) {
  return { opsPerRound, [a]: aMs.map((x) => round(x)), [b]: bMs.map((x) => round(x)) };
}

/** How the figures were obtained, printed under the table. */
function notes(scale: Scaling, seconds: number, loadAtStart: string): string[] {
  const medianOf = (p: SizePoint, side: 'aMs' | 'bMs') => median(p.overhead.result[side]);
  const plain = (side: 'aMs' | 'bMs') =>
    (medianOf(scale.large, side) / medianOf(scale.small, side)).toFixed(3);
  return [
    `ratio: median over ${TIMING.rounds} rounds of the per-round ratio; each round one ~${TIMING.roundMs} ms batch of sequential ops per side, order flipped every round, after ${TIMING.warmupOps} warm-up ops per side; IQR: middle half of the per-round ratios`,
    `${SIZES[1] / 1000}k/${SIZES[0] / 1000}k: each size relative to the same list on part 1's table (which does not grow), interleaved, to cancel load drift between sizes; plain ratios of medians: store ${plain('aMs')}, raw ${plain('bMs')}`,
    `list-by-review-status: CMS's list of every ${LISTED_REVIEW} package (index submittedByReview, a page of ${PAGE_SIZE}); it grows with the table, the control (part 1's table, ${LISTED} more seeded packages) does not`,
    `package: CONTRACT_AND_RATES, 2 rate certifications, 2 contacts, 5 documents; lists read a page of ${PAGE_SIZE} from ${LISTED} packages in the state`,
    `scaling table: ${LISTED} packages in the listed state, the rest over ${OTHER_STATES.length} other states; seeded ${SEED_REVISIONS ? 'heads + current revisions' : 'head items only (all the list indexes hold)'} by BatchWriteItem ×${SEED_CONCURRENCY}: ${scale.seedItemsPerSecond.join(' / ')} items/s, ${scale.seedSeconds.toFixed(0)} s`,
    `${runNote(seconds, loadAtStart)} (outside load widens the IQRs)`,
  ];
}

export async function run(): Promise<BenchReport> {
  const started = performance.now();
  const loadAtStart = loadAverage();
  const env = await startEnv();
  try {
    console.log('part 1: store vs raw SDK');
    const ops = await overhead(env);
    console.log('part 2: list-by-state and list-by-review-status as the table grows');
    const scale = await scaling(env);
    const compared = [...ops, scale.small.overhead, scale.large.overhead];
    const sides: [string, string] = ['storeMs', 'rawMs'];
    const controlSides: [string, string] = ['storeMs', 'controlMs'];
    return {
      name: 'store',
      columns: { subject: 'store', baseline: 'raw' },
      rows: [
        ...compared.map((c) => c.row),
        scalingRow(scale),
        scalingRow(scale, `list-by-review-status (CMS, ${LISTED_REVIEW})`, 'reviewVsControl'),
      ],
      notes: notes(scale, (performance.now() - started) / 1000, loadAtStart),
      details: {
        timing: TIMING,
        perRound: {
          ...Object.fromEntries(compared.map((c) => [c.row.op, perRound(c.result, sides)])),
          ...Object.fromEntries(
            [scale.small, scale.large].map((p) => [
              `list-by-state @${p.size / 1000}k vs control`,
              perRound(p.vsControl, controlSides),
            ]),
          ),
          ...Object.fromEntries(
            [scale.small, scale.large].map((p) => [
              `list-by-review-status @${p.size / 1000}k vs control`,
              perRound(p.reviewVsControl, controlSides),
            ]),
          ),
        },
        seedItemsPerSecond: scale.seedItemsPerSecond,
        seedSeconds: round(scale.seedSeconds, 1),
      },
    };
  } finally {
    await env.stop();
  }
}

/** DrivenStore vs raw, labelled with this benchmark's baseline. */
function compare(op: string, ab: AB): Promise<Comparison> {
  return compareWith(op, ab, 'raw SDK');
}
