/**
 * The API puts its routes on its router on the first request (server.ts): requests that
 * arrive together while they load each wait and get their own route's answer, and what
 * stands before the routes (host check, token, 404, error middleware) answers as before.
 */
import { expect } from 'chai';
import { errorOf, startApi, TOKEN, type TestApi } from './api-fixture.js';

describe('api: routes loaded on the first request', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('answers requests that arrive together before the routes have loaded, each with its own route', async () => {
    const [status, block, unauthorized, withToken, missing] = await Promise.all([
      api.get('/status'),
      api.get('/blocks/0'),
      fetch(`${api.url}/peers/1`, { method: 'DELETE' }),
      fetch(`${api.url}/mining/stop`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }),
      api.get('/no-such-route'),
    ]);
    expect(status.status).to.equal(200);
    expect(((await status.json()) as { network: string }).network).to.equal(api.params.name);
    expect(block.status).to.equal(200);
    expect(((await block.json()) as { height: number }).height).to.equal(0);
    expect(unauthorized.status).to.equal(401);
    expect((await errorOf(unauthorized)).code).to.equal('unauthorized');
    expect(withToken.status).to.equal(200);
    expect(missing.status).to.equal(404);
    expect((await errorOf(missing)).code).to.equal('not-found');
  });
});
