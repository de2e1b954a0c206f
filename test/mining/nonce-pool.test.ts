import { expect } from 'chai';
import { bytesToBigIntLE } from '../../src/consensus/bytes.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { encodeBlockHeader } from '../../src/consensus/header.js';
import { sha256d } from '../../src/consensus/hash.js';
import { regtest } from '../../src/consensus/params.js';
import { compactToTarget } from '../../src/consensus/pow.js';
import { NoncePool } from '../../src/mining/nonce-pool.js';
import { fastestKernel, KERNEL_NAMES } from '../../workers/kernel-choice.js';

function headerWithNonce(header: Uint8Array, nonce: number): Uint8Array {
  const out = Uint8Array.from(header);
  new DataView(out.buffer).setUint32(76, nonce, true);
  return out;
}

function sampleHeader(seed: number): Uint8Array {
  const header = new Uint8Array(80);
  for (let i = 0; i < 80; i++) header[i] = (i * 13 + seed * 71 + 3) & 0xff;
  return header;
}

describe('nonce pool', () => {
  let pool: NoncePool;

  before(async () => {
    // Small slices so a test search spans many tasks per worker.
    pool = new NoncePool({ workers: 2, sliceNonces: 1 << 14 });
    await pool.ready();
  });

  after(async () => {
    await pool.destroy();
  });

  it('finds a nonce that meets regtest difficulty, on real worker threads', async () => {
    const header = encodeBlockHeader({ ...genesisBlock(regtest).header, time: regtest.genesis.time + 1 });
    const { target } = compactToTarget(regtest.genesis.bits);
    const r = await pool.search({ header, target });
    expect(r.nonce).to.be.a('number');
    expect(bytesToBigIntLE(sha256d(headerWithNonce(header, r.nonce!))) <= target).to.equal(true);
    expect(r.stopped).to.equal(false);
  });

  it('finds the only nonce in the range that meets the target', async () => {
    // The target is the lowest hash of the range, so exactly one nonce meets it.
    const header = sampleHeader(1);
    const range = 1 << 15;
    let best = -1;
    let bestHash = 1n << 256n;
    for (let n = 0; n < range; n++) {
      const h = bytesToBigIntLE(sha256d(headerWithNonce(header, n)));
      if (h < bestHash) [best, bestHash] = [n, h];
    }
    const r = await pool.search({ header, target: bestHash, startNonce: 0, endNonce: range });
    expect(r.nonce).to.equal(best);
  });

  it('hashes every nonce of an exhausted range once', async () => {
    const r = await pool.search({ header: sampleHeader(2), target: 0n, startNonce: 1000, endNonce: 1000 + 100_001 });
    expect(r).to.include({ nonce: null, hashesDone: 100_001, stopped: false });
  });

  it('stop() makes every worker idle and keeps the same threads warm for the next search', async () => {
    const threadsBefore = pool.hashrate().workers.map((w) => w.threadId);
    expect(threadsBefore).to.have.length(2);
    const search = pool.search({ header: sampleHeader(3), target: 0n });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.searching).to.equal(true);
    await pool.stop();
    // stop() resolves only after every worker has returned its task.
    expect(pool.searching).to.equal(false);
    const r = await search;
    expect(r.stopped).to.equal(true);
    expect(r.nonce).to.equal(null);
    const again = await pool.search({ header: sampleHeader(4), target: 0n, startNonce: 0, endNonce: 1 << 16 });
    expect(again.hashesDone).to.equal(1 << 16);
    expect(pool.hashrate().workers.map((w) => w.threadId)).to.deep.equal(threadsBefore);
  });

  it('reports a hashrate per worker and in total', () => {
    const rate = pool.hashrate();
    expect(rate.workers).to.have.length(2);
    for (const w of rate.workers) expect(w.hashrate).to.be.greaterThan(0);
    expect(rate.total).to.be.closeTo(rate.workers[0]!.hashrate + rate.workers[1]!.hashrate, 1e-6);
  });

  it('runs one search at a time and refuses bad input', async () => {
    const running = pool.search({ header: sampleHeader(5), target: 0n });
    expect(() => pool.search({ header: sampleHeader(5), target: 0n })).to.throw(/already running/);
    await pool.stop();
    await running;
    expect(() => pool.search({ header: new Uint8Array(79), target: 1n })).to.throw(TypeError);
    expect(() => pool.search({ header: sampleHeader(5), target: 1n, endNonce: 2 ** 32 + 1 })).to.throw(RangeError);
  });
});

describe('nonce pool kernels', () => {
  it('runs the fastest kernel this machine supports unless told otherwise', async () => {
    const pool = new NoncePool({ workers: 1 });
    try {
      expect(pool.kernel).to.equal(fastestKernel());
    } finally {
      await pool.destroy();
    }
  });

  it('finds the same lowest-hash nonce with the SIMD kernel and with the TS fallback', async () => {
    const header = sampleHeader(6);
    const range = 1 << 14;
    let best = -1;
    let bestHash = 1n << 256n;
    for (let n = 0; n < range; n++) {
      const h = bytesToBigIntLE(sha256d(headerWithNonce(header, n)));
      if (h < bestHash) [best, bestHash] = [n, h];
    }
    for (const kernel of KERNEL_NAMES) {
      const pool = new NoncePool({ workers: 2, sliceNonces: 1 << 12, kernel });
      try {
        await pool.ready();
        expect(pool.kernel).to.equal(kernel);
        const r = await pool.search({ header, target: bestHash, startNonce: 0, endNonce: range });
        expect(r.nonce, kernel).to.equal(best);
      } finally {
        await pool.destroy();
      }
    }
  });
});
