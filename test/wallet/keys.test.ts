import { readFileSync } from 'node:fs';
import { HDKey } from '@scure/bip32';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { expect } from 'chai';
import { bytesToHex, hexToBytes } from '../../src/consensus/bytes.js';
import { decodeAddress } from '../../src/consensus/address.js';
import { demo, regtest } from '../../src/consensus/params.js';
import {
  accountKey,
  accountPath,
  CHANGE_CHAIN,
  deriveKey,
  keyAddress,
  MnemonicError,
  mnemonicSeed,
  newMnemonic,
  normalizeMnemonic,
  RECEIVE_CHAIN,
} from '../../wallet/keys.js';

const vector = (name: string): any => JSON.parse(readFileSync(new URL(`../../../test/vectors/${name}`, import.meta.url), 'utf8'));
const bip39 = vector('bip39-trezor.json') as { passphrase: string; english: [string, string, string, string][] };
const bip32 = vector('bip32-vector1.json') as { seed: string; chains: { path: string; xpub: string; xprv: string }[] };
const bip86 = vector('bip86.json');

describe('wallet keys', () => {
  describe('BIP39 (trezor/python-mnemonic vectors)', () => {
    it('has the 16 published 12- and 24-word entries', () => {
      expect(bip39.english).to.have.length(16);
    });
    for (const [entropy, mnemonic, seed, xprv] of bip39.english) {
      it(`turns entropy ${entropy.slice(0, 8)}… into its mnemonic, seed and root key`, () => {
        expect(entropyToMnemonic(hexToBytes(entropy), wordlist)).to.equal(mnemonic);
        expect(normalizeMnemonic(mnemonic)).to.equal(mnemonic);
        expect(bytesToHex(mnemonicSeed(mnemonic, bip39.passphrase))).to.equal(seed);
        expect(HDKey.fromMasterSeed(hexToBytes(seed)).privateExtendedKey).to.equal(xprv);
      });
    }
  });

  describe('BIP32 test vector 1', () => {
    for (const { path, xpub, xprv } of bip32.chains) {
      it(`derives ${path}`, () => {
        const key = HDKey.fromMasterSeed(hexToBytes(bip32.seed)).derive(path);
        expect(key.privateExtendedKey).to.equal(xprv);
        expect(key.publicExtendedKey).to.equal(xpub);
      });
    }
  });

  describe('BIP86 path (the wallet\'s derivation)', () => {
    const seed = mnemonicSeed(bip86.mnemonic, bip86.passphrase);
    it('derives the published root and account keys with coin type 0', () => {
      const root = HDKey.fromMasterSeed(seed);
      expect(root.privateExtendedKey).to.equal(bip86.rootpriv);
      expect(root.publicExtendedKey).to.equal(bip86.rootpub);
      const account = accountKey(seed, 0);
      expect(accountPath(0)).to.equal(bip86.account.path);
      expect(account.privateExtendedKey).to.equal(bip86.account.xprv);
      expect(account.publicExtendedKey).to.equal(bip86.account.xpub);
    });
    for (const k of bip86.keys as { path: string; xprv: string; xpub: string; internal_key: string }[]) {
      it(`derives ${k.path} and its x-only internal key`, () => {
        const [chain, index] = k.path.split('/').slice(-2).map(Number) as [0 | 1, number];
        const key = deriveKey(accountKey(seed, 0), chain, index, 0);
        expect(key.path).to.equal(k.path);
        expect(bytesToHex(key.pubkey)).to.equal(k.internal_key);
        expect(HDKey.fromMasterSeed(seed).derive(k.path).privateExtendedKey).to.equal(k.xprv);
      });
    }
    it('uses coin type 1 for toychain: m/86\'/1\'/0\'/chain/index, receive and change apart', () => {
      const account = accountKey(seed);
      const receive = deriveKey(account, RECEIVE_CHAIN, 0);
      const change = deriveKey(account, CHANGE_CHAIN, 0);
      expect(receive.path).to.equal("m/86'/1'/0'/0/0");
      expect(change.path).to.equal("m/86'/1'/0'/1/0");
      expect(bytesToHex(receive.pubkey)).to.equal(bytesToHex(HDKey.fromMasterSeed(seed).derive("m/86'/1'/0'/0/0").publicKey!.slice(1)));
      expect(bytesToHex(receive.pubkey)).not.to.equal(bytesToHex(change.pubkey));
      expect(bytesToHex(receive.pubkey)).not.to.equal(bip86.keys[0].internal_key);
    });
    it('writes a key as an address of the network it is asked for', () => {
      const key = deriveKey(accountKey(seed), RECEIVE_CHAIN, 0);
      expect(keyAddress(key, demo)).to.match(/^tc1p/);
      expect(keyAddress(key, regtest)).to.match(/^tcrt1p/);
      expect(bytesToHex(decodeAddress(keyAddress(key, demo), demo))).to.equal(bytesToHex(key.pubkey));
    });
  });

  describe('mnemonics', () => {
    it('makes valid fresh mnemonics of 12 and 24 words', () => {
      expect(normalizeMnemonic(newMnemonic(12)).split(' ')).to.have.length(12);
      expect(normalizeMnemonic(newMnemonic(24)).split(' ')).to.have.length(24);
      expect(newMnemonic()).not.to.equal(newMnemonic());
    });
    it('normalises case and spacing', () => {
      const m = bip86.mnemonic as string;
      expect(normalizeMnemonic(`  ${m.toUpperCase().replaceAll(' ', '   ')}\n`)).to.equal(m);
    });
    it('rejects a wrong word count', () => {
      expect(() => normalizeMnemonic('abandon abandon about')).to.throw(MnemonicError, /has 3 words/);
    });
    it('rejects an unknown word and names it', () => {
      const words = (bip86.mnemonic as string).split(' ');
      words[4] = 'abandonn';
      expect(() => normalizeMnemonic(words.join(' '))).to.throw(MnemonicError, /word 5 \("abandonn"\)/);
    });
    it('rejects a failed checksum', () => {
      expect(() => normalizeMnemonic(Array(12).fill('abandon').join(' '))).to.throw(MnemonicError, /checksum/);
    });
  });
});
