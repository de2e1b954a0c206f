import { expect } from 'chai';
import { HEAD, problems } from '../helpers/scenario-problems.js';
import { demo, regtest, regtestRetarget } from '../../src/consensus/params.js';
import { refusalOf } from '../../src/scenario/scenario-refusal.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';

describe('scenario file: block times, retarget windows and the network', () => {
  it('reads a network, a mine spacing in milliseconds, windowLeft and the longer condition', () => {
    const s = parseScenario(`${HEAD}network: regtest-retarget\nsteps:\n  - mine: { node: 0, blocks: 2, spacing: 10s, windowLeft: 1 }\n  - expect: { longer: { node: 2, than: 0 } }\n`, 'ok.yaml');
    expect(s.network).to.equal('regtest-retarget');
    expect(s.steps[0]).to.deep.equal({ kind: 'mine', value: { node: 0, blocks: 2, spacing: 10_000, windowLeft: 1 } });
    expect(s.steps[1]).to.deep.equal({ kind: 'expect', value: { condition: { kind: 'longer', value: { node: 2, than: 0 } }, withinMs: 10_000 } });
  });

  it('refuses a spacing that is not whole seconds from 1 s to 30 min, a negative windowLeft and an unknown network', () => {
    expect(problems(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, spacing: 1500ms }\n`)[0]).to.match(/^steps\[0\]\.mine\.spacing: a spacing is whole seconds/);
    expect(problems(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, spacing: 0s }\n`)[0]).to.match(/^steps\[0\]\.mine\.spacing:/);
    expect(problems(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, spacing: 31m }\n`)[0]).to.match(/^steps\[0\]\.mine\.spacing:/);
    expect(problems(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, windowLeft: -1 }\n`)[0]).to.match(/^steps\[0\]\.mine\.windowLeft:/);
    expect(problems(`${HEAD}network: mainnet\nsteps: [{ heal: {} }]\n`)[0]).to.match(/^network: network is one of the built-in networks: regtest, demo, regtest-retarget/);
    expect(problems(`${HEAD}steps:\n  - expect: { longer: { node: 3, than: 0 } }\n`)[0]).to.match(/node 3 does not exist/);
  });
});

describe('scenario runner: what a devnet cannot run', () => {
  const timed = parseScenario(`${HEAD}network: regtest-retarget\nsteps:\n  - mine: { node: 0, blocks: 1, spacing: 10s }\n`, 'timed.yaml');
  const aligned = parseScenario(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, windowLeft: 1 }\n`, 'aligned.yaml');
  const spaced = parseScenario(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1, spacing: 10s }\n`, 'spaced.yaml');
  const plain = parseScenario(`${HEAD}steps:\n  - mine: { node: 0, blocks: 1 }\n`, 'plain.yaml');

  it('runs a timed lesson on its own network with blocks on demand', () => {
    expect(refusalOf(timed, regtestRetarget, 'generate')).to.equal(null);
    expect(refusalOf(plain, demo, 'mining')).to.equal(null);
    expect(refusalOf(spaced, regtest, 'generate'), 'regtest has a settable clock').to.equal(null);
  });

  it('refuses another network than the lesson names (wrong-network), saying which devnet to start', () => {
    const r = refusalOf(timed, regtest, 'generate');
    expect(r?.code).to.equal('wrong-network');
    expect(r?.message).to.include('toychain devnet --network regtest-retarget');
  });

  it('refuses block times asked of live miners (needs-generate), a clock that cannot be set (mocktime-not-allowed), and windows on a network without retarget (no-retarget)', () => {
    expect(refusalOf(spaced, regtestRetarget, 'mining')?.code).to.equal('needs-generate');
    expect(refusalOf(spaced, demo, 'generate')?.code).to.equal('mocktime-not-allowed');
    expect(refusalOf(aligned, regtest, 'generate')?.code).to.equal('no-retarget');
  });
});
