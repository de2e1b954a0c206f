import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('toychain/consensus public entry', () => {
  let dir: string;
  before(() => {
    // A separate project that depends on toychain, as `npm install ../toychain` would link it.
    dir = mkdtempSync(join(tmpdir(), 'toychain-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'toychain'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the rules on Bitcoin\'s own genesis header from another folder', () => {
    const script = `
      import * as c from 'toychain/consensus';
      const header = c.decodeBlockHeader(c.hexToBytes('0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c'));
      const { target, negative, overflow } = c.compactToTarget(header.bits);
      console.log(JSON.stringify({
        hash: c.blockHash(header),
        pow: c.checkProofOfWork(c.headerHash(header), header.bits, c.bitcoinMainnetPow).ok,
        target: target.toString(16), negative, overflow,
        compact: c.targetToCompact(target),
        work: c.blockWork(header.bits).toString(),
        retarget: c.calculateNextWorkRequired({ lastBits: 0x1d00ffff, lastTime: 1262152739, firstTime: 1261130161 }, c.bitcoinMainnetPow),
        sha256d: c.bytesToHex(c.sha256d(new Uint8Array())),
        merkle: c.merkleRoot([c.fromDisplayHex('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b')]).root.length,
        networks: [c.regtest.name, c.demo.name],
      }));`;
    writeFileSync(join(dir, 'check.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'check.mjs')], { cwd: dir, encoding: 'utf8' }));
    expect(out).to.deep.equal({
      hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
      pow: true,
      target: 'ffff0000000000000000000000000000000000000000000000000000',
      negative: false,
      overflow: false,
      compact: 0x1d00ffff,
      work: String(0x100010001),
      retarget: 0x1d00d86a,
      sha256d: '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456',
      merkle: 32,
      networks: ['regtest', 'demo'],
    });
  });
});
