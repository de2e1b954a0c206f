/**
 * Hostile campaign: the wire attacks that were once tried against live regtest nodes,
 * run again against a fresh `toychain node` process on 127.0.0.1 each, over real
 * sockets, judged only from outside (the node's RSS and CPU from /proc, what the
 * attacker receives, /peers scores, /chain/tips, the node's JSON log). Each prints
 * "held" or "not held" with its figure; last, a 50-node devnet on this host must still
 * connect with the inbound eviction in place.
 *
 *   npm run campaign -- hostile [--only NAME[,NAME]] [--skip-devnet] [--junk-seconds 20]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeAddress } from '../src/consensus/address.js';
import { bytesToHex, fromDisplayHex, toDisplayHex, hash32 } from '../src/consensus/bytes.js';
import { regtest } from '../src/consensus/params.js';
import { encodeTx } from '../src/consensus/tx.js';
import { COMMANDS, encodeMessage, MAX_HEADERS } from '../src/p2p/messages.js';
import { P2P_DEFAULTS } from '../src/p2p/p2p-options.js';
import { genesisOf, KEYS, mineBlock, mineChain, spendTx } from '../test/helpers/blocks.js';
import { DevnetProcess } from '../test/helpers/devnet-process.js';
import { banScore, connectRaw, hostilePeer, logLines } from '../test/helpers/hostile-peer.js';
import { NodeCluster, waitFor, type NodeProcess } from '../test/helpers/node-process.js';
import type { RawClient } from '../test/p2p/fixture.js';

const COIN = 100_000_000n;
const MB = 1024 * 1024;

/** What one attack left: held or not, and the figure it is judged by. */
interface Outcome {
  held: boolean;
  figure: string;
}

interface Attack {
  name: string;
  item: string;
  run(cluster: NodeCluster, clients: RawClient[]): Promise<Outcome>;
}

/** How long the junk-frame stream lasts (--junk-seconds). */
let junkSeconds = 20;

/** peakRssMB is the node process's peak resident set (VmHWM) so far. */
function peakRssMB(node: NodeProcess): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${node.child.pid}/status`, 'utf8'));
  return kb === null ? Number.NaN : Number(kb[1]) / 1024;
}

/** cpuSeconds is the node process's user + system CPU time so far. */
function cpuSeconds(node: NodeProcess): number {
  const fields = readFileSync(`/proc/${node.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** serves: the node still answers /status and mines a block on request. */
async function serves(node: NodeProcess): Promise<boolean> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return false;
  const before = (await node.status()).height;
  await node.generate(1);
  return (await node.status()).height === before + 1;
}

const blockItem = (id: string) => ({ type: 'block' as const, hash: fromDisplayHex(id) });

const attacks: Attack[] = [
  {
    name: 'junk-frames',
    item: '1 memory by junk block frames while a big getdata is served',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const hashes = await a.generate(128);
      // A ~4 MB block of empty transactions under an unknown parent: it decodes to ~50 MB of heap.
      const empty = { version: 1, inputs: [], outputs: [], lockTime: 0 };
      const junk = encodeMessage(regtest.magic, { type: 'block', block: { header: { ...genesisOf(regtest).block.header, prevHash: hash32(new Uint8Array(32).fill(7)) }, txs: Array.from({ length: 390_000 }, () => empty) } });
      const deadline = Date.now() + junkSeconds * 1000;
      let sent = 0;
      let bans = 0;
      const attackers = await Promise.all([0, 1, 2, 3].map((i) => hostilePeer(a, `junk-${i}`, {}, (c) => clients.push(c))));
      let live = attackers.map((h) => h.client);
      for (const c of live) for (let i = 0; i < 8; i++) c.send(regtest, { type: 'getdata', items: hashes.map(blockItem) });
      while (Date.now() < deadline) {
        for (let i = 0; i < live.length; i++) {
          let c = live[i]!;
          if (c.closed !== undefined) {
            bans++;
            // On loopback a ban is keyed by host and source port: a reused ephemeral port may still be banned, so try again.
            for (let tries = 0; ; tries++) {
              try {
                c = (await hostilePeer(a, `junk-again-${bans}-${tries}`, {}, (x) => clients.push(x))).client;
                break;
              } catch (e) {
                if (tries >= 10 || !/banned/.test((e as Error).message)) throw e;
              }
            }
            live[i] = c;
          }
          // Never more than 16 MB waiting in our own socket: the node decides how fast it reads.
          if (c.ws.bufferedAmount < 16 * MB) {
            c.sendBytes(junk);
            sent++;
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const peak = peakRssMB(a);
      live = [];
      const ok = await serves(a);
      return { held: peak < 512 && ok, figure: `${sent} junk frames of ${(junk.length / MB).toFixed(1)} MB in ${junkSeconds} s from 4 peers (${bans} dropped and back), peak RSS ${peak.toFixed(0)} MB (bound 512; was > 1,200), still serving: ${ok}` };
    },
  },
  {
    name: 'getdata-amplification',
    item: '2 getdata naming one block many times',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const payer = KEYS[0]!;
      await a.generate(1, encodeAddress(payer.pubkey, regtest));
      await a.generate(100);
      // A block of ~80 kB: one fan-out transaction of 2,000 outputs.
      const coinbase = (await a.api('GET', '/blocks/1')).body.txs[0];
      const fan = spendTx([{ outpoint: { txHash: fromDisplayHex(coinbase.txid), index: 0 }, coin: { value: 50n * COIN, pubkey: payer.pubkey }, privateKey: payer.privateKey }], Array.from({ length: 2000 }, () => ({ value: COIN / 50n, pubkey: payer.pubkey })));
      const posted = await a.api('POST', '/tx', { hex: bytesToHex(encodeTx(fan)) }, false);
      if (posted.status !== 200) throw new Error(`fan-out tx refused: ${JSON.stringify(posted.body)}`);
      const [big] = await a.generate(1);
      const h = await hostilePeer(a, 'getdata-amp', {}, (c) => clients.push(c));
      const genesisTimes = { type: 'getdata' as const, items: Array.from({ length: 500 }, () => blockItem(regtest.genesis.hash)) };
      const bigTimes = { type: 'getdata' as const, items: Array.from({ length: 200 }, () => blockItem(big!)) };
      const asked = encodeMessage(regtest.magic, genesisTimes).length + encodeMessage(regtest.magic, bigTimes).length;
      h.client.send(regtest, genesisTimes);
      h.client.send(regtest, bigTimes);
      h.client.send(regtest, { type: 'ping', nonce: new Uint8Array(8).fill(3) });
      await waitFor('the pong after both getdata', () => h.client.received.some((f) => f[4] === COMMANDS.pong), 30_000);
      const blocks = h.client.received.filter((f) => f[4] === COMMANDS.block);
      const bytes = blocks.reduce((n, f) => n + f.length, 0);
      const score = (await banScore(a, h.userAgent)) ?? 100;
      return { held: blocks.length === 2 && score === 40, figure: `${asked} bytes of getdata (genesis x500, an ${(blocks.at(-1)!.length / 1000).toFixed(0)} kB block x200) got ${blocks.length} blocks, ${(bytes / 1000).toFixed(0)} kB back (was 500 blocks and ${((200 * blocks.at(-1)!.length) / 1e6).toFixed(0)} MB); score ${score} (getdata-abuse twice)` };
    },
  },
  {
    name: 'header-flood',
    item: '3 unrequested low-work headers and blocks',
    async run(cluster, clients) {
      let a = await cluster.start('a');
      for (let h = 0; h < 2010; h = (await a.status()).height) await a.generate(Math.min(1000, 2010 - h));
      const fork = mineChain(regtest, genesisOf(regtest), MAX_HEADERS, () => ({ extraNonce: 4040 }));
      const flood = await hostilePeer(a, 'header-flood', {}, (c) => clients.push(c));
      flood.client.send(regtest, { type: 'headers', headers: fork.map((m) => m.block.header) });
      const side = mineBlock(regtest, genesisOf(regtest), { extraNonce: 4041 });
      flood.client.send(regtest, { type: 'block', block: side.block });
      await waitFor('the side block to be refused', () => logLines(a).some((l) => l.block === side.id && /not stored/.test(l.msg)), 30_000);
      const score = (await banScore(a, flood.userAgent)) ?? 100;
      await a.stop();
      a = await cluster.start('a', { datadir: a.datadir });
      const tips = (await a.api<{ status: string }[]>('GET', '/chain/tips')).body;
      const known = [fork[0]!.id, fork.at(-1)!.id, side.id];
      let stored = 0;
      for (const id of known) if (!/^no block with hash/.test((await a.api('GET', `/blocks/${id}`)).body.error?.message ?? '')) stored++;
      const others = tips.filter((t) => t.status !== 'active').length;
      return { held: stored === 0 && others === 0 && score > 0, figure: `2,000 headers from genesis and a side block at height 1, unasked, against a 2,010-block tip: after a restart ${others} side tips, ${stored} of them stored; sender scored ${score}` };
    },
  },
  {
    name: 'junk-bodies',
    item: '4 junk bodies under a known header (genesis header + 1,000 junk txs, 50 times)',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const genesis = genesisOf(regtest);
      const junk = Array.from({ length: 1000 }, (_, n) => ({ version: 1, inputs: [{ prevout: { txHash: hash32(new Uint8Array(32).fill(n % 256)), index: n }, witness: new Uint8Array(64) }], outputs: [{ value: 1n, pubkey: KEYS[1]!.pubkey }], lockTime: 0 }));
      const frame = encodeMessage(regtest.magic, { type: 'block', block: { header: genesis.block.header, txs: junk } });
      const cpu0 = cpuSeconds(a);
      let banned = 0;
      for (let i = 0; i < 50; i++) {
        const h = await hostilePeer(a, `junk-body-${i}`, {}, (c) => clients.push(c));
        h.client.sendBytes(frame);
        const closed = await waitFor('the junk body to be punished', () => h.client.closed, 15_000).catch(() => undefined);
        if (closed?.reason === 'banned: mutated-block') banned++;
      }
      const cpu = cpuSeconds(a) - cpu0;
      const ok = await serves(a);
      return { held: banned === 50 && ok, figure: `${banned} of 50 senders banned at once (mutated-block +100), node CPU ${cpu.toFixed(1)} s for all 50 incl. their handshakes, still serving: ${ok}` };
    },
  },
  {
    name: 'ban-framing',
    item: "5 a ban under an honest node's claimed listen port",
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const b = await cluster.start('b');
      const h = await hostilePeer(a, 'framer', { listenPort: b.p2pPort }, (c) => clients.push(c));
      h.client.send(regtest, { type: 'block', block: mineBlock(regtest, genesisOf(regtest), { unmined: true, extraNonce: 5 }).block });
      await waitFor('the framer banned', () => h.client.closed, 15_000);
      const dial = await a.api('POST', '/peers', { address: b.p2pUrl });
      const back = await b.api('POST', '/peers', { address: a.p2pUrl });
      await waitFor('a to list b both ways', async () => (await a.status()).peers === 2, 15_000).catch(() => undefined);
      const peers = (await a.status()).peers;
      return { held: dial.status === 201 && back.status === 201 && peers === 2, figure: `framer banned (${h.client.closed?.reason}); operator POST /peers to b: ${dial.status}, b dialling in: ${back.status}, a's peers: ${peers}` };
    },
  },
  {
    name: 'inbound-slots',
    item: '6 64 idle sockets and 40 silent ones from one host',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      for (let i = 0; i < P2P_DEFAULTS.maxInbound; i += 16) {
        await Promise.all(Array.from({ length: Math.min(16, P2P_DEFAULTS.maxInbound - i) }, async (_, j) => {
          const c = await connectRaw(a);
          clients.push(c);
          await c.handshake(regtest, { userAgent: `/idle-${i + j}/` });
        }));
      }
      await waitFor('64 peers', async () => (await a.status()).peers === P2P_DEFAULTS.maxInbound, 30_000);
      for (let i = 0; i < 40; i++) clients.push(await connectRaw(a));
      const b = await cluster.start('b', { peers: [a.p2pUrl] });
      const joined = await waitFor('b to connect', async () => (await b.status()).peers === 1, 30_000).then(() => true, () => false);
      const evicted = clients.filter((c) => c.closed?.reason.startsWith('evicted')).length;
      return { held: joined, figure: `a real node ${joined ? 'connected' : 'was refused'} past 64 idle peers + 40 silent sockets; ${evicted} sockets evicted` };
    },
  },
  {
    name: 'origin',
    item: '7 a web page as a peer (Origin header)',
    async run(cluster) {
      const a = await cluster.start('a');
      const status = await connectRaw(a, { origin: 'https://evil.example' }).then((c) => (c.close(), 101), (e: Error) => Number(/(\d{3})/.exec(e.message)?.[1] ?? 0));
      const peers = (await a.status()).peers;
      return { held: status === 403 && peers === 0, figure: `upgrade with Origin: HTTP ${status}; peers listed: ${peers}` };
    },
  },
  {
    name: 'send-buffer',
    item: '10 send buffers on a shaped link (60 getdata x 128 blocks, 5 s link delay)',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const hashes = await a.generate(128);
      const h = await hostilePeer(a, 'send-buffer', {}, (c) => clients.push(c));
      await a.api('PUT', '/network/link', { delayMs: 5000 });
      for (let i = 0; i < 60; i++) h.client.send(regtest, { type: 'getdata', items: hashes.map(blockItem) });
      const paused = await waitFor('service paused', () => logLines(a).find((l) => /send buffer full/.test(l.msg)), 60_000).catch(() => undefined);
      await waitFor('every block', () => h.client.received.filter((f) => f[4] === COMMANDS.block).length === 60 * 128, 180_000, 200).catch(() => undefined);
      const got = h.client.received.filter((f) => f[4] === COMMANDS.block).length;
      const peak = peakRssMB(a);
      return { held: paused !== undefined && got === 7680 && h.client.closed === undefined && peak < 512, figure: `service paused at ${(Number(paused?.bytes ?? 0) / 1e6).toFixed(2)} MB unsent, ${got} of 7,680 blocks delivered, peer kept (score ${await banScore(a, h.userAgent)}), peak RSS ${peak.toFixed(0)} MB` };
    },
  },
  {
    name: 'block-stall',
    item: '12 a stalled block request',
    async run(cluster, clients) {
      const a = await cluster.start('a');
      const block = mineBlock(regtest, genesisOf(regtest), { extraNonce: 1212 });
      const inv = { type: 'inv' as const, items: [{ type: 'block' as const, hash: block.hash }] };
      const asked = (c: RawClient) => c.messages(regtest).some((m) => m.type === 'getdata' && m.items.some((i) => toDisplayHex(i.hash) === block.id));
      const staller = await hostilePeer(a, 'staller', {}, (c) => clients.push(c));
      staller.client.send(regtest, inv);
      await waitFor('a to ask the staller', () => asked(staller.client), 15_000);
      const second = await hostilePeer(a, 'second', {}, (c) => clients.push(c));
      second.client.send(regtest, inv);
      const t0 = Date.now();
      const reasked = await waitFor('a to ask the second announcer', () => asked(second.client), 90_000).then(() => true, () => false);
      const after = (Date.now() - t0) / 1000;
      second.client.send(regtest, { type: 'block', block: block.block });
      const connected = await waitFor('the block', async () => (await a.status()).tip === block.id, 15_000).then(() => true, () => false);
      return { held: reasked && connected, figure: `re-requested from the second announcer after ${after.toFixed(0)} s (block timeout ${P2P_DEFAULTS.blockTimeoutMs / 1000} s), staller ${staller.client.closed?.reason ?? 'still connected'}, block connected: ${connected}` };
    },
  },
];

/**
 * fiftyNodes: a 50-node devnet on this host connects, every node reachable, and a
 * block reaches all 50; then every other node also dials node 0, so node 0 holds 49+
 * connections from one host (127.0.0.1) and the eviction must refuse or evict none.
 */
async function fiftyNodes(): Promise<Outcome> {
  const devnet = new DevnetProcess(50);
  try {
    await devnet.start(['--miners', '0']);
    await waitFor('50 nodes reachable', async () => (await devnet.view()).nodes.every((n: any) => n.alive && !n.unreachable), 300_000, 500);
    const [hash] = (await devnet.control('POST', '/devnet/nodes/49/generate', { blocks: 1 })).body.hashes as string[];
    const reached = await waitFor('the block on every node', async () => (await devnet.view()).nodes.every((n: any) => n.status?.tip === hash), 120_000, 250).then(() => true, () => false);
    const nodes = (await devnet.view()).nodes as { index: number; apiUrl: string; p2pUrl: string; log: string; status: { peers: number } | null }[];
    const peers = nodes.map((n) => n.status?.peers ?? 0);
    const token = (n: { log: string }): string => readFileSync(join(dirname(n.log), 'api.cookie'), 'utf8').trim();
    const hub = nodes[0]!;
    const dials = await Promise.all(nodes.slice(1).map(async (n) => {
      const res = await fetch(`${n.apiUrl}/peers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token(n)}` }, body: JSON.stringify({ address: hub.p2pUrl }) });
      const body = (await res.json()) as { error?: { code: string } };
      // 409 already-connected: the topology had that edge already (an accepted connection).
      return res.status === 409 && body.error?.code === 'already-connected' ? 201 : res.status;
    }));
    const hubPeers = async (): Promise<{ address: string; direction: string }[]> => (await (await fetch(`${hub.apiUrl}/peers`)).json()) as { address: string; direction: string }[];
    const star = await waitFor('node 0 to hold a connection from each other node', async () => ((await hubPeers()).length >= 49 ? true : undefined), 60_000, 250).then(() => true, () => false);
    const held = await hubPeers();
    const inbound = held.filter((p) => p.direction === 'inbound').length;
    const refused = dials.filter((s) => s !== 201).length;
    return {
      held: reached && peers.every((p) => p > 0) && star && refused === 0,
      figure: `50 nodes on one host: peers per node ${Math.min(...peers)}-${Math.max(...peers)}, a block from node 49 on all 50: ${reached}; all 49 others dialling node 0: ${dials.length - refused} connected, ${refused} refused, node 0 holds ${held.length} peers (${inbound} inbound, limit ${P2P_DEFAULTS.maxInbound})`,
    };
  } finally {
    await devnet.cleanup();
  }
}

export async function run(args: string[]): Promise<boolean> {
  if (args.includes('--junk-seconds')) junkSeconds = Number(args[args.indexOf('--junk-seconds') + 1]);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
  let heldAll = true;
  let held = 0;
  let total = 0;
  const report = (name: string, item: string, o: Outcome): void => {
    total++;
    if (o.held) held++;
    else heldAll = false;
    console.log(`${o.held ? 'held    ' : 'NOT held'}  ${name.padEnd(22)} (${item}): ${o.figure}`);
  };
  for (const attack of attacks) {
    if (only !== undefined && !only.includes(attack.name)) continue;
    const cluster = new NodeCluster();
    const clients: RawClient[] = [];
    try {
      report(attack.name, attack.item, await attack.run(cluster, clients));
    } catch (e) {
      report(attack.name, attack.item, { held: false, figure: `the attack run failed: ${(e as Error).message}` });
    } finally {
      for (const c of clients) c.close();
      await cluster.cleanup();
    }
  }
  if (!args.includes('--skip-devnet') && (only === undefined || only.includes('fifty-nodes'))) {
    try {
      report('fifty-nodes', 'eviction still lets a 50-node devnet connect', await fiftyNodes());
    } catch (e) {
      report('fifty-nodes', 'eviction still lets a 50-node devnet connect', { held: false, figure: `failed: ${(e as Error).message}` });
    }
  }
  console.log(`\nhostile: ${held} of ${total} held`);
  return heldAll;
}
