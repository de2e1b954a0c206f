/**
 * GET /api/v1/devnet/finality, the route the dashboard's finality meter reads: the lab's
 * table (src/lab/finality.ts) as it is, and named 400s for a share or depth it cannot take.
 */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { createErrorMiddleware, notFound } from '../../src/api/error-middleware.js';
import { registerFinalityRoute } from '../../src/devnet/finality-api.js';
import { finalityTable } from '../../src/lab/finality.js';

describe('devnet: the finality route', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    const api = express.Router();
    registerFinalityRoute(api);
    app.use('/api/v1', api);
    app.use(notFound);
    app.use(createErrorMiddleware(pino({ level: 'silent' })));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/devnet/finality`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (query: string) => {
    const res = await fetch(`${base}${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  it("answers the lab's finality table for q down to maxDepth", async () => {
    const res = await get('?q=0.1&maxDepth=12');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal(finalityTable(0.1, 12));
    expect(res.body.depths).to.have.length(13);
  });

  it('lists 100 depths when maxDepth is not given, and reads another q', async () => {
    const res = await get('?q=0.3');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal(finalityTable(0.3, 100));
  });

  for (const q of ['0.5', '0.7', '0', '0.0']) {
    it(`refuses an attacker share of ${q}, outside 0 < q < 0.5 (400 bad-attacker-share)`, async () => {
      const res = await get(`?q=${q}&maxDepth=3`);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('bad-attacker-share');
      expect(res.body.error.message).to.include('query.q').and.include('between 0 and 0.5');
    });
  }

  for (const [query, field] of [['', 'query.q'], ['?q=', 'query.q'], ['?q=abc', 'query.q'], ['?q=-0.1', 'query.q'], ['?q=1e-3', 'query.q'], ['?q=0.1&maxDepth=1001', 'query.maxDepth'], ['?q=0.1&maxDepth=-1', 'query.maxDepth'], ['?q=0.1&maxDepth=2.5', 'query.maxDepth']] as const) {
    it(`refuses ${query || 'no query'} with a 400 bad-request naming ${field}`, async () => {
      const res = await get(query);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('bad-request');
      expect(res.body.error.message).to.include(field);
    });
  }
});
