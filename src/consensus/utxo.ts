/**
 * Applying a block to the UTXO set and taking it back off: connectBlock checks every
 * spend against a view of the UTXO set and returns the changes plus the undo data;
 * disconnectBlock uses the undo data to restore exactly the set before the block.
 */
import type { Block } from './block.js';
import type { Hash32 } from './bytes.js';
import type { Coin, SpentCoin, UtxoView } from './coin.js';
import type { NetworkParams } from './params.js';
import { reject, type Verdict } from './reasons.js';
import { blockSubsidy, moneyRange } from './subsidy.js';
import { checkTxInputs, checkTxSignatures } from './tx-check.js';
import { isCoinbase, outpointKey, sameOutpoint, txHash, type Outpoint, type Tx } from './tx.js';

/** One change to the UTXO set: a coin to put at an outpoint, or null to delete it. */
export interface CoinChange {
  outpoint: Outpoint;
  coin: Coin | null;
}

/** What connecting a block produces: its fees, the net coin changes and its undo data. */
export interface ConnectResult {
  fees: bigint;
  changes: CoinChange[];
  /** every coin the block spent, in spending order */
  undo: SpentCoin[];
  /** the hash of each transaction, in block order (internal byte order), so callers need not hash again */
  txHashes: Hash32[];
  /**
   * With `deferSignatures`: the signature checks still to run, one per non-coinbase
   * transaction in block order. The block is valid only if every one passes.
   */
  signatureChecks?: SignatureCheck[];
}

/**
 * One transaction's signature check, taken out of connectBlock so the caller can run it
 * elsewhere (worker threads) or skip it for a transaction whose signatures it has already
 * verified. Signature validity depends only on the transaction and the coins it spends,
 * and those coins are fixed by the outpoints (a txid commits to its outputs), so a
 * transaction verified once against its coins stays verified.
 */
export interface SignatureCheck {
  tx: Tx;
  txHash: Hash32;
  /** the coins the inputs spend, in input order */
  spent: Coin[];
  /** position of the transaction in its block (for the debug message) */
  index: number;
}

export interface ConnectOptions {
  /**
   * Return the signature checks in `signatureChecks` instead of running them. The
   * verdict is then only valid once the caller has run them all (checkTxSignatures on
   * each, or an equivalent): every other rule has been checked.
   */
  deferSignatures?: boolean;
  /**
   * The block's txids in block order, when the caller has them (it MUST be
   * block.txs.map(txHash), the default): a block is hashed once on the connect path.
   */
  txHashes?: readonly Hash32[];
}

/**
 * A view over a base view plus the coins created and spent so far in this block, so a
 * transaction may spend an output of an earlier transaction in the same block.
 */
class BlockView implements UtxoView {
  readonly changes = new Map<string, CoinChange>();
  constructor(private readonly base: UtxoView) {}

  getCoin(outpoint: Outpoint): Coin | undefined {
    const change = this.changes.get(outpointKey(outpoint));
    if (change !== undefined) return change.coin ?? undefined;
    return this.base.getCoin(outpoint);
  }

  put(outpoint: Outpoint, coin: Coin | null): void {
    this.changes.set(outpointKey(outpoint), { outpoint, coin });
  }
}

/**
 * connectBlock ensures every transaction of the block spends existing, mature coins it
 * is allowed to spend, that no amount leaves the money range, and that the coinbase
 * claims no more than subsidy + fees; then it returns the UTXO changes and undo data.
 * Signatures are checked last, once every cheap rule has passed.
 * @see Core ConnectBlock, Consensus::CheckTxInputs. Rejects: bad-txns-BIP30,
 * bad-txns-accumulated-fee-outofrange, bad-cb-amount, bad-txns-sig, bad-txns-sig-size
 * and every reason of checkTxInputs. Needs the UTXO view as of the parent block.
 * The block MUST have passed checkBlock and checkBlockContext.
 * With `options.deferSignatures` the signatures are not checked: the result carries them
 * as `signatureChecks` and the caller MUST run every one before treating the block as
 * valid (Core likewise hands script checks to a CCheckQueue of worker threads).
 */
export function connectBlock(
  block: Block,
  height: number,
  base: UtxoView,
  params: NetworkParams,
  options: ConnectOptions = {},
): Verdict<ConnectResult> {
  const view = new BlockView(base);
  const undo: SpentCoin[] = [];
  const signatureChecks: SignatureCheck[] = [];
  const txHashes: Hash32[] = [];
  let fees = 0n;

  for (let t = 0; t < block.txs.length; t++) {
    const tx = block.txs[t]!;
    const hash = options.txHashes?.[t] ?? txHash(tx);
    txHashes.push(hash);
    // BIP30: a transaction must not overwrite an unspent output with the same txid.
    // BIP34's height commitment makes this impossible for honest blocks; the check
    // stays because it is the rule, and it costs one lookup per output.
    for (let i = 0; i < tx.outputs.length; i++) {
      if (view.getCoin({ txHash: hash, index: i }) !== undefined) {
        return reject('bad-txns-BIP30', `tx ${t} would overwrite unspent output ${i}`);
      }
    }

    if (!isCoinbase(tx)) {
      const inputs = checkTxInputs(tx, view, height, params);
      if (!inputs.ok) return { ok: false, reason: inputs.reason, debug: `tx ${t}: ${inputs.debug ?? inputs.reason}` };
      fees += inputs.fee;
      if (!moneyRange(fees)) return reject('bad-txns-accumulated-fee-outofrange', `block fees ${fees}`);
      tx.inputs.forEach((input, i) => {
        undo.push({ outpoint: input.prevout, coin: inputs.spent[i]! });
        view.put(input.prevout, null);
      });
      signatureChecks.push({ tx, txHash: hash, spent: inputs.spent, index: t });
    }

    tx.outputs.forEach((output, i) => {
      view.put({ txHash: hash, index: i }, { value: output.value, pubkey: output.pubkey, height, coinbase: t === 0 });
    });
  }

  // The coinbase may claim the subsidy and the fees, no more (it may claim less: the rest is burnt).
  const claimed = block.txs[0]!.outputs.reduce((sum, o) => sum + o.value, 0n);
  const allowed = blockSubsidy(height, params) + fees;
  if (claimed > allowed) return reject('bad-cb-amount', `coinbase pays ${claimed}, limit ${allowed}`);

  if (options.deferSignatures === true) return { ok: true, fees, changes: [...view.changes.values()], undo, txHashes, signatureChecks };
  for (const { tx, spent, index } of signatureChecks) {
    const sig = checkTxSignatures(tx, spent);
    if (!sig.ok) return { ok: false, reason: sig.reason, debug: `tx ${index}: ${sig.debug ?? sig.reason}` };
  }

  return { ok: true, fees, changes: [...view.changes.values()], undo, txHashes };
}

/**
 * disconnectBlock returns the UTXO changes that take a connected block back off the
 * set: walking the transactions backwards, delete each one's outputs and restore the
 * coins its inputs spent, so a coin created and spent inside the block ends up absent.
 * Throws if the undo data does not match the block: that is a corrupt store, not a
 * rule failure. @see Core DisconnectBlock. The block MUST be the tip it was connected as.
 */
export function disconnectBlock(block: Block, undo: readonly SpentCoin[]): CoinChange[] {
  const spentCount = block.txs.reduce((n, tx) => n + (isCoinbase(tx) ? 0 : tx.inputs.length), 0);
  if (spentCount !== undo.length) {
    throw new Error(`disconnectBlock: undo data has ${undo.length} coins, block spends ${spentCount}`);
  }
  const changes = new Map<string, CoinChange>();
  let next = undo.length;
  for (let t = block.txs.length - 1; t >= 0; t--) {
    const tx = block.txs[t]!;
    const txid = txHash(tx);
    tx.outputs.forEach((_, i) => changes.set(outpointKey({ txHash: txid, index: i }), { outpoint: { txHash: txid, index: i }, coin: null }));
    if (isCoinbase(tx)) continue;
    for (let i = tx.inputs.length - 1; i >= 0; i--) {
      const spent = undo[--next]!;
      if (!sameOutpoint(spent.outpoint, tx.inputs[i]!.prevout)) {
        throw new Error(`disconnectBlock: undo data does not match input ${i} of tx ${t}`);
      }
      changes.set(outpointKey(spent.outpoint), { outpoint: spent.outpoint, coin: spent.coin });
    }
  }
  return [...changes.values()];
}
