import { expect } from 'chai';
import { resolveNodeConfig } from '../../src/node/config.js';
import { UsageError } from '../../src/cli/usage-error.js';

describe('node config: --peer', () => {
  it('reads ws://HOST:PORT with the p2p layer\'s parser', () => {
    expect(resolveNodeConfig({ peer: ['ws://127.0.0.1:28444'] }).peers).to.deep.equal(['ws://127.0.0.1:28444']);
  });

  for (const bad of ['wss://127.0.0.1:28444', 'ws://127.0.0.1:0', 'ws://127.0.0.1:65536', 'ws://127.0.0.1', 'http://127.0.0.1:1', 'ws://127.0.0.1:1/path']) {
    it(`refuses ${bad} as a usage error naming ws://HOST:PORT`, () => {
      expect(() => resolveNodeConfig({ peer: [bad] })).to.throw(UsageError, 'ws://HOST:PORT');
    });
  }
});
