import { expect } from 'chai';
import { LinkShaping, ShapedLink } from '../../src/p2p/link-shaping.js';

/** waitUntil polls a condition (bounded), never a fixed sleep. */
async function waitUntil(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('p2p: link shaping', () => {
  it('sends at once when no shaping is set', () => {
    const link = new ShapedLink(new LinkShaping());
    const sent: number[] = [];
    link.send(() => sent.push(1));
    expect(sent).to.deep.equal([1]);
  });

  it('delays messages by at least delayMs and keeps their order under jitter', async () => {
    let r = 0;
    const randoms = [0.99, 0.0, 0.5, 0.1];
    const shaping = new LinkShaping(() => randoms[r++ % randoms.length]!);
    shaping.set({ delayMs: 30, jitterMs: 40, dropRate: 0 });
    const link = new ShapedLink(shaping);
    const sent: { n: number; at: number }[] = [];
    const start = Date.now();
    for (let n = 0; n < 4; n++) link.send(() => sent.push({ n, at: Date.now() }));
    expect(sent).to.deep.equal([]);
    await waitUntil(() => sent.length === 4, 'four delayed messages');
    expect(sent.map((s) => s.n)).to.deep.equal([0, 1, 2, 3]);
    // The first message drew the largest jitter (0.99 of 40 ms): no later one overtakes it.
    expect(sent[0]!.at - start).to.be.at.least(30 + 39 - 2);
  });

  it('drops messages with probability dropRate', () => {
    const randoms = [0.1, 0.9];
    let r = 0;
    const shaping = new LinkShaping(() => randoms[r++ % 2]!);
    shaping.set({ delayMs: 0, jitterMs: 0, dropRate: 0.5 });
    const link = new ShapedLink(shaping);
    const results = [link.send(() => undefined), link.send(() => undefined)];
    expect(results).to.deep.equal([false, true]);
    link.close();
  });

  it('forgets waiting messages on close', async () => {
    const shaping = new LinkShaping();
    shaping.set({ delayMs: 20, jitterMs: 0, dropRate: 0 });
    const link = new ShapedLink(shaping);
    let sent = 0;
    link.send(() => sent++);
    expect(link.pending).to.equal(1);
    link.close();
    expect(link.pending).to.equal(0);
    const later = new ShapedLink(shaping);
    let laterSent = false;
    later.send(() => (laterSent = true));
    await waitUntil(() => laterSent, 'a later message on another link');
    expect(sent).to.equal(0);
  });

  it('refuses a shape out of range and keeps the old one', () => {
    const shaping = new LinkShaping();
    shaping.set({ delayMs: 100, jitterMs: 0, dropRate: 0 });
    expect(() => shaping.set({ delayMs: -5, jitterMs: 0, dropRate: 0 })).to.throw(RangeError, /delayMs/);
    expect(() => shaping.set({ delayMs: 0, jitterMs: 0, dropRate: 1.5 })).to.throw(RangeError, /dropRate/);
    expect(shaping.shape).to.deep.equal({ delayMs: 100, jitterMs: 0, dropRate: 0 });
  });
});
