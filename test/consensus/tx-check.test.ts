import { expect } from 'chai';
import type { Coin, UtxoView } from '../../src/consensus/coin.js';
import { MAX_MONEY } from '../../src/consensus/subsidy.js';
import { signInput, xOnlyPublicKey } from '../../src/consensus/signature.js';
import { checkTransaction, checkTxInputs, checkTxSignatures } from '../../src/consensus/tx-check.js';
import { encodeTx, NULL_INDEX, outpointKey, type Outpoint, type Tx } from '../../src/consensus/tx.js';
import { hash32 } from '../../src/consensus/bytes.js';

/** 32 bytes of `b`: deterministic txids, keys and auxRand. */
function fill(b: number): Uint8Array {
  return new Uint8Array(32).fill(b);
}

const PARAMS = { maxBlockSize: 1_000_000, coinbaseMaturity: 100 };
const ALICE = fill(0x01);
const ALICE_PUB = xOnlyPublicKey(ALICE);
const BOB_PUB = xOnlyPublicKey(fill(0x02));
const AUX = fill(0x00);
const SIG = new Uint8Array(64).fill(0x5a); // a placeholder witness where signatures are not checked

/** A spend of the given outpoints (placeholder signatures) paying `values` to Bob. */
function spend(prevouts: Outpoint[], values: bigint[]): Tx {
  return {
    version: 1,
    inputs: prevouts.map((prevout) => ({ prevout, witness: SIG })),
    outputs: values.map((value) => ({ value, pubkey: BOB_PUB })),
    lockTime: 0,
  };
}

/** Outpoint `index` of the made-up transaction whose txid is 32 bytes of `b`. */
function outpoint(b: number, index = 0): Outpoint {
  return { txHash: hash32(fill(b)), index };
}

/** A coinbase with `dataSize` bytes of coinbase data. */
function coinbase(dataSize = 4): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txHash: hash32(new Uint8Array(32)), index: NULL_INDEX }, witness: new Uint8Array(dataSize) }],
    outputs: [{ value: 50n * 100_000_000n, pubkey: ALICE_PUB }],
    lockTime: 0,
  };
}

/** A coin of Alice's. */
function coin(value: bigint, height = 1, isCoinbase = false): Coin {
  return { value, pubkey: ALICE_PUB, height, coinbase: isCoinbase };
}

/** A UTXO view over a list of [outpoint, coin] pairs. */
function view(entries: Array<[Outpoint, Coin]>): UtxoView {
  const coins = new Map(entries.map(([o, c]) => [outpointKey(o), c]));
  return { getCoin: (o) => coins.get(outpointKey(o)) };
}

describe('checkTransaction', () => {
  it('accepts a well-formed spend', () => {
    expect(checkTransaction(spend([outpoint(1), outpoint(1, 1)], [10n, 20n]), PARAMS)).to.deep.equal({ ok: true });
  });

  it('accepts a well-formed coinbase', () => {
    expect(checkTransaction(coinbase(), PARAMS)).to.deep.equal({ ok: true });
  });

  it('rejects a transaction without inputs (bad-txns-vin-empty)', () => {
    expect(checkTransaction(spend([], [10n]), PARAMS)).to.include({ ok: false, reason: 'bad-txns-vin-empty' });
  });

  it('reports no inputs before no outputs, in Core\'s order (bad-txns-vin-empty)', () => {
    expect(checkTransaction(spend([], []), PARAMS)).to.include({ reason: 'bad-txns-vin-empty' });
  });

  it('rejects a transaction without outputs (bad-txns-vout-empty)', () => {
    expect(checkTransaction(spend([outpoint(1)], []), PARAMS)).to.include({ ok: false, reason: 'bad-txns-vout-empty' });
  });

  it('accepts a transaction exactly at the block size limit', () => {
    const tx = spend([outpoint(1)], [10n]);
    expect(checkTransaction(tx, { maxBlockSize: encodeTx(tx).length })).to.deep.equal({ ok: true });
  });

  it('rejects a transaction one byte over the block size limit (bad-txns-oversize)', () => {
    const tx = spend([outpoint(1)], [10n]);
    const verdict = checkTransaction(tx, { maxBlockSize: encodeTx(tx).length - 1 });
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-oversize' });
  });

  it('accepts an output of zero', () => {
    expect(checkTransaction(spend([outpoint(1)], [0n]), PARAMS)).to.deep.equal({ ok: true });
  });

  it('rejects an output of -1 (bad-txns-vout-negative)', () => {
    expect(checkTransaction(spend([outpoint(1)], [5n, -1n]), PARAMS)).to.include({ ok: false, reason: 'bad-txns-vout-negative' });
  });

  it('accepts an output of exactly MAX_MONEY', () => {
    expect(checkTransaction(spend([outpoint(1)], [MAX_MONEY]), PARAMS)).to.deep.equal({ ok: true });
  });

  it('rejects an output of MAX_MONEY + 1 (bad-txns-vout-toolarge)', () => {
    expect(checkTransaction(spend([outpoint(1)], [MAX_MONEY + 1n]), PARAMS)).to.include({
      ok: false,
      reason: 'bad-txns-vout-toolarge',
    });
  });

  it('accepts outputs summing to exactly MAX_MONEY', () => {
    expect(checkTransaction(spend([outpoint(1)], [MAX_MONEY - 1n, 1n]), PARAMS)).to.deep.equal({ ok: true });
  });

  it('rejects outputs each in range but summing past MAX_MONEY (bad-txns-txouttotal-toolarge, CVE-2010-5139)', () => {
    expect(checkTransaction(spend([outpoint(1)], [MAX_MONEY, 1n]), PARAMS)).to.include({
      ok: false,
      reason: 'bad-txns-txouttotal-toolarge',
    });
  });

  it('rejects a transaction spending one outpoint twice (bad-txns-inputs-duplicate, CVE-2018-17144)', () => {
    const verdict = checkTransaction(spend([outpoint(1), outpoint(2), outpoint(1)], [10n]), PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputs-duplicate' });
  });

  it('accepts two inputs spending different outputs of one transaction', () => {
    expect(checkTransaction(spend([outpoint(1, 0), outpoint(1, 1)], [10n]), PARAMS)).to.deep.equal({ ok: true });
  });

  for (const size of [2, 100]) {
    it(`accepts a coinbase with ${size} bytes of data`, () => {
      expect(checkTransaction(coinbase(size), PARAMS)).to.deep.equal({ ok: true });
    });
  }

  for (const size of [1, 101]) {
    it(`rejects a coinbase with ${size} bytes of data (bad-cb-length)`, () => {
      expect(checkTransaction(coinbase(size), PARAMS)).to.include({ ok: false, reason: 'bad-cb-length' });
    });
  }

  it('rejects a non-coinbase input that spends the null outpoint (bad-txns-prevout-null)', () => {
    const tx = spend([outpoint(1), { txHash: hash32(new Uint8Array(32)), index: NULL_INDEX }], [10n]);
    expect(checkTransaction(tx, PARAMS)).to.include({ ok: false, reason: 'bad-txns-prevout-null' });
  });
});

describe('checkTxInputs', () => {
  it('returns the fee and the spent coins in input order', () => {
    const a = coin(30_000n);
    const b = coin(20_000n);
    const verdict = checkTxInputs(spend([outpoint(1), outpoint(2)], [45_000n]), view([[outpoint(2), b], [outpoint(1), a]]), 10, PARAMS);
    expect(verdict).to.deep.equal({ ok: true, fee: 5_000n, spent: [a, b] });
  });

  it('accepts a fee of exactly zero', () => {
    const verdict = checkTxInputs(spend([outpoint(1)], [30_000n]), view([[outpoint(1), coin(30_000n)]]), 10, PARAMS);
    expect(verdict).to.include({ ok: true, fee: 0n });
  });

  it('rejects an input whose coin is missing or spent (bad-txns-inputs-missingorspent)', () => {
    const verdict = checkTxInputs(spend([outpoint(1), outpoint(2)], [10n]), view([[outpoint(1), coin(30_000n)]]), 10, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputs-missingorspent' });
  });

  it('accepts a coinbase coin spent exactly coinbaseMaturity blocks later', () => {
    const utxo = view([[outpoint(1), coin(50_000n, 5, true)]]);
    expect(checkTxInputs(spend([outpoint(1)], [10n]), utxo, 5 + PARAMS.coinbaseMaturity, PARAMS)).to.include({ ok: true });
  });

  it('rejects a coinbase coin spent one block before maturity (bad-txns-premature-spend-of-coinbase)', () => {
    const utxo = view([[outpoint(1), coin(50_000n, 5, true)]]);
    const verdict = checkTxInputs(spend([outpoint(1)], [10n]), utxo, 5 + PARAMS.coinbaseMaturity - 1, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-premature-spend-of-coinbase' });
  });

  it('lets a non-coinbase coin be spent in the next block', () => {
    const utxo = view([[outpoint(1), coin(50_000n, 5, false)]]);
    expect(checkTxInputs(spend([outpoint(1)], [10n]), utxo, 6, PARAMS)).to.include({ ok: true });
  });

  it('rejects a coin whose value is above MAX_MONEY (bad-txns-inputvalues-outofrange)', () => {
    const utxo = view([[outpoint(1), coin(MAX_MONEY + 1n)]]);
    const verdict = checkTxInputs(spend([outpoint(1)], [10n]), utxo, 10, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputvalues-outofrange' });
  });

  it('rejects inputs each in range but summing past MAX_MONEY (bad-txns-inputvalues-outofrange)', () => {
    const utxo = view([[outpoint(1), coin(MAX_MONEY)], [outpoint(2), coin(1n)]]);
    const verdict = checkTxInputs(spend([outpoint(1), outpoint(2)], [10n]), utxo, 10, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-inputvalues-outofrange' });
  });

  it('rejects outputs worth one unit more than the inputs (bad-txns-in-belowout)', () => {
    const utxo = view([[outpoint(1), coin(30_000n)]]);
    const verdict = checkTxInputs(spend([outpoint(1)], [30_001n]), utxo, 10, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-in-belowout' });
  });

  it('still rejects a fee above MAX_MONEY if called on an unchecked transaction (bad-txns-fee-outofrange)', () => {
    // Unreachable when the precondition holds: a negative output fails checkTransaction first.
    const utxo = view([[outpoint(1), coin(MAX_MONEY)]]);
    const verdict = checkTxInputs(spend([outpoint(1)], [-1n]), utxo, 10, PARAMS);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-fee-outofrange' });
  });
});

describe('checkTxSignatures', () => {
  /** A two-input spend of Alice's coins, both inputs signed by Alice. */
  function signed(): { tx: Tx; spent: Coin[] } {
    const spent = [coin(30_000n), coin(20_000n)];
    const tx = spend([outpoint(1), outpoint(2)], [45_000n]);
    tx.inputs = tx.inputs.map((input) => ({ ...input }));
    tx.inputs[0]!.witness = signInput(tx, 0, spent, ALICE, AUX);
    tx.inputs[1]!.witness = signInput(tx, 1, spent, ALICE, AUX);
    return { tx, spent };
  }

  it('accepts a transaction whose every input is signed by its coin\'s key', () => {
    const { tx, spent } = signed();
    expect(checkTxSignatures(tx, spent)).to.deep.equal({ ok: true });
  });

  it('rejects a bad signature on the second input and names it (bad-txns-sig)', () => {
    const { tx, spent } = signed();
    tx.inputs[1]!.witness = tx.inputs[0]!.witness;
    const verdict = checkTxSignatures(tx, spent);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-sig' });
    if (!verdict.ok) expect(verdict.debug).to.match(/^input 1:/);
  });

  it('reports the first failing input (bad-txns-sig-size before a later bad-txns-sig)', () => {
    const { tx, spent } = signed();
    tx.inputs[0]!.witness = new Uint8Array(65);
    tx.inputs[1]!.witness = new Uint8Array(64);
    const verdict = checkTxSignatures(tx, spent);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-sig-size' });
    if (!verdict.ok) expect(verdict.debug).to.match(/^input 0:/);
  });

  it('throws RangeError when the spent coins do not match the inputs (a caller bug)', () => {
    const { tx, spent } = signed();
    expect(() => checkTxSignatures(tx, spent.slice(1))).to.throw(RangeError);
  });
});
