/**
 * Browser sign-in through the agency's identity provider: with OIDC configured the sign-in
 * page offers only that, the browser goes to the provider and comes back signed in; a refusal
 * at the provider comes back as a clear message. A real (small) provider on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/store/dynamo/dynamo-local.js';
import { browserAvailable, expectAccessible, launchBrowser, screenshot } from '../support/browser.js';
import { type FakeIdp, startFakeIdp } from '../support/fake-idp.js';
import { type RunningServer, startServer, stopServer } from '../support/server-process.js';

describe.skipIf(!browserAvailable)('signing in with the identity provider, in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'carepack-oidc-browser-'));
  let idp: FakeIdp;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startFakeIdp({
      carepack: { secret: 'browser-test-secret', redirectUri: `${base}/api/auth/oidc/callback` },
    });
    idp.claims = {
      sub: 'reviewer-42',
      email: 'rita.review@cms.example.gov',
      given_name: 'Rita',
      family_name: 'Review',
      carepack_role: 'CMS_USER',
    };
    server = await startServer(dataDir, {
      PORT: String(port),
      CAREPACK_PUBLIC_URL: base,
      CAREPACK_OIDC_ISSUER: idp.issuer,
      CAREPACK_OIDC_AUDIENCE: 'carepack',
      CAREPACK_OIDC_JWKS_URL: idp.jwksUrl,
      CAREPACK_OIDC_CLIENT_ID: 'carepack',
      CAREPACK_OIDC_CLIENT_SECRET: 'browser-test-secret',
      CAREPACK_OIDC_AUTHORIZATION_URL: idp.authorizationUrl,
      CAREPACK_OIDC_TOKEN_URL: idp.tokenUrl,
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ bypassCSP: true })).newPage();
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server) expect(await stopServer(server)).toBe(0);
    await idp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers only the agency sign-in, and comes back signed in where the user was going', async () => {
    await page.goto(`${server.url}/packages/does-not-matter`);
    const agency = page.getByRole('link', { name: 'Sign in with your agency account' });
    await agency.waitFor();
    expect(await page.getByRole('table', { name: 'Demo users' }).count()).toBe(0);
    await expectAccessible(page, 'sign-in with OIDC');
    await screenshot(page, 'oidc-sign-in');
    await agency.click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Rita Review');
    expect(new URL(page.url()).pathname).toBe('/packages/does-not-matter');
    await page.getByRole('link', { name: 'Submissions' }).click();
    await page.getByRole('heading', { name: 'Submissions to review' }).waitFor();
  });

  it('says so when the identity provider refuses', async () => {
    await page.context().clearCookies();
    await page.goto(server.url);
    idp.nextError = 'access_denied';
    await page.getByRole('link', { name: 'Sign in with your agency account' }).click();
    await page.getByText('Your agency’s sign-in service did not sign you in.').waitFor();
    expect(new URL(page.url()).searchParams.get('error')).toBe('idp');
    await expectAccessible(page, 'sign-in error');
  });
});
