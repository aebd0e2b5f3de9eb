import type { Kysely, Transaction } from 'kysely';
import { isRetryable } from './postgres-errors.js';
import type { Database } from './postgres-schema.js';

const MAX_RETRIES = 5;

/** Runs `work` in a transaction, again when PostgreSQL reports a serialization failure or deadlock. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (e) {
      if (!isRetryable(e) || attempt >= MAX_RETRIES) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}
