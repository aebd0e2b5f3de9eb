/**
 * Embedded PostgreSQL: PGlite (Postgres compiled to WASM, in-process) behind the small part
 * of `pg.Pool` that Kysely's own PostgresDialect uses. PGlite is a single connection, so
 * `connect()` hands it to one caller at a time; a transaction keeps it until `release()`.
 */
import type { PGlite } from '@electric-sql/pglite';

interface QueryResultLike {
  command: string;
  rowCount: number;
  rows: unknown[];
}

export interface PglitePoolClient {
  query(sql: string, parameters?: readonly unknown[]): Promise<QueryResultLike>;
  release(): void;
}

/** The statement's command tag, as `pg` reports it (Kysely reads affected rows for writes). */
function commandOf(sql: string): string {
  const word = /^\s*(?:--[^\n]*\n\s*)*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return word === 'WITH'
    ? (/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT')
    : word;
}

export class PglitePool {
  private tail: Promise<void> = Promise.resolve();
  private readonly client: PglitePoolClient;

  constructor(private readonly db: PGlite) {
    this.client = {
      query: async (sql, parameters = []) => {
        const result = await this.db.query(sql, parameters as unknown[], { rowMode: 'object' });
        return { command: commandOf(sql), rowCount: result.affectedRows ?? 0, rows: result.rows };
      },
      release: () => {},
    };
  }

  /** Waits for the connection, then lends it until its `release()`. */
  async connect(): Promise<PglitePoolClient> {
    let release!: () => void;
    const turn = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    let released = false;
    return {
      query: this.client.query,
      release: () => {
        if (released) return;
        released = true;
        release();
      },
    };
  }

  async end(): Promise<void> {
    await this.tail;
    await this.db.close();
  }
}
