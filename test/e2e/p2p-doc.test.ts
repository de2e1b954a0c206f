/**
 * docs/p2p.md is enough to write a peer: this test is one, written from the document
 * alone. Its encoder and decoder below (envelope, CompactSize, version, getheaders,
 * headers, getdata, block) follow the page's tables and import nothing of src/; the
 * constants are the page's and protocol.md's (regtest's magic and genesis). It drives a
 * real node process through the handshake, sync and a bad frame, and where the document
 * gives bytes (the verack example) the node must send exactly those.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

/** protocol.md §13 and p2p.md §2: regtest's magic, as the bytes on the wire, and its genesis hash as displayed. */
const MAGIC = Buffer.from('74726374', 'hex');
const GENESIS_DISPLAY = '730563f34de192f557ca1fd011222b6c07d301ec9d251d6aca856a1d02f859e2';
/** p2p.md §3 */
const CMD = { version: 0x01, verack: 0x02, ping: 0x03, pong: 0x04, getdata: 0x06, block: 0x08, getheaders: 0x0a, headers: 0x0b, sendblocks: 0x0d, sendheaders: 0x0e };

const sha256d = (b: Buffer): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
/** internal byte order is the display hex reversed (p2p.md conventions) */
const internal = (display: string): Buffer => Buffer.from(display, 'hex').reverse();
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** CompactSize, only the 1-byte form is needed here */
const count = (n: number): Buffer => {
  if (n > 0xfc) throw new Error('this test sends small counts only');
  return Buffer.from([n]);
};
const frame = (command: number, payload: Buffer = Buffer.alloc(0)): Buffer => Buffer.concat([MAGIC, Buffer.from([command]), u32(payload.length), sha256d(payload).subarray(0, 4), payload]);

/** p2p.md §3, version: protocolVersion, magic, genesis, bestHeight, chainwork, userAgent, nonce, listenPort */
function versionPayload(): Buffer {
  const agent = Buffer.from('/doc-peer/');
  return Buffer.concat([u32(1), MAGIC, internal(GENESIS_DISPLAY), u32(0), Buffer.alloc(32), count(agent.length), agent, Buffer.from('0123456789abcdef', 'hex'), u32(0)]);
}

interface Frame {
  command: number;
  payload: Buffer;
  raw: Buffer;
}

/** readFrame checks the envelope as p2p.md §2 says a receiver does. */
function readFrame(raw: Buffer): Frame {
  expect(raw.length).to.be.at.least(13);
  expect(raw.subarray(0, 4).toString('hex'), 'magic').to.equal(MAGIC.toString('hex'));
  const payload = raw.subarray(13);
  expect(raw.readUInt32LE(5), 'length').to.equal(payload.length);
  expect(raw.subarray(9, 13).toString('hex'), 'checksum').to.equal(sha256d(payload).subarray(0, 4).toString('hex'));
  return { command: raw[4]!, payload, raw };
}

class DocPeer {
  readonly frames: Frame[] = [];
  closed: { code: number } | undefined;
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(readFrame(Buffer.from(data))));
    ws.on('close', (code) => (this.closed = { code }));
    ws.on('error', () => undefined);
  }
  send(bytes: Buffer): void {
    this.ws.send(bytes);
  }
  /** next waits for the next frame with this command and returns it, dropping the others before it */
  async next(command: number): Promise<Frame> {
    return waitFor(`command 0x${command.toString(16)} from the node`, () => {
      const i = this.frames.findIndex((f) => f.command === command);
      return i < 0 ? undefined : this.frames.splice(0, i + 1)[i];
    }, 15_000);
  }
  close(): void {
    this.ws.terminate();
  }
}

describe('docs/p2p.md is enough to write a peer (an encoder written from the page, against a real node)', function () {
  this.timeout(120_000);
  const cluster = new NodeCluster();
  const peers: DocPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await cluster.cleanup();
  });

  async function connect(url: string): Promise<DocPeer> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const peer = new DocPeer(ws);
    peers.push(peer);
    return peer;
  }

  it('does the handshake, syncs three headers and a block, answers a ping, and scores a bad checksum as documented', async () => {
    const node = await cluster.start('a');
    const hashes = await node.generate(3);
    const peer = await connect(node.p2pUrl);

    // §4: version → version, verack (in that order, nothing first); the node's verack is §2's example, byte for byte.
    peer.send(frame(CMD.version, versionPayload()));
    await waitFor('the node to answer the version', () => peer.frames.length >= 2, 15_000);
    expect(peer.frames.slice(0, 2).map((f) => f.command)).to.deep.equal([CMD.version, CMD.verack]);
    const version = await peer.next(CMD.version);
    const verack = await peer.next(CMD.verack);
    expect(verack.raw.toString('hex')).to.equal('74726374' + '02' + '00000000' + '5df6e0e2');
    const v = version.payload;
    expect(v.readUInt32LE(0), 'protocolVersion').to.equal(1);
    expect(v.subarray(4, 8).toString('hex'), 'magic').to.equal(MAGIC.toString('hex'));
    expect(Buffer.from(v.subarray(8, 40)).reverse().toString('hex'), 'genesis').to.equal(GENESIS_DISPLAY);
    expect(v.readUInt32LE(40), 'bestHeight').to.equal(3);
    peer.send(frame(CMD.verack));
    await peer.next(CMD.sendblocks);

    // ping → pong with the same nonce
    const nonce = Buffer.from('a1b2c3d4e5f60718', 'hex');
    peer.send(frame(CMD.ping, nonce));
    expect((await peer.next(CMD.pong)).payload.toString('hex')).to.equal(nonce.toString('hex'));

    // §5: getheaders from genesis (count, locator, stop zero) → headers: count, then 80-byte headers; hash = sha256d(header).
    peer.send(frame(CMD.getheaders, Buffer.concat([count(1), internal(GENESIS_DISPLAY), Buffer.alloc(32)])));
    const headers = (await peer.next(CMD.headers)).payload;
    expect(headers[0], 'count').to.equal(3);
    expect(headers.length).to.equal(1 + 3 * 80);
    let prev = internal(GENESIS_DISPLAY);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const header = headers.subarray(1 + i * 80, 1 + (i + 1) * 80);
      expect(header.subarray(4, 36).toString('hex'), `header ${i} prevHash`).to.equal(prev.toString('hex'));
      prev = sha256d(header);
      got.push(Buffer.from(prev).reverse().toString('hex'));
    }
    expect(got).to.deep.equal(hashes);

    // §6: getdata (count, type 2 + hash) → block: its first 80 bytes are the header that hashes to it.
    peer.send(frame(CMD.getdata, Buffer.concat([count(1), Buffer.from([2]), internal(hashes[2]!)])));
    const block = (await peer.next(CMD.block)).payload;
    expect(Buffer.from(sha256d(block.subarray(0, 80))).reverse().toString('hex')).to.equal(hashes[2]);

    // §7: a bad checksum costs 10: nine leave the connection open (a ping still answered), the tenth closes it 4003.
    const bad = frame(CMD.ping, nonce);
    bad[9] = bad[9]! ^ 0xff;
    for (let i = 0; i < 9; i++) peer.send(bad);
    peer.send(frame(CMD.ping, nonce));
    await peer.next(CMD.pong);
    expect(peer.closed).to.equal(undefined);
    peer.send(bad);
    const closed = await waitFor('the node to close the connection', () => peer.closed, 15_000);
    expect(closed.code).to.equal(4003);
  });
});
