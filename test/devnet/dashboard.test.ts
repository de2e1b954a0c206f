/**
 * The dashboard in a real browser (headless Debian Chromium driven by playwright-core)
 * on a regtest devnet of three node processes, driven by `generate`: an old 2-block fork
 * 30 heights back, then a split in which node 2 mines a 15-block branch and nodes 0 and 1
 * a 25-block one, with a double spend across the split. The tree shows all three tips at
 * once with the most-work one on the main row; after the heal the losing branch stays
 * drawn (grey), a reorg card gives both branches' sums and their difference, a block
 * opens in the explorer, the search finds a txid, the double spend shows as a conflict
 * and then as dropped. Screenshots go to test-artifacts/ (docs/ holds copies for the README).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeAddress } from '../../src/consensus/address.js';
import { regtest } from '../../src/consensus/params.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { buildPayment } from '../../wallet/tx-builder.js';
import { DevnetProcess } from '../helpers/devnet-process.js';
import { exactProbability } from '../../src/lab/double-spend-math.js';
import { loadScenarioFile } from '../../src/scenario/scenario-file.js';
import { SCENARIOS_DIR } from '../../src/scenario/shipped.js';
import { nodeMiningKey } from '../helpers/devnet-wallet.js';
import { waitFor } from '../helpers/node-process.js';

// Functions handed to page.* run in the browser; the test project has no DOM types, so its globals are named here.
declare const document: any;
declare const getComputedStyle: any;

const CHROMIUM = process.env.TOYCHAIN_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WAIT_MS = 30_000;
const VIEWPORT = { width: 1400, height: 900 };

describe('devnet: the dashboard in a browser', function () {
  this.timeout(240_000);
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

  const generate = async (node: number, blocks: number): Promise<string[]> => {
    const res = await devnet!.control<{ hashes: string[] }>('POST', `/devnet/nodes/${node}/generate`, { blocks });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.hashes;
  };
  /** tipsAre waits until the nodes report these tips (by index). */
  const tipsAre = (want: string[]) => waitFor(`tips ${want.map((t) => t.slice(-6)).join(',')}`, async () => (await devnet!.view()).nodes.every((n: any, i: number) => n.status?.tip === want[i]) || undefined, WAIT_MS);
  const split = async () => {
    expect((await devnet!.control('POST', '/devnet/split', { groups: [[0, 1], [2]] })).status).to.equal(200);
    await waitFor('node 2 to be cut off', async () => (await devnet!.view()).nodes[2].status?.peers === 0 || undefined, WAIT_MS);
  };
  const heal = async () => expect((await devnet!.control('POST', '/devnet/heal', {})).status).to.equal(200);
  /** inView: the block's box lies inside the viewport, without scrolling. */
  const boxOf = async (page: Page, hash: string) => {
    const box = await page.locator(`[data-testid="block-tree"] [data-block-hash="${hash}"] rect`).first().boundingBox();
    expect(box, `block ${hash} drawn`).to.not.equal(null);
    return box!;
  };
  const digits = (s: string | null) => (s ?? '').replace(/[^\d]/g, '');

  it('shows an old fork, both split branches and the most-work tip on the main row; explains the heal by work; opens blocks and finds a txid; shows a double spend as conflict, then dropped', async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
    const nodes = (await devnet.view()).nodes;

    // 101 blocks: node 0's first coinbase is mature (regtest: 100 blocks).
    await generate(0, 100);
    let tip = (await generate(0, 1))[0]!;
    await tipsAre([tip, tip, tip]);

    // The old fork: node 2 mines 2 blocks alone, nodes 0 and 1 mine 3; the heal makes node 2 switch.
    await split();
    const oldFork = (await generate(2, 2)).at(-1)!;
    tip = (await generate(0, 3)).at(-1)!;
    await heal();
    await tipsAre([tip, tip, tip]);
    tip = (await generate(0, 27)).at(-1)!;
    await tipsAre([tip, tip, tip]);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(devnet.dashboardUrl);
    await page.waitForSelector(`[data-block-hash="${tip}"][data-status="active"]`, { timeout: WAIT_MS });
    // A page opened after a reorg still has its card.
    await page.waitForSelector('[data-testid="reorg-card"]', { timeout: WAIT_MS });
    expect(await page.getAttribute(`[data-block-hash="${oldFork}"]`, 'data-status')).to.equal('stale');

    // The split, with a double spend across it: node 0 pays node 1; the same coin pays node 2 on the other side.
    await split();
    const sent = await devnet.control<{ txid: string }>('POST', '/devnet/send', { from: 0, to: 1, amount: '1' });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    const pay = sent.body.txid;
    const payTx = (await (await fetch(`${nodes[0].apiUrl}/tx/${pay}`)).json()) as { inputs: { prevout: { txid: string; index: number } }[] };
    const secret = (await nodeMiningKey(devnet.datadir, 0, regtest)).privateKey;
    const inputs = await Promise.all(
      payTx.inputs.map(async ({ prevout }) => {
        const prev = (await (await fetch(`${nodes[2].apiUrl}/tx/${prevout.txid}`)).json()) as { outputs: { units: string }[] };
        return { txid: prevout.txid, index: prevout.index, value: BigInt(prev.outputs[prevout.index]!.units), pubkey: xOnlyPublicKey(secret), privateKey: secret };
      }),
    );
    const total = inputs.reduce((s, c) => s + c.value, 0n);
    const rival = buildPayment({ inputs, to: decodeAddress(nodes[2].address, regtest), amount: total - 10_000n, changeTo: xOnlyPublicKey(secret), change: 0n });
    const posted = await fetch(`${nodes[2].apiUrl}/tx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hex: rival.hex }) });
    expect(posted.status, await posted.text()).to.equal(200);
    await page.waitForSelector(`[data-testid="mempool-conflict"]`, { timeout: WAIT_MS });
    expect(await page.textContent('[data-testid="mempool-conflict"]')).to.include('double spend in flight');

    const minority = await generate(2, 15);
    const majority = await generate(0, 25);
    await tipsAre([majority.at(-1)!, majority.at(-1)!, minority.at(-1)!]);
    const majorTip = majority.at(-1)!;
    const minorTip = minority.at(-1)!;
    await page.waitForSelector(`[data-block-hash="${majorTip}"] [data-tip-of="1"]`, { timeout: WAIT_MS });
    await page.waitForSelector(`[data-block-hash="${minorTip}"] [data-tip-of="2"]`, { timeout: WAIT_MS });
    expect(await page.getAttribute(`[data-block-hash="${majorTip}"]`, 'data-status')).to.equal('active');
    expect(await page.getAttribute(`[data-block-hash="${minorTip}"]`, 'data-status')).to.equal('fork');
    // All three branches' tips inside the viewport at once; the most-work tip on the main row (the genesis block's row).
    for (const hash of [oldFork, minorTip, majorTip]) {
      const box = await boxOf(page, hash);
      expect(box.x, `${hash} left`).to.be.at.least(0);
      expect(box.x + box.width, `${hash} right`).to.be.at.most(VIEWPORT.width);
      expect(box.y + box.height, `${hash} bottom`).to.be.at.most(VIEWPORT.height);
    }
    const genesis = await page.getAttribute('[data-testid="block-tree"] [data-height="0"]', 'data-block-hash');
    expect((await boxOf(page, majorTip)).y).to.equal((await boxOf(page, genesis!)).y);
    expect((await boxOf(page, minorTip)).y).to.be.above((await boxOf(page, majorTip)).y);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-split.png') });

    // Heal: node 2 switches to the 25-block branch; the 15-block one stays drawn, grey.
    await heal();
    await tipsAre([majorTip, majorTip, majorTip]);
    await page.waitForSelector(`[data-block-hash="${minorTip}"][data-status="stale"]`, { timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="reorg-card"]').length === 2, undefined, { timeout: WAIT_MS });
    const card = page.locator('[data-testid="reorg-card"]').first();
    // Node 2 switches as soon as the blocks it has received outweigh its own 15: with 16 of the 25, or more.
    const heading = (await card.textContent()) ?? '';
    const switched = /Node 2 switched branches: 15 blocks disconnected, (\d+) connected/.exec(heading);
    expect(switched, heading).to.not.equal(null);
    const connected = BigInt(switched![1]!);
    expect(connected >= 16n && connected <= 25n, `connected ${connected}`).to.equal(true);
    const work = BigInt((await devnet.control<{ work: string }>('GET', `/devnet/blocks/${majorTip}`)).body.work);
    expect(digits(await card.locator('[data-testid="old-branch-work"]').textContent())).to.equal(`15${(15n * work).toString()}`);
    expect(digits(await card.locator('[data-testid="new-branch-work"]').textContent())).to.equal(`${connected}${(connected * work).toString()}`);
    const more = connected - 15n;
    expect(await card.locator('[data-testid="reorg-difference"]').textContent()).to.include(`${more === 1n ? 'one block' : `${more} blocks`} more, at the same difficulty`);
    expect(digits(await card.locator('[data-testid="reorg-difference"]').textContent())).to.match(new RegExp(`^${(more * work).toString()}`));
    // The double spend that lost: dropped, on the card and the timeline.
    await page.waitForFunction((txid) => document.querySelector('#timeline').textContent.includes(`dropped transaction ${txid.slice(0, 16)}`), rival.txid, { timeout: WAIT_MS });
    expect(await card.textContent()).to.include(`transaction ${rival.txid.slice(0, 16)}… dropped: a double spend`);
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard.png'), fullPage: true });

    // Click the block that confirmed node 0's payment: the explorer lists its transactions.
    await page.click(`[data-testid="block-tree"] [data-block-hash="${majority[0]}"]`);
    await page.waitForSelector(`[data-testid="block-details"][data-id="${majority[0]}"] [data-txid="${pay}"]`, { timeout: WAIT_MS });
    expect(await page.textContent('[data-testid="block-details"]')).to.include('coinbase');
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-explorer.png'), fullPage: true });

    // The search finds the txid.
    await page.fill('#search', pay);
    await page.click('form button[type="submit"]');
    await page.waitForSelector(`[data-testid="block-details"][data-kind="tx"][data-id="${pay}"]`, { timeout: WAIT_MS });
    // An address in the transaction opens its coins and history.
    await page.waitForSelector('[data-testid="block-details"] .tx a.address', { timeout: 5000 }).catch(async (e) => {
      throw new Error(`${String(e)}\n${await page.textContent('[data-testid="block-details"]')}`);
    });
    await page.click('[data-testid="block-details"] .tx a.address');
    await page.waitForSelector('[data-testid="block-details"][data-kind="address"]', { timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelector('[data-testid="block-details"]').textContent.includes('spendable'), undefined, { timeout: WAIT_MS });

    // The search reads heights and addresses too, and names what it cannot read.
    expect((await devnet.control('GET', '/devnet/search?q=0')).body).to.deep.equal({ kind: 'block', id: genesis });
    expect((await devnet.control('GET', `/devnet/search?q=${nodes[0].address}`)).body).to.deep.equal({ kind: 'address', id: nodes[0].address });
    const nonsense = await devnet.control('GET', '/devnet/search?q=nonsense');
    expect(nonsense.status).to.equal(404);
    expect(nonsense.body.error.code).to.equal('not-found');
    expect((await devnet.control('GET', '/devnet/tx/xyz')).body.error.code).to.equal('bad-request');

    // Large type scales the tree with the page: bigger labels, each still inside its box.
    const fontSize = () => page.$eval('[data-testid="block-tree"] g.block text', (t: any) => parseFloat(getComputedStyle(t).fontSize));
    const small = await fontSize();
    await page.check('header label:has-text("Large type") input');
    await page.waitForFunction(() => document.body.classList.contains('large'), undefined, { timeout: WAIT_MS });
    expect(await fontSize()).to.be.above(small);
    const spilling = await page.$$eval('[data-testid="block-tree"] g.block', (groups: any[]) =>
      groups.filter((g) => {
        const r = g.querySelector('rect').getBBox();
        return [...g.querySelectorAll(':scope > text')].some((t: any) => {
          const b = t.getBBox();
          return b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y || b.y + b.height > r.y + r.height;
        });
      }).map((g) => g.dataset.blockHash),
    );
    expect(spilling, 'blocks whose labels spill out of their box').to.deep.equal([]);
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-large.png') });
  });

  it('shows a refusal by its message with the code in the tooltip, and moves the group pickers when a split is made outside the page', async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(devnet.dashboardUrl);
    await page.waitForSelector('[data-node="0"] [data-action="send"]', { timeout: WAIT_MS });

    // Sending 0 coins is refused: the page says why in words, and keeps the code for the tooltip.
    await page.fill('[data-node="0"] [data-action="amount"]', '0');
    await page.click('[data-node="0"] [data-action="send"]');
    await page.waitForSelector('#error', { timeout: WAIT_MS });
    const text = await page.textContent('#error');
    expect(text).to.include('more than zero');
    expect(text).to.not.match(/^[a-z-]+: /);
    expect(await page.getAttribute('#error', 'title')).to.equal(`code: ${await page.getAttribute('#error', 'data-code')}`);
    expect(await page.getAttribute('#error', 'data-code')).to.match(/^[a-z-]+$/);
    // It stays to be read: the page's polls that follow (here one that brings a new block) do not clear it.
    const [mined] = await generate(0, 1);
    await page.waitForSelector(`[data-node="0"][data-tip="${mined}"]`, { timeout: WAIT_MS });
    expect(await page.textContent('#error')).to.equal(text);

    // A split made through the control API (as the CLI makes it): the pickers follow, A = {0}, B = {1, 2}.
    const pickers = () => page.$$eval('[data-node] select[data-action="group"]', (s: any[]) => s.map((e) => e.value));
    expect(await pickers()).to.deep.equal(['0', '0', '1']);
    expect((await devnet.control('POST', '/devnet/split', { groups: [[0], [1, 2]] })).status).to.equal(200);
    await waitFor('the pickers to follow the split', async () => JSON.stringify(await pickers()) === JSON.stringify(['0', '1', '1']) || undefined, WAIT_MS);
    expect((await devnet.control('POST', '/devnet/heal', {})).status).to.equal(200);
    await waitFor('the pickers to go back after the heal', async () => JSON.stringify(await pickers()) === JSON.stringify(['0', '0', '1']) || undefined, WAIT_MS);
  });

  it("switches its words to German and back, remembered across a reload; shows the lab's P(reversal) on blocks at known depths for the chosen q; hides the controls in presentation mode", async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
    const hashes = await generate(0, 10);
    const tip = hashes.at(-1)!;
    await tipsAre([tip, tip, tip]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(devnet.dashboardUrl);
    await page.waitForSelector(`[data-block-hash="${tip}"][data-status="active"]`, { timeout: WAIT_MS });

    // The finality meter: the tip has 1 confirmation, genesis 11; the values are the lab's exact model at those depths.
    const genesis = (await page.getAttribute('[data-testid="block-tree"] [data-height="0"]', 'data-block-hash'))!;
    const percent = (p: number) => new Intl.NumberFormat('en', { style: 'percent', maximumSignificantDigits: 2 }).format(p);
    const meterIs = async (hash: string, q: number, depth: number) => {
      const want = exactProbability(q, depth);
      await page.waitForFunction(([h, w]) => Number(document.querySelector(`[data-block-hash="${h}"]`)?.dataset.finality) === w, [hash, want] as const, { timeout: WAIT_MS });
      return want;
    };
    const atTip = await meterIs(tip, 0.1, 1);
    expect(await page.textContent(`[data-block-hash="${tip}"] text.finality`)).to.equal(`P(rev.) ${percent(atTip)}`);
    const atGenesis = await meterIs(genesis, 0.1, 11);
    expect(atGenesis).to.be.below(1e-6).and.above(0);
    expect(await page.textContent(`[data-block-hash="${genesis}"] text.finality`)).to.equal(`P(rev.) 1 in ${new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 2 }).format(1 / atGenesis)}`);
    // A stronger attacker: the slider asks the lab again, and the same blocks are less final.
    await page.$eval('#finality-q', (el: any) => {
      el.value = '0.3';
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(await meterIs(tip, 0.3, 1)).to.be.above(atTip);
    expect(await meterIs(genesis, 0.3, 11)).to.be.above(atGenesis);
    expect(await page.textContent('#finality-q-value')).to.equal('0.30');

    // The language: German from the picker, kept by a reload, English again.
    expect(await page.textContent('#pause')).to.equal('Everybody stop (pause miners)');
    await page.selectOption('#language', 'de');
    await page.waitForFunction(() => document.querySelector('#pause').textContent === 'Alle anhalten (Miner pausieren)', undefined, { timeout: WAIT_MS });
    expect(await page.textContent('[data-node="0"] strong')).to.equal('Knoten 0');
    expect(await page.getAttribute('html', 'lang')).to.equal('de');
    expect(await page.textContent('#finality-q-value')).to.equal('0,30');
    // What the devnet writes itself (its timeline lines) is said in German too, from the keys it sends beside its English.
    await page.waitForFunction(() => [...document.querySelectorAll('#timeline li')].some((li) => / Knoten auf regtest gestartet$| hat Block \d+ \w+ gemint$/.test(li.textContent ?? '')), undefined, { timeout: WAIT_MS });
    expect(await page.$$eval('#timeline li', (lis: any[]) => lis.filter((li) => / mined block | nodes started on /.test(li.textContent)).length), 'English devnet lines left').to.equal(0);
    await page.reload();
    await page.waitForSelector('[data-node="0"]', { timeout: WAIT_MS });
    expect(await page.textContent('#pause')).to.equal('Alle anhalten (Miner pausieren)');
    expect(await page.textContent('header h1')).to.equal('toychain-Devnet');
    await page.selectOption('#language', 'en');
    await page.waitForFunction(() => document.querySelector('#pause').textContent === 'Everybody stop (pause miners)', undefined, { timeout: WAIT_MS });

    // Presentation mode: the tree (and the lesson) only, in large type; the address keeps it; Escape ends it.
    const controls = ['#pause', '#split', '#heal', '#delay', '#search', '#language', '[data-node]', '[data-testid="mempools"]', '#timeline', '#finality-q'];
    const shown = () => page.$$eval(controls.join(','), (els: any[]) => els.length);
    expect(await shown()).to.be.above(0);
    await page.click('#present');
    await page.waitForSelector('[data-testid="presentation"]', { timeout: WAIT_MS });
    expect(await shown(), 'controls left in presentation mode').to.equal(0);
    expect(await page.isVisible(`[data-block-hash="${tip}"]`)).to.equal(true);
    expect(new URL(page.url()).searchParams.get('present')).to.equal('1');
    expect(await page.evaluate(() => document.body.classList.contains('present') && document.body.classList.contains('large'))).to.equal(true);
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-present.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#pause', { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('present')).to.equal(null);
    // Opened with ?present=1 (the link for the projector): straight into presentation mode.
    await page.goto(`${devnet.dashboardUrl}?present=1`);
    await page.waitForSelector('[data-testid="presentation"]', { timeout: WAIT_MS });
    await page.waitForSelector(`[data-block-hash="${tip}"]`, { timeout: WAIT_MS });
    expect(await shown()).to.equal(0);
    await page.click('#present');
    await page.waitForSelector('#pause', { timeout: WAIT_MS });
  });

  it('runs a lesson from the panel with its steps lit as they happen, in order, beside its idea and question; refuses a second one meanwhile; shows a running lesson in German in presentation mode', async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(devnet.dashboardUrl);
    await page.waitForSelector('[data-testid="lessons"] [data-lesson-tab="fork-and-heal"]', { timeout: WAIT_MS });
    await page.click('[data-lesson-tab="fork-and-heal"]');
    const fork = await loadScenarioFile(join(SCENARIOS_DIR, 'fork-and-heal.yaml'));
    const card = '[data-lesson="fork-and-heal"]';
    expect(await page.textContent(`${card} .idea`)).to.include(fork.idea);
    expect(await page.textContent(`${card} .question`)).to.include(fork.question);
    expect(await page.$$eval(`${card} [data-step-index]`, (els: any[]) => els.map((e) => e.dataset.status))).to.deep.equal(fork.steps.map(() => 'pending'));

    // Every change of a step's status, in the order the page shows them. Each `lesson` event of the stream is its own
    // task and preact renders at the end of each (queueMicrotask), so every status the devnet reports reaches the page.
    await page.evaluate(() => {
      const w = globalThis as any;
      w.lit = [];
      new w.MutationObserver((changes: any[]) => {
        for (const c of changes) if (c.attributeName === 'data-status' && c.target.dataset.stepIndex !== undefined) w.lit.push(`${c.target.dataset.stepIndex}:${c.target.dataset.status}`);
      }).observe(document.querySelector('[data-testid="lessons"]'), { attributes: true, subtree: true, attributeFilter: ['data-status'] });
    });
    await page.click(`${card} [data-action="run-lesson"]`);
    await page.waitForSelector(`${card}[data-run-state="passed"]`, { timeout: 120_000 });
    const lit = (await page.evaluate(() => (globalThis as any).lit)) as string[];
    // Each step lit up as it started, then showed how it ended, one after the other.
    const starts = lit.filter((l) => l.endsWith(':started')).map((l) => Number(l.split(':')[0]));
    expect(starts, lit.join(' ')).to.deep.equal(fork.steps.map((_, i) => i));
    for (const [i, step] of fork.steps.entries()) {
      const ended = step.kind === 'wait' || step.kind === 'expect' ? 'met' : 'done';
      expect(lit.indexOf(`${i}:started`), `step ${i} started`).to.be.below(lit.indexOf(`${i}:${ended}`));
      if (i > 0) expect(lit.indexOf(`${i - 1}:${fork.steps[i - 1]!.kind === 'wait' || fork.steps[i - 1]!.kind === 'expect' ? 'met' : 'done'}`), `step ${i - 1} ended before ${i} started`).to.be.below(lit.indexOf(`${i}:started`));
    }
    expect(await page.textContent(`${card} .run-state`)).to.equal('done: 4 of 4 expectations met');
    // What the lesson did is on the tree: node 2 reorganised, and its card explains it.
    await page.waitForSelector('[data-testid="reorg-card"][data-card-node="2"]', { timeout: WAIT_MS });

    // A second lesson while one runs is refused by name; the running one goes on.
    const started = await devnet.control('POST', '/devnet/lessons/double-spend-51/run', {});
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    expect(started.body.run.state).to.equal('running');
    const second = await devnet.control('POST', '/devnet/lessons/fork-and-heal/run', {});
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('lesson-running');

    // The projector's page: presentation mode, in German, on the running lesson.
    await page.selectOption('#language', 'de');
    await page.goto(`${devnet.dashboardUrl}?present=1&lesson=double-spend-51`);
    const spend = '[data-testid="presentation"] [data-lesson="double-spend-51"]';
    await page.waitForSelector(spend, { timeout: WAIT_MS });
    expect(await page.$$('[data-lesson-tab]')).to.have.length(0);
    expect(await page.textContent(`${spend} .idea`)).to.include('Bestätigungen sind probabilistische Finalität');
    expect(await page.textContent(`${spend} .question`)).to.include('Frage an die Klasse');
    expect(await page.textContent(`${spend} [data-step-index="0"]`)).to.include('Knoten 2, der Angreifer');
    await page.waitForSelector(`${spend} [data-step-index="3"][data-status="done"]`, { timeout: 120_000 });
    await page.waitForSelector(`${spend}[data-run-state="passed"]`, { timeout: 120_000 });
    expect(await page.textContent(`${spend} [data-step-index="3"]`)).to.include('Netz teilen: {0, 1} | {2}');
    expect(await page.textContent(`${spend} .run-state`)).to.equal('fertig: 5 von 5 Erwartungen erfüllt');
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-lesson.png') });
  });
});
