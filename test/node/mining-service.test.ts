import { expect } from 'chai';
import { pino } from 'pino';
import { regtest } from '../../src/consensus/params.js';
import { MiningService } from '../../src/node/mining-service.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { minerAddress, waitFor } from '../helpers/node-process.js';

describe('mining service: the nonce pool on demand', function () {
  this.timeout(30_000);

  it('starts no pool until asked to mine, ends its threads when idle, and starts them again for the next block', async () => {
    const chain = await memoryChain(regtest);
    const mining = new MiningService({ chain, params: regtest, workers: 1, defaultAddress: minerAddress('svc'), logger: pino({ level: 'silent' }), poolIdleMs: 200 });
    try {
      expect(mining.poolRunning).to.equal(false);
      expect(await mining.generate(1)).to.have.length(1);
      expect(mining.poolRunning).to.equal(true);
      await waitFor('the idle pool to end', () => !mining.poolRunning, 10_000);
      expect(await mining.generate(1)).to.have.length(1);
      expect(chain.height).to.equal(2);
    } finally {
      await mining.close();
      await chain.store.close();
    }
  });
});
