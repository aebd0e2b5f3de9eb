import type { Command } from 'commander';
import type { Config } from '../config.js';
import { connectPostgres, openPglite } from '../store/postgres/postgres-client.js';
import { upgradeToLatest } from '../store/postgres/postgres-data-steps.js';
import { type Bar, progressBar } from './progress.js';

export function registerDbCommands(program: Command, config: () => Config) {
  const db = program.command('db').description('PostgreSQL administration');
  db.command('migrate')
    .description(
      'Apply the PostgreSQL migrations that are not applied yet, then the data steps not finished yet ' +
        '(embedded rate certifications become rate records); start-up does this too; safe to repeat',
    )
    .action(async () => {
      const { postgres } = config().store;
      const handle = postgres.url
        ? connectPostgres(postgres.url, { maxConnections: 2 })
        : await openPglite(postgres.dataDir);
      const bars = new Map<string, Bar>();
      try {
        const { applied, dataSteps } = await upgradeToLatest(handle.db, {
          onProgress: (step, done, total) => {
            const bar = bars.get(step) ?? bars.set(step, progressBar(step)).get(step)!;
            bar.update(done, total);
          },
        });
        for (const bar of bars.values()) bar.stop();
        bars.clear();
        const where = postgres.url
          ? 'the PostgreSQL server'
          : `embedded PostgreSQL (${postgres.dataDir ?? 'in memory'})`;
        const ran = Object.entries(dataSteps).map(([step, n]) => `${step} (${n} converted)`);
        console.log(
          applied.length || ran.length
            ? `applied ${[...applied, ...ran].join(', ')} to ${where}`
            : `${where} is up to date`,
        );
      } finally {
        for (const bar of bars.values()) bar.stop();
        await handle.close();
      }
    });
}
