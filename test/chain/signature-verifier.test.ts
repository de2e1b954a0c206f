import { expect } from 'chai';
import { InProcessSignatureVerifier, WorkerSignatureVerifier, type SignatureVerifier } from '../../src/chain/signature-verifier.js';
import { VerifiedTxCache } from '../../src/chain/verified-tx-cache.js';
import { outpointKey, txid, type Tx } from '../../src/consensus/tx.js';
import { connectBlock } from '../../src/consensus/utxo.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { SCHNORR_BACKENDS } from '../../workers/schnorr-backends.js';
import { KEYS, mineBlock } from '../helpers/blocks.js';
import { waitFor } from '../helpers/node-process.js';
import { outputOf, params, poolWith, spend, type PoolFixture } from '../mempool/fixture.js';
import { type DisplayHex } from '../../src/consensus/bytes.js';

/** breakSignature flips one bit of input 0's signature. */
function breakSignature(tx: Tx): Tx {
  const witness = tx.inputs[0]!.witness.slice();
  witness[5]! ^= 1;
  return { ...tx, inputs: [{ ...tx.inputs[0]!, witness }, ...tx.inputs.slice(1)] };
}

/** A view over a fixture's chain store, for calling connectBlock directly. */
async function viewOf(f: PoolFixture, txs: Tx[]) {
  const coins = new Map();
  for (const tx of txs) for (const input of tx.inputs) coins.set(outpointKey(input.prevout), await f.chain.store.getCoin(input.prevout));
  return { getCoin: (o: Parameters<typeof outpointKey>[0]) => coins.get(outpointKey(o)) };
}

describe('signature verification', () => {
  describe('connectBlock with deferSignatures', () => {
    it('returns one signature check per non-coinbase transaction instead of rejecting a bad signature', async () => {
      const f = await poolWith(4);
      const good = spend([f.coinbases[0]!], 1000n);
      const bad = breakSignature(spend([f.coinbases[1]!], 1000n));
      const block = mineBlock(params, f.blocks[3]!, { txs: [good, bad] }).block;
      const view = await viewOf(f, [good, bad]);
      expect(connectBlock(block, 5, view, params)).to.deep.include({ ok: false, reason: 'bad-txns-sig' });
      const deferred = connectBlock(block, 5, view, params, { deferSignatures: true });
      expect(deferred.ok).to.equal(true);
      if (!deferred.ok) return;
      expect(deferred.signatureChecks!.map((c) => [txid(c.tx), c.index])).to.deep.equal([
        [txid(good), 1],
        [txid(bad), 2],
      ]);
      expect(deferred.signatureChecks![1]!.spent[0]!.value).to.equal(f.coinbases[1]!.value);
    });
  });

  describe('verified transaction cache', () => {
    it('can key by txid because a txid commits to the signatures', async () => {
      const f = await poolWith(4);
      const tx = spend([f.coinbases[0]!], 1000n);
      expect(txid(breakSignature(tx))).to.not.equal(txid(tx));
    });

    it('forgets the oldest txid when full', () => {
      const cache = new VerifiedTxCache(2);
      const [a, b, c] = ['a', 'b', 'c'].map((d) => d.repeat(64) as DisplayHex);
      cache.add(a!);
      cache.add(b!);
      cache.add(a!);
      cache.add(c!);
      expect([cache.has(a!), cache.has(b!), cache.has(c!), cache.size]).to.deep.equal([true, false, true, 2]);
    });
  });

  describe('chain and mempool sharing a verifier', () => {
    it('does not verify again a transaction the mempool verified, when its block connects', async () => {
      const verifier = new InProcessSignatureVerifier();
      const f = await poolWith(4, {}, { signatureVerifier: verifier });
      const tx = spend([f.coinbases[0]!], 1000n);
      expect((await f.mempool.accept(tx)).ok).to.equal(true);
      expect(verifier.verifiedTxCount).to.equal(1);
      expect(f.chain.verifiedTxs.has(txid(tx))).to.equal(true);
      expect((await f.chain.processBlock(mineBlock(params, f.blocks[3]!, { txs: [tx] }).block)).status).to.equal('connected');
      expect(verifier.verifiedTxCount).to.equal(1);
    });

    it('verifies a block transaction the mempool never saw, and only that one', async () => {
      const verifier = new InProcessSignatureVerifier();
      const f = await poolWith(4, {}, { signatureVerifier: verifier });
      const seen = spend([f.coinbases[0]!], 1000n);
      const unseen = spend([f.coinbases[1]!], 1000n);
      await f.mempool.accept(seen);
      const before = verifier.verifiedTxCount;
      expect((await f.chain.processBlock(mineBlock(params, f.blocks[3]!, { txs: [seen, unseen] }).block)).status).to.equal('connected');
      expect(verifier.verifiedTxCount - before).to.equal(1);
      expect(f.chain.verifiedTxs.has(txid(unseen))).to.equal(true);
    });

    it('rejects a block with a bad signature the cache does not vouch for (bad-txns-sig)', async () => {
      const verifier = new InProcessSignatureVerifier();
      const f = await poolWith(4, {}, { signatureVerifier: verifier });
      const good = spend([f.coinbases[0]!], 1000n);
      await f.mempool.accept(good);
      const bad = breakSignature(spend([f.coinbases[1]!], 1000n));
      const outcome = await f.chain.processBlock(mineBlock(params, f.blocks[3]!, { txs: [good, bad] }).block);
      expect(outcome).to.deep.include({ status: 'rejected', reason: 'bad-txns-sig', permanent: true });
      expect((outcome as { debug: string }).debug).to.match(/^tx 2: input 0/);
      expect(f.chain.height).to.equal(4);
    });
  });

  describe('worker threads', () => {
    let pool: WorkerSignatureVerifier;
    beforeEach(() => {
      pool = new WorkerSignatureVerifier({ threads: 2, maxChecksPerTask: 2 });
    });
    afterEach(async () => {
      await pool.destroy();
    });

    it('rejects a block with a bad signature through the worker pool (bad-txns-sig)', async () => {
      const f = await poolWith(8, {}, { signatureVerifier: pool });
      const txs = f.coinbases.slice(0, 5).map((c) => spend([c], 1000n));
      txs[3] = breakSignature(txs[3]!);
      const outcome = await f.chain.processBlock(mineBlock(params, f.blocks[7]!, { txs }).block);
      expect(outcome).to.deep.include({ status: 'rejected', reason: 'bad-txns-sig' });
      expect((outcome as { debug: string }).debug).to.match(/^tx 4: input 0/);
      expect(f.chain.height).to.equal(8);
    });

    it('connects a valid block through the worker pool', async () => {
      const f = await poolWith(8, {}, { signatureVerifier: pool });
      const txs = f.coinbases.slice(0, 5).map((c) => spend([c], 1000n));
      expect((await f.chain.processBlock(mineBlock(params, f.blocks[7]!, { txs }).block)).status).to.equal('connected');
      expect(pool.verifiedTxCount).to.equal(5);
    });

    it('names the first failing check whichever thread finishes first', async () => {
      const f = await poolWith(8);
      const txs = f.coinbases.slice(0, 6).map((c) => spend([c], 1000n));
      txs[2] = breakSignature(txs[2]!);
      txs[5] = breakSignature(txs[5]!);
      const checks = txs.map((tx, i) => ({ tx, spent: [{ value: f.coinbases[i]!.value, pubkey: KEYS[0]!.pubkey }] }));
      const inProcess: SignatureVerifier = new InProcessSignatureVerifier();
      expect(await pool.verify(checks)).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 2 });
      expect(await inProcess.verify(checks)).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 2 });
      expect(await pool.verify(checks.slice(3, 5))).to.deep.equal({ ok: true });
    });

    it('spreads the inputs of one transaction over the threads and names it when its last input fails (bad-txns-sig)', async () => {
      const f = await poolWith(12);
      const coins = f.coinbases.slice(0, 9);
      const wide = spend(coins, 1000n);
      const spent = coins.map((c) => ({ value: c.value, pubkey: c.key.pubkey }));
      const last = wide.inputs.length - 1;
      const witness = wide.inputs[last]!.witness.slice();
      witness[9]! ^= 1;
      const broken = { ...wide, inputs: wide.inputs.map((input, i) => (i === last ? { ...input, witness } : input)) };
      expect(await pool.verify([{ tx: wide, spent }])).to.deep.equal({ ok: true });
      const verdict = await pool.verify([{ tx: broken, spent }]);
      expect(verdict).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 0 });
      expect(verdict).to.deep.equal(await new InProcessSignatureVerifier().verify([{ tx: broken, spent }]));
      expect((verdict as { debug: string }).debug).to.match(new RegExp(`^input ${last}:`));
    });

    it('names a witness that is not one signature before a later bad signature (bad-txns-sig-size)', async () => {
      const f = await poolWith(8);
      const txs = f.coinbases.slice(0, 5).map((c) => spend([c], 1000n));
      txs[1] = { ...txs[1]!, inputs: [{ ...txs[1]!.inputs[0]!, witness: txs[1]!.inputs[0]!.witness.slice(0, 63) }] };
      txs[3] = breakSignature(txs[3]!);
      const checks = txs.map((tx, i) => ({ tx, spent: [{ value: f.coinbases[i]!.value, pubkey: KEYS[0]!.pubkey }] }));
      const verdict = await pool.verify(checks);
      expect(verdict).to.deep.include({ ok: false, reason: 'bad-txns-sig-size', check: 1 });
      expect(verdict).to.deep.equal(await new InProcessSignatureVerifier().verify(checks));
      expect(await pool.verify(checks.slice(2))).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 1 });
    });

    it('accepts a burst of concurrent transactions in arrival order: a child waits for its parent, the second of two spends loses', async () => {
      const f = await poolWith(8, {}, { signatureVerifier: pool });
      const mempool: Mempool = f.mempool;
      const parent = spend([f.coinbases[0]!], 1000n);
      const child = spend([outputOf(parent)], 1000n);
      const first = spend([f.coinbases[1]!], 1000n);
      const second = spend([f.coinbases[1]!], 9000n, { to: KEYS[2]! });
      const others = f.coinbases.slice(2, 5).map((c) => spend([c], 1000n));
      const verdicts = await Promise.all([parent, child, first, second, ...others].map((tx) => mempool.accept(tx)));
      expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).to.deep.equal(['ok', 'ok', 'ok', 'txn-mempool-conflict', 'ok', 'ok', 'ok']);
      expect(mempool.get(txid(child))?.ancestors).to.equal(1);
      expect(mempool.count).to.equal(6);
    });

    it('starts no thread before the first check, and lets its threads go when idle', async () => {
      const idle = new WorkerSignatureVerifier({ threads: 2, idleTimeoutMs: 100 });
      try {
        expect(idle.liveThreads).to.equal(0);
        const f = await poolWith(8);
        const checks = f.coinbases.slice(0, 4).map((c, i) => ({ tx: spend([c], 1000n), spent: [{ value: f.coinbases[i]!.value, pubkey: KEYS[0]!.pubkey }] }));
        expect(await idle.verify(checks)).to.deep.equal({ ok: true });
        expect(idle.liveThreads).to.be.greaterThan(0);
        await waitFor('the idle verifier threads to exit', () => idle.liveThreads === 0, 10_000);
        // And they come back for the next check.
        expect(await idle.verify(checks)).to.deep.equal({ ok: true });
      } finally {
        await idle.destroy();
      }
    });

    it('gives the same verdicts with libsecp256k1 and with noble, in workers and in process', async () => {
      const f = await poolWith(8);
      const txs = f.coinbases.slice(0, 6).map((c) => spend([c], 1000n));
      txs[4] = breakSignature(txs[4]!);
      const checks = txs.map((tx, i) => ({ tx, spent: [{ value: f.coinbases[i]!.value, pubkey: KEYS[0]!.pubkey }] }));
      for (const backend of SCHNORR_BACKENDS) {
        const workers = new WorkerSignatureVerifier({ threads: 2, maxChecksPerTask: 2, backend });
        try {
          expect(workers.backend).to.equal(backend);
          expect(await workers.verify(checks), `${backend} workers`).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 4 });
          expect(await workers.verify(checks.slice(0, 4)), `${backend} workers`).to.deep.equal({ ok: true });
        } finally {
          await workers.destroy();
        }
        const inProcess = new InProcessSignatureVerifier({ backend });
        expect(await inProcess.verify(checks), `${backend} in process`).to.deep.include({ ok: false, reason: 'bad-txns-sig', check: 4 });
      }
      expect(new InProcessSignatureVerifier().backend).to.equal('libsecp256k1');
    });

    it('rejects a bad signature sent in a burst and leaves the rest (bad-txns-sig)', async () => {
      const f = await poolWith(8, {}, { signatureVerifier: pool });
      const bad = breakSignature(spend([f.coinbases[0]!], 1000n));
      const retry = spend([f.coinbases[0]!], 1000n);
      const verdicts = await Promise.all([bad, retry].map((tx) => f.mempool.accept(tx)));
      expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).to.deep.equal(['bad-txns-sig', 'ok']);
      expect(f.mempool.entries().map((e) => e.txid)).to.deep.equal([txid(retry)]);
    });
  });
});
