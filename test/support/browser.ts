/**
 * Headless Chromium for the browser tests, driven by playwright-core. Debian's chromium
 * (/usr/bin/chromium, or CAREPACK_CHROMIUM). Without it the browser tests are skipped with a
 * loud warning — unless CAREPACK_REQUIRE_BROWSER=1 (CI), when that is a failure.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const executablePath = process.env.CAREPACK_CHROMIUM ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(executablePath);
if (!browserAvailable && process.env.CAREPACK_REQUIRE_BROWSER === '1') {
  throw new Error(
    `CAREPACK_REQUIRE_BROWSER=1 but Chromium is not at ${executablePath} (apt-get install -y chromium)`,
  );
}
if (!browserAvailable) {
  console.warn(
    `\n*** SKIPPING browser tests: no Chromium at ${executablePath}.\n` +
      '*** Install it (apt-get install -y chromium) or set CAREPACK_CHROMIUM; CAREPACK_REQUIRE_BROWSER=1 makes this an error.\n',
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // As root in a container there is no sandbox; the rest keeps Chromium off the network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (the context must bypass CSP to inject it): zero violations, listed when not. */
export async function expectAccessible(page: Page, what: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as { id: string; help: string; nodes: { target: string[] }[] }[]).map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  });
  expect(violations, `axe violations on ${what}`).toEqual([]);
}

export const SCREENSHOT_DIR = join('dist', 'screenshots');

/** The whole page; `fullPage: false` for what the window shows (a dialog over the page). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}
