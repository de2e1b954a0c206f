/**
 * Addresses: an x-only public key written as a bech32m string, exactly as a Taproot
 * address writes a witness version 1 program of 32 bytes, with the network's prefix as
 * the human-readable part. On the demo network (prefix `tc`) an address reads `tc1p…`.
 *
 *   address = hrp | "1" | bech32m data
 *   data    = [1] (witness version 1, the 'p') | the 32-byte key in 5-bit groups | 6-char checksum
 *
 * Bitcoin: a BIP350 v1 address of a BIP341 output key, so a Bitcoin Taproot address with
 * its `bc` prefix swapped for ours decodes to the same key. No other witness version or
 * program length is a toychain address. Like Bitcoin, decoding does not check that the
 * key is on the curve: an output to a key nobody can sign for is unspendable, not invalid.
 */
import { bech32, bech32m } from '@scure/base';
import { DecodeError } from './byte-reader.js';

/**
 * AddressError is decodeAddress's refusal: a DecodeError of the field 'address' that
 * also carries the text it was given and the bare reason (no byte offset), so each edge
 * (the API's 400 invalid-address, the node's --miner-address, the wallet's bad-address)
 * shows the one parser's words instead of parsing addresses again.
 */
export class AddressError extends DecodeError {
  constructor(
    readonly address: string,
    offset: number,
    readonly reason: string,
  ) {
    super('address', offset, reason);
    this.name = 'AddressError';
  }
}

/** The witness version of a toychain address (BIP341 Taproot is version 1). */
export const ADDRESS_VERSION = 1;
/** Length of the program an address carries: a BIP340 x-only key. */
export const ADDRESS_PROGRAM_SIZE = 32;
/** Longest bech32 string, from BIP173. */
const MAX_ADDRESS_LENGTH = 90;
/** The 32 characters bech32 uses after the separator (BIP173). */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/**
 * encodeAddress writes a 32-byte x-only public key as the network's bech32m address.
 * @see BIP350 (bech32m for witness version 1+), BIP341 (the v1 32-byte program), Core
 * EncodeDestination(WitnessV1Taproot). Throws TypeError for a key that is not 32 bytes.
 */
export function encodeAddress(pubkey: Uint8Array, params: { addressPrefix: string }): string {
  if (!(pubkey instanceof Uint8Array) || pubkey.length !== ADDRESS_PROGRAM_SIZE) {
    throw new TypeError(`encodeAddress: pubkey must be ${ADDRESS_PROGRAM_SIZE} bytes`);
  }
  return bech32m.encode(params.addressPrefix, [ADDRESS_VERSION, ...bech32m.toWords(pubkey)], MAX_ADDRESS_LENGTH);
}

/**
 * decodeAddress reads a bech32m address of this network back into its 32-byte x-only
 * public key. Upper-case addresses are accepted (BIP173 allows them, e.g. for QR codes).
 * @see BIP173/BIP350 decode, Core DecodeDestination. Throws AddressError (a DecodeError
 * of field 'address', offset = the character at fault) with a message the user can act on: the
 * wrong network's prefix, a bad checksum, a bech32 (not bech32m) checksum, mixed case,
 * a character outside the alphabet, or a witness version or program length that is not
 * a toychain key.
 */
export function decodeAddress(address: string, params: { addressPrefix: string }): Uint8Array {
  if (typeof address !== 'string') throw new TypeError('decodeAddress: address must be a string');
  const expected = params.addressPrefix.toLowerCase();

  // BIP173: at most 90 characters, each printable US-ASCII (33..126).
  if (address.length > MAX_ADDRESS_LENGTH) {
    fail(address, MAX_ADDRESS_LENGTH, `is ${address.length} characters; an address has at most ${MAX_ADDRESS_LENGTH}`);
  }
  for (let i = 0; i < address.length; i++) {
    const code = address.charCodeAt(i);
    if (code < 33 || code > 126) fail(address, i, `character code ${code} is not printable ASCII; remove spaces and invisible characters`);
  }
  // BIP173: "Decoders MUST NOT accept strings where some characters are uppercase and some are lowercase."
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase()) {
    fail(address, firstCaseChange(address), 'mixes upper and lower case; write the address all in lower case (or all in upper case)');
  }
  // The separator is the last '1'; the part before it is the network prefix.
  const sep = lower.lastIndexOf('1');
  if (sep === -1) fail(address, 0, `has no "1" separator; an address of this network starts with "${expected}1"`);
  if (sep === 0) fail(address, 0, `has no network prefix before the "1"; expected "${expected}1…"`);
  const hrp = lower.slice(0, sep);
  if (hrp !== expected) {
    fail(address, 0, `has network prefix "${hrp}" but this network's prefix is "${expected}": it is an address for another network`);
  }
  const data = lower.slice(sep + 1);
  for (let i = 0; i < data.length; i++) {
    if (!CHARSET.includes(data[i]!)) {
      fail(address, sep + 1 + i, `character "${data[i]}" is not in the bech32 alphabet (1, b, i and o never appear after the separator); check for a typo`);
    }
  }
  if (data.length < 6) fail(address, sep + 1, 'is too short to hold a checksum; it was cut off');

  // BIP350: version 1 and above use bech32m; a bech32 checksum here is a v0-style encoder's mistake.
  const noData = 'has no data between the separator and the 6-character checksum';
  const decoded = bech32m.decodeUnsafe(lower, MAX_ADDRESS_LENGTH);
  if (!decoded) {
    if (bech32.decodeUnsafe(lower, MAX_ADDRESS_LENGTH)) {
      if (data.length === 6) fail(address, sep + 1, noData);
      fail(address, sep + 1, 'has a bech32 (BIP173) checksum, but addresses of witness version 1 use bech32m (BIP350); re-encode it with bech32m');
    }
    fail(address, sep + 1, 'has a bad checksum: a character was mistyped or the address was changed; copy it again from its source');
  }
  const words = decoded.words;
  if (words.length === 0) fail(address, sep + 1, noData);
  const version = words[0]!;
  if (version !== ADDRESS_VERSION) {
    fail(address, sep + 1, `has witness version ${version}; toychain addresses are version ${ADDRESS_VERSION} (like Taproot, "${expected}1p…")`);
  }
  // BIP173: the 5-to-8-bit conversion may pad with at most 4 zero bits.
  const program = bech32m.fromWordsUnsafe(words.slice(1));
  if (!program) fail(address, sep + 2, 'has invalid padding in its data (more than 4 bits, or non-zero bits); it was not made by a bech32m encoder');
  if (program.length !== ADDRESS_PROGRAM_SIZE) {
    fail(address, sep + 2, `carries a ${program.length}-byte program; a toychain address carries a ${ADDRESS_PROGRAM_SIZE}-byte x-only public key`);
  }
  return program;
}

/** fail throws the AddressError at `offset` (a character index). */
function fail(address: string, offset: number, message: string): never {
  throw new AddressError(address, offset, message);
}

/** firstCaseChange is the index of the first letter whose case differs from the first letter's. */
function firstCaseChange(s: string): number {
  let upper: boolean | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c.toLowerCase() === c.toUpperCase()) continue;
    const isUpper = c === c.toUpperCase();
    if (upper === undefined) upper = isUpper;
    else if (isUpper !== upper) return i;
  }
  return 0;
}
