import { expect } from 'chai';
import { request } from 'node:http';
import { accessFor, hostName, isLoopbackHost } from '../../src/api/access.js';
import { servedRoutes, startApi, TOKEN, type TestApi } from './api-fixture.js';

/** A request with a chosen Host header (fetch may not set it), answered as { status, code }. */
function call(api: TestApi, method: string, path: string, host: string, options: { body?: string; token?: string } = {}): Promise<{ status: number; code: string | undefined }> {
  const url = new URL(api.url + path);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, 'content-type': 'application/json' };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('api: who may call, by where the API listens', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('tells loopback listen addresses from exposed ones', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopbackHost(h), h).to.equal(true);
    for (const h of ['0.0.0.0', '::', '192.0.2.10', 'node-0.toychain']) expect(isLoopbackHost(h), h).to.equal(false);
    expect(accessFor('0.0.0.0', ['A.example'])).to.deep.equal({ exposed: true, allowHosts: ['a.example'] });
    expect(hostName('[::1]:18443')).to.equal('[::1]');
    expect(hostName('Node-0.toychain:28443')).to.equal('node-0.toychain');
  });

  describe('on loopback', () => {
    it('refuses a Host header that is not loopback (DNS rebinding: forbidden-host)', async () => {
      api = await startApi();
      expect(await call(api, 'GET', '/status', 'evil.example:18443')).to.deep.equal({ status: 403, code: 'forbidden-host' });
      expect(await call(api, 'POST', '/tx', 'evil.example', { body: '{}' })).to.deep.equal({ status: 403, code: 'forbidden-host' });
      expect((await call(api, 'GET', '/status', 'localhost:18443')).status).to.equal(200);
      expect((await call(api, 'GET', '/status', '[::1]:18443')).status).to.equal(200);
    });

    it('answers to the names given with --api-allow-host', async () => {
      api = await startApi({ access: accessFor('127.0.0.1', ['proxy.example']) });
      expect((await call(api, 'GET', '/status', 'proxy.example:8080')).status).to.equal(200);
      expect((await call(api, 'GET', '/status', 'other.example')).status).to.equal(403);
    });

    it('takes POST /tx without a token, as before', async () => {
      api = await startApi();
      // A malformed body gets past the auth layer and is refused by validation.
      const res = await call(api, 'POST', '/tx', '127.0.0.1', { body: '{"hex":"zz"}' });
      expect(res.status).to.equal(400);
    });
  });

  describe('beyond loopback', () => {
    it('keeps reads public for any Host when no allowlist is given', async () => {
      api = await startApi({ access: accessFor('0.0.0.0', []) });
      expect((await call(api, 'GET', '/status', 'node-0.toychain:28443')).status).to.equal(200);
      expect((await call(api, 'GET', '/blocks/0', '192.0.2.10:28443')).status).to.equal(200);
    });

    it('needs the token for every call that is not a read, POST /tx included (unauthorized)', async () => {
      api = await startApi({ access: accessFor('0.0.0.0', []) });
      const changes = (await servedRoutes(api)).filter((r) => !r.startsWith('get '));
      expect(changes).to.include('post /tx');
      for (const route of changes) {
        const [method, path] = route.split(' ') as [string, string];
        const res = await call(api, method.toUpperCase(), path.replace(/\{[^}]+\}/g, '1'), 'node-0.toychain', { body: '{}' });
        expect(res, route).to.deep.equal({ status: 401, code: 'unauthorized' });
      }
      const withToken = await call(api, 'POST', '/tx', 'node-0.toychain', { body: '{"hex":"zz"}', token: TOKEN });
      expect(withToken.status).to.equal(400);
      expect(await call(api, 'POST', '/tx', 'node-0.toychain', { body: '{"hex":"zz"}', token: 'wrong' })).to.deep.equal({ status: 401, code: 'unauthorized' });
    });

    it('checks the Host header against the allowlist when one is given (loopback names still pass)', async () => {
      api = await startApi({ access: accessFor('0.0.0.0', ['node-0.toychain']) });
      expect((await call(api, 'GET', '/status', 'node-0.toychain:28443')).status).to.equal(200);
      expect((await call(api, 'GET', '/status', '127.0.0.1:28443')).status).to.equal(200);
      expect(await call(api, 'GET', '/status', 'evil.example')).to.deep.equal({ status: 403, code: 'forbidden-host' });
    });
  });
});
