import { expect } from 'chai';
import type { Block } from '../../src/consensus/block.js';
import type { Coin, SpentCoin, UtxoView } from '../../src/consensus/coin.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { blockSubsidy, COIN, MAX_MONEY } from '../../src/consensus/subsidy.js';
import { outpointKey, txHash, type Outpoint, type Tx } from '../../src/consensus/tx.js';
import { connectBlock, disconnectBlock, type CoinChange } from '../../src/consensus/utxo.js';
import { coinbaseOutpoint, describeCoins, genesisOf, KEYS, mineBlock, replayUtxo, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { hash32 } from '../../src/consensus/bytes.js';

const [K0, K1, K2, K3] = [KEYS[0]!, KEYS[1]!, KEYS[2]!, KEYS[3]!];
const SUBSIDY = blockSubsidy(1, regtest);

/** A UTXO set in a plain Map, the view connectBlock reads, and a way to apply changes to it. */
function utxoSet(entries: Array<[Outpoint, Coin]> = []) {
  const coins = new Map(entries.map(([o, c]) => [outpointKey(o), c]));
  const view: UtxoView = { getCoin: (o) => coins.get(outpointKey(o)) };
  const apply = (changes: readonly CoinChange[]): void => {
    for (const c of changes) {
      if (c.coin === null) coins.delete(outpointKey(c.outpoint));
      else coins.set(outpointKey(c.outpoint), c.coin);
    }
  };
  return { coins, view, apply, describe: () => describeCoins(coins) };
}

/** Output `index` of a made-up earlier transaction whose txid is 32 bytes of `b`. */
function outpoint(b: number, index = 0): Outpoint {
  return { txHash: hash32(new Uint8Array(32).fill(b)), index };
}

/** A mature, non-coinbase coin of `value` locked to `key`. */
function coinOf(value: bigint, key = K0): Coin {
  return { value, pubkey: key.pubkey, height: 0, coinbase: false };
}

/** A signed spend of one coin at `prevout`, paying `outputs` (value, key) pairs. */
function spendOne(prevout: Outpoint, coin: Coin, signer: { privateKey: Uint8Array }, outputs: Array<[bigint, typeof K0]>): Tx {
  return spendTx(
    [{ outpoint: prevout, coin, privateKey: signer.privateKey }],
    outputs.map(([value, key]) => ({ value, pubkey: key.pubkey })),
  );
}

/** Height 1 on regtest genesis. */
function blockAtOne(opts: Parameters<typeof mineBlock>[2] = {}): Block {
  return mineBlock(regtest, genesisOf(regtest), opts).block;
}

/** A parent at height `height` (only the height matters to connectBlock). */
function parentAt(height: number): MinedBlock {
  return { ...genesisOf(regtest), height };
}

describe('connectBlock', () => {
  it('creates exactly the coinbase\'s outputs for a coinbase-only block', () => {
    const mined = mineBlock(regtest, genesisOf(regtest));
    const verdict = connectBlock(mined.block, 1, utxoSet().view, regtest);
    expect(verdict).to.deep.equal({
      ok: true,
      fees: 0n,
      changes: [{ outpoint: coinbaseOutpoint(mined), coin: { value: SUBSIDY, pubkey: K0.pubkey, height: 1, coinbase: true } }],
      undo: [],
      txHashes: [txHash(mined.block.txs[0]!)],
    });
  });

  it('lets a transaction spend an output of an earlier transaction in the same block', () => {
    const x = outpoint(0xa1);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const a = spendOne(x, coinOf(10n * COIN), K0, [[9n * COIN, K1]]);
    const aOut = { txHash: txHash(a), index: 0 };
    const aCoin = { value: 9n * COIN, pubkey: K1.pubkey, height: 1, coinbase: false };
    const b = spendOne(aOut, aCoin, K1, [[8n * COIN, K2]]);
    const mined = mineBlock(regtest, genesisOf(regtest), { txs: [a, b], fees: 2n * COIN });

    const verdict = connectBlock(mined.block, 1, set.view, regtest);
    if (!verdict.ok) expect.fail(`${verdict.reason}: ${verdict.debug}`);
    expect(verdict.fees).to.equal(2n * COIN);
    expect(verdict.undo).to.deep.equal([{ outpoint: x, coin: coinOf(10n * COIN) }, { outpoint: aOut, coin: aCoin }]);
    set.apply(verdict.changes);
    expect([...set.coins.keys()].sort()).to.deep.equal(
      [outpointKey(coinbaseOutpoint(mined)), outpointKey({ txHash: txHash(b), index: 0 })].sort(),
    );
  });

  it('disconnecting a block whose transaction spends an earlier one in it leaves neither output', () => {
    const x = outpoint(0xa1);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const before = set.describe();
    const a = spendOne(x, coinOf(10n * COIN), K0, [[9n * COIN, K1]]);
    const aOut = { txHash: txHash(a), index: 0 };
    const b = spendOne(aOut, { value: 9n * COIN, pubkey: K1.pubkey, height: 1, coinbase: false }, K1, [[8n * COIN, K2]]);
    const { block } = mineBlock(regtest, genesisOf(regtest), { txs: [a, b], fees: 2n * COIN });

    const verdict = connectBlock(block, 1, set.view, regtest);
    if (!verdict.ok) expect.fail(`${verdict.reason}: ${verdict.debug}`);
    set.apply(verdict.changes);
    set.apply(disconnectBlock(block, verdict.undo));
    expect(set.describe()).to.deep.equal(before);
    expect(set.coins.has(outpointKey(aOut))).to.equal(false);
  });

  it('rejects a coinbase that would overwrite an unspent coin with the same txid (bad-txns-BIP30)', () => {
    const mined = mineBlock(regtest, genesisOf(regtest));
    const set = utxoSet([[coinbaseOutpoint(mined), { value: SUBSIDY, pubkey: K0.pubkey, height: 1, coinbase: true }]]);
    expect(connectBlock(mined.block, 1, set.view, regtest)).to.deep.equal({
      ok: false,
      reason: 'bad-txns-BIP30',
      debug: 'tx 0 would overwrite unspent output 0',
    });
  });

  /** A block spending a 10-coin coin with a fee of 1 coin, its coinbase paying `coinbaseValue`. */
  function feeBlock(coinbaseValue: bigint) {
    const x = outpoint(0xb1);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const tx = spendOne(x, coinOf(10n * COIN), K0, [[9n * COIN, K1]]);
    return { set, block: blockAtOne({ txs: [tx], coinbaseValue }) };
  }

  it('accepts a coinbase claiming exactly subsidy + fees', () => {
    const { set, block } = feeBlock(SUBSIDY + COIN);
    expect(connectBlock(block, 1, set.view, regtest)).to.include({ ok: true, fees: COIN });
  });

  it('rejects a coinbase claiming subsidy + fees + 1 (bad-cb-amount)', () => {
    const { set, block } = feeBlock(SUBSIDY + COIN + 1n);
    expect(connectBlock(block, 1, set.view, regtest)).to.deep.equal({
      ok: false,
      reason: 'bad-cb-amount',
      debug: `coinbase pays ${SUBSIDY + COIN + 1n}, limit ${SUBSIDY + COIN}`,
    });
  });

  it('accepts a coinbase claiming less than allowed (the rest is burnt)', () => {
    const { set, block } = feeBlock(SUBSIDY - 1n);
    expect(connectBlock(block, 1, set.view, regtest)).to.include({ ok: true, fees: COIN });
  });

  it('rejects fees each in range that sum past MAX_MONEY (bad-txns-accumulated-fee-outofrange)', () => {
    const [x, y] = [outpoint(0xc1), outpoint(0xc2)];
    const big = coinOf(MAX_MONEY);
    const set = utxoSet([[x, big], [y, big]]);
    const tx1 = spendOne(x, big, K0, [[1n, K1]]);
    const tx2 = spendOne(y, big, K0, [[1n, K1]]);
    expect(connectBlock(blockAtOne({ txs: [tx1] }), 1, set.view, regtest)).to.include({ ok: true, fees: MAX_MONEY - 1n });
    expect(connectBlock(blockAtOne({ txs: [tx1, tx2] }), 1, set.view, regtest)).to.deep.equal({
      ok: false,
      reason: 'bad-txns-accumulated-fee-outofrange',
      debug: `block fees ${2n * (MAX_MONEY - 1n)}`,
    });
  });

  it('rejects a spend signed by the wrong key (bad-txns-sig)', () => {
    const x = outpoint(0xd1);
    const set = utxoSet([[x, coinOf(10n * COIN, K0)]]);
    const tx = spendOne(x, coinOf(10n * COIN, K0), K1, [[10n * COIN, K1]]);
    const verdict = connectBlock(blockAtOne({ txs: [tx] }), 1, set.view, regtest);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-sig' });
    expect(verdict.ok === false && verdict.debug).to.match(/^tx 1: /);
  });

  it('rejects a 63-byte witness (bad-txns-sig-size)', () => {
    const x = outpoint(0xd2);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const tx = spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K1]]);
    tx.inputs[0]!.witness = tx.inputs[0]!.witness.slice(0, 63);
    expect(connectBlock(blockAtOne({ txs: [tx] }), 1, set.view, regtest)).to.include({ ok: false, reason: 'bad-txns-sig-size' });
  });

  it('checks signatures after amounts: a bad signature and an overpaying coinbase report the amount (bad-cb-amount)', () => {
    const x = outpoint(0xd3);
    const set = utxoSet([[x, coinOf(10n * COIN, K0)]]);
    const tx = spendOne(x, coinOf(10n * COIN, K0), K1, [[10n * COIN, K1]]);
    const block = blockAtOne({ txs: [tx], coinbaseValue: SUBSIDY + 1n });
    expect(connectBlock(block, 1, set.view, regtest)).to.include({ ok: false, reason: 'bad-cb-amount' });
  });

  it('names the transaction whose input is missing (bad-txns-inputs-missingorspent)', () => {
    const x = outpoint(0xe1);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const good = spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K1]]);
    const missing = spendOne(outpoint(0xe2), coinOf(10n * COIN), K0, [[10n * COIN, K1]]);
    const verdict = connectBlock(blockAtOne({ txs: [good, missing] }), 1, set.view, regtest);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputs-missingorspent' });
    expect(verdict.ok === false && verdict.debug).to.match(/^tx 2: /);
  });

  it('rejects a second transaction spending a coin an earlier one in the block spent (bad-txns-inputs-missingorspent)', () => {
    const x = outpoint(0xe3);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const first = spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K1]]);
    const second = spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K2]]);
    const verdict = connectBlock(blockAtOne({ txs: [first, second] }), 1, set.view, regtest);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputs-missingorspent' });
    expect(verdict.ok === false && verdict.debug).to.match(/^tx 2: /);
  });

  it('accepts a coinbase coin spent at exactly coinbaseMaturity blocks, counting from the block\'s height', () => {
    const x = outpoint(0xf1);
    const coin: Coin = { value: SUBSIDY, pubkey: K0.pubkey, height: 1, coinbase: true };
    const height = 1 + regtest.coinbaseMaturity;
    const { block } = mineBlock(regtest, parentAt(height - 1), { txs: [spendOne(x, coin, K0, [[SUBSIDY, K1]])] });
    expect(connectBlock(block, height, utxoSet([[x, coin]]).view, regtest)).to.include({ ok: true });
  });

  it('rejects a coinbase coin spent one block before maturity (bad-txns-premature-spend-of-coinbase)', () => {
    const x = outpoint(0xf2);
    const coin: Coin = { value: SUBSIDY, pubkey: K0.pubkey, height: 1, coinbase: true };
    const height = regtest.coinbaseMaturity;
    const { block } = mineBlock(regtest, parentAt(height - 1), { txs: [spendOne(x, coin, K0, [[SUBSIDY, K1]])] });
    expect(connectBlock(block, height, utxoSet([[x, coin]]).view, regtest)).to.include({
      ok: false,
      reason: 'bad-txns-premature-spend-of-coinbase',
    });
  });
});

describe('disconnectBlock', () => {
  /** Four blocks (maturity 1) whose spends cross blocks and, in block 3, chain inside one. */
  function chainWithSpends(params: NetworkParams): Block[] {
    const b1 = mineBlock(params, genesisOf(params));
    const cb1 = { value: blockSubsidy(1, params), pubkey: K0.pubkey, height: 1, coinbase: true };
    const t2 = spendOne(coinbaseOutpoint(b1), cb1, K0, [[20n * COIN, K1], [cb1.value - 21n * COIN, K2]]);
    const b2 = mineBlock(params, b1, { txs: [t2], fees: COIN, pubkey: K3.pubkey });
    const cb2Value = blockSubsidy(2, params) + COIN;
    const t3a = spendTx(
      [
        { outpoint: coinbaseOutpoint(b2), coin: { value: cb2Value, pubkey: K3.pubkey }, privateKey: K3.privateKey },
        { outpoint: { txHash: txHash(t2), index: 0 }, coin: { value: 20n * COIN, pubkey: K1.pubkey }, privateKey: K1.privateKey },
      ],
      [{ value: cb2Value + 19n * COIN, pubkey: K0.pubkey }],
    );
    const t3aCoin = { value: cb2Value + 19n * COIN, pubkey: K0.pubkey, height: 3, coinbase: false };
    const t3b = spendOne({ txHash: txHash(t3a), index: 0 }, t3aCoin, K0, [[COIN, K1], [t3aCoin.value - 2n * COIN, K2]]);
    const b3 = mineBlock(params, b2, { txs: [t3a, t3b], fees: 2n * COIN });
    const cb3Value = blockSubsidy(3, params) + 2n * COIN;
    const t4 = spendTx(
      [
        { outpoint: { txHash: txHash(t2), index: 1 }, coin: { value: cb1.value - 21n * COIN, pubkey: K2.pubkey }, privateKey: K2.privateKey },
        { outpoint: coinbaseOutpoint(b3), coin: { value: cb3Value, pubkey: K0.pubkey }, privateKey: K0.privateKey },
      ],
      [{ value: cb1.value - 21n * COIN + cb3Value, pubkey: K1.pubkey }],
    );
    const b4 = mineBlock(params, b3, { txs: [t4] });
    return [b1, b2, b3, b4].map((m) => m.block);
  }

  it('restores the UTXO set exactly, block by block, when blocks are disconnected in reverse order', () => {
    const params = { ...regtest, coinbaseMaturity: 1 };
    const blocks = chainWithSpends(params);
    const set = utxoSet();
    const snapshots: string[][] = [];
    const undos: SpentCoin[][] = [];
    blocks.forEach((block, i) => {
      snapshots.push(set.describe());
      const verdict = connectBlock(block, i + 1, set.view, params);
      if (!verdict.ok) expect.fail(`block ${i + 1}: ${verdict.reason}: ${verdict.debug}`);
      set.apply(verdict.changes);
      undos.push(verdict.undo);
    });
    expect(set.describe()).to.deep.equal(describeCoins(replayUtxo(params, blocks)));
    for (let i = blocks.length - 1; i >= 0; i--) {
      set.apply(disconnectBlock(blocks[i]!, undos[i]!));
      expect(set.describe(), `after disconnecting block ${i + 1}`).to.deep.equal(snapshots[i]);
    }
    expect(set.coins.size).to.equal(0);
  });

  it('throws on undo data of the wrong length (a corrupt store, not a rule failure)', () => {
    const x = outpoint(0x91);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const block = blockAtOne({ txs: [spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K1]])] });
    const verdict = connectBlock(block, 1, set.view, regtest);
    if (!verdict.ok) expect.fail(verdict.reason);
    expect(() => disconnectBlock(block, [])).to.throw(Error, 'undo data has 0 coins, block spends 1');
    expect(() => disconnectBlock(block, [...verdict.undo, ...verdict.undo])).to.throw(Error, 'undo data has 2 coins, block spends 1');
  });

  it('throws on undo data for the wrong outpoint (a corrupt store, not a rule failure)', () => {
    const x = outpoint(0x92);
    const set = utxoSet([[x, coinOf(10n * COIN)]]);
    const block = blockAtOne({ txs: [spendOne(x, coinOf(10n * COIN), K0, [[10n * COIN, K1]])] });
    const verdict = connectBlock(block, 1, set.view, regtest);
    if (!verdict.ok) expect.fail(verdict.reason);
    const wrong: SpentCoin[] = [{ outpoint: { ...x, index: 1 }, coin: verdict.undo[0]!.coin }];
    expect(() => disconnectBlock(block, wrong)).to.throw(Error, 'undo data does not match input 0 of tx 1');
  });
});
