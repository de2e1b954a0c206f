import { expect } from 'chai';
import { fromDisplayHex, hexToBytes } from '../../src/consensus/bytes.js';
import type { SpentOutput } from '../../src/consensus/sighash.js';
import { regtest } from '../../src/consensus/params.js';
import { checkTransaction, checkTxSignatures } from '../../src/consensus/tx-check.js';
import { decodeTx, txid } from '../../src/consensus/tx.js';
import { estimateTxSize } from '../../wallet/coin-selection.js';
import { accountKey, CHANGE_CHAIN, deriveKey, mnemonicSeed, RECEIVE_CHAIN } from '../../wallet/keys.js';
import { buildPayment, type SpendableCoin } from '../../wallet/tx-builder.js';

const account = accountKey(mnemonicSeed('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'));
const key = (chain: 0 | 1, index: number) => deriveKey(account, chain, index);

function coin(index: number, value: bigint, k = key(RECEIVE_CHAIN, index)): SpendableCoin {
  return { txid: `${index.toString(16).padStart(2, '0')}`.repeat(32), index, value, pubkey: k.pubkey, privateKey: k.privateKey };
}

describe('transaction building', () => {
  const friend = key(RECEIVE_CHAIN, 99).pubkey;
  const change = key(CHANGE_CHAIN, 0);

  it('signs every input so that checkTxSignatures accepts it', () => {
    const inputs = [coin(1, 30n), coin(2, 40n), coin(3, 50n, key(CHANGE_CHAIN, 5))];
    const signed = buildPayment({ inputs, to: friend, amount: 60n, changeTo: change.pubkey, change: 50n });
    const tx = decodeTx(hexToBytes(signed.hex));
    expect(checkTransaction(tx, regtest)).to.deep.equal({ ok: true });
    const spent: SpentOutput[] = inputs.map((c) => ({ value: c.value, pubkey: c.pubkey }));
    expect(checkTxSignatures(tx, spent)).to.deep.equal({ ok: true });
    expect(txid(tx)).to.equal(signed.txid);
  });

  it('spends the chosen outpoints and pays the recipient first, the change second', () => {
    const inputs = [coin(7, 1000n)];
    const signed = buildPayment({ inputs, to: friend, amount: 600n, changeTo: change.pubkey, change: 300n });
    expect(signed.tx.inputs[0]!.prevout.txHash).to.deep.equal(fromDisplayHex(inputs[0]!.txid));
    expect(signed.tx.inputs[0]!.prevout.index).to.equal(7);
    expect(signed.tx.outputs.map((o) => o.value)).to.deep.equal([600n, 300n]);
    expect(signed.tx.outputs[1]!.pubkey).to.deep.equal(change.pubkey);
    expect(signed.changeIndex).to.equal(1);
  });

  it('makes no change output when the change is zero, and the size is what coin selection estimated', () => {
    const signed = buildPayment({ inputs: [coin(1, 500n), coin(2, 500n)], to: friend, amount: 900n, changeTo: change.pubkey, change: 0n });
    expect(signed.tx.outputs).to.have.length(1);
    expect(signed.changeIndex).to.equal(-1);
    expect(hexToBytes(signed.hex).length).to.equal(estimateTxSize(2, 1));
  });

  it('makes a signature that fails when the spent value is misstated', () => {
    const inputs = [coin(1, 1000n)];
    const signed = buildPayment({ inputs, to: friend, amount: 900n, changeTo: change.pubkey, change: 0n });
    const verdict = checkTxSignatures(signed.tx, [{ value: 999n, pubkey: inputs[0]!.pubkey }]);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-sig' });
  });
});
