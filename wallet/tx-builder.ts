/**
 * Building and signing a payment: the chosen coins become inputs, the recipient gets
 * the first output and the change (if any) the second, and every input is signed with
 * the key of the coin it spends over the BIP341-style signature hash
 * (src/consensus/sighash.ts). The result is the canonical encoding the node's
 * `POST /api/v1/tx` takes, and its txid.
 *
 * Bitcoin: like a Taproot key-path spend (SIGHASH_DEFAULT), each signature commits to
 * every input's value and key, so a wrong amount cannot trick the signer into a fee.
 * Differs from Bitcoin wallets: no output shuffling (BIP69 or random); the change is
 * always output 1, which a student can see in the explorer.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, fromDisplayHex } from '../src/consensus/bytes.js';
import { signInput } from '../src/consensus/signature.js';
import type { SpentOutput } from '../src/consensus/sighash.js';
import { encodeTx, txid as txidOf, type Tx } from '../src/consensus/tx.js';

/** A coin the wallet can spend: where it is, what it holds, and the key that unlocks it. */
export interface SpendableCoin {
  /** display hex */
  txid: string;
  index: number;
  value: bigint;
  pubkey: Uint8Array;
  privateKey: Uint8Array;
}

export interface PaymentPlan {
  inputs: readonly SpendableCoin[];
  /** x-only key of the recipient (decoded from their address) */
  to: Uint8Array;
  amount: bigint;
  /** x-only key of the wallet's new change address; ignored when change is 0n */
  changeTo: Uint8Array;
  change: bigint;
}

export interface SignedTx {
  tx: Tx;
  txid: string;
  hex: string;
  /** index of the change output, or -1 when there is none */
  changeIndex: number;
}

/** The transaction version the wallet writes. */
export const TX_VERSION = 1;

/**
 * buildPayment makes and signs the transaction of a plan. `auxRand` gives BIP340's
 * auxiliary randomness per input (fresh random bytes unless a test fixes it).
 * Throws RangeError for a plan with no inputs or a non-positive amount (a caller bug).
 */
export function buildPayment(plan: PaymentPlan, auxRand: (inputIndex: number) => Uint8Array = () => randomBytes(32)): SignedTx {
  if (plan.inputs.length === 0) throw new RangeError('buildPayment: no inputs');
  if (plan.amount <= 0n) throw new RangeError(`buildPayment: amount must be positive, got ${plan.amount}`);
  const outputs = [{ value: plan.amount, pubkey: plan.to }];
  if (plan.change > 0n) outputs.push({ value: plan.change, pubkey: plan.changeTo });
  const tx: Tx = {
    version: TX_VERSION,
    inputs: plan.inputs.map((c) => ({ prevout: { txHash: fromDisplayHex(c.txid, 'coin txid'), index: c.index }, witness: new Uint8Array(0) })),
    outputs,
    lockTime: 0,
  };
  // The signature hash covers everything but the witnesses, so sign first and fill them in after.
  const spent: SpentOutput[] = plan.inputs.map((c) => ({ value: c.value, pubkey: c.pubkey }));
  const signatures = plan.inputs.map((c, i) => signInput(tx, i, spent, c.privateKey, auxRand(i)));
  signatures.forEach((sig, i) => (tx.inputs[i]!.witness = sig));
  return { tx, txid: txidOf(tx), hex: bytesToHex(encodeTx(tx)), changeIndex: plan.change > 0n ? 1 : -1 };
}
