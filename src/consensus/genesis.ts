/**
 * The genesis block of a network, built from its parameters. Its hash is fixed in the
 * parameters (mined once) and checked by a test, so a change to any encoding rule that
 * would silently fork the network fails loudly.
 */
import { concatBytes, hash32, hexToBytes, ZERO_HASH } from './bytes.js';
import type { Block } from './block.js';
import { merkleRoot } from './merkle.js';
import type { NetworkParams } from './params.js';
import { NULL_INDEX, txHash, type Tx } from './tx.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The genesis coinbase pays to BIP341's "nothing up my sleeve" point H, whose x
 * coordinate has no known discrete log: the genesis reward can never be spent (in
 * Bitcoin it is not even in the UTXO set, and here neither).
 */
export const UNSPENDABLE_PUBKEY = hexToBytes('50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0');

/** genesisBlock builds a network's genesis block from its parameters. */
export function genesisBlock(params: NetworkParams): Block {
  const g = params.genesis;
  const heightZero = new Uint8Array(4);
  const coinbase: Tx = {
    version: 1,
    inputs: [{ prevout: { txHash: hash32(ZERO_HASH.slice()), index: NULL_INDEX }, witness: concatBytes(heightZero, utf8ToBytes(g.message)) }],
    outputs: [{ value: params.initialSubsidy, pubkey: UNSPENDABLE_PUBKEY.slice() }],
    lockTime: 0,
  };
  return {
    header: {
      version: g.version,
      prevHash: hash32(ZERO_HASH.slice()),
      merkleRoot: merkleRoot([txHash(coinbase)]).root,
      time: g.time,
      bits: g.bits,
      nonce: g.nonce,
    },
    txs: [coinbase],
  };
}
