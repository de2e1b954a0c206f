/**
 * The dashboard in a real browser (headless Debian Chromium driven by playwright-core):
 * blocks appear for every node, Split makes two branches grow, Heal puts every node's
 * tip on the branch with the most work and the reorg is announced. A screenshot is
 * saved to test-artifacts/dashboard.png (docs/dashboard.png, the README's, is a copy of one).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DevnetProcess } from '../helpers/devnet-process.js';

// Functions handed to page.* run in the browser; the test project has no DOM types, so its globals are named here.
declare const document: any;
type HTMLElement = { dataset: Record<string, string | undefined> };

const CHROMIUM = process.env.TOYCHAIN_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WAIT_MS = 20_000;

describe('devnet: the dashboard in a browser', function () {
  this.timeout(120_000);
  let devnet: DevnetProcess | undefined;
  let browser: Browser | undefined;

  before(function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    (skipped: no Chromium at ${CHROMIUM}; install it with: sudo apt-get install chromium, or set TOYCHAIN_CHROMIUM)`);
      this.skip();
    }
    // The page is built by scripts/build-dashboard.mjs (part of npm run build); build it here too so the test never runs a stale one.
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-dashboard.mjs')], { stdio: 'ignore' });
  });

  afterEach(async () => {
    await browser?.close();
    await devnet?.cleanup();
  });

  /** heightOf reads a node card's height as the page shows it. */
  const heights = (page: Page) => page.$$eval('[data-node]', (cards) => cards.map((c) => (c as HTMLElement).dataset.height).join());
  const waitHeights = (page: Page, expected: string) => page.waitForFunction((want) => [...document.querySelectorAll('[data-node]') as HTMLElement[]].map((c) => c.dataset.height).join() === want, expected, { timeout: WAIT_MS });
  const mine = async (page: Page, node: number, expected: string) => {
    await page.click(`[data-node="${node}"] [data-action="generate"]`);
    await waitHeights(page, expected);
  };

  it('shows blocks for every node, two branches after Split, and every tip on the most-work branch after Heal', async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(devnet.dashboardUrl);
    await page.waitForSelector('[data-node="2"]', { timeout: WAIT_MS });
    await waitHeights(page, '0,0,0');

    await mine(page, 0, '1,1,1');
    const first = await page.$eval('[data-node="0"]', (c) => (c as HTMLElement).dataset.tip!);
    await page.waitForSelector(`g.block.main[data-hash="${first}"] [data-tip-of="2"]`, { timeout: WAIT_MS });

    // The default plan puts the last node alone in group B.
    expect(await page.textContent('#split')).to.include('{0,1} | {2}');
    await page.click('#split');
    await page.waitForFunction(() => document.body.textContent!.includes('split: {0,1} | {2}'), undefined, { timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelector('[data-node="2"] dd:nth-of-type(4)')?.textContent === '0', undefined, { timeout: WAIT_MS });

    await mine(page, 0, '2,2,1');
    await mine(page, 2, '2,2,2');
    await mine(page, 2, '2,2,3');
    await mine(page, 2, '2,2,4');
    const losingTip = await page.$eval('[data-node="0"]', (c) => (c as HTMLElement).dataset.tip!);
    const winningTip = await page.$eval('[data-node="2"]', (c) => (c as HTMLElement).dataset.tip!);
    expect(losingTip).to.not.equal(winningTip);
    // Two branches: two blocks at height 2, one of them off the best chain.
    await page.waitForFunction(() => document.querySelectorAll('g.block[data-height="2"]').length === 2 && document.querySelectorAll('g.block.stale').length >= 1, undefined, { timeout: WAIT_MS });

    await page.click('#heal');
    await page.waitForFunction((tip) => [...document.querySelectorAll('[data-node]') as HTMLElement[]].every((c) => c.dataset.tip === tip), winningTip, { timeout: WAIT_MS });
    await page.waitForFunction((tip) => document.querySelectorAll(`g.block.main[data-hash="${tip}"] [data-tip-of]`).length === 3, winningTip, { timeout: WAIT_MS });
    await page.waitForSelector('#reorg', { timeout: WAIT_MS });
    const announced = await page.textContent('#reorg');
    expect(announced).to.match(/Node [01] switched to a branch with more work: 1 block replaced/);
    expect(await page.$eval(`g.block[data-hash="${losingTip}"]`, (g) => g.getAttribute('class'))).to.equal('block stale');
    expect(await heights(page)).to.equal('4,4,4');

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    const shot = join(ROOT, 'test-artifacts', 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
  });
});
