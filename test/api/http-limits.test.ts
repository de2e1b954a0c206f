import { expect } from 'chai';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { limitServer } from '../../src/api/http-limits.js';
import { errorOf, startApi, type TestApi } from './api-fixture.js';

/** get sends GET with a chosen Host header (fetch does not let a caller set Host). */
function get(url: string, host: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('api: the Host check of a node bound to loopback', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi({ loopbackHostOnly: true });
  });
  afterEach(async () => api.close());

  it('refuses a request naming another host with 403 forbidden-host (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:28443', '127.0.0.1.evil.example', '127.0.0.1@evil.example']) {
      const res = await get(`${api.url}/status`, host);
      expect(res.status, host).to.equal(403);
      expect(JSON.parse(res.text).error.code).to.equal('forbidden-host');
    }
  });

  it('answers a request naming 127.0.0.1, localhost or [::1]', async () => {
    const port = new URL(api.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, '[::1]', 'localhost']) {
      expect((await get(`${api.url}/status`, host)).status, host).to.equal(200);
    }
  });

  it('is off when the node is not bound to loopback', async () => {
    const open = await startApi();
    try {
      expect((await get(`${open.url}/status`, 'node.example')).status).to.equal(200);
    } finally {
      await open.close();
    }
  });
});

describe('api: the cap on event streams', () => {
  it('answers one stream more than the cap with 503 too-many-streams, and takes one again when a stream closes', async () => {
    const api = await startApi({ maxEventStreams: 2 });
    const streams: AbortController[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const abort = new AbortController();
        streams.push(abort);
        expect((await fetch(`${api.url}/events`, { signal: abort.signal })).status).to.equal(200);
      }
      const refused = await errorOf(await api.get('/events'));
      expect([refused.status, refused.code]).to.deep.equal([503, 'too-many-streams']);
      streams.shift()!.abort();
      const deadline = Date.now() + 5000;
      let status = 503;
      while (status === 503 && Date.now() < deadline) {
        const abort = new AbortController();
        const res = await fetch(`${api.url}/events`, { signal: abort.signal });
        status = res.status;
        if (status === 200) streams.push(abort);
        else await res.text();
      }
      expect(status).to.equal(200);
    } finally {
      for (const s of streams) s.abort();
      await api.close();
    }
  });
});

describe('http limits', () => {
  it('closes connections beyond maxConnections and sets the request timeouts', async () => {
    const server: Server = limitServer(createServer((_req, res) => res.end('ok')), { maxConnections: 2, requestTimeoutMs: 1000, headersTimeoutMs: 500, keepAliveTimeoutMs: 100, idleTimeoutMs: 2000 });
    expect([server.requestTimeout, server.headersTimeout, server.keepAliveTimeout, server.timeout]).to.deep.equal([1000, 500, 100, 2000]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sockets: Socket[] = [];
    try {
      const open = (): Promise<Socket> =>
        new Promise((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.on('error', reject);
          sockets.push(s);
        });
      await open();
      await open();
      // Wait until the server counts both, then the third is dropped as it arrives.
      const deadline = Date.now() + 5000;
      while ((await new Promise<number>((r) => server.getConnections((_e, n) => r(n)))) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const third = await open();
      const closed = await new Promise<boolean>((resolve) => {
        third.on('close', () => resolve(true));
        third.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        setTimeout(() => resolve(false), 3000).unref();
      });
      expect(closed).to.equal(true);
    } finally {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
