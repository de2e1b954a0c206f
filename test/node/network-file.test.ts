import { expect } from 'chai';
import { jsSearch } from '../helpers/header-search.js';
import { getNextWorkRequired } from '../../src/consensus/retarget.js';
import { blockWork, compactToTarget } from '../../src/consensus/pow.js';
import { bitsForHashes, CREATED_POW_LIMIT, mineGenesis, networkFromSpec, type NetworkSpec } from '../../src/node/network-create.js';
import { encodeNetworkFile, NetworkFileError, parseNetworkFile } from '../../src/node/network-file.js';


const spec: NetworkSpec = {
  name: 'class-5s',
  targetSpacing: 5,
  retargetInterval: 20,
  coinbaseMaturity: 10,
  addressPrefix: 'tcclass',
  bits: bitsForHashes(1_000),
  time: 1_796_000_000,
  magic: 0x1a2b3c4d,
};

async function created(): Promise<string> {
  return encodeNetworkFile(await mineGenesis(spec, jsSearch));
}

function edited(text: string, edit: (json: any) => void): string {
  const json = JSON.parse(text);
  edit(json);
  return JSON.stringify(json);
}

function refusal(text: string): NetworkFileError {
  try {
    parseNetworkFile(text, 'f.json');
  } catch (e) {
    if (e instanceof NetworkFileError) return e;
    throw e;
  }
  throw new Error('parseNetworkFile accepted the file');
}

describe('network files', () => {
  it('turns BIP94 on in a created network, one block spacing wide, and keeps it off for a file without maxTimewarp', async () => {
    const text = await created();
    expect(parseNetworkFile(text).maxTimewarp).to.equal(spec.targetSpacing);
    const without = parseNetworkFile(edited(text, (j) => delete j.maxTimewarp));
    expect(without.maxTimewarp).to.equal(undefined);
    expect(refusal(edited(text, (j) => (j.maxTimewarp = -1))).code).to.equal('network-file-invalid');
  });

  it('reads back exactly the network that was created, with a genesis that meets its own bits', async () => {
    const params = await mineGenesis(spec, jsSearch);
    const read = parseNetworkFile(encodeNetworkFile(params));
    expect(read).to.deep.equal(params);
    expect(read.targetSpacing).to.equal(5);
    expect(read.targetTimespan).to.equal(100);
    expect(read.firstWindowStartHeight).to.equal(1);
    expect(read.genesis.time).to.equal(spec.time);
    expect(read.genesis.bits).to.equal(spec.bits);
  });

  it('starts block 1 at the starting bits (the genesis bits), and retargets by Bitcoin\'s rule', async () => {
    const params = await mineGenesis(spec, jsSearch);
    expect(getNextWorkRequired({ height: 0, bits: params.genesis.bits, time: params.genesis.time }, () => 0, params)).to.equal(spec.bits);
  });

  it('derives bits whose expected work is the asked number of hashes, capped at powLimit', () => {
    const bits = bitsForHashes(30_000_000);
    expect(Number(blockWork(bits))).to.be.within(30_000_000 * 0.999, 30_000_000 * 1.001);
    expect(compactToTarget(bitsForHashes(1)).target).to.equal(CREATED_POW_LIMIT);
  });

  it('refuses text that is not JSON (network-file-not-json)', () => {
    expect(refusal('{ "format": ').code).to.equal('network-file-not-json');
  });

  it('refuses an unknown field, a missing field and an out-of-range number, naming each (network-file-invalid)', async () => {
    const text = await created();
    const unknown = refusal(edited(text, (j) => (j.difficulty = 1)));
    expect(unknown.code).to.equal('network-file-invalid');
    expect(unknown.message).to.include('difficulty');
    const missing = refusal(edited(text, (j) => delete j.coinbaseMaturity));
    expect(missing.message).to.include('coinbaseMaturity');
    const range = refusal(edited(text, (j) => (j.targetSpacing = 0)));
    expect(range.message).to.match(/targetSpacing: must be at least 1/);
    const magic = refusal(edited(text, (j) => (j.magic = 12)));
    expect(magic.message).to.include('magic');
    expect(refusal(edited(text, (j) => (j.format = 'toychain-network/9'))).message).to.include('format');
  });

  it("refuses a built-in network's name, magic or prefix (network-name-reserved)", async () => {
    const text = await created();
    expect(refusal(edited(text, (j) => (j.name = 'demo'))).code).to.equal('network-name-reserved');
    expect(refusal(edited(text, (j) => (j.addressPrefix = 'tcrt'))).code).to.equal('network-name-reserved');
    expect(refusal(edited(text, (j) => (j.magic = '0x7463646d'))).code).to.equal('network-name-reserved');
  });

  it('refuses a genesis whose fields do not build its hash (network-genesis-mismatch)', async () => {
    const text = await created();
    const e = refusal(edited(text, (j) => (j.genesis.time += 1)));
    expect(e.code).to.equal('network-genesis-mismatch');
    expect(e.message).to.include('f.json');
  });

  it('refuses a genesis that does not meet its own bits (network-genesis-high-hash)', () => {
    // Nonce 0 at about a million hashes a block: its hash is (almost surely) above the target.
    const unmined = networkFromSpec({ ...spec, bits: bitsForHashes(1_000_000) });
    const e = refusal(encodeNetworkFile(unmined));
    expect(e.code).to.equal('network-genesis-high-hash');
  });

  it('refuses genesis bits easier than powLimit (network-file-invalid)', async () => {
    const text = await created();
    expect(refusal(edited(text, (j) => (j.genesis.bits = '0x2100ffff'))).message).to.include('genesis.bits');
  });
});
