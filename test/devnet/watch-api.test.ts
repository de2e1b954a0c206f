import { expect } from 'chai';
import { createServer, request, type Server } from 'node:http';
import { createLogger } from '../../src/node/log.js';
import { createWatchApi } from '../../src/devnet/watch-api.js';
import { Watcher } from '../../src/devnet/watcher.js';

/** post sends a JSON POST to 127.0.0.1 with the given Host header. */
function post(port: number, path: string, host: string, body: unknown): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, agent: false }, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => (data += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(data) as { error?: { code: string } }).error?.code ?? '' }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('watch API bound beyond loopback (a classroom page on 0.0.0.0)', () => {
  const logger = createLogger({ level: 'silent', pretty: false });
  let server: Server;
  let port = 0;

  before(async () => {
    // Exposed, without a token: reads are public, changes only from this machine under the devnet's rules.
    const watcher = new Watcher({ nodes: [], token: undefined, discover: false, logger });
    server = createServer(createWatchApi(watcher, { exposed: true, token: undefined }, logger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    port = typeof a === 'object' && a !== null ? a.port : 0;
  });
  after(() => server.close());

  it('lets a change from this machine through to the watcher, which names what is wrong with it', async () => {
    // The guard passes; the watcher then refuses for its own reason (no node 7 is watched).
    expect(await post(port, '/api/v1/devnet/nodes/7/mining', `127.0.0.1:${port}`, { active: true })).to.deep.equal({ status: 400, code: 'no-such-node' });
  });

  it("refuses a change from this machine whose Host is not loopback (a DNS-rebinding page), 403 forbidden-host", async () => {
    expect(await post(port, '/api/v1/devnet/nodes/7/mining', 'evil.example', { active: true })).to.deep.equal({ status: 403, code: 'forbidden-host' });
  });

  it('answers reads whatever the Host, as any exposed page', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/devnet', headers: { host: 'class.example' }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(200);
  });
});
