/**
 * A lesson run from the panel (src/devnet/lesson-runs.ts on a real devnet of node
 * processes, miners on) sets the hash-power shares it names on the nodes themselves, and
 * puts each node's share back when it ends, whether it ran to the end or was stopped;
 * a miner the lesson switched off is switched on again.
 * regtest with miners on: blocks come at the devnet's pace, each a few hashes.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { regtest } from '../../src/consensus/params.js';
import { Devnet } from '../../src/devnet/devnet.js';
import { Lessons } from '../../src/devnet/lesson-runs.js';

const LESSON = `title: Shares
idea: The shares a lesson needs.
question: Who mined?
nodes: 3
shares: [0.2, 0.3, 0.5]
steps:
  - share: { node: 0, share: 0.7 }
  - mining: { nodes: [1], active: false }
  - mine: { node: 2, blocks: 1, timeout: 2m }
  - wait: { height: { gained: 1 }, timeout: 2m }
`;
/** Waits far longer than the test: only a stop ends it. */
const LONG = `title: Long
idea: A lesson stopped half-way.
question: Who stopped it?
nodes: 3
shares: [0.25, 0.25, 0.5]
steps:
  - wait: { height: { gained: 100000 }, timeout: 50m }
`;

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('devnet: a lesson puts the hash-power shares back', function () {
  this.timeout(240_000);
  let dir: string;
  let devnet: Devnet | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-lesson-shares-'));
    const lessons = join(dir, 'scenarios');
    mkdirSync(lessons);
    writeFileSync(join(lessons, 'shares.yaml'), LESSON);
    writeFileSync(join(lessons, 'long.yaml'), LONG);
    devnet = await Devnet.start({ nodes: 3, datadir: join(dir, 'devnet'), params: regtest, blockTimeSec: 2, workers: 1, mine: true, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await devnet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each node's share, as the node itself answers (GET /mining/share) and as the devnet's view says. */
  async function shares(): Promise<{ nodes: number[]; view: number[] }> {
    const nodes = await Promise.all(devnet!.nodes.map(async (n) => (await n.api<{ share: number }>('GET', '/mining/share')).share));
    return { nodes, view: devnet!.view().nodes.map((n) => n.share) };
  }

  it('sets the lesson\'s shares while it runs and restores every node\'s share and miner when it ends', async () => {
    const lessons = new Lessons(devnet!, join(dir, 'scenarios'));
    const seen: number[][] = [];
    const run = await lessons.start('shares');
    expect(run.mode).to.equal('mining');
    await until('the share step', () => (lessons.current()?.steps[0]?.status === 'done' ? true : undefined));
    seen.push((await shares()).nodes);
    await until('the mining step', () => (lessons.current()?.steps[1]?.status === 'done' ? true : undefined));
    const resting = (await devnet!.nodes[1]!.api<{ mining: { active: boolean } }>('GET', '/status')).mining.active;
    await lessons.idle();
    expect(lessons.current()?.state, JSON.stringify(lessons.current())).to.equal('passed');
    expect(seen[0], 'during the run: the lesson\'s shares, node 0 raised by its step').to.deep.equal([0.7, 0.3, 0.5]);
    expect(await shares()).to.deep.equal({ nodes: [1, 1, 1], view: [1, 1, 1] });
    expect(resting, "node 1's miner off during the run").to.equal(false);
    expect(devnet!.view().nodes.map((n) => n.miningWanted)).to.deep.equal([true, true, true]);
    expect((await devnet!.nodes[1]!.api<{ mining: { active: boolean } }>('GET', '/status')).mining.active, "node 1's miner on again").to.equal(true);
  });

  it('restores them when the lesson is stopped half-way', async () => {
    await devnet!.setShare(1, 0.8);
    const lessons = new Lessons(devnet!, join(dir, 'scenarios'));
    await lessons.start('long');
    // The run is under way once its first event is out; the shares follow before its first step.
    await until("the lesson's shares on the nodes", async () => (lessons.current()?.steps[0]?.status === 'started' ? true : undefined));
    expect((await shares()).nodes).to.deep.equal([0.25, 0.25, 0.5]);
    lessons.stop();
    await lessons.idle();
    expect(lessons.current()?.state).to.equal('stopped');
    expect(await shares(), 'as they were before the lesson, node 1 at 0.8').to.deep.equal({ nodes: [1, 0.8, 1], view: [1, 0.8, 1] });
  });
});
