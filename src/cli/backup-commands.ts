/**
 * `carepack backup` and `carepack restore`: a whole store to a gzip JSON Lines file and back,
 * for either backend (see src/ops/backup.ts for the format).
 */
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import type { BackendName, Config } from '../config.js';
import { type BackupCounts, backupStore } from '../ops/backup.js';
import { restoreStore } from '../ops/restore.js';
import { openBackend } from '../store/create-store.js';

const BACKENDS: BackendName[] = ['dynamodb', 'postgres'];

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${value}`);
  return n;
};

export function registerBackupCommands(program: Command, config: () => Config) {
  program
    .command('backup')
    .description(
      'Write every state, user, rate, package, audit event and counter of a store to a gzip JSON Lines file',
    )
    .requiredOption(
      '--out <file>',
      'the backup file to write (written as FILE.partial, renamed when complete)',
    )
    .addOption(
      new Option('--from <backend>', 'the backend to back up (default: the configured one)').choices(
        BACKENDS,
      ),
    )
    .option('--partitions <n>', 'parallel readers (1..64)', positiveInt('--partitions'), 4)
    .action(async (opts: { out: string; from?: BackendName; partitions: number }) => {
      const { store: storeConfig } = config();
      const name =
        opts.from ?? (storeConfig.backend === 'dual' ? storeConfig.dual.primary : storeConfig.backend);
      const { store, description } = await openBackend(storeConfig, name);
      const bar = progressBar();
      try {
        const { counts } = await backupStore(store, {
          out: opts.out,
          partitions: opts.partitions,
          onProgress: bar.update,
        });
        bar.stop();
        const what = isEmpty(counts) ? 'the store is empty; the backup holds no records' : summary(counts);
        console.log(`backed up ${description} to ${opts.out}: ${what}`);
      } finally {
        bar.stop();
        await store.close();
      }
    });

  program
    .command('restore')
    .description('Load a backup file into an empty store (or, with --force, over what a store holds)')
    .requiredOption('--in <file>', 'the backup file to read')
    .addOption(
      new Option('--to <backend>', 'the backend to restore into (default: the configured one)').choices(
        BACKENDS,
      ),
    )
    .option(
      '--force',
      'restore into a store that is not empty: the backup replaces packages with the same id (refused, ' +
        'writing nothing, when another package holds one of its numbers)',
    )
    .option('--batch-size <n>', 'packages per write (1..1000)', positiveInt('--batch-size'), 100)
    .action(async (opts: { in: string; to?: BackendName; force?: boolean; batchSize: number }) => {
      const { store: storeConfig } = config();
      if (!opts.to && storeConfig.backend === 'dual') {
        throw new Error(
          'the configured store is dual-write; say which backend to restore into with --to dynamodb or --to postgres',
        );
      }
      const name = opts.to ?? (storeConfig.backend as BackendName);
      const { store, description } = await openBackend(storeConfig, name);
      const bar = progressBar();
      try {
        const { counts, header } = await restoreStore(store, {
          in: opts.in,
          force: opts.force ?? false,
          batchSize: opts.batchSize,
          onProgress: bar.update,
        });
        bar.stop();
        const from = `backup of ${header.backend} made ${header.createdAt}`;
        const what = isEmpty(counts) ? 'the backup holds no records' : summary(counts);
        console.log(`restored ${opts.in} (${from}) into ${description}: ${what}`);
      } finally {
        bar.stop();
        await store.close();
      }
    });
}

/** One bar on stderr, started by the first progress report: packages done/total, rate, ETA. */
function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'packages {bar} {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started: number | undefined;
  let stopped = false;
  return {
    update(done: number, total: number) {
      if (stopped) return;
      const now = Date.now();
      if (started === undefined) {
        started = now;
        bar.start(total, done, { rate: '0' });
        return;
      }
      const seconds = (now - started) / 1000;
      if (total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(0) : '0' });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started !== undefined) bar.stop();
    },
  };
}

const isEmpty = (counts: BackupCounts) => Object.values(counts).every((n) => n === 0);

function summary(c: BackupCounts): string {
  return `${c.states} states, ${c.users} users, ${c.rates} rates, ${c.packages} packages, ${c.auditEvents} audit events, ${c.userAuditEvents} user-audit events, ${c.counters} state counters, ${c.rateCounters} rate counters`;
}
