/** The secondary copies, time allowing: PostgreSQL → PostgreSQL and PostgreSQL → DynamoDB. */
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { type DrivenStore, drive } from '../../test/support/store-commands.js';
import type { Env, Targets } from './env.js';
import { type Measure, now } from './measure.js';
import { BACK_TABLE, SECONDARY_BUDGET_S } from './settings.js';
import { timedCopy } from './timed-copy.js';

/** Copies of `source` (a PostgreSQL store) that fit the budget, counted from `started`. */
export async function secondaryCopies(
  env: Env,
  pg: Targets,
  source: DrivenStore,
  started: number,
): Promise<Measure[]> {
  const secondary: Measure[] = [];
  if (now() - started < SECONDARY_BUDGET_S.pgToPg) {
    console.log('PostgreSQL → PostgreSQL');
    const target = await pg.fresh();
    secondary.push(
      await timedCopy(env, 'copyStore PostgreSQL → PostgreSQL', source, target.store, [
        'postgres',
        'postgres-2',
      ]),
    );
    await pg.release(target);
  }
  if (now() - started < SECONDARY_BUDGET_S.pgToDynamo) {
    console.log('PostgreSQL → DynamoDB');
    await ensureTable(env.clients.client, BACK_TABLE);
    const back = drive(createDynamoStore({ client: env.clients.doc, tableName: BACK_TABLE }));
    secondary.push(
      await timedCopy(env, 'copyStore PostgreSQL → DynamoDB', source, back, ['postgres', 'dynamodb']),
    );
  }
  if (secondary.length < 2) console.log('  (secondary copies skipped for time: ~6 min budget)');
  return secondary;
}
