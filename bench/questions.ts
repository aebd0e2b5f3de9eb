/**
 * `npm run bench -- questions`: what CMS's questions cost a package read, on DynamoDB and on
 * PostgreSQL. Reading a package that went through ten answered rounds (each question and each
 * response with two documents) is timed side by side with reading one that has none, in one
 * run, interleaved (bench/lib/compare.ts). Both are one request on either store (DynamoDB: the
 * package's one Query; PostgreSQL: one statement), so the ratio is what the extra bytes cost.
 */
import { randomUUID } from 'node:crypto';
import { CMS_DIVISIONS, type QaDocument, type User } from '../src/domain/index.js';
import type { DrivenStore } from '../test/support/store-commands.js';
import { compareAB, summary } from './lib/compare.js';
import { onFreshDynamo, onFreshPostgres } from './lib/fresh-stores.js';
import { type BenchReport, type BenchRow, loadAverage, runNote } from './lib/report.js';
import { round } from './lib/stats.js';
import { makeDrafts, TIMING } from './lib/store-vs-raw.js';
import { ACTOR, state } from './store-fixtures.js';

/** Ten rounds should cost a read little more than none: the rows or items come in the same request. */
const TARGET = 1.5;
const ROUNDS = 10;
const STATE = 'QA';

const cmsReviewer = (division: (typeof CMS_DIVISIONS)[number]): User => ({
  id: randomUUID(),
  email: `${division.toLowerCase()}@cms.example.gov`,
  givenName: 'Bench',
  familyName: 'Reviewer',
  role: 'CMS_USER',
  division,
});
const stateResponder: User = {
  ...ACTOR,
  givenName: 'Bench',
  familyName: 'State',
  stateCode: STATE,
  role: 'STATE_USER',
};

function qaDocuments(round: number, side: string): QaDocument[] {
  return [1, 2].map((n) => ({
    id: randomUUID(),
    name: `${side}-round-${round}-${n}.pdf`,
    bucket: 'carepack-bench',
    key: `packages/bench/questions/${randomUUID()}.pdf`,
    size: 250_000 + n,
    contentType: 'application/pdf',
    sha256: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    addedAt: new Date().toISOString(),
    scanStatus: 'CLEAN',
  }));
}

/** Two submitted packages of the state: one with ten answered rounds, one with none. */
async function seed(store: DrivenStore): Promise<{ withRounds: string; without: string }> {
  await store.upsertStates([state(STATE)]);
  const [withRounds, without] = await makeDrafts(store, STATE, 2);
  for (const id of [withRounds!, without!]) await store.submit(id, { expectedVersion: 1, actor: ACTOR });
  for (let r = 1; r <= ROUNDS; r++) {
    const asker = cmsReviewer(CMS_DIVISIONS[r % CMS_DIVISIONS.length]!);
    const text = `Round ${r}: please explain the capitation rate change in section ${r}.`.repeat(4);
    const asked = await store.askQuestion(withRounds!, { user: asker, text, documents: qaDocuments(r, 'q') });
    await store.respond(withRounds!, {
      user: stateResponder,
      questionId: asked.questions[0]!.id,
      text: `Answer to round ${r}.`.repeat(8),
      documents: qaDocuments(r, 'a'),
    });
  }
  return { withRounds: withRounds!, without: without! };
}

async function compareReads(name: string, store: DrivenStore): Promise<BenchRow> {
  const { withRounds, without } = await seed(store);
  const read = await store.getPackage(withRounds);
  if (read.questions.length !== ROUNDS || read.questions.some((q) => q.response === null))
    throw new Error(`${name}: the seeded package does not read back with ${ROUNDS} answered questions`);
  console.log(`  ${name}: timing reads…`);
  const result = await compareAB(
    { a: () => store.getPackage(withRounds), b: () => store.getPackage(without) },
    TIMING,
  );
  const s = summary(result);
  return {
    op: `${name}: get with ${ROUNDS} answered rounds`,
    subjectMs: round(s.aMs, 3),
    baselineMs: round(s.bMs, 3),
    ratio: round(s.ratio, 3),
    ratioIqr: [round(s.ratioIqr[0], 3), round(s.ratioIqr[1], 3)],
    target: TARGET,
    baseline: 'same store, no questions',
  };
}

export async function run(): Promise<BenchReport> {
  const started = Date.now();
  const load = loadAverage();
  const rows = [
    await onFreshDynamo('bench-questions', (store) => compareReads('DynamoDB', store)),
    await onFreshPostgres((store) => compareReads('PostgreSQL', store)),
  ];
  return {
    name: 'questions',
    columns: { subject: 'with rounds', baseline: 'no questions' },
    rows,
    notes: [
      `each round: a question and its response, two documents each, ~300 and ~170 characters of text; ${TIMING.rounds} interleaved rounds per store`,
      runNote((Date.now() - started) / 1000, load),
    ],
  };
}
