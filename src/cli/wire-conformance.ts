/**
 * The wire conformance check behind `toychain conformance ws://HOST:PORT`: it connects to
 * a node's p2p port as a peer and holds what the node does against docs/p2p.md, check by
 * check: the handshake and the version's fields, ping/pong, getheaders/headers (from
 * genesis, with a stop hash, from an unknown locator), getdata/block and notfound,
 * inv/getdata of blocks and transactions, the getheaders a node sends a peer with more
 * work, and what each bad frame costs (wire-frame-checks.ts). Every frame the node sends
 * is decoded with the one codec (src/p2p/messages.ts); a frame that does not decode fails
 * the check that read it, and the last check lists every such frame.
 *
 * Any peer can be checked, a student's node in another language included: the checks use
 * only what the document says a node does, never this node's internals.
 */
import { randomBytes } from 'node:crypto';
import { ByteWriter } from '../consensus/byte-writer.js';
import { equalBytes, fromDisplayHex, ZERO_HASH, hash32, type Hash32 } from '../consensus/bytes.js';
import { headerHash, type BlockHeader } from '../consensus/header.js';
import { merkleRoot } from '../consensus/merkle.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { decodeTx, isCoinbase, txHash } from '../consensus/tx.js';
import { MAX_HEADERS, MAX_LOCATOR_HASHES, MIN_PROTOCOL_VERSION, type InvItem, type Message } from '../p2p/messages.js';
import { hex, WireClient, WireError } from './wire-client.js';
import { frameChecks } from './wire-frame-checks.js';
import { CheckFailed, handshake, hex32, names, Skipped, type Session, type WireOptions } from './wire-session.js';

export type { WireOptions } from './wire-session.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface WireCheck {
  /** what is checked, in the document's words: 'getheaders from genesis is answered with headers' */
  name: string;
  status: CheckStatus;
  /** what the node did (pass), what was wrong (fail) or why it was not run (skip) */
  detail: string;
}

export interface WireReport {
  /** ws://HOST:PORT */
  node: string;
  network: string;
  /** no check failed (a skipped check is not a failure: it says why it was not run) */
  ok: boolean;
  checks: WireCheck[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** the largest chainwork a version carries: 32 bytes */
const MAX_CHAINWORK = (1n << 256n) - 1n;

/** checkWire runs every check against the node at `options.url` and reports each. */
export async function checkWire(options: WireOptions): Promise<WireReport> {
  const session: Session = { options: { timeoutMs: DEFAULT_TIMEOUT_MS, ban: true, ...options }, clients: [] };
  const checks: WireCheck[] = [];
  try {
    const main = await run(checks, 'the handshake: our version is answered with version, then verack', () => handshakeCheck(session));
    const ready = main !== undefined;
    const needs = (name: string, body: (c: WireClient) => Promise<string>): Promise<unknown> =>
      ready ? run(checks, name, () => body(main)) : Promise.resolve(checks.push({ name, status: 'skip', detail: 'not run: the handshake failed' }));
    await needs("the version's fields: protocol version, magic, genesis, nonce", async () => versionFields(session));
    await needs('sendblocks and sendheaders are each sent once, right after the handshake', async (c) => sentAfterHandshake(c));
    await needs('ping is answered with pong carrying the same nonce', async (c) => pingPong(c));
    await needs('getheaders from genesis is answered with headers of the active chain', (c) => headersFromGenesis(session, c));
    await needs('getheaders with a stop hash ends at that header', (c) => headersWithStop(session, c));
    await needs('getheaders with a locator the node does not know starts at genesis', (c) => headersFromUnknown(session, c));
    await needs('getdata of a block is answered with that block', (c) => blockByGetdata(session, c));
    await needs('getdata of unknown items is answered with one notfound listing them', (c) => notfoundForUnknown(c));
    await needs('inv of an unknown block is answered with getdata', (c) => invOfBlock(c));
    await needs('inv of an unknown transaction is answered with getdata, and not again once it was refused', (c) => invOfTx(c));
    await needs('a peer announcing more work is sent getheaders with a block locator', () => getheadersToHeavierPeer(session));
    await needs('a message before the handshake is not answered', () => messageBeforeHandshake(session));
    for (const check of frameChecks(session)) await needs(check.name, () => check.run());
    checks.push(undecodableFrames(session));
  } finally {
    for (const c of session.clients) c.close();
  }
  return { node: options.url, network: options.params.name, ok: checks.every((c) => c.status !== 'fail'), checks };
}

async function run<T>(checks: WireCheck[], name: string, body: () => Promise<{ detail: string; value?: T } | string>): Promise<T | undefined> {
  try {
    const result = await body();
    checks.push({ name, status: 'pass', detail: typeof result === 'string' ? result : result.detail });
    return typeof result === 'string' ? undefined : result.value;
  } catch (e) {
    if (e instanceof Skipped) checks.push({ name, status: 'skip', detail: e.message });
    else if (e instanceof CheckFailed || e instanceof WireError) checks.push({ name, status: 'fail', detail: e.message });
    else throw e;
    return undefined;
  }
}

async function handshakeCheck(session: Session): Promise<{ detail: string; value: WireClient }> {
  let opened: Awaited<ReturnType<typeof handshake>>;
  try {
    opened = await handshake(session);
  } catch (e) {
    // Refused as another network: most often the command was told the wrong one.
    const refused = session.clients[0]?.closed;
    if (e instanceof WireError && refused?.code === 4001 && /wrong-(network|genesis)/.test(refused.reason)) {
      throw new WireError(`${e.message}; is the node on another network? pass --network NAME or --network-file FILE (this run: ${session.options.params.name})`);
    }
    throw e;
  }
  const { client, version, early } = opened;
  if (early.length > 0) throw new CheckFailed(`the node sent ${names(early)} before its version`);
  session.version = version;
  return { detail: `version then verack from ${version.userAgent || '(no user agent)'} at height ${version.bestHeight}`, value: client };
}

function versionFields(session: Session): string {
  const v = session.version!;
  const { params } = session.options;
  const problems: string[] = [];
  if (v.protocolVersion < MIN_PROTOCOL_VERSION) problems.push(`protocolVersion ${v.protocolVersion} is below ${MIN_PROTOCOL_VERSION}`);
  if (v.magic !== params.magic) problems.push(`the payload's magic is 0x${hex32(v.magic)}, the network's 0x${hex32(params.magic)}`);
  if (!equalBytes(v.genesis, fromDisplayHex(params.genesis.hash))) problems.push(`genesis ${hex(Uint8Array.from(v.genesis).reverse())} is not ${params.name}'s ${params.genesis.hash}`);
  if (v.nonce.every((b) => b === 0)) problems.push('the nonce is all zeros: it must be random per node run, to tell a connection to itself');
  if (problems.length > 0) throw new CheckFailed(problems.join('; '));
  return `protocol ${v.protocolVersion}, magic 0x${hex32(v.magic)}, genesis ${params.genesis.hash.slice(0, 16)}…, listenPort ${v.listenPort}${v.apiUrl === undefined ? '' : `, apiUrl ${v.apiUrl}`}`;
}

async function sentAfterHandshake(c: WireClient): Promise<string> {
  const before = await c.barrier('sendblocks and sendheaders after the handshake');
  const problems = (['sendblocks', 'sendheaders'] as const).flatMap((type) => {
    const count = before.filter((m) => m.type === type).length;
    return count === 1 ? [] : [`${count} ${type} before the pong to our first ping`];
  });
  if (problems.length > 0) throw new CheckFailed(`${problems.join('; ')} (the document says each node sends each once, right after the handshake)`);
  return 'sendblocks and sendheaders received';
}

async function pingPong(c: WireClient): Promise<string> {
  const before = await c.barrier('ping');
  const stray = before.filter((m) => m.type === 'pong');
  if (stray.length > 0) throw new CheckFailed('a pong nobody pinged for came first');
  return 'pong with the ping’s nonce';
}

async function readHeaders(c: WireClient, what: string, locator: Hash32[], stop: Hash32 = ZERO_HASH): Promise<BlockHeader[]> {
  c.send({ type: 'getheaders', locator, stop });
  return (await c.next(what, 'headers')).headers;
}

async function headersFromGenesis(session: Session, c: WireClient): Promise<string> {
  const { params } = session.options;
  const genesis = fromDisplayHex(params.genesis.hash);
  const headers = await readHeaders(c, 'getheaders from genesis', [genesis]);
  const height = session.version!.bestHeight;
  const problems: string[] = [];
  if (headers.length < Math.min(height, MAX_HEADERS)) problems.push(`${headers.length} headers, but its version says height ${height} (expected ${Math.min(height, MAX_HEADERS)})`);
  let parent = genesis;
  for (const [i, h] of headers.entries()) {
    if (!equalBytes(h.prevHash, parent)) {
      problems.push(i === 0 ? "the first header's prevHash is not genesis" : `header ${i} does not build on header ${i - 1}`);
      break;
    }
    const pow = checkProofOfWork(headerHash(h), h.bits, params);
    if (!pow.ok) {
      problems.push(`header ${i}: ${pow.reason}`);
      break;
    }
    parent = headerHash(h);
  }
  if (problems.length > 0) throw new CheckFailed(problems.join('; '));
  session.headers = headers;
  return `${headers.length} header${headers.length === 1 ? '' : 's'}, continuous from genesis, each with its proof of work`;
}

async function headersWithStop(session: Session, c: WireClient): Promise<string> {
  const first = session.headers?.[0];
  if (first === undefined) throw new Skipped(session.headers === undefined ? 'not run: the headers from genesis did not pass' : 'the node has no block after genesis (mine one to check this)');
  const headers = await readHeaders(c, 'getheaders with a stop hash', [fromDisplayHex(session.options.params.genesis.hash)], headerHash(first));
  if (headers.length !== 1 || !equalBytes(headerHash(headers[0]!), headerHash(first))) throw new CheckFailed(`${headers.length} headers for a stop at block 1 (expected exactly block 1's)`);
  return "stop at block 1: block 1's header only";
}

async function headersFromUnknown(session: Session, c: WireClient): Promise<string> {
  if (session.headers === undefined) throw new Skipped('not run: the headers from genesis did not pass');
  const headers = await readHeaders(c, 'getheaders from an unknown locator', [hash32(new Uint8Array(randomBytes(32)))]);
  const expected = session.headers;
  if (expected.length === 0) {
    if (headers.length !== 0) throw new CheckFailed(`${headers.length} headers, but the node has none after genesis`);
    return 'no headers: the node has none after genesis';
  }
  if (headers.length === 0 || !equalBytes(headerHash(headers[0]!), headerHash(expected[0]!))) throw new CheckFailed('the answer does not start at block 1 (the document: the first locator hash on the active chain, else genesis)');
  return `${headers.length} headers from block 1`;
}

async function blockByGetdata(session: Session, c: WireClient): Promise<string> {
  if (session.headers === undefined) throw new Skipped('not run: the headers from genesis did not pass');
  const last = session.headers.at(-1);
  const hash = last === undefined ? fromDisplayHex(session.options.params.genesis.hash) : headerHash(last);
  c.send({ type: 'getdata', items: [{ type: 'block', hash }] });
  const { block } = await c.next('getdata of a block', 'block');
  const problems: string[] = [];
  if (!equalBytes(headerHash(block.header), hash)) problems.push(`the block's hash is ${hex(headerHash(block.header))}, not the one asked for`);
  const root = merkleRoot(block.txs.map(txHash));
  if (!equalBytes(root.root, block.header.merkleRoot) || root.mutated) problems.push("its transactions do not hash to the header's merkle root");
  if (block.txs[0] === undefined || !isCoinbase(block.txs[0])) problems.push('its first transaction is not a coinbase');
  if (problems.length > 0) throw new CheckFailed(problems.join('; '));
  return `block ${last === undefined ? '0 (genesis)' : session.headers.length}: ${block.txs.length} transaction${block.txs.length === 1 ? '' : 's'}, merkle root matches`;
}

async function notfoundForUnknown(c: WireClient): Promise<string> {
  const items: InvItem[] = [
    { type: 'block', hash: hash32(new Uint8Array(randomBytes(32))) },
    { type: 'tx', hash: hash32(new Uint8Array(randomBytes(32))) },
  ];
  c.send({ type: 'getdata', items });
  const skipped: Message[] = [];
  const notfound = await c.next('getdata of unknown items', 'notfound', () => true, skipped);
  const answered = skipped.filter((m) => m.type === 'block' || m.type === 'tx');
  if (answered.length > 0) throw new CheckFailed(`answered with ${names(answered)} for items nobody has`);
  const listed = (i: InvItem): boolean => notfound.items.some((n) => n.type === i.type && equalBytes(n.hash, i.hash));
  if (notfound.items.length !== 2 || !items.every(listed)) throw new CheckFailed(`notfound lists ${notfound.items.length} items, not the 2 asked for`);
  return 'one notfound with the block and the transaction';
}

async function invOfBlock(c: WireClient): Promise<string> {
  const item: InvItem = { type: 'block', hash: hash32(new Uint8Array(randomBytes(32))) };
  c.send({ type: 'inv', items: [item] });
  await c.next('inv of an unknown block', 'getdata', (m) => m.items.some((i) => i.type === 'block' && equalBytes(i.hash, item.hash)));
  c.send({ type: 'notfound', items: [item] }); // we do not have it: the node need not wait for it
  return 'getdata for the block announced';
}

/**
 * orphanTx builds a transaction that decodes and passes the context-free rules but spends
 * an output that does not exist: refused for a reason that depends on the chain
 * (bad-txns-inputs-missingorspent), which the document says is not punished.
 */
function orphanTx(): Uint8Array {
  const generatorX = Uint8Array.from(Buffer.from('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));
  return new ByteWriter()
    .u32(1).varint(1)
    .bytes(new Uint8Array(randomBytes(32))).u32(0).varBytes(new Uint8Array(64))
    .varint(1).i64(1000n).bytes(generatorX)
    .u32(0)
    .finish();
}

async function invOfTx(c: WireClient): Promise<string> {
  const tx = decodeTx(orphanTx());
  const item: InvItem = { type: 'tx', hash: txHash(tx) };
  c.send({ type: 'inv', items: [item] });
  await c.next('inv of an unknown transaction', 'getdata', (m) => m.items.some((i) => i.type === 'tx' && equalBytes(i.hash, item.hash)));
  c.send({ type: 'tx', tx });
  c.send({ type: 'inv', items: [item] });
  const before = await c.barrier('inv of a refused transaction');
  if (before.some((m) => m.type === 'getdata' && m.items.some((i) => equalBytes(i.hash, item.hash)))) throw new CheckFailed('the transaction it just refused was asked for again');
  return 'getdata, then the transaction (spending an output that does not exist) refused without a disconnect and not asked for again';
}

async function getheadersToHeavierPeer(session: Session): Promise<string> {
  const v = session.version!;
  // More work than the node has, within the fields' sizes whatever the node claimed (u32, 256 bits).
  const more = { bestHeight: Math.min(v.bestHeight + 1, 0xffff_ffff), chainwork: v.chainwork + (1n << 200n) > MAX_CHAINWORK ? MAX_CHAINWORK : v.chainwork + (1n << 200n) };
  const { client } = await handshake(session, more);
  const { locator, stop } = await client.next('getheaders to a peer with more work', 'getheaders');
  client.send({ type: 'headers', headers: [] }); // nothing to give: an empty answer is "nothing after that"
  const genesis = fromDisplayHex(session.options.params.genesis.hash);
  const tip = session.headers === undefined || session.headers.length === 0 || session.headers.length === MAX_HEADERS ? undefined : headerHash(session.headers.at(-1)!);
  const problems: string[] = [];
  if (locator.length === 0 || locator.length > MAX_LOCATOR_HASHES) problems.push(`a locator of ${locator.length} hashes (1–${MAX_LOCATOR_HASHES})`);
  else if (!equalBytes(locator.at(-1)!, genesis)) problems.push('the locator does not end with genesis');
  else if (tip !== undefined && !equalBytes(locator[0]!, tip)) problems.push("the locator does not start with the node's tip");
  if (!equalBytes(stop, ZERO_HASH)) problems.push('the stop hash is not zero');
  if (problems.length > 0) throw new CheckFailed(problems.join('; '));
  return `a locator of ${locator.length} hash${locator.length === 1 ? '' : 'es'} from its tip to genesis, stop zero`;
}

async function messageBeforeHandshake(session: Session): Promise<string> {
  const nonce = new Uint8Array(randomBytes(8));
  const { client, early } = await handshake(session, {}, (c) => c.send({ type: 'ping', nonce }));
  if (early.some((m) => m.type === 'pong')) throw new CheckFailed('a ping sent before our version was answered with pong');
  await client.barrier('the handshake after an early ping');
  return 'no pong for a ping before the version; the handshake then completes';
}

function undecodableFrames(session: Session): WireCheck {
  const name = 'every frame the node sent decodes with the documented format';
  const bad = session.clients.flatMap((c) => c.undecodable);
  if (bad.length === 0) return { name, status: 'pass', detail: `every frame on ${session.clients.length} connection${session.clients.length === 1 ? '' : 's'}` };
  return { name, status: 'fail', detail: bad.slice(0, 3).map((b) => `command 0x${b.command.toString(16)}: ${b.fault}`).join('; ') + (bad.length > 3 ? `; ${bad.length - 3} more` : '') };
}

