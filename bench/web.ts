/**
 * The web client: (1) its initial JavaScript — the entry script and the modules index.html
 * preloads — gzipped, against the 250 KB budget; (2) the dashboard of a state with 1,000
 * packages vs one with 20, rendered in Chromium side by side (target ≤ 1.2×: the server
 * pages the list, so the total must not matter).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildApp } from '../src/api/app.js';
import { actorOf, FormDataSchema } from '../src/domain/index.js';
import { inParallel } from '../src/lib/parallel.js';
import { DEMO_USERS, seedStore } from '../src/seed/seed.js';
import { createDynamoClients } from '../src/store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../src/store/dynamo/dynamo-tables.js';
import { buildNeeded, buildWebClient, WEB_DIST } from '../src/web-build.js';
import { launchBrowser } from '../test/support/browser.js';
import { type DrivenStore, drive } from '../test/support/store-commands.js';
import type { BenchReport, BenchRow } from './lib/report.js';
import { median, quantile } from './lib/stats.js';

const BUDGET_KB = 250;
const ROUNDS = 25;
const demoUserOf = (stateCode: string) =>
  DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === stateCode)!;
const BIG = { stateCode: 'VA', user: demoUserOf('VA'), packages: 1000 };
const SMALL = { stateCode: 'FL', user: demoUserOf('FL'), packages: 20 };

/** The scripts a first visit must load: index.html's module entry and its modulepreloads. */
export function initialScripts(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set([...entry, ...preloads])];
}

function bundleRow(): { row: BenchRow; note: string } {
  const scripts = initialScripts(WEB_DIST);
  const kb =
    scripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(WEB_DIST, s)), { level: 9 }).length, 0) /
    1024;
  return {
    row: {
      op: 'initial JS, KB gzipped (vs budget)',
      subjectMs: kb,
      baselineMs: BUDGET_KB,
      ratio: kb / BUDGET_KB,
      ratioIqr: [kb / BUDGET_KB, kb / BUDGET_KB],
      target: 1,
      baseline: `${BUDGET_KB} KB budget`,
    },
    note: `initial scripts: ${scripts.join(', ')}`,
  };
}

async function seedPackages(store: DrivenStore, stateCode: string, count: number) {
  const state = await store.getState(stateCode);
  const actor = actorOf(demoUserOf(stateCode));
  const ids = Array.from({ length: count }, () => randomUUID());
  await inParallel(ids, 8, async (id) => {
    await store.createDraft({
      id,
      stateCode,
      actor,
      formData: FormDataSchema.parse({
        submissionType: 'CONTRACT_ONLY',
        programIds: [state.programs[0]!.id],
      }),
    });
  });
}

/** A browser context signed in as the user (the development login is rate-limited: sign in once). */
async function signedIn(browser: Browser, url: string, userId: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  const res = await context.request.post(`${url}/api/auth/dev-login`, { data: { userId } });
  if (!res.ok()) throw new Error(`dev-login failed: ${res.status()}`);
  return context;
}

/** ms from navigation to the dashboard's first page of rows on screen, in a fresh tab. */
async function renderMs(context: BrowserContext, url: string, rows: number): Promise<number> {
  const page = await context.newPage();
  try {
    const start = performance.now();
    await page.goto(url);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="package-table"] tbody tr').length === n,
      rows,
      { timeout: 30_000 },
    );
    return performance.now() - start;
  } finally {
    await page.close();
  }
}

export async function run(): Promise<BenchReport> {
  const why = buildNeeded();
  if (why) await buildWebClient((m) => console.log(m));
  const { row: bundle, note: bundleNote } = bundleRow();

  const dynamo = await startDynamoLocal();
  const { client, doc } = createDynamoClients({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  const tableName = `carepack-bench-web-${Date.now()}`;
  await ensureTable(client, tableName);
  const store = drive(createDynamoStore({ client: doc, tableName }));
  await seedStore(store, { demoUsers: true });
  await seedPackages(store, BIG.stateCode, BIG.packages);
  await seedPackages(store, SMALL.stateCode, SMALL.packages);
  const app = await buildApp({
    store,
    sessionSecret: 'w'.repeat(40),
    devLogin: true,
    webRoot: WEB_DIST,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchBrowser();
  try {
    // Warm both paths (caches, JIT), then alternate so drift hits both alike.
    const bigUser = await signedIn(browser, url, BIG.user.id);
    const smallUser = await signedIn(browser, url, SMALL.user.id);
    await renderMs(bigUser, url, 20);
    await renderMs(smallUser, url, 20);
    const big: number[] = [];
    const small: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const b = await renderMs(bigUser, url, 20);
      const s = await renderMs(smallUser, url, 20);
      big.push(b);
      small.push(s);
      ratios.push(b / s);
    }
    const dashboard: BenchRow = {
      op: `dashboard, ${BIG.packages} vs ${SMALL.packages} packages`,
      subjectMs: median(big),
      baselineMs: median(small),
      ratio: median(ratios),
      ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
      target: 1.2,
      baseline: `state with ${SMALL.packages}`,
    };
    return {
      name: 'web',
      columns: { subject: 'subject', baseline: 'baseline' },
      rows: [bundle, dashboard],
      notes: [
        bundleNote,
        `dashboard: navigation to 20 rows on screen in headless Chromium, ${ROUNDS} alternating rounds, server pages of 20`,
        'the bundle row reports KB in the ms columns: subject = initial JS gzipped, baseline = budget',
      ],
    };
  } finally {
    await browser.close();
    await app.close();
    await store.close();
    await dynamo.stop();
  }
}
