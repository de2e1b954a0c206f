/**
 * toychain/consensus: the public entry to toychain's consensus rules, so anyone can run
 * them against their own vectors (Bitcoin's headers, Core's test cases). The one
 * re-export module in src/ (STYLE.md): everything else imports from the defining module.
 */
export { sha256d, taggedHash } from './hash.js';
export { toDisplayHex, fromDisplayHex, hash32, reverseBytes, bytesToHex, hexToBytes, type Hash32, type DisplayHex } from './bytes.js';
export { DecodeError } from './byte-reader.js';
export { encodeBlockHeader, decodeBlockHeader, blockId, headerHash, HEADER_SIZE, type BlockHeader } from './header.js';
/** @deprecated blockId under its earlier name, kept so outside users of this entry do not break. */
export { blockId as blockHash } from './header.js';
export { encodeBlock, decodeBlock, type Block } from './block.js';
export { encodeTx, decodeTx, txid, txHash, isCoinbase, type Tx, type TxInput, type TxOutput, type Outpoint } from './tx.js';
export { compactToTarget, targetToCompact, blockWork, checkProofOfWork, type CompactTarget } from './pow.js';
export { calculateNextWorkRequired, getNextWorkRequired } from './retarget.js';
export { medianTimePast, checkBlockTime, MEDIAN_TIME_SPAN } from './median-time.js';
export { merkleRoot } from './merkle.js';
export { blockSubsidy, moneyRange, COIN, MAX_MONEY } from './subsidy.js';
export { encodeAddress, decodeAddress } from './address.js';
export { signatureHash } from './sighash.js';
export { signInput, checkInputSignature, xOnlyPublicKey } from './signature.js';
export { checkTransaction, checkTxInputs, checkTxSignatures } from './tx-check.js';
export { checkBlockHeader, checkBlock, checkBlockHeaderContext, checkBlockContext, coinbaseHeight } from './block-check.js';
export { connectBlock, disconnectBlock, type CoinChange, type ConnectOptions, type ConnectResult, type SignatureCheck } from './utxo.js';
export { genesisBlock } from './genesis.js';
export { regtest, demo, bitcoinMainnetPow, networks, retargetInterval, type NetworkParams, type PowParams } from './params.js';
export type { Coin, UtxoView, SpentCoin } from './coin.js';
export type { RejectReason, Verdict } from './reasons.js';
export { AmountError, COIN_DECIMALS, formatCoins, parseCoins } from './amount.js';
