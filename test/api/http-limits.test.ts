import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { limitServer } from '../../src/api/http-limits.js';
import { errorOf, startApi } from './api-fixture.js';

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
