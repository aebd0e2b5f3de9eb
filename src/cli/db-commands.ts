import type { Command } from 'commander';
import type { Config } from '../config.js';
import { connectPostgres, openPglite } from '../store/postgres/postgres-client.js';
import { migrateToLatest } from '../store/postgres/postgres-migrate.js';

export function registerDbCommands(program: Command, config: () => Config) {
  const db = program.command('db').description('PostgreSQL administration');
  db.command('migrate')
    .description(
      'Apply the PostgreSQL migrations that are not applied yet (start-up does this too; safe to repeat)',
    )
    .action(async () => {
      const { postgres } = config().store;
      const handle = postgres.url
        ? connectPostgres(postgres.url, { maxConnections: 2 })
        : await openPglite(postgres.dataDir);
      try {
        const { applied } = await migrateToLatest(handle.db);
        const where = postgres.url
          ? 'the PostgreSQL server'
          : `embedded PostgreSQL (${postgres.dataDir ?? 'in memory'})`;
        console.log(applied.length ? `applied ${applied.join(', ')} to ${where}` : `${where} is up to date`);
      } finally {
        await handle.close();
      }
    });
}
