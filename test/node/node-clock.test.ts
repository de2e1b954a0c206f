import { expect } from 'chai';
import { demo, regtest, regtestRetarget } from '../../src/consensus/params.js';
import { ServiceRefusal } from '../../src/api/services.js';
import { NodeClock } from '../../src/node/node-clock.js';
import { genesisOf, mineBlock } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { NodeCluster } from '../helpers/node-process.js';

const SYSTEM = 1_800_000_000;

function refusal(call: () => unknown): ServiceRefusal {
  try {
    call();
  } catch (e) {
    if (e instanceof ServiceRefusal) return e;
    throw e;
  }
  throw new Error('expected a ServiceRefusal');
}

describe('node clock (setmocktime)', () => {
  it('follows the system clock until a mock time is set, and again after 0', () => {
    let system = SYSTEM;
    const clock = new NodeClock(regtest, () => system);
    expect(clock.now()).to.equal(SYSTEM);
    expect(clock.setMocktime(1_793_491_300)).to.deep.equal({ time: 1_793_491_300, mocktime: 1_793_491_300, mockable: true });
    system += 500;
    expect(clock.now(), 'a mock time stands still').to.equal(1_793_491_300);
    clock.setMocktime(0);
    expect(clock.now()).to.equal(SYSTEM + 500);
    expect(clock.state()).to.deep.equal({ time: SYSTEM + 500, mocktime: 0, mockable: true });
  });

  it('refuses to be set on a network not made for tests (409 mocktime-not-allowed), changing nothing', () => {
    const clock = new NodeClock(demo, () => SYSTEM);
    const e = refusal(() => clock.setMocktime(SYSTEM + 3600));
    expect([e.status, e.code]).to.deep.equal([409, 'mocktime-not-allowed']);
    expect(e.message).to.include('demo');
    expect(clock.state()).to.deep.equal({ time: SYSTEM, mocktime: 0, mockable: false });
  });

  for (const bad of [-1, 1.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses mocktime ${bad} (400 bad-mocktime), keeping the time it had`, () => {
      const clock = new NodeClock(regtestRetarget, () => SYSTEM);
      clock.setMocktime(1_793_491_300);
      const e = refusal(() => clock.setMocktime(bad));
      expect([e.status, e.code]).to.deep.equal([400, 'bad-mocktime']);
      expect(clock.now()).to.equal(1_793_491_300);
    });
  }

  it("moves the chain's future-drift rule with it: a block 2 h + 1 s ahead of the mock time is time-too-new", async () => {
    const clock = new NodeClock(regtest, () => SYSTEM);
    const chain = await memoryChain(regtest, { clock: clock.now });
    const genesis = genesisOf(regtest);
    const block = mineBlock(regtest, genesis, { time: regtest.genesis.time + 1000 });
    clock.setMocktime(regtest.genesis.time + 1000 - regtest.maxFutureDrift - 1);
    expect(await chain.processBlock(block.block)).to.deep.include({ status: 'rejected', reason: 'time-too-new' });
    clock.setMocktime(regtest.genesis.time + 1000 - regtest.maxFutureDrift);
    expect((await chain.processBlock(block.block)).status).to.equal('connected');
  });
});

describe('node clock over the API (separate node processes)', function () {
  this.timeout(120_000);
  const cluster = new NodeCluster();
  after(() => cluster.cleanup());

  it('stamps the blocks generate makes with the mock time, and lets it go with 0', async () => {
    const node = await cluster.start('clock-retarget', { network: 'regtest-retarget' });
    const at = regtestRetarget.genesis.time + 40;
    const set = await node.api('PUT', '/clock', { mocktime: at });
    expect(set).to.deep.equal({ status: 200, body: { time: at, mocktime: at, mockable: true } });
    const [hash] = await node.generate(1);
    const block = await node.api('GET', `/blocks/${hash}`);
    expect(block.body.time).to.equal(at);
    await node.api('PUT', '/clock', { mocktime: 0 });
    const free = await node.api('GET', '/clock');
    expect(free.body.mocktime).to.equal(0);
    expect(Math.abs(free.body.time - Math.floor(Date.now() / 1000))).to.be.at.most(5);
  });

  it('refuses a bad body (400) and a call without the token (401), keeping the clock', async () => {
    const node = await cluster.start('clock-bad', { network: 'regtest' });
    await node.api('PUT', '/clock', { mocktime: 1_793_491_300 });
    for (const body of [{ mocktime: -5 }, { mocktime: 'soon' }, { mocktime: 2 ** 32 }, { time: 5 }, {}]) {
      const res = await node.api('PUT', '/clock', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).to.deep.equal([400, 'bad-request']);
    }
    expect((await node.api('PUT', '/clock', { mocktime: 5 }, false)).status).to.equal(401);
    expect((await node.api('GET', '/clock')).body).to.deep.equal({ time: 1_793_491_300, mocktime: 1_793_491_300, mockable: true });
  });

  it('refuses to set the clock of a demo node (409 mocktime-not-allowed)', async () => {
    const node = await cluster.start('clock-demo', { network: 'demo' });
    const res = await node.api('PUT', '/clock', { mocktime: 1_793_491_300 });
    expect([res.status, res.body.error.code]).to.deep.equal([409, 'mocktime-not-allowed']);
    expect((await node.api('GET', '/clock')).body).to.deep.include({ mocktime: 0, mockable: false });
  });
});
