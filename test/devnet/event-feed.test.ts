import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeEvent } from '../../src/api/contract/events.js';
import { EventFeed } from '../../src/devnet/event-feed.js';

const HASH = 'ab'.repeat(32);

/** A node's GET /events on a real socket: it sends `frames` once per connection and keeps the stream open. */
function eventServer(frames: string[]): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const frame of frames) res.write(frame);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

describe("the devnet's event feed reads a node's events through the API contract", () => {
  let server: Server | undefined;
  let feed: EventFeed | undefined;
  afterEach(async () => {
    feed?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    server = undefined;
    feed = undefined;
  });

  it('hands on only the events the contract names, with data of their schema, typed by name', async () => {
    const last = { hash: HASH, height: 2, chainwork: '0'.repeat(63) + '6' };
    server = await eventServer([
      sse('tip', { hash: HASH, height: 1, chainwork: '0'.repeat(63) + '4' }),
      sse('tip', { hash: 'not-hex', height: 1, chainwork: '4' }), // a field of the wrong shape
      sse('block-connected', { hash: HASH, height: 1 }), // fields missing
      sse('compact-block', { hash: HASH }), // an event the contract does not name
      sse('ban', 'not json'),
      sse('ban', { address: '127.0.0.1:5', reason: 'bad-magic' }),
      sse('tip', last),
    ]);
    const got: NodeEvent[] = [];
    const { port } = server.address() as AddressInfo;
    let resolveLast!: () => void;
    const lastSeen = new Promise<void>((resolve) => (resolveLast = resolve));
    feed = new EventFeed(
      () => `http://127.0.0.1:${port}/api/v1/events`,
      (e) => {
        got.push(e);
        if (e.event === 'tip' && e.data.height === 2) resolveLast();
      },
    );
    await lastSeen;
    expect(got.map((e) => e.event)).to.deep.equal(['tip', 'ban', 'tip']);
    const ban = got[1]!;
    expect(ban.event === 'ban' && ban.data.reason).to.equal('bad-magic');
    expect(got[2]!.data).to.deep.equal(last);
  });
});
