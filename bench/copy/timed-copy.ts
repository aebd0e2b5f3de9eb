/** One timed run of copyStore, its phases timed through onProgress. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type CopyProgress, copyStore } from '../../src/ops/copy.js';
import type { DrivenStore } from '../../test/support/store-commands.js';
import type { Env } from './env.js';
import { cpuSince, type Measure, measure, now } from './measure.js';
import { BATCH, PARTITIONS } from './settings.js';

type Phase = CopyProgress['phase'];

/** Thrown from onProgress to end a copy where its verification would start. */
class StopAtVerify extends Error {}

/**
 * copyStore with its phases timed through onProgress; the figure excludes the final
 * verification. With `verify` false the copy is stopped where its verification would start
 * (everything is copied by then), which saves a minute of bench time over the runs.
 */
export function timedCopy(
  env: Env,
  what: string,
  source: DrivenStore,
  target: DrivenStore,
  names: [string, string],
  options: { batchSize?: number; verify?: boolean } = {},
): Promise<Measure> {
  const { batchSize = BATCH, verify = false } = options;
  return measure(what, async () => {
    const marks: Partial<Record<Phase, number>> = {};
    const done: Partial<Record<Phase, number>> = {};
    const cpu = process.cpuUsage();
    let cpuToVerify = 0;
    const started = now();
    let result: Awaited<ReturnType<typeof copyStore>> | undefined;
    try {
      result = await copyStore({
        source,
        target,
        from: names[0],
        to: names[1],
        checkpointFile: join(env.checkpoints, `${randomUUID()}.json`),
        partitions: PARTITIONS,
        batchSize,
        restart: true,
        onProgress: (p) => {
          done[p.phase] = p.done;
          if (p.phase === 'verify' && marks.verify === undefined) cpuToVerify = cpuSince(cpu);
          marks[p.phase] ??= now();
          if (p.phase === 'verify' && !verify) throw new StopAtVerify();
        },
      });
    } catch (e) {
      if (!(e instanceof StopAtVerify)) throw e;
    }
    const ended = now();
    if (result && !result.report.ok)
      throw new Error(`${what}: verification failed: ${JSON.stringify(result.report)}`);
    const at = (p: Phase) => marks[p] ?? Number.NaN;
    return {
      packages: result?.packages ?? done.packages ?? 0,
      seconds: at('verify') - started,
      nodeCpuS: cpuToVerify,
      extra: {
        referenceS: at('packages') - at('reference'),
        packagesS: at('audit') - at('packages'),
        auditS: at('verify') - at('audit'),
        ...(result ? { verifyS: ended - at('verify'), verifyNodeCpuS: cpuSince(cpu) - cpuToVerify } : {}),
        auditEvents: result?.auditEvents ?? done.audit ?? 0,
      },
    };
  });
}
