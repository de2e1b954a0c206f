import { expect } from 'chai';
import { encodeAddress } from '../../src/consensus/address.js';
import { demo } from '../../src/consensus/params.js';
import { ServiceRefusal } from '../../src/api/services.js';
import { KEYS } from '../helpers/blocks.js';
import { errorOf, peerInfo, servedRoutes, startApi, TOKEN, type TestApi } from './api-fixture.js';

/** Every call that changes the node, with a body that would be valid. */
const MUTATIONS: Array<[method: string, path: string, body?: unknown]> = [
  ['POST', '/peers', { address: 'ws://127.0.0.1:9333' }],
  ['DELETE', '/peers/1'],
  ['POST', '/mining/start', {}],
  ['POST', '/mining/stop'],
  ['POST', '/mining/generate', { blocks: 1 }],
  ['POST', '/network', { active: false }],
  ['PUT', '/network/deny', { addresses: [] }],
  ['PUT', '/network/link', { delayMs: 0 }],
  ['PUT', '/mining/share', { share: 1 }],
  ['PUT', '/clock', { mocktime: 0 }],
];
/** Calls that change the node but need no token (DESIGN.md: like Core's sendrawtransaction, anyone may send a transaction). */
const OPEN_CALLS = ['post /tx'];


describe('api: mutations', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
    api.peers.list.push(peerInfo(1));
  });
  afterEach(async () => {
    await api.close();
  });

  describe('auth', () => {
    it('covers every route that is not a GET in this list, except POST /tx', async () => {
      const served = await servedRoutes(api);
      const mutating = served.filter((r) => !r.startsWith('get ') && !OPEN_CALLS.includes(r));
      expect(served).to.include.members(OPEN_CALLS);
      const listed = MUTATIONS.map(([m, p]) => `${m.toLowerCase()} ${p.replace('/1', '/{id}')}`);
      expect(mutating.sort()).to.deep.equal(listed.sort());
    });

    for (const [method, path, body] of MUTATIONS) {
      it(`refuses ${method} ${path} without a token or with a wrong one (401 unauthorized), changing nothing`, async () => {
        for (const token of [null, 'wrong-token', `${TOKEN}x`, '']) {
          const e = await errorOf(await api.send(method, path, body, token));
          expect([e.status, e.code], `token ${token}`).to.deep.equal([401, 'unauthorized']);
          expect(e.message).to.contain('DATADIR/api.cookie');
        }
        const basic = await api.get('/status'); // reads need no token
        expect(basic.status).to.equal(200);
        expect(api.peers.calls).to.deep.equal([]);
        expect(api.mining.calls).to.deep.equal([]);
      });
    }

    it('sends WWW-Authenticate with a 401', async () => {
      const res = await api.send('POST', '/mining/stop', undefined, null);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      await res.body?.cancel();
    });

    it('checks the token before the body', async () => {
      const e = await errorOf(await api.send('POST', '/mining/generate', 'not json', null));
      expect(e.code).to.equal('unauthorized');
    });
  });

  describe('peers', () => {
    it('connects to a peer with POST /peers (201) and drops one with DELETE /peers/:id', async () => {
      const res = await api.send('POST', '/peers', { address: 'ws://127.0.0.1:9333' });
      expect(res.status).to.equal(201);
      expect(await res.json()).to.include({ address: 'ws://127.0.0.1:9333' });
      const del = await api.send('DELETE', '/peers/1');
      expect(await del.json()).to.deep.equal({ id: 1, disconnected: true });
      expect(api.peers.calls).to.deep.equal(['connect ws://127.0.0.1:9333', 'disconnect 1']);
    });

    it('answers 422 peer-connect-failed, not a 5xx, when the peer cannot be reached', async () => {
      api.peers.refuse.set('ws://127.0.0.1:1', 'connect ECONNREFUSED 127.0.0.1:1');
      const e = await errorOf(await api.send('POST', '/peers', { address: 'ws://127.0.0.1:1' }));
      expect([e.status, e.code]).to.deep.equal([422, 'peer-connect-failed']);
      expect(e.message).to.contain('ECONNREFUSED');
    });

    it('answers 409 network-inactive while the network is off', async () => {
      api.peers.networkActive = false;
      const e = await errorOf(await api.send('POST', '/peers', { address: 'ws://127.0.0.1:9333' }));
      expect([e.status, e.code]).to.deep.equal([409, 'network-inactive']);
    });

    it('answers 404 not-found for an unknown peer id', async () => {
      const e = await errorOf(await api.send('DELETE', '/peers/99'));
      expect([e.status, e.code]).to.deep.equal([404, 'not-found']);
    });
  });

  describe('mining', () => {
    it('starts, stops and generates through MiningControl', async () => {
      const address = encodeAddress(KEYS[1]!.pubkey, api.params);
      expect(await (await api.send('POST', '/mining/start', { address })).json()).to.deep.equal({ active: true, hashrate: 1234, workers: 2 });
      expect(await (await api.send('POST', '/mining/stop')).json()).to.include({ active: false });
      const { hashes } = (await (await api.send('POST', '/mining/generate', { blocks: 3 })).json()) as { hashes: string[] };
      expect(hashes).to.have.length(3);
      expect(api.mining.calls).to.deep.equal([`start ${address}`, 'stop', 'generate 3 -']);
    });

    it('passes a service refusal through with its status and code', async () => {
      api.mining.failWith = new ServiceRefusal('mining-active', 'continuous mining is running', 409);
      const e = await errorOf(await api.send('POST', '/mining/generate', { blocks: 1 }));
      expect([e.status, e.code, e.message]).to.deep.equal([409, 'mining-active', 'continuous mining is running']);
    });
  });

  describe('network', () => {
    it('switches the network off and on with POST /network', async () => {
      expect(await (await api.send('POST', '/network', { active: false })).json()).to.include({ networkActive: false });
      expect(await (await api.send('POST', '/network', { active: true })).json()).to.include({ networkActive: true });
      expect(api.peers.calls).to.deep.equal(['network false', 'network true']);
    });
  });

  describe('bad input (400 with a named code, nothing changed)', () => {
    const cases: Array<[what: string, method: string, path: string, body: unknown, code: string]> = [
      ['limit 0', 'GET', '/blocks?limit=0', undefined, 'bad-request'],
      ['limit above 100', 'GET', '/blocks?limit=101', undefined, 'bad-request'],
      ['a limit that is not a number', 'GET', '/blocks?limit=ten', undefined, 'bad-request'],
      ['a negative from', 'GET', '/blocks?from=-1', undefined, 'bad-request'],
      ['an unknown order', 'GET', '/blocks?order=sideways', undefined, 'bad-request'],
      ['a hash of 63 hex digits', 'GET', `/blocks/${'a'.repeat(63)}`, undefined, 'bad-request'],
      ['a hash that is not hex', 'GET', `/blocks/${'g'.repeat(64)}`, undefined, 'bad-request'],
      ['generate 0 blocks', 'POST', '/mining/generate', { blocks: 0 }, 'bad-request'],
      ['generate 1001 blocks', 'POST', '/mining/generate', { blocks: 1001 }, 'bad-request'],
      ['generate 1.5 blocks', 'POST', '/mining/generate', { blocks: 1.5 }, 'bad-request'],
      ['generate "3" blocks', 'POST', '/mining/generate', { blocks: '3' }, 'bad-request'],
      ['generate without blocks', 'POST', '/mining/generate', {}, 'bad-request'],
      ['an unknown body field', 'POST', '/mining/generate', { blocks: 1, block: 2 }, 'bad-request'],
      ['a body that is not JSON', 'POST', '/mining/generate', '{"blocks": 1', 'bad-json'],
      ['a JSON array body', 'POST', '/network', '[true]', 'bad-request'],
      ['an address of another network', 'POST', '/mining/generate', { blocks: 1, address: encodeAddress(KEYS[0]!.pubkey, demo) }, 'invalid-address'],
      ['an address with a typo', 'POST', '/mining/start', { address: 'tcrt1pqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqbadbad' }, 'invalid-address'],
      ['a peer address over http', 'POST', '/peers', { address: 'http://127.0.0.1:9333' }, 'bad-request'],
      ['a peer address without a port', 'POST', '/peers', { address: 'ws://127.0.0.1' }, 'bad-request'],
      ['a peer address with a path', 'POST', '/peers', { address: 'ws://127.0.0.1:9333/x' }, 'bad-request'],
      ['a peer id that is not a number', 'DELETE', '/peers/abc', undefined, 'bad-request'],
      ['network active as a string', 'POST', '/network', { active: 'yes' }, 'bad-request'],
    ];
    for (const [what, method, path, body, code] of cases) {
      it(`refuses ${what} (${code})`, async () => {
        const res = method === 'GET' ? await api.get(path) : await api.send(method, path, body);
        const e = await errorOf(res);
        expect([e.status, e.code], e.message).to.deep.equal([400, code]);
        expect(e.raw).not.to.match(/\.(js|ts):\d+|\n\s+at /);
        expect(api.peers.calls).to.deep.equal([]);
        expect(api.mining.calls).to.deep.equal([]);
      });
    }

    it('names the field at fault', async () => {
      const e = await errorOf(await api.get('/blocks?limit=500'));
      expect(e.message).to.equal('query.limit: limit must be at most 100');
    });
  });

  describe('internal errors', () => {
    it('answer 500 "internal error" without details', async () => {
      api.mining.status = () => {
        throw new Error('secret detail at /home/x/node.js:12');
      };
      const e = await errorOf(await api.get('/status'));
      expect([e.status, e.code, e.message]).to.deep.equal([500, 'internal-error', 'internal error']);
      expect(e.raw).not.to.contain('secret');
    });
  });
});
