/**
 * A stand-in for a `pg` pool that answers every statement from results recorded on the real
 * server, at once. Running the store and the raw baseline on it leaves only their own
 * JavaScript work (query building, validation, mapping), which is what the store adds.
 */
import type pg from 'pg';
import { normalizeSql, observeQueries } from './pg.js';

interface Answer {
  command: string;
  rowCount: number | null;
  rows: unknown[];
}

/** Runs `work` on the real server and keeps each statement's result (the last one wins). */
export async function recordAnswers(work: () => Promise<unknown>, into = new Map<string, Answer>()) {
  await observeQueries((args, out) => {
    const text = typeof args[0] === 'string' ? args[0] : undefined;
    if (text && out instanceof Promise) {
      void out.then(
        (r: pg.QueryResult) =>
          into.set(normalizeSql(text), { command: r.command, rowCount: r.rowCount, rows: r.rows }),
        () => {},
      );
    }
  }, work);
  return into;
}

/** A pool whose clients answer from `answers`; an unknown statement is an error. */
export function cannedPool(answers: Map<string, Answer>): pg.Pool {
  // Looked up by the exact text, so that normalizing is not counted in every op.
  const byText = new Map<string, Answer & { fields: []; oid: 0 }>();
  const query = async (text: string) => {
    let a = byText.get(text);
    if (!a) {
      const found = answers.get(normalizeSql(text));
      if (!found) throw new Error(`no recorded answer for: ${text}`);
      a = { ...found, fields: [], oid: 0 };
      byText.set(text, a);
    }
    return a;
  };
  const client = { query, release: () => {} };
  const pool = { connect: async () => client, query, end: async () => {}, on: () => pool };
  return pool as unknown as pg.Pool;
}
