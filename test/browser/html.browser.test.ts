/**
 * The HTML report as a person sees it: rendered by Chromium (Debian's, at /usr/bin/chromium; CI
 * installs it), driven with playwright-core. Screenshots go to test-output/html/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../lambda/report/html';
import {
  COVERAGE,
  CRITICAL_CELL,
  HOSTILE_CLUSTER,
  HOSTILE_REASON,
  HOSTILE_TAG,
  ORGANIZATION_REPORT,
  PASSED_CELL,
  PROD,
  REGISTRY_CHECKS,
  SANDBOX,
} from '../support/organization-report';

const OUTPUT = fileURLToPath(new URL('../../test-output/html/', import.meta.url));
const PAGE_FILE = `${OUTPUT}organization-report.html`;
const PAGE_URL = pathToFileURL(PAGE_FILE).href;
const HTML = renderHtml(ORGANIZATION_REPORT, { coverage: COVERAGE, checks: REGISTRY_CHECKS });

function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    const fallback = '/usr/bin/chromium';
    if (existsSync(fallback)) return fallback;
    throw new Error(
      'Chromium is needed for the browser tests and was not found on PATH or at /usr/bin/chromium: ' +
        'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.',
    );
  }
}

let browser: Browser;
let page: Page;
const problems: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(PAGE_FILE, HTML);
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  problems.length = 0;
  requests.length = 0;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(PAGE_URL);
});

afterEach(() => {
  // Every test also proves the page logged no error and asked the network for nothing.
  expect(problems).toEqual([]);
  expect(requests).toEqual([PAGE_URL]);
});

/**
 * What these tests read of the page's globals. The project's tsconfig has no DOM lib (the product
 * runs in Node), so callbacks run in the page name their globals through this type.
 */
interface PageGlobals {
  readonly document: {
    readonly scripts: { readonly length: number };
    readonly documentElement: { readonly scrollWidth: number };
  };
  readonly innerWidth: number;
  getComputedStyle(element: unknown): { readonly backgroundColor: string };
}

const visibleRows = (table: 'results' | 'muted') => page.locator(`#${table}-table tr[data-result]:visible`);
const cell = (accountId: string, checkId: string) =>
  page.locator(`#matrix-accounts td[data-account="${accountId}"][data-check="${checkId}"]`);
const background = (selector: Locator) =>
  selector.evaluate(
    (element) => (globalThis as unknown as PageGlobals).getComputedStyle(element).backgroundColor,
  );

describe('Function: renderHtml, in a browser', () => {
  it('renders an organization scan that fits 1280 px and a phone, and screenshots both', async () => {
    // Prepare: the page is loaded by beforeEach.

    // Act
    await page.screenshot({ path: `${OUTPUT}organization-report-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${OUTPUT}organization-report-390.png`, fullPage: true });

    // Assess: narrow, the matrix scrolls inside its box and the page itself does not overflow.
    const overflow = await page.evaluate(() => {
      const window = globalThis as unknown as PageGlobals;
      return window.document.documentElement.scrollWidth - window.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.title()).resolves.toContain('Organization scan report');
  });

  it('totals unmuted FAILED results by severity and counts muted ones apart', async () => {
    const total = (selector: string) => page.locator(`${selector} .num`).textContent();

    await expect(total('[data-severity-total="CRITICAL"]')).resolves.toBe('3');
    await expect(total('[data-severity-total="HIGH"]')).resolves.toBe('3');
    await expect(total('[data-severity-total="MEDIUM"]')).resolves.toBe('3');
    await expect(total('[data-severity-total="LOW"]')).resolves.toBe('1');
    await expect(total('[data-status-total="FAILED"]')).resolves.toBe('10');
    await expect(total('[data-status-total="WARNING"]')).resolves.toBe('2');
    await expect(total('[data-status-total="MUTED"]')).resolves.toBe('2');
  });

  it('colours each matrix cell by its worst result, as the legend says', async () => {
    const critical = await background(cell(CRITICAL_CELL.accountId, CRITICAL_CELL.checkId));
    const passed = await background(cell(PASSED_CELL.accountId, PASSED_CELL.checkId));
    const legend = (tone: string) => background(page.locator(`[data-legend="${tone}"]`));

    expect(critical).toBe(await legend('critical'));
    expect(passed).toBe(await legend('passed'));
    expect(critical).not.toBe(passed);
    const [r = 0, g = 0] = (critical.match(/\d+/g) ?? []).map(Number);
    expect(r - g).toBeGreaterThan(80);
    await expect(
      cell(CRITICAL_CELL.accountId, CRITICAL_CELL.checkId).locator('button').getAttribute('aria-label'),
    ).resolves.toBe(`Account ${PROD}, irsa-trust-policy: 1 FAILED (1 CRITICAL), 1 PASSED`);
  });

  it('marks a check that did not complete in an account, and says where and why', async () => {
    const gap = cell(SANDBOX, 'irsa-trust-policy');

    await expect(gap.getAttribute('class')).resolves.toContain('partial');
    await expect(gap.getAttribute('title')).resolves.toContain(
      "not completed in global (the account's IAM data could not be read)",
    );
  });

  it('narrows the list by severity, by text, and to a matrix cell when one is selected', async () => {
    // FAILED and WARNING results are listed at first; NOT_AVAILABLE and PASSED ones on request.
    await expect(visibleRows('results').count()).resolves.toBe(12);

    await page.getByRole('checkbox', { name: 'CRITICAL' }).uncheck();
    await expect(visibleRows('results').count()).resolves.toBe(9);
    await expect(page.locator('#shown').textContent()).resolves.toContain('Showing 9 of');

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('searchbox').fill('ssh (22)');
    await expect(visibleRows('results').count()).resolves.toBe(1);
    await expect(visibleRows('results').first().textContent()).resolves.toContain('checkout/spot');

    await page.getByRole('button', { name: 'Reset' }).click();
    await cell(PROD, 'deletion-protection').locator('button').click();
    await expect(page.locator('#f-account').inputValue()).resolves.toBe(PROD);
    await expect(page.locator('#f-check').inputValue()).resolves.toBe('deletion-protection');
    // The cell is all PASSED: selecting it shows PASSED results.
    await expect(visibleRows('results').count()).resolves.toBe(2);
    for (const row of await visibleRows('results').all()) {
      await expect(row.getAttribute('data-status')).resolves.toBe('PASSED');
      await expect(row.getAttribute('data-account')).resolves.toBe(PROD);
    }
  });

  it('switches the matrix to clusters, whose cells filter by cluster', async () => {
    await page.getByText('By cluster').click();
    await expect(page.locator('#matrix-clusters').isVisible()).resolves.toBe(true);
    await expect(page.locator('#matrix-accounts').isVisible()).resolves.toBe(false);

    await page
      .locator(
        `#matrix-clusters button[data-cluster$=":cluster/${HOSTILE_CLUSTER}"][data-check="cluster-security-group"]`,
      )
      .click();

    await expect(visibleRows('results').count()).resolves.toBe(1);
    await expect(visibleRows('results').first().textContent()).resolves.toContain('sg-0f1e2d3c');
  });

  it('shows muted results apart, with reason and expiry, and hides them on request', async () => {
    const muted = visibleRows('muted');
    await expect(muted.count()).resolves.toBe(2);
    await expect(page.locator('#muted-table').textContent()).resolves.toContain(
      'CI needs cluster-admin until the deploy role is split (PLAT-412).',
    );
    await expect(page.locator('#muted-table').textContent()).resolves.toContain('Expires 2027-01-31.');
    await expect(visibleRows('results').filter({ hasText: 'ci-deployer' }).count()).resolves.toBe(0);

    await page.getByRole('checkbox', { name: 'Show muted' }).uncheck();
    await expect(muted.count()).resolves.toBe(0);
    await expect(page.locator('#muted-section').isVisible()).resolves.toBe(false);

    await page.getByRole('checkbox', { name: 'Show muted' }).check();
    await expect(muted.count()).resolves.toBe(2);
  });

  it('renders names and tags from the accounts as text: a <script> in a tag runs nothing', async () => {
    // The markup itself holds the hostile texts escaped only.
    expect(HTML).not.toContain(HOSTILE_TAG);
    expect(HTML).toContain('&lt;script&gt;window.__injected');
    expect(HTML).not.toContain('onmouseover="window');

    const detail = visibleRows('results').filter({ hasText: 'sg-0f1e2d3c' }).locator('.detail');
    await expect(detail.textContent()).resolves.toContain(HOSTILE_TAG);
    await expect(page.locator('.mute').filter({ hasText: 'Legacy VPN' }).textContent()).resolves.toContain(
      HOSTILE_REASON,
    );
    await expect(page.locator('.mute b').count()).resolves.toBe(0);
    // The page's own script is its only one, and nothing the report held ran.
    await expect(
      page.evaluate(() => (globalThis as unknown as PageGlobals).document.scripts.length),
    ).resolves.toBe(1);
    await expect(page.evaluate(() => '__injected' in globalThis)).resolves.toBe(false);
    await expect(page.title()).resolves.not.toBe('pwned');
    await page.locator('.mute').filter({ hasText: 'Legacy VPN' }).hover();
    await expect(page.evaluate(() => '__injected' in globalThis)).resolves.toBe(false);
  });

  it('lists failed targets and what was not judged in full, and forbids network loads', async () => {
    await expect(page.locator('#failed-targets').textContent()).resolves.toContain(
      'ap-south-1eks:ListClusters failed: AccessDeniedException',
    );
    const gaps = await page.locator('#gaps').textContent();
    expect(gaps).toContain('node group platform-staging/gpu');
    expect(gaps).toContain('eks:DescribeNodegroup failed: ThrottlingException');
    expect(gaps).toContain('irsa-trust-policy, pod-identity-trust-policy not completed');
    await expect(
      page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    ).resolves.toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
    await expect(page.locator('.masthead').textContent()).resolves.toContain(ORGANIZATION_REPORT.scanId);
  });
});
