/**
 * The portal in a real browser, as its users work: Chromium (playwright-core) against
 * `npm start`'s server, on the store a test file names (browser-dynamo.test.ts, browser-postgres.test.ts:
 * two files, so the two walks run at once on the test run's two workers).
 * A state user fills and submits a contract-and-rates package; CMS finds it, downloads its
 * contract and unlocks it; the state resubmits; CMS asks questions and the state responds,
 * each with documents; another state gets no access. In the DynamoDB walk every page passes
 * axe-core and is screenshotted (`checksPages`); one walk is done by keyboard alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MODIFIED_PROVISIONS } from '../../src/domain/index.js';
import { MINIMAL_PDF } from '../support/api.js';
import { browserAvailable, expectAccessible, launchBrowser, screenshot } from '../support/browser.js';
import { completeForm } from '../support/complete-form.js';
import { type RunningServer, startServer, stopServer } from '../support/server-process.js';
import { readyContractOnlyForm } from './ready-contract-form.js';

const RATE_PDF = Buffer.from(MINIMAL_PDF.toString().replace('%%EOF', '% rate certification\n%%EOF'));

export interface BrowserBackend {
  name: string;
  available: boolean;
  /**
   * This walk screenshots its pages for the README, checks each with axe-core and is done once by
   * keyboard alone. One walk does:
   * the pages are the same web client's on either store, walked through the same steps, and the
   * 45 axe runs and the full-page shots cost a walk about half a minute on two cores.
   */
  checksPages: boolean;
  env: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

/** Clicks a USWDS checkbox or radio by its label (the input itself is drawn by the label). */
const choose = (page: Page, label: string) => page.getByText(label, { exact: true }).click();
/** Picks the answer `label` of the question (fieldset) `question`, where answers repeat (Yes, No). */
const answer = (page: Page, question: string, label: string) =>
  page.getByRole('group', { name: question, exact: true }).getByText(label, { exact: true }).click();

async function signIn(page: Page, url: string, who: string) {
  await page.context().clearCookies();
  await page.goto(url);
  await page.getByRole('button', { name: `Sign in as ${who}` }).click();
  await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain(who);
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to Carepack' }).waitFor();
}

async function onStep(page: Page, title: string) {
  await page.locator('#step-heading', { hasText: title }).waitFor();
}

async function next(page: Page) {
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The API as the page's signed-in user (another tab, a colleague): the JSON answer. */
async function apiAs(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const token = ((await (await fetch('/api/auth/csrf')).json()) as { token: string }).token;
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    { method, path, body },
  );
}

/** A question or response sent as the page's user from another tab: multipart, its text and one PDF. */
async function postQaAs(page: Page, path: string, text: string) {
  return page.evaluate(
    async ({ path, text, pdf }) => {
      const token = ((await (await fetch('/api/auth/csrf')).json()) as { token: string }).token;
      const form = new FormData();
      form.set('text', text);
      form.append('file', new File([pdf], 'from-another-tab.pdf', { type: 'application/pdf' }));
      const res = await fetch(path, { method: 'POST', headers: { 'x-csrf-token': token }, body: form });
      return { status: res.status, body: (await res.json()) as { id: string } };
    },
    { path, text, pdf: MINIMAL_PDF.toString() },
  );
}

/**
 * The CMS decision dialog (a USWDS modal). Its role="dialog" wrapper has no size of its own, so
 * whether it is open is read from its heading.
 */
const dialog = (page: Page) => page.getByRole('dialog');
const dialogHeading = (page: Page, id = 'review-decision') => page.locator(`#${id}-heading`);

/** The dialog is open and done fading in (axe would measure contrast mid-fade). */
async function dialogShown(page: Page, id?: string) {
  await dialogHeading(page, id).waitFor();
  await expect.poll(() => dialog(page).evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
}

/** The whole walk, on the server `backend` configures. */
export function walkThePortal(backend: BrowserBackend) {
  describe.skipIf(!browserAvailable || !backend.available)(
    `the portal in Chromium on ${backend.name}`,
    () => {
      let server: RunningServer;
      let browser: Browser;
      let context: BrowserContext;
      let page: Page;
      let cleanup: () => Promise<void>;
      const dataDir = mkdtempSync(join(tmpdir(), 'carepack-browser-'));
      const shot = async (name: string, options?: { fullPage: boolean }) => {
        if (backend.checksPages) await screenshot(page, `dynamodb-${name}`, options);
      };
      const accessible = async (what: string) => {
        if (backend.checksPages) await expectAccessible(page, what);
      };

      beforeAll(async () => {
        const setup = await backend.env();
        cleanup = setup.cleanup;
        server = await startServer(dataDir, setup.env);
        browser = await launchBrowser();
        // axe-core is injected as a script, which the app's CSP would rightly refuse.
        context = await browser.newContext({
          bypassCSP: true,
          viewport: { width: 1280, height: 900 },
          acceptDownloads: true,
        });
        page = await context.newPage();
        page.setDefaultTimeout(15_000);
      }, 180_000);

      // A failed step leaves a picture of what the user would have seen.
      afterEach(async (ctx) => {
        if (ctx.task.result?.state === 'fail' && page)
          await screenshot(
            page,
            `${backend.name.toLowerCase()}-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`,
          );
      });

      afterAll(async () => {
        await browser?.close();
        if (server) expect(await stopServer(server)).toBe(0);
        await cleanup?.();
        rmSync(dataDir, { recursive: true, force: true });
      });

      let packageId = '';
      let packageName = '';
      /** Signs the demo CMS reviewer in (whoever was signed in before) and opens the package. */
      const openPackageAsReviewer = async () => {
        await signOut(page);
        await signIn(page, server.url, 'Cora Reed');
        await page.goto(`${server.url}/packages/${packageId}`);
      };

      it('a state user drafts, fills every step, uploads and submits a contract-and-rates package', async () => {
        await page.goto(server.url);
        await page.getByRole('heading', { name: 'Sign in to Carepack' }).waitFor();
        // A first visit had no session to lose: no "Your session ended".
        expect(page.url()).not.toContain('expired');
        expect(await page.getByTestId('session-expired').count()).toBe(0);
        await accessible('sign-in');
        await shot('sign-in');
        await signIn(page, server.url, 'Mina Nelson');
        await page.getByRole('heading', { name: 'Minnesota submissions' }).waitFor();
        await accessible('state dashboard (empty)');

        await page.getByRole('link', { name: 'Start new submission' }).click();
        await onStep(page, 'Submission details');
        // Continue without a program: the domain's rule answers on the field.
        await next(page);
        await expect
          .poll(() => page.getByTestId('error-summary').textContent())
          .toContain('choose at least one program');
        await accessible('submission step with errors');
        await choose(page, 'PMAP – Prepaid Medical Assistance Program');
        await choose(page, 'Contract action and rate certification');
        await choose(page, 'No');
        await page.getByLabel('Submission description').fill('PMAP contract for 2027 with new rates');
        await shot('form-submission');
        await next(page);

        await onStep(page, 'Contract details');
        await expect(page.url()).toMatch(/\/packages\/[0-9a-f-]{36}\/edit\/contract$/);
        packageId = page.url().split('/')[4]!;
        await choose(page, 'Base contract');
        await page.getByLabel('Contract start date').fill('2027-01-01');
        await page.getByLabel('Contract end date').fill('2026-12-31');
        await choose(page, 'Managed Care Organization (MCO)');
        await choose(page, '1115 Waiver Authority');
        await next(page);
        // End before start is refused where it was entered; so is each question left unanswered.
        await expect
          .poll(() => page.locator('#formData-contractDateEnd-error').textContent())
          .toContain('must be after the start date');
        await expect
          .poll(() => page.locator('#formData-dsnpContract-error').textContent())
          .toContain('D-SNP');
        await choose(page, 'Fully executed');
        await choose(page, 'Medicaid');
        await answer(page, 'Is this a risk-based contract?', 'Yes');
        await answer(
          page,
          'Is this contract associated with a Dual-Eligible Special Needs Plan (D-SNP)?',
          'Yes',
        );
        await accessible('contract step with errors');
        await page.getByLabel('Contract end date').fill('2027-12-31');
        await next(page);

        await onStep(page, 'Rate details');
        await page.getByRole('button', { name: 'Add a rate certification' }).click();
        await choose(page, 'New rate certification');
        await choose(page, 'PMAP');
        await page.getByLabel('Rating period start date').fill('2027-01-01');
        await page.getByLabel('Rating period end date').fill('2027-12-31');
        await page.getByLabel('Date certified').fill('2099-10-15');
        await choose(page, 'Certification of capitation rates specific to each rate cell');
        await choose(page, 'Medicaid-only');
        await page.getByLabel('Name', { exact: true }).fill('Ada Actuary');
        await page.getByLabel('Title/role', { exact: true }).fill('FSA, MAAA');
        await page.getByLabel('Email', { exact: true }).fill('ada@actuaries.example.com');
        await page.getByLabel('Actuarial firm').selectOption('MERCER');
        await choose(page, 'OACT can communicate directly with the certifying actuaries');
        // A date certified in the future is refused on its field.
        await next(page);
        await expect
          .poll(() => page.locator('#formData-rateCertifications-0-rateDateCertified-error').textContent())
          .toContain('cannot be in the future');
        await page.getByLabel('Date certified').fill('2026-10-15');
        expect(await page.getByTestId('rate-certification-name-0').textContent()).toBe(
          'MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261015',
        );
        await accessible('rates step');
        await next(page);
        // Back on the step once it holds together: the README's picture of it, without the error.
        await onStep(page, 'Contacts');
        await page.getByRole('button', { name: 'Back' }).click();
        await onStep(page, 'Rate details');
        await page.getByTestId('rate-certification-name-0').waitFor();
        await shot('form-rates');
        await next(page);

        await onStep(page, 'Contacts');
        await page.getByLabel('Name', { exact: true }).fill('Mina Nelson');
        await page.getByLabel('Title/role', { exact: true }).fill('Managed care contract manager');
        await page.getByLabel('Email', { exact: true }).fill('mina.nelson@mn.example.gov');
        await accessible('contacts step');
        await next(page);

        await onStep(page, 'Documents');
        await page
          .getByLabel('Add contract files')
          .setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
        await page.getByRole('rowheader', { name: 'contract.pdf' }).waitFor();
        await page
          .getByLabel('Add rate certification 1 files')
          .setInputFiles({ name: 'rate-certification.pdf', mimeType: 'application/pdf', buffer: RATE_PDF });
        await page.getByRole('rowheader', { name: 'rate-certification.pdf' }).waitFor();
        // A file that is not a document is refused with the server's reason.
        await page.getByLabel('Add contract supporting documents files').setInputFiles({
          name: 'photo.png',
          mimeType: 'image/png',
          buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
        });
        await page.getByText('The file was not added').waitFor();
        // A file added by mistake can be removed again.
        await page
          .getByLabel('Add contract supporting documents files')
          .setInputFiles({ name: 'draft-notes.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
        await page.getByRole('rowheader', { name: 'draft-notes.pdf' }).waitFor();
        await page.getByRole('button', { name: 'Remove draft-notes.pdf' }).click();
        await expect.poll(() => page.getByRole('rowheader', { name: 'draft-notes.pdf' }).count()).toBe(0);
        await accessible('documents step');
        await shot('form-documents');
        await next(page);

        await onStep(page, 'Review and submit');
        await expect(await page.getByTestId('review-problems').count()).toBe(0);
        const review = await page.locator('form').textContent();
        for (const shown of [
          'Populations coveredMedicaid',
          'Risk-based contractYes',
          'D-SNP contractYes',
          'Contract execution statusFully executed',
          'MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261015',
          'Medicaid populations: Medicaid-only',
          'Ada Actuary (FSA, MAAA)',
        ])
          expect(review).toContain(shown);
        await accessible('review');
        await shot('form-review');
        await page.getByRole('button', { name: 'Submit', exact: true }).click();

        await page.getByTestId('banner').waitFor();
        packageName = (await page.getByTestId('package-name').textContent()) ?? '';
        // The first, refused Continue created nothing: this is the state's first package.
        expect(packageName).toBe('MN-PMAP-0001');
        expect(await page.getByTestId('banner').textContent()).toContain(
          `${packageName} was submitted to CMS`,
        );
        await accessible('package detail');
        await shot('package-detail');

        await page.getByRole('link', { name: 'Dashboard' }).click();
        const row = page.getByRole('row', { name: new RegExp(packageName) });
        await expect.poll(() => row.textContent()).toContain('Submitted');
        await accessible('state dashboard');
        await shot('state-dashboard');
      }, 120_000);

      it('a CMS reviewer finds it, downloads the contract and unlocks it with a reason', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Cora Reed');
        await page.getByRole('heading', { name: 'Submissions to review' }).waitFor();
        await page.getByLabel('State', { exact: true }).selectOption('MN');
        await page.getByLabel('Program').selectOption({ label: 'PMAP' });
        await page.getByRole('link', { name: packageName }).waitFor();
        await accessible('CMS dashboard');
        await shot('cms-dashboard');
        // The export carries the filters chosen, in the address like the list's.
        const [csv] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'Export CSV' }).click(),
        ]);
        expect(csv.url()).toMatch(/\/api\/packages\.csv\?stateCode=MN&programId=[0-9a-f-]{36}$/);
        expect(csv.suggestedFilename()).toMatch(/^carepack-packages-MN-\d{4}-\d{2}-\d{2}\.csv$/);
        const exported = readFileSync(await csv.path(), 'utf8').split('\r\n');
        expect(exported[0]).toMatch(/^\uFEFFName,State,Programs,/); // the byte order mark Excel needs
        expect(exported.filter((line) => line.startsWith(`${packageName},MN,PMAP,`))).toHaveLength(1);
        await page.getByRole('link', { name: packageName }).click();
        await page.getByTestId('package-name').waitFor();

        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download contract.pdf' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('contract.pdf');
        expect(readFileSync(await download.path())).toEqual(MINIMAL_PDF);

        await page.getByRole('button', { name: 'Unlock package' }).click();
        await page.getByRole('button', { name: 'Unlock', exact: true }).click();
        await expect.poll(() => page.locator('#reason-error').textContent()).toContain('give a reason');
        await page.getByLabel('Reason for unlocking').fill('The rating period must match the contract year.');
        await dialogShown(page);
        await accessible('unlock dialog');
        await page.getByRole('button', { name: 'Unlock', exact: true }).click();
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain(`${packageName} was unlocked`);
      });

      it('the state user edits and resubmits; the history shows both revisions', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        await page.getByRole('link', { name: packageName }).click();
        await page.getByText('The rating period must match the contract year.').first().waitFor();
        await page.getByRole('link', { name: 'Edit and resubmit' }).click();
        await onStep(page, 'Submission details');
        await accessible('editing an unlocked package');
        await page.getByLabel('Submission description').fill('PMAP contract for 2027, rating period aligned');
        await next(page);
        await onStep(page, 'Contract details');
        // Now an amendment: it answers yes or no on every provision instead.
        await choose(page, 'Amendment to base contract');
        await next(page);
        await expect
          .poll(() => page.locator('#formData-modifiedProvisions-error').textContent())
          .toContain('answer yes or no for each provision');
        for (const provision of Object.values(MODIFIED_PROVISIONS))
          await answer(page, provision, provision === MODIFIED_PROVISIONS.CAPITATION_RATES ? 'Yes' : 'No');
        await accessible('amendment provisions');
        for (const step of ['Rate details', 'Contacts', 'Documents', 'Review and submit']) {
          await next(page);
          await onStep(page, step);
        }
        await page.getByRole('button', { name: 'Resubmit' }).click();
        await expect.poll(() => page.locator('#reason-error').textContent()).toContain('give a reason');
        await page
          .getByLabel('Reason for resubmitting')
          .fill('Aligned the rating period with the contract year.');
        await page.getByRole('button', { name: 'Resubmit' }).click();
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain(`${packageName} was resubmitted`);
        await expect.poll(() => page.getByTestId('revision').count()).toBe(2);
        await expect
          .poll(() => page.getByTestId('revision').first().textContent())
          .toContain('Provisions this amendment modifiesCapitation rates');
        const history = () =>
          page
            .getByTestId('history')
            .textContent()
            .then((t) => t?.toLowerCase());
        for (const word of ['created', 'submitted', 'unlocked', 'resubmitted'])
          await expect.poll(history).toContain(word);
        await accessible('package with two revisions and its history');
        await shot('package-history');
      });

      /** The package's "Questions and answers" tab, and the text of its division's section. */
      const questionsTab = () => page.getByRole('tab', { name: /Questions and answers/ });
      const dmcoSection = () => page.getByTestId('division-DMCO').textContent();
      const row = () => page.getByRole('row', { name: new RegExp(packageName) });

      it('CMS (Cora Reed, DMCO) asks questions about a rate with two documents, by keyboard to the form; the refusals land on the fields', async () => {
        await openPackageAsReviewer();
        await page.getByTestId('package-name').waitFor();
        // Keyboard: the tabs are one tab stop; the arrow keys move between them and select.
        await page.getByRole('tab', { name: 'Package details' }).focus();
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => questionsTab().getAttribute('aria-selected')).toBe('true');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(
          'Questions and answers',
        );
        await expect.poll(() => page.url()).toContain('tab=questions');
        expect(await page.getByTestId('no-questions').textContent()).toContain('No questions');
        expect(await page.getByTestId('revision').first().isVisible()).toBe(false);
        await accessible('questions tab, nothing asked yet (CMS)');

        // Tab from the tablist into the form: the text, the rate, the files, the button.
        const focusedId = () => page.evaluate(() => document.activeElement?.id);
        await page.keyboard.press('Tab');
        expect(await focusedId()).toBe('text');
        await page.keyboard.type('Please explain the trend assumptions.');
        await page.keyboard.press('Tab');
        expect(await focusedId()).toBe('rateId');
        await page.keyboard.press('Tab');
        expect(await focusedId()).toBe('file');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send questions');
        await page.keyboard.press('Enter');
        // No document: refused before any upload, on the field, and the summary takes focus.
        await expect
          .poll(() => page.locator('#file-error').textContent())
          .toContain('attach at least one document');
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
          .toBe('error-summary');
        await accessible('ask form with an error');

        const files = [
          { name: 'dmco-questions.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF },
          { name: 'dmco-trend-table.pdf', mimeType: 'application/pdf', buffer: RATE_PDF },
        ];
        // Too long a text: the API's rule comes back on the text field.
        await page.getByLabel('Questions (optional)', { exact: true }).fill('x'.repeat(5001));
        await page.getByLabel('Documents', { exact: true }).setInputFiles(files);
        await page.getByRole('button', { name: 'Send questions' }).click();
        await expect.poll(() => page.locator('#text-error').textContent()).not.toBe('');
        expect(await page.locator('#text').getAttribute('aria-invalid')).toBe('true');

        await page
          .getByLabel('Questions (optional)', { exact: true })
          .fill('Please explain the trend assumptions in section 3.');
        await page.getByLabel('Rate certification these questions are about').selectOption({ index: 1 });
        await page.getByLabel('Documents', { exact: true }).setInputFiles(files);
        await expect
          .poll(() => page.getByTestId('chosen-files').textContent())
          .toContain('dmco-trend-table.pdf');
        await page.getByRole('button', { name: 'Send questions' }).click();
        await expect
          .poll(() => page.getByTestId('qa-sent').textContent())
          .toContain('Your DMCO round 1 questions were sent to the state.');
        // The form gives way to a note: nothing more until the state responds.
        await page.getByTestId('waiting').waitFor();
        expect(await page.getByRole('button', { name: 'Send questions' }).count()).toBe(0);
        const section = await dmcoSection();
        for (const shown of [
          'Round 1',
          'Awaiting response',
          'cora.reed@cms.example.gov',
          'MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261015',
          'Please explain the trend assumptions in section 3.',
          'Awaiting the state’s response',
        ])
          expect(section).toContain(shown);
        expect(await questionsTab().textContent()).toContain('Question open');
        await accessible('questions tab, question open (CMS)');

        // Its documents download through the package's download route.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download dmco-trend-table.pdf' }).click(),
        ]);
        expect(readFileSync(await download.path())).toEqual(RATE_PDF);

        await page.getByRole('link', { name: 'Submissions', exact: true }).click();
        await expect.poll(() => row().textContent()).toContain('Question open');
      });

      it('the state sees "Response needed", responds with a document, and the badge is gone', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        await expect.poll(() => row().textContent()).toContain('Response needed');
        await accessible('state dashboard with a question to answer');
        await shot('state-dashboard');
        await page.getByRole('link', { name: packageName }).click();
        await questionsTab().click();
        await expect
          .poll(() => page.getByTestId('response-needed').textContent())
          .toContain('DMCO asked round 1 questions');
        // A state user asks nothing.
        expect(await page.getByRole('button', { name: 'Send questions' }).count()).toBe(0);
        await accessible('questions tab, response needed (state)');

        await page.getByRole('button', { name: 'Send response' }).click();
        await expect
          .poll(() => page.locator('#file-error').textContent())
          .toContain('attach at least one document');
        await page
          .getByLabel('Response (optional)', { exact: true })
          .fill('The trend is explained in the attached memo.');
        await page
          .getByLabel('Documents', { exact: true })
          .setInputFiles({ name: 'mn-trend-memo.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
        await page.getByRole('button', { name: 'Send response' }).click();
        await expect
          .poll(() => page.getByTestId('qa-sent').textContent())
          .toContain('Your response to DMCO round 1 was sent to CMS.');
        const response = await page.getByTestId('response').textContent();
        for (const shown of ['mina.nelson@mn.example.gov', 'The trend is explained', 'mn-trend-memo.pdf'])
          expect(response).toContain(shown);
        expect(await page.getByTestId('response-needed').count()).toBe(0);
        expect(await questionsTab().textContent()).not.toContain('Response needed');
        await accessible('questions tab, answered (state)');
        // The confirmation keeps focus; the picture shows the page without the focus ring.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await shot('questions-state');

        await page.getByRole('link', { name: 'Dashboard' }).click();
        await expect.poll(() => row().textContent()).not.toContain('Response needed');
      });

      it('CMS sees the response, the badge gone, and may ask again (refused when another question came first); a CMS user without a division only reads', async () => {
        await openPackageAsReviewer();
        // The tab is in the address: a link opens it.
        await page.goto(`${server.url}/packages/${packageId}?tab=questions`);
        await expect.poll(() => dmcoSection()).toContain('The trend is explained in the attached memo.');
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download mn-trend-memo.pdf' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('mn-trend-memo.pdf');
        await page.getByRole('button', { name: 'Send questions' }).waitFor();
        await accessible('questions tab, answered (CMS)');
        await expect
          .poll(() => page.getByTestId('history').textContent())
          .toContain('DMCO asked its round 1 question (2 documents)');
        await page.getByRole('link', { name: 'Submissions', exact: true }).click();
        await expect.poll(() => row().textContent()).not.toContain('Question open');

        await page.goto(`${server.url}/packages/${packageId}?tab=questions`);
        // The README's picture: round 1 answered, round 2 being written (not sent).
        await page
          .getByLabel('Questions (optional)', { exact: true })
          .fill('Please send the final rate tables.');
        await page
          .getByLabel('Documents', { exact: true })
          .setInputFiles({ name: 'dmco-round-2.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
        await page.getByTestId('chosen-files').waitFor({ state: 'attached' });
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await shot('questions-cms');

        // Meanwhile a question is asked in another tab: this one is refused, and its words are kept.
        const other = await postQaAs(page, `/api/packages/${packageId}/questions`, 'Asked in another tab.');
        expect(other.status).toBe(201);
        await page.getByRole('button', { name: 'Send questions' }).click();
        await page.getByText('The package changed while you wrote').waitFor();
        expect(await page.getByLabel('Questions (optional)', { exact: true }).inputValue()).toBe(
          'Please send the final rate tables.',
        );
        await accessible('ask form refused after a question asked elsewhere');
        await page.getByRole('button', { name: 'Load the latest version' }).click();
        await page.getByTestId('waiting').waitFor();
        await expect.poll(() => dmcoSection()).toContain('Asked in another tab.');

        // An administrator takes Cora's division away: she reads, and is told why she cannot ask.
        const cora = ((await apiAs(page, 'GET', '/api/auth/me')).body as { id: string }).id;
        const setDivision = async (division: string | null) => {
          await signOut(page);
          await signIn(page, server.url, 'Adam Ines');
          expect((await apiAs(page, 'PUT', `/api/users/${cora}/division`, { division })).status).toBe(200);
        };
        await setDivision(null);
        await openPackageAsReviewer();
        await questionsTab().click();
        await expect
          .poll(() => page.getByTestId('no-division').textContent())
          .toContain('Your account has no CMS division');
        expect(await page.getByRole('button', { name: 'Send questions' }).count()).toBe(0);
        expect(await dmcoSection()).toContain('Round 1');
        await accessible('questions tab, CMS user without a division');
        await setDivision('DMCO');
        // The state answers round 2 (through the API), so the review goes on with no question open.
        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        const response = `/api/packages/${packageId}/questions/${other.body.id}/response`;
        expect((await postQaAs(page, response, 'Answered in another tab.')).status).toBe(201);
      });

      it("CMS approves with a release date (dialog by keyboard, the API's field errors on the fields); the state sees Approved and can no longer edit", async () => {
        await openPackageAsReviewer();
        await page.getByTestId('package-name').waitFor();
        // Keyboard: Enter opens the dialog, focus stays inside it, Escape closes it and returns focus.
        const approve = page.getByRole('button', { name: 'Approve', exact: true });
        await approve.focus();
        await page.keyboard.press('Enter');
        await dialogShown(page);
        await expect
          .poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]'))))
          .toBe(true);
        await accessible('approve dialog');
        await shot('cms-action-dialog', { fullPage: false });
        await page.keyboard.press('Escape');
        await dialogHeading(page).waitFor({ state: 'hidden' });
        // Focus goes back to the button that opened it (focus-trap does so just after closing).
        await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Approve');

        // A release date in the future: the server's rule comes back on the date field.
        await approve.click();
        const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
        await page.getByLabel('Date the approval was released to the state').fill(future);
        await page.getByRole('button', { name: 'Approve package' }).click();
        await expect
          .poll(() => page.locator('#releasedOn-error').textContent())
          .toContain('cannot be in the future');
        await dialogShown(page);
        await accessible('approve dialog with a field error');
        await page.getByLabel('Date the approval was released to the state').fill('2026-11-20');
        await page.getByRole('button', { name: 'Approve package' }).click();
        await dialogHeading(page).waitFor({ state: 'hidden' });
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain(`${packageName} was approved`);
        await expect.poll(() => page.getByTestId('approved-banner').textContent()).toContain('Nov 20, 2026');
        expect(await page.getByTestId('status-tag').first().textContent()).toBe('Approved');
        // Approved: no unlock, no second approval; the approval can be undone.
        expect(await page.getByRole('button', { name: 'Unlock package' }).count()).toBe(0);
        expect(await approve.count()).toBe(0);
        await page.getByRole('button', { name: 'Undo approval' }).waitFor();
        expect(await page.getByTestId('review-history').textContent()).toContain('cora.reed@cms.example.gov');

        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        await page.getByLabel('Review status').selectOption('APPROVED');
        await expect.poll(() => page.url()).toContain('reviewStatus=APPROVED');
        const row = page.getByRole('row', { name: new RegExp(packageName) });
        await expect.poll(() => row.textContent()).toContain('Approved');
        await page.getByRole('link', { name: packageName }).click();
        await expect.poll(() => page.getByTestId('approved-banner').textContent()).toContain('Nov 20, 2026');
        expect(await page.getByRole('link', { name: /Edit and resubmit/ }).count()).toBe(0);
        expect(await page.getByTestId('review-decisions').count()).toBe(0);
        await accessible('approved package as the state sees it');
        await shot('approved-package-state');
      });

      it('CMS undoes the approval, withdraws (another reviewer got there first), the state sees why, CMS undoes the withdrawal', async () => {
        await openPackageAsReviewer();
        await page.getByRole('button', { name: 'Undo approval' }).click();
        await page.getByRole('button', { name: 'Undo the approval' }).click();
        await expect.poll(() => page.locator('#reason-error').textContent()).toContain('give a reason');
        await page.getByLabel('Reason for undoing the approval').fill('Approved by mistake.');
        await page.getByRole('button', { name: 'Undo the approval' }).click();
        await expect.poll(() => page.getByTestId('banner').textContent()).toContain('was undone');
        expect(await page.getByTestId('status-tag').first().textContent()).toBe('Resubmitted');

        // The dialog is open on the version the page showed when another reviewer withdraws it.
        await page.getByRole('button', { name: 'Withdraw package' }).click();
        await page.getByLabel('Reason for withdrawing').fill('The state asked to withdraw it.');
        const before = await apiAs(page, 'GET', `/api/packages/${packageId}`);
        const other = await apiAs(page, 'POST', `/api/packages/${packageId}/withdraw`, {
          expectedVersion: before.body.version,
          reason: 'Withdrawn in another tab at the state’s request.',
        });
        expect(other.status).toBe(200);
        await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
        await dialog(page).getByText('after you opened this dialog').waitFor();
        await dialogShown(page);
        await accessible('decision dialog after a conflict');
        await page.getByRole('button', { name: 'Load the latest version' }).click();
        await dialogHeading(page).waitFor({ state: 'hidden' });
        await expect
          .poll(() => page.getByTestId('withdrawn-banner').textContent())
          .toContain('Withdrawn in another tab');

        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        await page.getByRole('link', { name: packageName }).click();
        await expect
          .poll(() => page.getByTestId('withdrawn-banner').textContent())
          .toContain('Withdrawn in another tab');
        expect(await page.getByTestId('status-tag').first().textContent()).toBe('Withdrawn');
        await accessible('withdrawn package as the state sees it');

        await signOut(page);
        await signIn(page, server.url, 'Cora Reed');
        await page.getByLabel('Review status').selectOption('WITHDRAWN');
        await page.getByRole('link', { name: packageName }).click();
        await page.getByRole('button', { name: 'Undo withdrawal' }).click();
        await page
          .getByLabel('Reason for undoing the withdrawal')
          .fill('The state wants it reviewed after all.');
        await page.getByRole('button', { name: 'Undo the withdrawal' }).click();
        await expect.poll(() => page.getByTestId('banner').textContent()).toContain('withdrawal');
        expect(await page.getByTestId('withdrawn-banner').count()).toBe(0);
        expect(await page.getByTestId('status-tag').first().textContent()).toBe('Resubmitted');
        const decisions = await page.getByTestId('review-history').textContent();
        for (const word of ['Approved', 'Approval undone', 'Withdrawn', 'Withdrawal undone'])
          expect(decisions).toContain(word);
      });

      it('CMS unlocks and then undoes the unlock: the last submission is current again', async () => {
        await page.getByRole('button', { name: 'Unlock package' }).click();
        await page.getByLabel('Reason for unlocking').fill('Unlocked the wrong package.');
        await page.getByRole('button', { name: 'Unlock', exact: true }).click();
        await expect.poll(() => page.getByTestId('banner').textContent()).toContain('was unlocked');
        expect(await page.getByTestId('status-tag').first().textContent()).toBe('Unlocked');
        await page.getByRole('button', { name: 'Undo unlock' }).click();
        await page.getByLabel('Reason for undoing the unlock').fill('Unlocked by mistake.');
        await page.getByRole('button', { name: 'Undo the unlock' }).click();
        await expect.poll(() => page.getByTestId('banner').textContent()).toContain('unlock');
        await expect.poll(() => page.getByTestId('status-tag').first().textContent()).toBe('Resubmitted');
        await page.getByRole('button', { name: 'Unlock package' }).waitFor();
        await expect.poll(() => page.getByTestId('review-history').textContent()).toContain('Unlock undone');
        await expect.poll(() => page.getByTestId('history').textContent()).toContain('Unlocked by mistake.');
        await accessible('package after an undone unlock');
      });

      let rateId = '';
      let linkingId = '';
      let linkingName = '';

      it('a second package links the first one’s rate on the rate details step and is submitted with it', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        const first = (await apiAs(page, 'GET', `/api/packages/${packageId}`)).body as {
          revisions: { rates: { rateId: string; rateNumber: string }[] }[];
          programIds?: string[];
        };
        const ownRate = first.revisions[0]!.rates[0]!;
        expect(ownRate.rateNumber).toBe('MN-RATE-0001');
        rateId = ownRate.rateId;
        const pmap = (
          (await apiAs(page, 'GET', '/api/states/MN')).body.programs as { id: string; name: string }[]
        ).find((p) => p.name === 'PMAP')!.id;
        // Everything but the rates: the walk below links the first package's rate instead of making one.
        const formData = completeForm(
          { programIds: [pmap] },
          {
            submissionDescription: 'PMAP contract for 2027 carrying the rates already certified',
            rateCertifications: [],
            stateContacts: [{ name: 'Mina Nelson', title: 'Lead', email: 'mina.nelson@mn.example.gov' }],
          },
        );
        const created = await apiAs(page, 'POST', '/api/packages', { formData });
        expect(created.status).toBe(201);
        linkingId = created.body.id as string;
        linkingName = created.body.name as string;

        await page.goto(`${server.url}/packages/${linkingId}/edit/rates`);
        await onStep(page, 'Rate details');
        const search = page.getByLabel('Search by rate certification name or rate number');
        await search.fill('no such rate');
        await page.getByTestId('no-rates-found').waitFor();
        await search.fill('mn-rate-0001');
        await page.getByRole('button', { name: 'Link MN-RATE-0001' }).click();
        await expect.poll(() => page.getByTestId('rate-linked').textContent()).toContain('is now linked');
        const linked = page.getByTestId('linked-rate');
        for (const shown of ['MN-RATE-0001', packageName, 'MCR-MN-PMAP-20270101-20271231', 'Unlink'])
          expect(await linked.textContent()).toContain(shown);
        // Carried now: the search offers it no more.
        await expect
          .poll(() => page.getByTestId('rate-link-search').textContent())
          .toContain('Already on this package');
        await accessible('rates step with a linked rate');
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await shot('rates-step-link');

        await next(page);
        await onStep(page, 'Contacts');
        await next(page);
        await onStep(page, 'Documents');
        // The linked rate's documents are listed, not offered for change.
        await page.getByRole('rowheader', { name: 'rate-certification.pdf' }).waitFor();
        expect(await page.getByLabel('Add rate certification 1 files').count()).toBe(0);
        await page
          .getByLabel('Add contract files')
          .setInputFiles({ name: 'second-contract.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
        await page.getByRole('rowheader', { name: 'second-contract.pdf' }).waitFor();
        await accessible('documents step with a linked rate');
        await next(page);
        await onStep(page, 'Review and submit');
        expect(await page.getByTestId('review-problems').count()).toBe(0);
        await page.getByRole('button', { name: 'Submit', exact: true }).click();
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain(`${linkingName} was submitted`);
        await expect
          .poll(() => page.getByTestId('rate-origin').first().textContent())
          .toContain(`linked from ${packageName}`);
        await accessible('package carrying a linked rate');
      }, 90_000);

      it('the rate’s parent is resubmitted: the linking package says it carries an older revision', async () => {
        // CMS unlocks the first package and the state resubmits it, through the API (the walk is above).
        await signOut(page);
        await signIn(page, server.url, 'Cora Reed');
        const before = await apiAs(page, 'GET', `/api/packages/${packageId}`);
        const unlocked = await apiAs(page, 'POST', `/api/packages/${packageId}/unlock`, {
          expectedVersion: before.body.version,
          reason: 'Please restate the rate tables.',
        });
        expect(unlocked.status).toBe(200);
        await signOut(page);
        await signIn(page, server.url, 'Mina Nelson');
        const resubmitted = await apiAs(page, 'POST', `/api/packages/${packageId}/resubmit`, {
          expectedVersion: unlocked.body.version,
          reason: 'Restated the rate tables.',
        });
        expect(resubmitted.status).toBe(200);

        await page.goto(`${server.url}/packages/${linkingId}`);
        await expect
          .poll(() => page.getByTestId('newer-rate-revision').first().textContent())
          .toMatch(
            /A newer revision of this rate certification was submitted \(revision \d+\); this package carries revision \d+/,
          );
        await accessible('package carrying an older rate revision');
        // The parent carries the newest one: nothing to say there.
        await page.goto(`${server.url}/packages/${packageId}`);
        await expect
          .poll(() => page.getByTestId('rate-origin').first().textContent())
          .toContain('own rate certification');
        expect(await page.getByTestId('newer-rate-revision').count()).toBe(0);
      }, 90_000);

      it('CMS finds the rate on the rate dashboard, reads its page, withdraws it and undoes that', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Cora Reed');
        await page.getByRole('link', { name: 'Rate reviews', exact: true }).click();
        await page.getByRole('heading', { name: 'Rate certifications to review' }).waitFor();
        await page.getByLabel('State', { exact: true }).selectOption('MN');
        await expect.poll(() => page.url()).toContain('stateCode=MN');
        await page.getByLabel('Rate status').selectOption('RESUBMITTED');
        const rateRow = page.getByRole('row', { name: /MN-RATE-0001/ });
        await expect.poll(() => rateRow.textContent()).toContain(packageName);
        await accessible('CMS rate dashboard');
        await shot('rates-dashboard');

        await rateRow.getByRole('link', { name: 'MN-RATE-0001' }).click();
        await expect.poll(() => page.getByTestId('rate-number').textContent()).toContain('MN-RATE-0001');
        const packages = page.getByTestId('rate-packages');
        await expect.poll(() => packages.textContent()).toContain(linkingName);
        expect(await packages.getByRole('row', { name: new RegExp(packageName) }).textContent()).toContain(
          'Parent',
        );
        expect(await page.getByTestId('rate-questions').textContent()).toContain(
          'Please explain the trend assumptions in section 3.',
        );
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download rate-certification.pdf' }).first().click(),
        ]);
        expect(readFileSync(await download.path())).toEqual(RATE_PDF);
        await accessible('rate page (CMS)');
        await shot('rate-page');

        await page.getByRole('button', { name: 'Withdraw rate' }).click();
        await dialogShown(page, 'rate-decision');
        await page.getByRole('button', { name: 'Withdraw the rate' }).click();
        await expect.poll(() => page.locator('#reason-error').textContent()).toContain('give a reason');
        await page
          .getByLabel('Reason for withdrawing the rate')
          .fill('The state will certify these rates anew.');
        await accessible('withdraw rate dialog');
        await page.getByRole('button', { name: 'Withdraw the rate' }).click();
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain('MN-RATE-0001 was withdrawn');
        await expect.poll(() => page.getByTestId('status-tag').first().textContent()).toBe('Withdrawn');
        expect(await page.getByTestId('rate-withdrawn-banner').textContent()).toContain(
          'certify these rates anew',
        );
        await accessible('withdrawn rate');

        await page.getByRole('button', { name: 'Undo withdrawal' }).click();
        await dialogShown(page, 'rate-decision');
        await page.getByLabel('Reason for undoing the withdrawal').fill('Withdrawn by mistake.');
        await page.getByRole('button', { name: 'Undo the rate’s withdrawal' }).click();
        await expect
          .poll(() => page.getByTestId('banner').textContent())
          .toContain('withdrawal of MN-RATE-0001 was undone');
        await expect.poll(() => page.getByTestId('status-tag').first().textContent()).not.toBe('Withdrawn');
        await expect
          .poll(() => page.getByTestId('rate-withdrawals').textContent())
          .toContain('Withdrawal undone');
        await accessible('rate after an undone withdrawal');
      }, 90_000);

      it('a user of another state gets no access, and an ended session says so', async () => {
        await signOut(page);
        await signIn(page, server.url, 'Felix Ortiz');
        await page.getByRole('heading', { name: 'Florida submissions' }).waitFor();
        expect(await page.getByRole('link', { name: packageName }).count()).toBe(0);
        await page.goto(`${server.url}/packages/${packageId}`);
        await page.getByTestId('error-not-found').waitFor();
        await accessible('not found page');
        await page.goto(`${server.url}/rates/${rateId}`);
        await page.getByTestId('error-not-found').waitFor();
        await page.goto(`${server.url}/no/such/page`);
        await page.getByTestId('error-not-found').waitFor();

        // The session ends while the user works: the next save says so and offers to sign in again.
        await page.getByRole('link', { name: 'Go to the dashboard' }).click();
        await page.getByRole('link', { name: 'Start new submission' }).click();
        await choose(page, 'MMA – Managed Medical Assistance Program');
        await page.getByLabel('Submission description').fill('MMA contract for 2027');
        await context.clearCookies();
        await next(page);
        await page.getByTestId('session-expired').waitFor();
        expect(page.url()).toContain('returnTo=%2Fpackages%2Fnew');
        await accessible('session expired');
      });

      it('lists many packages a page at a time from the server', async () => {
        await signIn(page, server.url, 'Vera Adams');
        // 45 drafts through the API, as fast as the browser can send them.
        const created = await page.evaluate(async () => {
          const token = ((await (await fetch('/api/auth/csrf')).json()) as { token: string }).token;
          const states = (await (await fetch('/api/states')).json()) as {
            code: string;
            programs: { id: string }[];
          }[];
          const program = states.find((s) => s.code === 'VA')!.programs[0]!.id;
          let ok = 0;
          for (let i = 0; i < 45; i++) {
            const res = await fetch('/api/packages', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': token },
              body: JSON.stringify({ formData: { submissionType: 'CONTRACT_ONLY', programIds: [program] } }),
            });
            if (res.status === 201) ok++;
          }
          return ok;
        });
        expect(created).toBe(45);
        await page.goto(server.url);
        const rows = page.getByTestId('package-table').locator('tbody tr');
        await expect.poll(() => rows.count()).toBe(20);
        const firstPage = await rows.first().textContent();
        await page.getByRole('button', { name: 'Next page' }).click();
        await expect
          .poll(() => page.getByRole('navigation', { name: 'Pagination' }).textContent())
          .toContain('Page 2');
        await expect.poll(() => rows.first().textContent()).not.toBe(firstPage);
        await page.getByRole('button', { name: 'Next page' }).click();
        await expect.poll(() => rows.count()).toBe(5);
        expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

        // A draft can be deleted from its page, after a second confirmation.
        const draft = rows.first().getByRole('link');
        const draftName = (await draft.textContent()) ?? '';
        await draft.click();
        await page.getByRole('button', { name: 'Delete this draft' }).click();
        await page.getByRole('button', { name: `Yes, delete ${draftName}` }).click();
        await expect
          .poll(() => page.getByRole('status').first().textContent())
          .toContain(`The draft ${draftName} was deleted.`);
        expect(await page.getByRole('link', { name: draftName, exact: true }).count()).toBe(0);
      });

      it('two tabs editing one draft: the second save is refused, and the latest version can be loaded', async () => {
        await signIn(page, server.url, 'Mina Nelson');
        const id = await page.evaluate(async () => {
          const token = ((await (await fetch('/api/auth/csrf')).json()) as { token: string }).token;
          const res = await fetch('/api/packages', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': token },
            body: JSON.stringify({ formData: { submissionType: 'CONTRACT_ONLY' } }),
          });
          return ((await res.json()) as { id: string }).id;
        });
        const other = await context.newPage();
        try {
          for (const p of [page, other]) await p.goto(`${server.url}/packages/${id}/edit/submission`);
          await page.getByLabel('Submission description').fill('Written in the first tab');
          await page.getByRole('button', { name: 'Save as draft' }).click();
          await page.getByText('was saved as a draft').waitFor();

          await other.getByLabel('Submission description').fill('Written in the second tab');
          await other.getByRole('button', { name: 'Save as draft' }).click();
          await other.getByText('Your changes were not saved').waitFor();
          await other.getByRole('button', { name: /load the latest version/i }).click();
          await expect
            .poll(() => other.getByLabel('Submission description').inputValue())
            .toBe('Written in the first tab');
        } finally {
          await other.close();
        }
      });

      it('a save never overwrites a change made elsewhere while the form was open, even after a refetch', async () => {
        await signIn(page, server.url, 'Mina Nelson');
        // Another tab of the portal, or a colleague: the API as the same state user.
        const api = async (method: string, path: string, body?: unknown) =>
          page.evaluate(
            async ({ method, path, body }) => {
              const token = ((await (await fetch('/api/auth/csrf')).json()) as { token: string }).token;
              const res = await fetch(path, {
                method,
                headers: { 'content-type': 'application/json', 'x-csrf-token': token },
                ...(body === undefined ? {} : { body: JSON.stringify(body) }),
              });
              return res.json() as Promise<Record<string, unknown>>;
            },
            { method, path, body },
          );
        const pmap = ((await api('GET', '/api/states/MN')).programs as { id: string; name: string }[]).find(
          (p) => p.name === 'PMAP',
        )!.id;
        const formData = { ...readyContractOnlyForm(pmap), submissionDescription: 'As loaded' };
        const id = (await api('POST', '/api/packages', { formData })).id as string;
        const description = async () =>
          (
            (await api('GET', `/api/packages/${id}`)).revisions as {
              formData: { submissionDescription: string };
            }[]
          )[0]!.formData.submissionDescription;
        /** From the submission step to the documents step, uploading `file` there (the list is refetched). */
        const uploadFromDocumentsStep = async (file: string) => {
          for (const step of ['Contract details', 'Contacts', 'Documents']) {
            await next(page);
            await onStep(page, step);
          }
          await page
            .getByLabel('Add contract files')
            .setInputFiles({ name: file, mimeType: 'application/pdf', buffer: MINIMAL_PDF });
          await page.getByRole('rowheader', { name: file }).waitFor();
          for (const step of ['Contacts', 'Contract details', 'Submission details']) {
            await page.getByRole('button', { name: 'Back' }).click();
            await onStep(page, step);
          }
        };

        // The user's own upload moves the package on; their next save still goes through.
        await page.goto(`${server.url}/packages/${id}/edit/submission`);
        await onStep(page, 'Submission details');
        await uploadFromDocumentsStep('own-upload.pdf');
        await page.getByLabel('Submission description').fill('Mine, after my own upload');
        await page.getByRole('button', { name: 'Save as draft' }).click();
        await page.getByText('was saved as a draft').waitFor();
        expect(await description()).toBe('Mine, after my own upload');

        // Someone else changes the form while it is open; the upload's refetch brings that package in.
        await page.goto(`${server.url}/packages/${id}/edit/submission`);
        await onStep(page, 'Submission details');
        const current = await api('GET', `/api/packages/${id}`);
        await api('PUT', `/api/packages/${id}`, {
          expectedVersion: current.version,
          formData: { ...formData, submissionDescription: 'Changed elsewhere' },
        });
        await uploadFromDocumentsStep('second-upload.pdf');
        await page.getByLabel('Submission description').fill('Mine, overwriting?');
        await page.getByRole('button', { name: 'Save as draft' }).click();
        await page
          .getByText(/was saved as a draft|Your changes were not saved/)
          .first()
          .waitFor();
        expect(await description()).toBe('Changed elsewhere');
        await page.getByText('Your changes were not saved').waitFor();
        await page.getByRole('button', { name: /load the latest version/i }).click();
        await expect
          .poll(() => page.getByLabel('Submission description').inputValue())
          .toBe('Changed elsewhere');
      }, 120_000);

      it('an administrator assigns Cora Reed to Minnesota; the assignments and the audit log show it; CMS sees no admin pages', async () => {
        await signIn(page, server.url, 'Cora Reed');
        expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
        await page.goto(`${server.url}/admin/users`);
        await page.getByRole('heading', { name: 'You do not have access' }).waitFor();

        await signOut(page);
        await signIn(page, server.url, 'Adam Ines');
        await page.getByRole('link', { name: 'Users', exact: true }).click();
        await page.getByLabel('Name or email').fill('cora');
        await expect.poll(() => page.getByTestId('user-count').textContent()).toBe('1 user');
        expect(page.url()).toContain('q=cora');
        await page.getByRole('button', { name: 'Edit Cora Reed' }).click();
        await page.getByRole('heading', { name: 'Edit Cora Reed' }).waitFor();
        expect(await page.getByLabel('Division').inputValue()).toBe('DMCO');
        await answer(page, 'Assigned states', 'MN – Minnesota');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByTestId('user-saved').waitFor();
        await expect.poll(() => page.getByRole('row', { name: /Cora Reed/ }).textContent()).toContain('MN');
        await accessible('admin users page');
        await shot('admin-users');

        await page.getByRole('link', { name: 'Assignments', exact: true }).click();
        await expect.poll(() => page.getByTestId('assignment-MN').textContent()).toContain('Cora Reed');
        expect(await page.getByTestId('assignment-VA').textContent()).toContain('No analyst');
        await page.getByTestId('unassigned-summary').waitFor();
        await accessible('admin assignments page');

        await page.getByRole('link', { name: 'Audit log', exact: true }).click();
        await expect
          .poll(() => page.getByRole('table').textContent())
          .toContain('States of cora.reed@cms.example.gov set from none to MN');
        await accessible('admin audit log');
      }, 120_000);

      it('signing out everywhere ends the session in another browser too', async () => {
        const elsewhere = await context.browser()!.newContext({ bypassCSP: true });
        const other = await elsewhere.newPage();
        try {
          await signIn(other, server.url, 'Vera Adams');
          await signIn(page, server.url, 'Vera Adams');
          const status = () => other.evaluate(async () => (await fetch('/api/packages')).status);
          expect(await status()).toBe(200);
          await page.getByRole('button', { name: 'Sign out everywhere' }).click();
          await page.getByRole('heading', { name: 'Sign in to Carepack' }).waitFor();
          expect(await status()).toBe(401);
          // The other browser's page learns it at its next request, and says so.
          await other.getByRole('link', { name: 'New submission', exact: true }).click();
          await choose(other, 'CCMC – Cardinal Care Managed Care');
          await other.getByLabel('Submission description').fill('CCMC contract for 2027');
          await next(other);
          await other.getByTestId('session-expired').waitFor();
        } finally {
          await elsewhere.close();
        }
      }, 60_000);

      // Like axe, a property of the web client, walked once (the walk that checks pages).
      it.runIf(backend.checksPages)(
        'works by keyboard alone: skip link, sign in, start a package, tick a program, continue',
        async () => {
          const keyboard = await context.browser()!.newContext({ bypassCSP: true });
          const kp = await keyboard.newPage();
          try {
            await kp.goto(server.url);
            await kp.getByRole('heading', { name: 'Sign in to Carepack' }).waitFor();
            await kp.keyboard.press('Tab');
            expect(await kp.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
            const tabTo = async (accessibleName: string) => {
              for (let i = 0; i < 60; i++) {
                await kp.keyboard.press('Tab');
                const focused = await kp.evaluate(
                  () =>
                    document.activeElement?.getAttribute('aria-label') ??
                    document.activeElement?.textContent?.trim(),
                );
                if (focused === accessibleName) return;
              }
              throw new Error(`could not reach "${accessibleName}" with Tab`);
            };
            await tabTo('Sign in as Mina Nelson');
            await kp.keyboard.press('Enter');
            await kp.getByRole('heading', { name: 'Minnesota submissions' }).waitFor();
            await tabTo('Start new submission');
            await kp.keyboard.press('Enter');
            await kp.locator('#step-heading', { hasText: 'Submission details' }).waitFor();
            await kp.keyboard.press('Tab');
            await kp.keyboard.press('Space');
            expect(await kp.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
            // The description is required before the draft is made: typed into its field.
            for (let i = 0; i < 60; i++) {
              await kp.keyboard.press('Tab');
              if (await kp.evaluate(() => document.activeElement?.id === 'formData-submissionDescription'))
                break;
            }
            await kp.keyboard.type('Typed by keyboard');
            await tabTo('Continue');
            await kp.keyboard.press('Enter');
            await kp.locator('#step-heading', { hasText: 'Contract details' }).waitFor();
          } finally {
            await keyboard.close();
          }
        },
      );
    },
  );
}
