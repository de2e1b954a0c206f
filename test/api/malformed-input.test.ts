/**
 * Every route of the OpenAPI document, sent malformed input: bad path parameters, bad
 * query strings, bodies that are not JSON, not objects, of the wrong types, in a
 * Content-Encoding they are not, or of another media type. Nothing may answer 5xx,
 * every refusal is the one error shape with a named code, and a refused call changes
 * nothing (the fake peers and miner record every call that reaches them).
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { TOKEN, errorOf, startApi, type TestApi } from './api-fixture.js';

interface Op {
  method: string;
  path: string;
  parameters?: { name: string; in: 'path' | 'query' }[];
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
  security: unknown[];
}

const BAD_PATH_VALUES = ['%E0%A4%A', '%FF', 'x'.repeat(300), '-1', '1e3', '0x10', '99999999999999999999', '%00', '..%2F..'];
const BAD_QUERY_VALUES = ['abc', '-1', '1e309', '', '%E0%A4%A', '1.5', 'x'.repeat(100)];
const BAD_BODIES = ['not json', '[]', 'null', '"a string"', '42', '{"unknown": 1}', '{', '{"a":'.repeat(500), JSON.stringify({ x: 'y'.repeat(20_000) })];
/** Wrong-typed values for a field: whatever the field is, most of these are not it. */
const WRONG_VALUES: unknown[] = ['a string', -1, 1.5, null, [1], { a: 1 }, 'ws://h:0', 'wss://127.0.0.1:1', 'x'.repeat(400)];

/** raw sends a request with full control of headers and bytes (fetch would refuse some). */
function raw(api: TestApi, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; text: string }> {
  const url = new URL(api.url + path.replace(/^\/api\/v1/, ''));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function operations(doc: any): Op[] {
  return Object.entries(doc.paths as Record<string, Record<string, Omit<Op, 'method' | 'path'>>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
}

/** concrete fills path parameters with a well-formed value, so only the part under test is bad. */
function concrete(path: string, api: TestApi): string {
  return path.replace('{hashOrHeight}', '0').replace('{txid}', '0'.repeat(64)).replace('{address}', api.params.name === 'regtest' ? 'tcrt1qqqqq' : 'x').replace('{id}', '1');
}

describe('api: malformed input to every route in the OpenAPI document', function () {
  this.timeout(120_000);
  let api: TestApi;
  let ops: Op[];
  before(async () => {
    api = await startApi();
    ops = operations(await api.getJson('/openapi.json'));
  });
  after(async () => api.close());

  const calls = (): string => [...api.peers.calls, ...api.mining.calls].join('|');

  async function expectRefused(what: string, res: { status: number; text: string }, allowOk: boolean): Promise<void> {
    expect(res.status, `${what}: ${res.text.slice(0, 200)}`).to.be.below(500);
    if (res.status >= 400) {
      const body = await errorOf(new Response(res.text, { status: res.status }));
      expect(body.code, what).to.match(/^[a-z0-9-]+$|^[a-z][a-z -]+$/i);
    } else {
      expect(allowOk, `${what} was accepted: ${res.text.slice(0, 200)}`).to.equal(true);
    }
  }

  it('walks at least every route the node serves', () => {
    expect(ops.length).to.be.greaterThan(20);
  });

  it('answers a bad path parameter with a 4xx and a named code', async () => {
    for (const op of ops.filter((o) => o.path.includes('{'))) {
      for (const value of BAD_PATH_VALUES) {
        const path = op.path.replace(/\{\w+\}/, value);
        const before = calls();
        await expectRefused(`${op.method} ${path}`, await raw(api, op.method, path, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, op.requestBody ? '{}' : undefined), false);
        expect(calls(), `${op.method} ${path} changed something`).to.equal(before);
      }
    }
  });

  it('answers a bad query value with a 4xx and a named code', async () => {
    for (const op of ops) {
      for (const param of (op.parameters ?? []).filter((p) => p.in === 'query')) {
        for (const value of BAD_QUERY_VALUES) {
          const path = `${concrete(op.path, api)}?${param.name}=${value}`;
          await expectRefused(`${op.method} ${path}`, await raw(api, op.method, path, {}), false);
        }
      }
    }
  });

  it('answers a body that is not the operation\'s JSON object with a 4xx and changes nothing', async () => {
    for (const op of ops.filter((o) => o.requestBody !== undefined)) {
      const path = concrete(op.path, api);
      const properties = Object.keys(op.requestBody!.content['application/json'].schema.properties ?? {});
      const bodies = [...BAD_BODIES, ...properties.flatMap((name) => WRONG_VALUES.map((v) => JSON.stringify({ [name]: v })))];
      for (const body of bodies) {
        const before = calls();
        const res = await raw(api, op.method, path, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body);
        // A wrong value for an optional field alone may still be refused for a missing required one: either way not a 2xx.
        await expectRefused(`${op.method} ${path} ${body.slice(0, 60)}`, res, false);
        expect(calls(), `${op.method} ${path} ${body.slice(0, 60)} changed something`).to.equal(before);
      }
    }
  });

  it('answers a body whose Content-Encoding is a lie with 400 bad-content-encoding, and an unknown encoding with 415', async () => {
    for (const op of ops.filter((o) => o.requestBody !== undefined)) {
      const path = concrete(op.path, api);
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const gzip = await raw(api, op.method, path, { ...headers, 'content-encoding': 'gzip' }, '{"not":"gzip"}');
      expect(gzip.status, `${op.method} ${path}: ${gzip.text}`).to.equal(400);
      expect((await errorOf(new Response(gzip.text, { status: 400 }))).code).to.equal('bad-content-encoding');
      const unknown = await raw(api, op.method, path, { ...headers, 'content-encoding': 'zstd-nonsense' }, '{}');
      expect(unknown.status, `${op.method} ${path}: ${unknown.text}`).to.equal(415);
    }
  });

  it('answers a mutating call without the token with 401 before reading its body', async () => {
    for (const op of ops.filter((o) => o.security.length > 0)) {
      const res = await raw(api, op.method, concrete(op.path, api), { 'content-type': 'application/json' }, 'not json');
      expect(res.status, `${op.method} ${op.path}`).to.equal(401);
    }
  });

  it('takes POST /tx only as application/json (415 otherwise), so a cross-site form cannot send one', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw(api, 'POST', '/tx', { 'content-type': type }, '{"hex":"00"}');
      expect(res.status, type).to.equal(415);
      expect((await errorOf(new Response(res.text, { status: 415 }))).code).to.equal('unsupported-media-type');
    }
    const none = await raw(api, 'POST', '/tx', {}, '{"hex":"00"}');
    expect(none.status).to.equal(415);
  });
});

describe('api: the bad inputs that once answered 5xx', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => api.close());

  for (const address of ['wss://127.0.0.1:9000', 'ws://127.0.0.1:0', 'ws://127.0.0.1:65536', 'ws://127.0.0.1']) {
    it(`refuses ${address} in PUT /network/deny and POST /peers with 400, and passes it to neither`, async () => {
      const deny = await errorOf(await api.send('PUT', '/network/deny', { addresses: [address] }));
      expect(deny.status).to.equal(400);
      expect(deny.message).to.include('ws://HOST:PORT');
      const connect = await errorOf(await api.send('POST', '/peers', { address }));
      expect(connect.status).to.equal(400);
      expect(api.peers.calls).to.deep.equal([]);
    });
  }

  it('answers GET /blocks/%E0%A4%A (a path that does not percent-decode) with 400 bad-uri', async () => {
    const e = await errorOf(await api.get('/blocks/%E0%A4%A'));
    expect([e.status, e.code]).to.deep.equal([400, 'bad-uri']);
  });
});
