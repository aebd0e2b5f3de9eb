/** The read side alone: raw Scans, the store's scans (as copyStore reads), and each store's digest. */
import { scanAll } from '../../src/ops/scan-all.js';
import { digestStore } from '../../src/ops/verify.js';
import type { Page, ScanRequest } from '../../src/store/store.js';
import type { DrivenStore } from '../../test/support/store-commands.js';
import type { Env } from './env.js';
import { type Measure, measure, now } from './measure.js';
import { scanTable } from './raw-scan.js';
import { BATCH, BIG_BATCH, PACKAGES, PARTITIONS, SOURCE_TABLE } from './settings.js';

/** How many records `scan` yields over every partition, in pages of `batch`. */
async function countAll<T>(scan: (r: ScanRequest) => Promise<Page<T>>, batch: number): Promise<number> {
  let count = 0;
  await scanAll(scan, {
    partitions: PARTITIONS,
    limit: batch,
    onPage: (page) => {
      count += page.length;
    },
  });
  return count;
}

/** Every package and audit event through the store's scans, as copyStore reads them. */
export async function storeScans(store: DrivenStore, batch: number) {
  const started = now();
  const packages = await countAll((r) => store.maintenance.scanPackages(r), batch);
  const middle = now();
  const audit = await countAll((r) => store.maintenance.scanAudit(r), batch);
  return {
    packages,
    extra: { scanPackagesS: middle - started, scanAuditS: now() - middle, auditEvents: audit },
  };
}

/** The read side alone: raw Scan (items only, then mapped), a filtered Scan, the store's scans. */
export async function scansAlone(env: Env): Promise<Measure[]> {
  const { doc } = env.clients;
  const scan = (o: { map?: boolean; auditOnly?: boolean }) =>
    scanTable(doc, SOURCE_TABLE, { segments: PARTITIONS, batchSize: BATCH, ...o });
  await scan({ map: false }); // DynamoDB Local's first scan after seeding is slower (JIT): not timed
  return [
    await measure(`DynamoDB Scan alone (${PARTITIONS} segments, items only)`, async () => {
      const c = await scan({ map: false });
      return { packages: PACKAGES, extra: { items: c.items } };
    }),
    await measure('DynamoDB Scan + itemsToPackage/itemToAudit (raw read side)', async () => {
      const c = await scan({});
      return { packages: c.packages, extra: { auditEvents: c.auditEvents } };
    }),
    await measure('what-if: Scan with FilterExpression kind = audit (audit items only)', async () => {
      const c = await scan({ auditOnly: true });
      return { packages: PACKAGES, extra: { auditEvents: c.auditEvents } };
    }),
    await measure(`store scanPackages + scanAudit, DynamoDB (copy read side, ×${BATCH})`, () =>
      storeScans(env.source, BATCH),
    ),
    await measure(`store scanPackages + scanAudit, DynamoDB, ×${BIG_BATCH}`, () =>
      storeScans(env.source, BIG_BATCH),
    ),
  ];
}

/** Each store's digest alone (the verification runs both at once). */
export async function digestsAlone(source: DrivenStore, target: DrivenStore): Promise<Measure[]> {
  const out: Measure[] = [];
  for (const [what, store] of [
    ['digest DynamoDB source alone', source],
    ['digest PostgreSQL target alone', target],
  ] as const) {
    out.push(
      await measure(what, async () => ({
        packages: (await digestStore(store, { partitions: PARTITIONS })).counts.packages,
      })),
    );
  }
  return out;
}
