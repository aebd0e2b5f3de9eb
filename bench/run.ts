/**
 * Entry point of `npm run bench`: runs every registered benchmark, or only those named on the
 * command line (`npm run bench -- store`). Benchmarks report; a missed target does not fail the run,
 * a crash or a broken invariant (the load test's checks) does.
 */
// Set before any SDK module loads; benchmarks are imported lazily below for that reason.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { type BenchReport, formatTable, passes, targetText, writeResults } from './lib/report.js';

/** Name → loader. Add a benchmark by adding a line here. */
const BENCHES: Record<string, () => Promise<BenchReport>> = {
  store: async () => (await import('./store.js')).run(),
  postgres: async () => (await import('./postgres.js')).run(),
  copy: async () => (await import('./copy.js')).run(),
  upload: async () => (await import('./upload.js')).run(),
  web: async () => (await import('./web.js')).run(),
  api: async () => (await import('./api.js')).run(),
  load: async () => (await import('./load.js')).run(),
  questions: async () => (await import('./questions.js')).run(),
  rates: async () => (await import('./rates.js')).run(),
  zip: async () => (await import('./zip.js')).run(),
};

/** The benchmarks named on the command line (all when none), or undefined after saying which are unknown. */
function selected(args: readonly string[]): string[] | undefined {
  if (args.length === 0) return Object.keys(BENCHES);
  const unknown = args.filter((a) => !Object.hasOwn(BENCHES, a));
  if (unknown.length === 0) return [...args];
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  return undefined;
}

/** Prints the report; true when none of its invariants broke (missed targets do not count). */
function print(report: BenchReport, path: string): boolean {
  console.log(`\n== ${report.name} ==`);
  if (report.rows.length > 0) console.log(formatTable(report));
  for (const note of report.notes) console.log(`  · ${note}`);
  const missed = report.rows.filter((r) => !passes(r));
  for (const r of missed)
    console.log(`  ✗ TARGET MISSED: ${r.op} ratio ${r.ratio.toFixed(3)}, target ${targetText(r)}`);
  const failures = report.failures ?? [];
  for (const f of failures) console.log(`  ✗ CHECK FAILED: ${f}`);
  if (missed.length === 0 && failures.length === 0) console.log('  ✓ all targets met');
  console.log(`  results: ${path}`);
  return failures.length === 0;
}

async function main(): Promise<number> {
  const names = selected(process.argv.slice(2));
  if (!names) return 2;
  let failed = false;
  for (const name of names) {
    console.log(`\n-- running ${name}`);
    try {
      const report = await BENCHES[name]!();
      // A broken invariant (load test) fails the run like a crash; a missed target only reports.
      if (!print(report, writeResults(report))) failed = true;
    } catch (e) {
      // A crash means no figures at all, unlike a missed target: say so in the exit code.
      failed = true;
      console.error(`benchmark ${name} failed:`, e);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
