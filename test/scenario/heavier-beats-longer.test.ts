/**
 * The heavier-beats-longer lesson end to end on a regtest-retarget devnet of real node
 * processes (blocks made with generate, each stamped through the node's settable clock):
 * the light side's slow window eases its difficulty fourfold, it mines the longer branch,
 * and at the heal the heavy side's shorter branch wins because it has more work. The
 * numbers are the ones the lesson's text works out by hand.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { regtest, regtestRetarget } from '../../src/consensus/params.js';
import { LessonError, Lessons } from '../../src/devnet/lesson-runs.js';
import { Devnet } from '../../src/devnet/devnet.js';
import { labReplay } from '../../src/lab/replay.js';
import { runScenario } from '../../src/scenario/runner.js';
import { loadScenarioFile } from '../../src/scenario/scenario-file.js';
import { SCENARIOS_DIR } from '../../src/scenario/shipped.js';

interface BlockView {
  hash: string;
  height: number;
  prevHash: string;
  bits: string;
  time: number;
  chainwork: string;
}

describe('heavier-beats-longer (regtest-retarget devnet)', function () {
  this.timeout(300_000);
  let dir: string;
  let devnet: Devnet | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-heavier-'));
  });
  afterEach(async () => {
    await devnet?.stop();
    devnet = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('switches node 2 to the heavy branch: two blocks of full difficulty beat four, three of them a quarter as hard', async () => {
    devnet = await Devnet.start({ nodes: 3, datadir: dir, params: regtestRetarget, workers: 1, mine: false, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
    const scenario = await loadScenarioFile(join(SCENARIOS_DIR, 'heavier-beats-longer.yaml'));
    const result = await runScenario(scenario, devnet, { seed: 1 });
    expect(result.stoppedBy).to.equal(null);
    expect([result.ok, result.met, result.missed]).to.deep.equal([true, 5, 0]);

    // Read both branches back from node 2, which holds them both (the light one as a stale fork).
    const node2 = devnet.nodes[2]!;
    const block = (hash: string) => node2.api<BlockView>('GET', `/blocks/${hash}`);
    const branch = async (tip: string, forkHeight: number): Promise<BlockView[]> => {
      const out: BlockView[] = [];
      for (let b = await block(tip); b.height > forkHeight; b = await block(b.prevHash)) out.unshift(b);
      return out;
    };
    const lightTip = result.events.filter((e) => e.kind === 'block' && e.miner === 2).at(-1);
    const tip = await node2.api<{ tip: string; height: number }>('GET', '/status');
    for (const n of devnet.nodes) expect((await n.api<{ tip: string }>('GET', '/status')).tip).to.equal(tip.tip);
    expect(lightTip?.kind).to.equal('block');
    const fork = 2; // two common blocks, then the split: the lesson's first mine step on a fresh devnet
    const heavy = await branch(tip.tip, fork);
    const light = await branch((lightTip as { hash: string }).hash, fork);
    expect([heavy.length, light.length], 'fewer blocks won').to.deep.equal([2, 4]);

    // Bits worked by hand: the light window took 10 + 10 + 140 = 160 s, the clamp ×4 (0xffff·4 = 0x3fffc);
    // the heavy one 10 + 10 + 20 = 40 s, exactly the timespan, so the genesis bits stay.
    expect(light.map((b) => b.bits)).to.deep.equal(['1f00ffff', '1f03fffc', '1f03fffc', '1f03fffc']);
    expect(heavy.map((b) => b.bits)).to.deep.equal(['1f00ffff', '1f00ffff']);
    const forkWork = BigInt(`0x${(await block(heavy[0]!.prevHash)).chainwork}`);
    expect(BigInt(`0x${heavy.at(-1)!.chainwork}`) - forkWork, 'heavy: 2 × 65 537').to.equal(131_074n);
    expect(BigInt(`0x${light.at(-1)!.chainwork}`) - forkWork, 'light: 65 537 + 3 × 16 384').to.equal(114_689n);

    // The card the page shows for node 2's reorg says why.
    const card = devnet.reorgCards.find((c) => c.node === 2);
    expect(card, 'a reorg card for node 2').to.not.equal(undefined);
    expect([card!.disconnected, card!.connected, card!.difference, card!.because]).to.deep.equal([4, 2, '16385', 'fewer blocks but more work: its blocks are harder']);

    // The same block finds on the lab's network, on regtest-retarget's rules with the log's times, end the same way.
    const lab = await labReplay(result.events);
    expect(lab.sameTips, JSON.stringify(lab.tips)).to.equal(true);
    expect(lab.sameReorgs, JSON.stringify(lab.reorgs)).to.equal(true);
  });

  it('runs from the lessons panel twice on one devnet, the second time with the same work on each side', async () => {
    devnet = await Devnet.start({ nodes: 3, datadir: dir, params: regtestRetarget, workers: 1, mine: false, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
    const lessons = new Lessons(devnet);
    for (const run of [1, 2]) {
      await lessons.start('heavier-beats-longer');
      await lessons.idle();
      const state = lessons.current();
      expect([state?.state, state?.met, state?.missed], `run ${run}: ${JSON.stringify(state)}`).to.deep.equal(['passed', 5, 0]);
    }
    const cards = devnet.reorgCards.filter((c) => c.node === 2);
    expect(cards.map((c) => [c.disconnected, c.connected, c.old.work, c.new.work])).to.deep.equal([
      [4, 2, '114689', '131074'],
      [4, 2, '114689', '131074'],
    ]);
  });

  it('is refused on a regtest devnet, naming the devnet to start (409 wrong-network), before anything changes', async () => {
    devnet = await Devnet.start({ nodes: 3, datadir: dir, params: regtest, workers: 1, mine: false, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
    const lessons = new Lessons(devnet);
    const listed = (await lessons.list()).lessons.find((l) => l.name === 'heavier-beats-longer');
    expect(listed?.blocked?.code).to.equal('wrong-network');
    const refused = await lessons.start('heavier-beats-longer').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(LessonError);
    expect([(refused as LessonError).status, (refused as LessonError).code]).to.deep.equal([409, 'wrong-network']);
    expect((refused as LessonError).message).to.include('toychain devnet --network regtest-retarget');
    expect(lessons.current()).to.equal(null);
    expect((await devnet.nodes[0]!.api<{ height: number }>('GET', '/status')).height).to.equal(0);
  });
});
