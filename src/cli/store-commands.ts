import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { BackendName, Config } from '../config.js';
import { copyStore } from '../ops/copy.js';
import { repairMirror } from '../ops/repair.js';
import { formatReport, verifyStores } from '../ops/verify.js';
import { type OpenedStore, openBackend } from '../store/create-store.js';
import { openJournal } from '../store/dual/open-journal.js';
import { type Bar, progressBar } from './progress.js';

const backendOption = (flag: string, description: string) =>
  new Option(flag, description).choices(['dynamodb', 'dynamo', 'postgres']).makeOptionMandatory();
const backendName = (value: string): BackendName =>
  value === 'dynamo' ? 'dynamodb' : (value as BackendName);

/** Opens both stores, runs `work`, and always closes them. */
async function withStores<T>(
  config: Config,
  from: BackendName,
  to: BackendName,
  work: (a: OpenedStore, b: OpenedStore) => Promise<T>,
) {
  if (from === to) throw new Error('--from and --to must name different backends');
  const a = await openBackend(config.store, from);
  try {
    const b = await openBackend(config.store, to);
    try {
      return await work(a, b);
    } finally {
      await b.store.close();
    }
  } finally {
    await a.store.close();
  }
}

export function registerStoreCommands(program: Command, config: () => Config) {
  const store = program
    .command('store')
    .description('Move data between the DynamoDB and PostgreSQL stores safely');

  store
    .command('copy')
    .description('Copy every record from one backend to the other (resumable), then verify both sides')
    .addOption(backendOption('--from <backend>', 'the store to read'))
    .addOption(backendOption('--to <backend>', 'the store to write'))
    .option('--partitions <n>', 'parallel scan partitions', (v) => Number.parseInt(v, 10), 4)
    .option('--batch <n>', 'records per batch (1..1000)', (v) => Number.parseInt(v, 10), 1000)
    .option('--checkpoint <file>', 'where progress is kept (default: in the data dir)')
    .option('--restart', 'ignore an earlier checkpoint and start over')
    .action(
      async (opts: {
        from: string;
        to: string;
        partitions: number;
        batch: number;
        checkpoint?: string;
        restart?: boolean;
      }) => {
        const cfg = config();
        const from = backendName(opts.from);
        const to = backendName(opts.to);
        const checkpointFile = resolve(
          opts.checkpoint ?? `${cfg.dataDir}/copy-${from}-to-${to}.checkpoint.json`,
        );
        const ok = await withStores(cfg, from, to, async (source, target) => {
          console.error(`copying from ${source.description}\n          to ${target.description}`);
          const bars = new Map<string, Bar>();
          const started = Date.now();
          const result = await copyStore({
            source: source.store,
            target: target.store,
            from,
            to,
            checkpointFile,
            partitions: opts.partitions,
            batchSize: opts.batch,
            restart: opts.restart ?? false,
            onResume: (cp) =>
              console.error(
                `resuming the copy started ${cp.startedAt} (checkpoint ${checkpointFile}): ` +
                  `${cp.packages.reduce((n, p) => n + p.copied, 0)} packages already copied`,
              ),
            onProgress: (p) => {
              for (const [phase, bar] of bars) if (phase !== p.phase) bar.stop();
              if (p.phase === 'reference' || p.phase === 'verify') {
                console.error(
                  p.phase === 'reference'
                    ? 'copying states, programs, users and counters (rate counters with the rates)…'
                    : 'verifying both stores…',
                );
                return;
              }
              let bar = bars.get(p.phase);
              if (!bar) {
                bar = progressBar(p.phase);
                bars.set(p.phase, bar);
              }
              bar.update(p.done, p.total);
            },
          });
          for (const bar of bars.values()) bar.stop();
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `copied ${result.rates} rates, ${result.packages} packages, ${result.auditEvents} audit events and ${result.userAuditEvents} user-audit events in ${seconds.toFixed(1)} s` +
              ` (${Math.round(result.packages / Math.max(seconds, 0.001))} packages/s)${result.resumed ? ', resumed from a checkpoint' : ''}`,
          );
          if (result.pruned > 0)
            console.log(
              `removed ${result.pruned} package(s) and rate(s) from ${to} that ${from} no longer has`,
            );
          if (result.kept.length > 0) {
            console.log(
              `kept ${result.kept.length} package(s) and rate(s) that ${from} does not have, created or changed in ${to} ` +
                `after the copy began (not removed; check them): ${result.kept.slice(0, 20).join(', ')}`,
            );
          }
          console.log(formatReport(result.report, { source: from, target: to }));
          return result.report.ok;
        });
        if (!ok) process.exitCode = 1;
      },
    );

  store
    .command('verify')
    .description(
      'Compare two backends record by record (counts, per-package and per-rate checksums) and check every link between packages and rates on both',
    )
    .addOption(backendOption('--from <backend>', 'the reference store'))
    .addOption(backendOption('--to <backend>', 'the store to check'))
    .action(async (opts: { from: string; to: string }) => {
      const from = backendName(opts.from);
      const to = backendName(opts.to);
      const ok = await withStores(config(), from, to, async (a, b) => {
        const report = await verifyStores(a.store, b.store);
        console.log(formatReport(report, { source: from, target: to }));
        return report.ok;
      });
      if (!ok) process.exitCode = 1;
    });

  store
    .command('repair')
    .description(
      'Replay the mirror writes that dual-write mode could not make (CAREPACK_DUAL_JOURNAL); safe while the portal runs: failures journaled meanwhile stay for the next run',
    )
    .action(async () => {
      const cfg = config();
      const primaryName = cfg.store.dual.primary;
      const secondaryName: BackendName = primaryName === 'dynamodb' ? 'postgres' : 'dynamodb';
      const journal = openJournal(cfg.store.dual.journal);
      const ok = await withStores(cfg, primaryName, secondaryName, async (primary, secondary) => {
        const result = await repairMirror(primary.store, secondary.store, journal);
        console.log(
          `repaired ${result.repaired} package(s) and rate(s), and the reference data; ${result.remaining} failure(s) remain`,
        );
        for (const e of result.errors) console.error(`  ${e}`);
        return result.remaining === 0;
      });
      if (!ok) process.exitCode = 1;
    });
}
