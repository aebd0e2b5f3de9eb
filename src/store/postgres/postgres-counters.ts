/**
 * The per-state counters behind package numbers (`state_counters`) and rate numbers
 * (`rate_counters`): two tables of one shape, read and raised the same way by copy, restore
 * and dual-write mirrors.
 */
import { type Kysely, sql } from 'kysely';
import type { StateCode } from '../../domain/index.js';
import type { Database } from './postgres-schema.js';

type CounterTable = 'state_counters' | 'rate_counters';

/** Each state's last number (or only these states'). */
export async function readCounters(
  db: Kysely<Database>,
  table: CounterTable,
  only?: readonly string[],
): Promise<Record<StateCode, number>> {
  if (only && only.length === 0) return {};
  // The two tables have the same columns; Kysely is given one name so it can type them.
  let q = db.selectFrom(table as 'state_counters').selectAll();
  if (only) q = q.where('state_code', 'in', only);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.state_code, r.last_number])) as Record<StateCode, number>;
}

/** Raises each given state's counter to at least the number given; never lowers one. */
export async function raiseCounters(
  db: Kysely<Database>,
  table: CounterTable,
  counters: Readonly<Record<string, number>>,
): Promise<void> {
  const rows = Object.entries(counters).map(([state_code, last_number]) => ({ state_code, last_number }));
  if (rows.length === 0) return;
  await db
    .insertInto(table as 'state_counters')
    .values(rows)
    .onConflict((oc) =>
      oc.column('state_code').doUpdateSet({
        last_number: sql`GREATEST(${sql.ref(`${table}.last_number`)}, excluded.last_number)`,
      }),
    )
    .execute();
}
