import { expect } from 'chai';
import { Chain } from '../../src/chain/chain.js';
import { decodeBlock, encodeBlock } from '../../src/consensus/block.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { blockBytes, rememberBlockBytes } from '../../src/storage/block-bytes.js';
import { openMemoryStore } from '../../src/storage/level-store.js';
import { genesisOf, mineBlock, mineChain } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { hash32 } from '../../src/consensus/bytes.js';

const params: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };

describe('headers in one write', () => {
  it('records every header of a run as headers-only, and the blocks then connect', async () => {
    const chain = await memoryChain(params);
    const mined = mineChain(params, genesisOf(params), 5);
    const result = await chain.processHeaders(mined.map((m) => m.block.header));
    expect(result).to.deep.equal({ blockIds: mined.map((m) => m.id) });
    expect(chain.height).to.equal(0);
    expect(chain.getEntry(mined[4]!.id)?.height).to.equal(5);
    for (const m of mined) expect((await chain.processBlock(m.block)).status).to.equal('connected');
    expect(chain.tip.id).to.equal(mined[4]!.id);
  });

  it('keeps the headers before the first that fails, and names it (high-hash)', async () => {
    const chain = await memoryChain(params);
    const mined = mineChain(params, genesisOf(params), 2);
    const bad = mineBlock(params, mined[1]!, { unmined: true });
    const result = await chain.processHeaders([...mined.map((m) => m.block.header), bad.block.header]);
    expect(result).to.deep.include({ blockIds: mined.map((m) => m.id) });
    expect(result.failure).to.deep.include({ index: 2, reason: 'high-hash' });
    expect(chain.getEntry(mined[1]!.id)).to.not.equal(undefined);
    expect(chain.getEntry(bad.id)).to.equal(undefined);
  });

  it('keeps the records of a run across a restart (they were written)', async () => {
    const store = await openMemoryStore();
    const chain = await Chain.open(store, params, { clock: () => 4_000_000_000 });
    const mined = mineChain(params, genesisOf(params), 3);
    await chain.processHeaders(mined.map((m) => m.block.header));
    const reopened = await Chain.open(store, params, { clock: () => 4_000_000_000 });
    expect(reopened.getEntry(mined[2]!.id)?.height).to.equal(3);
  });
});

describe('block bytes kept with the decoded block', () => {
  it('gives back the bytes a block was decoded from, and encodes a changed copy afresh', () => {
    const [mined] = mineChain(params, genesisOf(params), 1);
    const bytes = encodeBlock(mined!.block);
    const decoded = rememberBlockBytes(decodeBlock(bytes), bytes);
    expect(blockBytes(decoded)).to.equal(bytes);
    const changed = { ...decoded, txs: [...decoded.txs, decoded.txs[0]!] };
    expect(blockBytes(changed)).to.deep.equal(encodeBlock(changed));
    expect(blockBytes(changed).length).to.be.greaterThan(bytes.length);
  });

  it('stores the bytes it was given and reads the same block back', async () => {
    const store = await openMemoryStore();
    const [mined] = mineChain(params, genesisOf(params), 1);
    const bytes = encodeBlock(mined!.block);
    const hash = hash32(new Uint8Array(32).fill(7));
    await store.batch().putBlock(hash, rememberBlockBytes(decodeBlock(bytes), bytes)).write();
    const back = await store.getBlock(hash);
    expect(back).to.deep.equal(mined!.block);
    expect(blockBytes(back!)).to.deep.equal(bytes);
  });
});
