/**
 * Issue 5, "Hostile peer": a raw ws client that completes the handshake as a regtest
 * peer attacks a real `toychain node` process (A) while an honest node process (B)
 * is connected to it. Every attack is judged only through what the node shows from
 * outside: the close frame the client gets, `/peers` scores, the JSON log lines,
 * `/metrics`, `/status` and whether a banned address may come back.
 */
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { regtest } from '../../src/consensus/params.js';
import { COMMANDS, encodeMessage, MAX_MESSAGE_SIZE } from '../../src/p2p/messages.js';
import { P2P_DEFAULTS } from '../../src/p2p/p2p-options.js';
import { BAN_SCORE, OFFENCE_SCORES } from '../../src/p2p/misbehaviour.js';
import { CLOSE_LIMIT, CLOSE_MISBEHAVING } from '../../src/p2p/peer.js';
import { txid } from '../../src/consensus/tx.js';
import { fromDisplayHex, toDisplayHex, hash32 } from '../../src/consensus/bytes.js';
import { genesisOf, KEYS, mineBlock, mineChain, spendTx } from '../helpers/blocks.js';
import { NodeCluster, waitFor, type NodeProcess } from '../helpers/node-process.js';
import { RawClient } from '../p2p/fixture.js';
import { logLines, type LogLine } from '../helpers/hostile-peer.js';

/** How long any one condition may take to show on a node process. */
const SHOW_MS = 15_000;

/** banLine waits for the node's "banned 127.0.0.1:PORT" log line (the connecting socket's address) and returns it. */
function banLine(node: NodeProcess, address: string): Promise<LogLine> {
  return waitFor(`${node.name} to log the ban of ${address}`, () => logLines(node).find((l) => l.msg === `banned ${address}`), SHOW_MS);
}

/** metric reads one sample of the node's Prometheus exposition. */
async function metric(node: NodeProcess, name: string): Promise<number> {
  const res = await fetch(`${node.apiUrl}/metrics`);
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no metric ${name}`);
  return Number(line.slice(name.length + 1));
}

/** banScore is the score `/peers` shows for the peer with this user agent (undefined: not listed). */
async function banScore(node: NodeProcess, userAgent: string): Promise<number | undefined> {
  const res = await node.api<{ userAgent: string; banScore: number }[]>('GET', '/peers');
  return res.body.find((p) => p.userAgent === userAgent)?.banScore;
}

/** what an attack leaves: the listen port the client claimed and the connecting address banned */
interface Attacked {
  listenPort: number;
  address: string;
}

describe('hostile peer against a node process', function () {
  this.timeout(120_000);
  const cluster = new NodeCluster();
  const clients: RawClient[] = [];
  let nextListenPort = 40_001;

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await cluster.cleanup();
  });

  /** an attacked node A with an honest node B (`--peer A`) connected to it */
  async function pair(): Promise<{ a: NodeProcess; b: NodeProcess }> {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    await waitFor('b to connect to a', async () => (await a.status()).peers === 1 && (await b.status()).peers === 1, SHOW_MS);
    return { a, b };
  }

  /** a listen port no node of the cluster has, for the hostile client to claim */
  function freshListenPort(): number {
    const taken = new Set(cluster.nodes.map((n) => n.p2pPort));
    while (taken.has(nextListenPort)) nextListenPort++;
    return nextListenPort++;
  }

  /** connect opens a raw ws connection to a node (closed in afterEach whatever happens). */
  async function connect(node: NodeProcess): Promise<RawClient> {
    const ws = new WebSocket(node.p2pUrl, { perMessageDeflate: false });
    const client = new RawClient(ws);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** hostile connects and completes the handshake as a regtest peer listening on its own port. */
  async function hostile(node: NodeProcess, name: string): Promise<{ client: RawClient; listenPort: number; userAgent: string; address: string }> {
    const listenPort = freshListenPort();
    const userAgent = `/hostile-${name}/`;
    const client = await connect(node);
    await client.handshake(regtest, { listenPort, userAgent });
    // Ready once the node lists it: from here on its messages are a ready peer's.
    await waitFor(`${node.name} to list ${userAgent}`, async () => (await banScore(node, userAgent)) === 0, SHOW_MS);
    // The address a ban is keyed by: the socket's own, as the node sees it (never the claimed listen port).
    const address = (await node.api<{ userAgent: string; address: string }[]>('GET', '/peers')).body.find((p) => p.userAgent === userAgent)!.address;
    return { client, listenPort, userAgent, address };
  }

  /** hostileClaiming handshakes claiming someone else's listen port. */
  async function hostileClaiming(node: NodeProcess, listenPort: number): Promise<{ client: RawClient; address: string }> {
    const userAgent = `/hostile-claims-${listenPort}/`;
    const client = await connect(node);
    await client.handshake(regtest, { listenPort, userAgent });
    await waitFor(`${node.name} to list ${userAgent}`, async () => (await banScore(node, userAgent)) === 0, SHOW_MS);
    const address = (await node.api<{ userAgent: string; address: string }[]>('GET', '/peers')).body.find((p) => p.userAgent === userAgent)!.address;
    return { client, address };
  }

  /** closedWith waits for the node to close the client's connection and returns how. */
  function closedWith(client: RawClient, what: string): Promise<{ code: number; reason: string }> {
    return waitFor(`the node to close the ${what} connection`, () => client.closed, SHOW_MS);
  }

  /**
   * notFramed: the ban is the connecting socket's, so a peer that claims the banned
   * peer's listen port (as an honest node with that port would) is still accepted.
   */
  async function notFramed(node: NodeProcess, listenPort: number): Promise<void> {
    const userAgent = `/claims-${listenPort}/`;
    const back = await connect(node);
    await back.handshake(regtest, { listenPort, userAgent });
    await waitFor(`${node.name} to list the peer claiming ${listenPort}`, async () => (await banScore(node, userAgent)) === 0, SHOW_MS);
    expect(back.closed).to.equal(undefined);
    back.close();
    await waitFor(`${node.name} to see the claiming peer leave`, async () => (await banScore(node, userAgent)) === undefined, SHOW_MS);
  }

  /** stillServes: A answers /status and a block generated on A reaches B (the same tip). */
  async function stillServes(a: NodeProcess, b: NodeProcess): Promise<void> {
    expect(a.child.exitCode).to.equal(null);
    expect(a.child.signalCode).to.equal(null);
    const before = await a.status();
    const [hash] = await a.generate(1);
    await waitFor('the block generated on a to reach b', async () => (await b.status()).tip === hash, 30_000);
    const [sa, sb] = await Promise.all([a.status(), b.status()]);
    expect(sa.tip).to.equal(hash);
    expect(sb.tip).to.equal(hash);
    expect(sa.height).to.equal(before.height + 1);
  }

  // ---- the attacks: each leaves the node having banned the client's listen port ----

  /** (1) a frame one byte over the maximum message size: dropped and banned (oversize +100). */
  async function oversize(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address } = await hostile(a, 'oversize');
    client.sendBytes(new Uint8Array(MAX_MESSAGE_SIZE + 1));
    const closed = await closedWith(client, 'oversize');
    // ws refuses the frame by the length its header declares, before reading the payload,
    // and closes with 1009 (RFC 6455: message too big); the ban follows from that error.
    expect(closed.code).to.equal(1009);
    const ban = await banLine(a, address);
    expect(ban.reason).to.equal('oversize: Max payload size exceeded');
    expect(logLines(a).some((l) => l.msg === `peer misbehaved: oversize (+${OFFENCE_SCORES.oversize})`)).to.equal(true);
    return { listenPort, address };
  }

  /** (2) garbage bytes: each costs bad-magic +20 without a drop; the fifth reaches 100 and bans. */
  async function garbage(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address, userAgent } = await hostile(a, 'garbage');
    const bytes = new Uint8Array(40).fill(0xde);
    client.sendBytes(bytes);
    await waitFor('/peers to show the first share', async () => (await banScore(a, userAgent)) === OFFENCE_SCORES['bad-magic'], SHOW_MS);
    expect(client.closed).to.equal(undefined);
    const needed = BAN_SCORE / OFFENCE_SCORES['bad-magic'];
    for (let i = 1; i < needed - 1; i++) client.sendBytes(bytes);
    await waitFor('/peers to show the score one share below the ban', async () => (await banScore(a, userAgent)) === BAN_SCORE - OFFENCE_SCORES['bad-magic'], SHOW_MS);
    expect(client.closed).to.equal(undefined);
    client.sendBytes(bytes);
    expect(await closedWith(client, 'garbage')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: bad-magic' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.match(/^bad-magic: envelope\.magic at byte 0: magic 0xdededede is not this network's 0x[0-9a-f]{8}$/);
    expect(logLines(a).filter((l) => l.msg === 'peer misbehaved: bad-magic (+20)').map((l) => l.banScore)).to.deep.equal([20, 40, 60, 80, 100]);
    expect(await banScore(a, userAgent)).to.equal(undefined);
    return { listenPort, address };
  }

  /** (3) a block whose header hash is above its target: banned at once (invalid-block: high-hash). */
  async function badPow(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address } = await hostile(a, 'bad-pow');
    const bad = mineBlock(regtest, genesisOf(regtest), { unmined: true, extraNonce: listenPort });
    client.send(regtest, { type: 'block', block: bad.block });
    expect(await closedWith(client, 'bad-pow')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: invalid-block' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.match(new RegExp(`^invalid-block: block ${bad.id}: high-hash`));
    expect((await a.api('GET', `/blocks/${bad.id}`)).status).to.equal(404);
    return { listenPort, address };
  }

  /** (4) headers whose first parent the node does not know: headers-not-connecting costs 100, a ban. */
  async function notConnecting(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address } = await hostile(a, 'headers');
    const [, h2, h3] = mineChain(regtest, genesisOf(regtest), 3, () => ({ extraNonce: listenPort }));
    client.send(regtest, { type: 'headers', headers: [h2!.block.header, h3!.block.header] });
    expect(await closedWith(client, 'headers')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: headers-not-connecting' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.match(/^headers-not-connecting: first header's parent [0-9a-f]{64} is unknown$/);
    expect(logLines(a).some((l) => l.msg === `peer misbehaved: headers-not-connecting (+${OFFENCE_SCORES['headers-not-connecting']})`)).to.equal(true);
    return { listenPort, address };
  }

  /** (5) pings beyond the rate limit: flood +50 (at most once a second), so a sustained flood bans. */
  async function flood(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address, userAgent } = await hostile(a, 'flood');
    const ping = { type: 'ping' as const, nonce: new Uint8Array(8) };
    // The node's default bucket holds 1000 messages: one burst well past it.
    for (let i = 0; i < 1500; i++) client.send(regtest, ping);
    await waitFor('/peers to show the flood scored', async () => (await banScore(a, userAgent)) === OFFENCE_SCORES.flood, SHOW_MS);
    expect(client.closed).to.equal(undefined);
    // The log line travels on the child's stdout, which may trail its API's answer.
    await waitFor('the flood to be logged', () => logLines(a).some((l) => l.msg === `peer misbehaved: flood (+${OFFENCE_SCORES.flood})` && l.banScore === OFFENCE_SCORES.flood), SHOW_MS);
    // Keep flooding: the next second over the limit adds another 50 and bans.
    await waitFor(
      'a sustained flood to be banned',
      () => {
        for (let i = 0; i < 300; i++) client.send(regtest, ping);
        return client.closed !== undefined;
      },
      SHOW_MS,
    );
    expect(client.closed).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: flood' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.match(/^flood: ping: over 200 messages\/s \(burst 1000\)$/);
    return { listenPort, address };
  }

  /**
   * (6) transactions: one spending a coin the node does not have is refused for free (an
   * honest peer on another tip sends such), one that spends a coin twice breaks a rule
   * whatever the chain, and costs invalid-tx +100.
   */
  async function badTx(a: NodeProcess): Promise<Attacked> {
    const { client, listenPort, address } = await hostile(a, 'bad-tx');
    const input = { outpoint: { txHash: hash32(new Uint8Array(32).fill(listenPort & 0xff)), index: 0 }, coin: { value: 5000n, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey };
    const missing = spendTx([input], [{ value: 1000n, pubkey: KEYS[1]!.pubkey }]);
    const twice = spendTx([input, input], [{ value: 1000n, pubkey: KEYS[1]!.pubkey }]);
    client.send(regtest, { type: 'tx', tx: missing });
    client.send(regtest, { type: 'tx', tx: twice });
    expect(await closedWith(client, 'bad-tx')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: invalid-tx' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.equal(`invalid-tx: tx ${txid(twice)}: bad-txns-inputs-duplicate`);
    const offences = logLines(a).filter((l) => l.msg.startsWith('peer misbehaved'));
    expect(offences.map((l) => l.msg)).to.deep.equal([`peer misbehaved: invalid-tx (+${OFFENCE_SCORES['invalid-tx']})`]);
    expect((await a.api('GET', '/mempool')).body.count).to.equal(0);
    return { listenPort, address };
  }

  /** attack runs one attack on a fresh pair and checks the node's surfaces after it. */
  async function attack(run: (a: NodeProcess) => Promise<Attacked>): Promise<void> {
    const { a, b } = await pair();
    const { listenPort } = await run(a);
    await notFramed(a, listenPort);
    expect((await a.status()).bannedPeers).to.equal(1);
    expect(await metric(a, 'toychain_bans_total')).to.equal(1);
    expect(await metric(a, 'toychain_banned_addresses')).to.equal(1);
    await stillServes(a, b);
  }

  it('drops and bans a peer that sends a frame over the maximum message size (oversize)', () => attack(oversize));

  it('scores garbage bytes a share at a time (bad-magic +20) and bans at 100', () => attack(garbage));

  it('bans at once a peer that sends a block with bad proof of work (invalid-block: high-hash)', () => attack(badPow));

  it('bans a peer whose headers do not connect (headers-not-connecting +100)', () => attack(notConnecting));

  it('scores a flood of pings beyond the rate limit (flood +50) and bans a sustained one', () => attack(flood));

  it('bans a peer that relays a transaction breaking a consensus rule (invalid-tx), not one whose inputs it lacks', () => attack(badTx));

  it('stops reading a peer whose frames outrun the node once 5 MB wait (receive buffer), then handles them all, in order', async () => {
    const { a, b } = await pair();
    const { client, userAgent } = await hostile(a, 'receive-buffer');
    // Each frame a ~42 kB transaction of 400 inputs the node does not have: every one costs
    // 400 store reads to refuse, for free (an honest peer on another tip sends such).
    const frames: Uint8Array[] = [];
    for (let n = 0; n < 300; n++) {
      const inputs = Array.from({ length: 400 }, (_, index) => ({ prevout: { txHash: hash32(new Uint8Array(32).fill(n % 251).map((v, i) => (i === 0 ? n >> 8 : v))), index }, witness: new Uint8Array(64) }));
      frames.push(encodeMessage(regtest.magic, { type: 'tx', tx: { version: 1, inputs, outputs: [{ value: 1n, pubkey: KEYS[1]!.pubkey }], lockTime: 0 } }));
    }
    for (const f of frames) client.sendBytes(f);
    const nonce = new Uint8Array(8).fill(7);
    client.send(regtest, { type: 'ping', nonce });
    const paused = await waitFor('the node to pause reading', () => logLines(a).find((l) => l.msg === 'receive buffer full: reading from the peer paused'), 60_000);
    expect(paused.bytes as number).to.be.above(P2P_DEFAULTS.maxReceiveBufferBytes).and.at.most(P2P_DEFAULTS.maxReceiveBufferBytes + frames[0]!.length);
    await waitFor('the node to resume reading', () => logLines(a).some((l) => l.msg === 'receive buffer drained: reading from the peer resumed'), 60_000);
    // The ping sent last is answered: every frame before it was handled, none dropped.
    await waitFor('the pong', () => client.messages(regtest).some((m) => m.type === 'pong' && m.nonce.every((v) => v === 7)), 60_000);
    expect(client.closed).to.equal(undefined);
    expect(await banScore(a, userAgent)).to.equal(0);
    await stillServes(a, b);
  });

  it('answers a getdata naming genesis 500 times with one block, scores it (getdata-abuse +20) and bans the fifth', async () => {
    const { a, b } = await pair();
    const { client, userAgent, address } = await hostile(a, 'getdata-dup');
    const genesis = { type: 'block' as const, hash: fromDisplayHex(regtest.genesis.hash) };
    const getdata = { type: 'getdata' as const, items: Array.from({ length: 500 }, () => genesis) };
    client.send(regtest, getdata);
    client.send(regtest, { type: 'ping', nonce: new Uint8Array(8).fill(9) });
    await waitFor('the pong after the getdata', () => client.messages(regtest).some((m) => m.type === 'pong'), SHOW_MS);
    expect(client.messages(regtest).filter((m) => m.type === 'block')).to.have.length(1);
    expect(await banScore(a, userAgent)).to.equal(OFFENCE_SCORES['getdata-abuse']);
    for (let i = 1; i < BAN_SCORE / OFFENCE_SCORES['getdata-abuse']; i++) client.send(regtest, getdata);
    expect(await closedWith(client, 'getdata-dup')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: getdata-abuse' });
    await banLine(a, address);
    await stillServes(a, b);
  });

  it('pauses getdata service once 1 MB waits unsent, shaped link queue included, and serves it all as the link drains', async () => {
    const a = await cluster.start('a');
    const hashes = await a.generate(128);
    const { client, userAgent } = await hostile(a, 'send-buffer');
    // Every message a waits 5 s on the shaped link: what it sends piles up outside the socket
    // (long enough that 1 MB piles up even on a loaded machine, where serving is slower).
    expect((await a.api('PUT', '/network/link', { delayMs: 5000 })).status).to.equal(200);
    const items = hashes.map((h) => ({ type: 'block' as const, hash: fromDisplayHex(h) }));
    const requests = 60;
    for (let i = 0; i < requests; i++) client.send(regtest, { type: 'getdata', items });
    const paused = await waitFor('the getdata service to pause', () => logLines(a).find((l) => l.msg === 'send buffer full: getdata service paused until the peer reads'), 60_000);
    expect(paused.bytes as number).to.be.at.least(P2P_DEFAULTS.maxSendBufferBytes);
    // Counted by the envelope's command byte: decoding 7,680 frames on every poll is slow.
    await waitFor('every block asked for to arrive', () => client.received.filter((f) => f[4] === COMMANDS.block).length === requests * hashes.length, 90_000, 200);
    expect(client.closed).to.equal(undefined);
    expect(await banScore(a, userAgent)).to.equal(0);
  });

  it('bans a peer that sends a junk body under a known header (genesis header + 1,000 junk transactions: mutated-block)', async () => {
    const { a, b } = await pair();
    const { client, address } = await hostile(a, 'junk-body');
    const genesis = genesisOf(regtest);
    const junk = Array.from({ length: 1000 }, (_, n) => ({ version: 1, inputs: [{ prevout: { txHash: hash32(new Uint8Array(32).fill(n % 256)), index: n }, witness: new Uint8Array(64) }], outputs: [{ value: 1n, pubkey: KEYS[1]!.pubkey }], lockTime: 0 }));
    client.send(regtest, { type: 'block', block: { header: genesis.block.header, txs: junk } });
    expect(await closedWith(client, 'junk-body')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: mutated-block' });
    const ban = await banLine(a, address);
    expect(ban.reason).to.equal(`mutated-block: block ${regtest.genesis.hash}: body does not match the known header (bad-txnmrklroot)`);
    await stillServes(a, b);
  });

  it('lets a real node in past 64 idle peers and 40 idle sockets by evicting one that relayed nothing, keeping the peer that relayed a block', async () => {
    const a = await cluster.start('a');
    // The relayer gives a a new block: eviction protects it.
    const relayer = await hostile(a, 'relayer');
    const block = mineBlock(regtest, genesisOf(regtest), { extraNonce: 77 });
    relayer.client.send(regtest, { type: 'block', block: block.block });
    await waitFor('the relayed block to connect', async () => (await a.status()).tip === block.id, SHOW_MS);
    // 63 more peers that complete the handshake and then say nothing: every inbound slot taken.
    const idle: RawClient[] = [];
    for (let i = 0; i < P2P_DEFAULTS.maxInbound - 1; i += 16) {
      // in batches, below the cap on sockets still in the handshake
      const batch = Array.from({ length: Math.min(16, P2P_DEFAULTS.maxInbound - 1 - i) }, async (_, j) => {
        const c = await connect(a);
        await c.handshake(regtest, { listenPort: 0, userAgent: `/idle-${i + j}/` });
        return c;
      });
      idle.push(...(await Promise.all(batch)));
    }
    await waitFor('a to list 64 peers', async () => (await a.status()).peers === P2P_DEFAULTS.maxInbound, SHOW_MS);
    // And 40 sockets that never send a version (more than the handshake cap).
    const silent = await Promise.all(Array.from({ length: 40 }, () => connect(a)));
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    await waitFor('b to be connected to a', async () => (await b.status()).peers === 1, 30_000);
    const listed = (await a.api<{ userAgent: string }[]>('GET', '/peers')).body.map((p) => p.userAgent);
    expect(listed).to.include('/toychain:0.1.0/').and.to.include(relayer.userAgent);
    expect(listed).to.have.length(P2P_DEFAULTS.maxInbound);
    expect(relayer.client.closed).to.equal(undefined);
    const evicted = idle.filter((c) => c.closed !== undefined);
    expect(evicted.length).to.be.at.least(1);
    expect(evicted[0]!.closed).to.deep.equal({ code: CLOSE_LIMIT, reason: 'evicted: inbound slots full' });
    expect(silent.filter((c) => c.closed?.reason === 'evicted: too many inbound handshakes pending').length).to.be.at.least(40 - P2P_DEFAULTS.maxPendingInbound);
  });

  it('asks another peer that announced a block for it once the peer it was asked of stalls', async () => {
    const a = await cluster.start('a');
    const block = mineBlock(regtest, genesisOf(regtest), { extraNonce: 4242 });
    const inv = { type: 'inv' as const, items: [{ type: 'block' as const, hash: block.hash }] };
    const asked = (c: RawClient): boolean => c.messages(regtest).some((m) => m.type === 'getdata' && m.items.some((i) => toDisplayHex(i.hash) === block.id));
    const staller = await hostile(a, 'staller');
    staller.client.send(regtest, inv);
    await waitFor('a to ask the staller', () => asked(staller.client), SHOW_MS);
    const honest = await hostile(a, 'second-announcer');
    honest.client.send(regtest, inv);
    // The staller never answers: after the block timeout (30 s) it is dropped and the second announcer is asked.
    await waitFor('a to ask the second announcer', () => asked(honest.client), 60_000);
    expect(await closedWith(staller.client, 'staller')).to.have.property('reason').that.matches(/^stalled: block /);
    honest.client.send(regtest, { type: 'block', block: block.block });
    await waitFor('the block to connect', async () => (await a.status()).tip === block.id, SHOW_MS);
  });

  it('does not store an unrequested side block with less work than the tip', async () => {
    const a = await cluster.start('a');
    await a.generate(2);
    const { client } = await hostile(a, 'side-block');
    const side = mineBlock(regtest, genesisOf(regtest), { extraNonce: 9191 });
    client.send(regtest, { type: 'block', block: side.block });
    await waitFor('a to log that it did not store it', () => logLines(a).some((l) => l.msg === 'unrequested block with no more work than our tip: not stored' && l.block === side.id), SHOW_MS);
    expect((await a.api('GET', `/blocks/${side.id}`)).status).to.equal(404);
    expect(client.closed).to.equal(undefined);
  });

  it('refuses a WebSocket upgrade that carries an Origin header (a web page), with 403, and lists no peer', async () => {
    const a = await cluster.start('a');
    const ws = new WebSocket(a.p2pUrl, { perMessageDeflate: false, origin: 'https://evil.example' });
    const status = await new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('the upgrade with an Origin header was accepted')));
      ws.once('error', () => undefined);
    });
    ws.terminate();
    expect(status).to.equal(403);
    await waitFor('the refusal to be logged', () => logLines(a).some((l) => l.msg.startsWith('WebSocket upgrade with an Origin header refused') && l.origin === 'https://evil.example'), SHOW_MS);
    expect((await a.api<unknown[]>('GET', '/peers')).body).to.deep.equal([]);
    // A node client (no Origin) still connects.
    const { client } = await hostile(a, 'no-origin');
    expect(client.closed).to.equal(undefined);
  });

  it('bans the attacking socket, not the honest node whose listen port it claims: the operator and that node still connect', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b');
    const { client, address } = await hostileClaiming(a, b.p2pPort);
    client.send(regtest, { type: 'block', block: mineBlock(regtest, genesisOf(regtest), { unmined: true, extraNonce: b.p2pPort }).block });
    expect(await closedWith(client, 'framing')).to.deep.equal({ code: CLOSE_MISBEHAVING, reason: 'banned: invalid-block' });
    await banLine(a, address);
    expect((await a.status()).bannedPeers).to.equal(1);
    // The operator of a asks for b: no ban refuses it.
    const dial = await a.api('POST', '/peers', { address: b.p2pUrl });
    expect(dial.status, JSON.stringify(dial.body)).to.equal(201);
    // b dials a with its real listen port in its version: accepted.
    const back = await b.api('POST', '/peers', { address: a.p2pUrl });
    expect(back.status, JSON.stringify(back.body)).to.equal(201);
    await waitFor('a to list b twice (one each way)', async () => (await a.status()).peers === 2, SHOW_MS);
    expect(logLines(a).some((l) => /is banned/.test(l.msg))).to.equal(false);
  });

  it('stays up through all five attacks in a row and still relays a block to the honest peer', async () => {
    const { a, b } = await pair();
    const ports: number[] = [];
    for (const run of [oversize, garbage, badPow, notConnecting, flood]) ports.push((await run(a)).listenPort);
    for (const port of ports) await notFramed(a, port);
    expect((await a.status()).bannedPeers).to.equal(5);
    expect(await metric(a, 'toychain_bans_total')).to.equal(5);
    expect(await metric(a, 'toychain_banned_addresses')).to.equal(5);
    // The honest peer was never touched: still connected, score 0.
    const peers = (await a.api<{ userAgent: string; banScore: number }[]>('GET', '/peers')).body;
    expect(peers).to.have.length(1);
    expect(peers[0]!.banScore).to.equal(0);
    expect((await b.status()).peers).to.equal(1);
    await stillServes(a, b);
  });
});
