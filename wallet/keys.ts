/**
 * Keys: a BIP39 mnemonic (English, 12 or 24 words) and an optional passphrase make a
 * BIP32 seed; every key comes from one documented path, BIP86's layout:
 *
 *   m / 86' / coinType' / 0' / chain / index
 *     86'       purpose: BIP86, single-key Taproot-style outputs
 *     coinType' 1' for toychain (SLIP-44's coin type for test networks); BIP86's own
 *               vector uses 0' (Bitcoin) and the tests check that path too
 *     0'        account 0 (the wallet has one account)
 *     chain     0 = receive addresses, 1 = change addresses
 *     index     0, 1, 2, … (the wallet file keeps the next unused index of each chain)
 *
 * The key at that path gives the BIP340 x-only public key an output is locked to and an
 * address encodes. Differs from BIP86: BIP86 tweaks the internal key with a TapTweak
 * before it goes in the output; toychain has no script path to commit to, so the output
 * key IS the internal key (BIP86's `internal_key` line is what the tests check).
 */
import { HDKey } from '@scure/bip32';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { encodeAddress } from '../src/consensus/address.js';
import { xOnlyPublicKey } from '../src/consensus/signature.js';

/** BIP86's purpose level. */
export const PURPOSE = 86;
/** SLIP-44 coin type 1: every test network (toychain is one). */
export const TOYCHAIN_COIN_TYPE = 1;
/** The chain of receive addresses and of change addresses (BIP44's external/internal). */
export const RECEIVE_CHAIN = 0;
export const CHANGE_CHAIN = 1;
export type KeyChain = typeof RECEIVE_CHAIN | typeof CHANGE_CHAIN;

/** Mnemonic lengths the wallet makes and accepts: 128 or 256 bits of entropy. */
export const MNEMONIC_WORDS = [12, 24] as const;
export type MnemonicWords = (typeof MNEMONIC_WORDS)[number];

/** MnemonicError: a recovery phrase that is not a valid English BIP39 mnemonic of 12 or 24 words. */
export class MnemonicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MnemonicError';
  }
}

/** A derived key: its path, its private key and the x-only key its address encodes. */
export interface WalletKey {
  path: string;
  chain: KeyChain;
  index: number;
  privateKey: Uint8Array;
  pubkey: Uint8Array;
}

/** newMnemonic makes a fresh English mnemonic of 12 or 24 words from the system's secure random source. */
export function newMnemonic(words: MnemonicWords = 12): string {
  return generateMnemonic(wordlist, words === 24 ? 256 : 128);
}

/**
 * normalizeMnemonic checks a typed mnemonic and returns it in canonical form (lower
 * case, single spaces). Throws MnemonicError naming the first unknown word, a wrong
 * word count or a failed checksum.
 * @see BIP39 (the checksum is the first ENT/32 bits of sha256(entropy)).
 */
export function normalizeMnemonic(text: string): string {
  const words = text.normalize('NFKD').trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (!(MNEMONIC_WORDS as readonly number[]).includes(words.length)) {
    throw new MnemonicError(`the mnemonic has ${words.length} words; a toychain mnemonic has 12 or 24`);
  }
  const known = new Set(wordlist);
  const unknown = words.findIndex((w) => !known.has(w));
  if (unknown !== -1) {
    throw new MnemonicError(`word ${unknown + 1} ("${words[unknown]}") is not in the English BIP39 word list; check its spelling`);
  }
  const mnemonic = words.join(' ');
  if (!validateMnemonic(mnemonic, wordlist)) {
    throw new MnemonicError('the mnemonic fails its checksum: a word is wrong or the words are out of order');
  }
  return mnemonic;
}

/** mnemonicSeed is the 64-byte BIP39 seed of a mnemonic and passphrase (PBKDF2-HMAC-SHA512, 2048 rounds). @see BIP39. */
export function mnemonicSeed(mnemonic: string, passphrase = ''): Uint8Array {
  return mnemonicToSeedSync(mnemonic, passphrase);
}

/** accountPath is the BIP86 account path m/86'/coinType'/0'. */
export function accountPath(coinType = TOYCHAIN_COIN_TYPE): string {
  return `m/${PURPOSE}'/${coinType}'/0'`;
}

/** accountKey derives the account's extended key from a seed (hardened, so it needs the seed). @see BIP32 CKDpriv. */
export function accountKey(seed: Uint8Array, coinType = TOYCHAIN_COIN_TYPE): HDKey {
  return HDKey.fromMasterSeed(seed).derive(accountPath(coinType));
}

/** deriveKey derives key `index` of `chain` under an account key: …/chain/index. */
export function deriveKey(account: HDKey, chain: KeyChain, index: number, coinType = TOYCHAIN_COIN_TYPE): WalletKey {
  if (!Number.isInteger(index) || index < 0 || index >= 0x80000000) throw new RangeError(`key index: not in [0, 2^31): ${index}`);
  const child = account.deriveChild(chain).deriveChild(index);
  const privateKey = child.privateKey;
  if (privateKey === null) throw new TypeError('deriveKey: the account key has no private key');
  return { path: `${accountPath(coinType)}/${chain}/${index}`, chain, index, privateKey, pubkey: xOnlyPublicKey(privateKey) };
}

/** keyAddress is the network's address of a derived key. */
export function keyAddress(key: WalletKey, params: { addressPrefix: string }): string {
  return encodeAddress(key.pubkey, params);
}
