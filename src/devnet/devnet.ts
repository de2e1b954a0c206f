/**
 * The devnet supervisor: N `toychain node` processes on this machine, each with its own
 * folder under one devnet folder, wired into a network, mining, and watched together.
 *
 * It keeps the wiring itself rather than relying on the nodes' reconnect logic: every
 * TOPOLOGY_MS it asks each node for its peers and dials the missing edges of the
 * current graph (all of it when healed, each group's part when split). A split also
 * gives every node a deny list of the nodes outside its group, so they drop AND refuse
 * each other until heal (the node's PUT /network/deny). A node that dies is reported
 * and can be restarted; its folder, chain and wallet are kept.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NetworkParams } from '../consensus/params.js';
import { ServiceRefusal } from '../api/services.js';
import type { Status } from '../api/contract/responses.js';
import type { LinkShape } from '../p2p/link-shaping.js';
import { BlockTree, type TreeBlock } from './block-tree.js';
import { loadRecentBlocks } from './block-arrival.js';
import { ChildNode } from './child-node.js';
import { EventFeed } from './event-feed.js';
import { appendTimeline, message, nodeEventNote, type TimelineItem, type TimelineMessage } from './timeline.js';
import type { ExplorerSource } from './explorer.js';
import type { ReorgCard } from './reorg-card.js';
import type { DevnetEvents, DevnetView } from './devnet-view.js';
import type { NodeEvent, NodeEventData } from '../api/contract/events.js';
import type { ResponseOf } from '../api/contract/operations.js';
import { keepReorgCard, readReorgCard } from './reorg-reader.js';
import { balanceOf, pay, type NodeBalance } from './node-payments.js';
import { sweepLegacyMinerKey } from './legacy-miner-key.js';
import { formatCoins } from '../consensus/amount.js';
import { generateBlocks } from './block-generation.js';
import { DevnetWiring } from './devnet-wiring.js';
import { bestTipOf, devnetView } from './supervised-network.js';

export interface DevnetOptions {
  nodes: number;
  /** the devnet folder: node-0/, node-1/… and devnet.json */
  datadir: string;
  params: NetworkParams;
  /** the devnet's own network file (every node runs it), if params came from one */
  networkFile?: string;
  /** seconds a block should take; on a network that does not retarget, the nodes' mining pace */
  blockTimeSec?: number;
  /** mining threads per node */
  workers: number;
  /** start mining on every node at once (demo); regtest devnets make blocks on demand */
  mine: boolean;
  /** only nodes 0 … miners-1 mine (default: all) */
  miners?: number;
  link: LinkShape;
  /** log level of the node processes (their output goes to node-N/node.log) */
  nodeLogLevel: string;
  logger: Logger;
}

const STATUS_MS = 1_000;
const TOPOLOGY_MS = 2_000;

export class Devnet extends EventEmitter<DevnetEvents> {
  readonly tree = new BlockTree();
  readonly nodes: ChildNode[];
  readonly timeline: TimelineItem[] = [];
  /** every reorg any node made, newest first, explained by work (kept for pages opened later) */
  readonly reorgCards: ReorgCard[] = [];
  readonly tips: Record<number, string> = {};
  private nextCardId = 1;
  private readonly wiring: DevnetWiring;
  private readonly miningWanted: boolean[];
  private readonly shares: number[];
  private paused = false;
  private link: LinkShape;
  private readonly statuses = new Map<number, { at: number; status: Status }>();
  private readonly balances = new Map<number, NodeBalance>();
  /** the tip and mempool a node's balance was read at */
  private readonly balanceSeen = new Map<number, string>();
  private readonly feeds: EventFeed[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  private constructor(readonly options: DevnetOptions) {
    super();
    // Without a retarget nothing paces a miner: each node waits nodes × block time on average, so together they make one block per block time.
    const pace = options.params.noRetargeting && options.blockTimeSec !== undefined ? ['--block-time', `${options.blockTimeSec * options.nodes}s`] : [];
    this.nodes = Array.from({ length: options.nodes }, (_, index) => new ChildNode({ index, datadir: join(options.datadir, `node-${index}`), params: options.params, ...(options.networkFile === undefined ? {} : { networkFile: options.networkFile }), extraArgs: pace, workers: options.workers, logLevel: options.nodeLogLevel }));
    this.wiring = new DevnetWiring(this.nodes, options.logger, () => this.stopped);
    this.miningWanted = this.nodes.map((_, i) => options.mine && i < (options.miners ?? options.nodes));
    this.shares = this.nodes.map(() => 1);
    this.link = options.link;
  }

  /** start launches every node, wires them, starts the feeds and, on demo, mining. Stops what it started if any step fails. */
  static async start(options: DevnetOptions): Promise<Devnet> {
    const devnet = new Devnet(options);
    try {
      await devnet.boot();
      return devnet;
    } catch (e) {
      await devnet.stop();
      throw e;
    }
  }

  private async boot(): Promise<void> {
    const { logger } = this.options;
    for (const node of this.nodes) node.onDeath = (n, why) => this.onDeath(n, why);
    await Promise.all(this.nodes.map((n) => n.start()));
    logger.info({ nodes: this.nodes.map((n) => n.endpoints) }, 'devnet nodes started');
    const first = this.nodes[0]!;
    await loadRecentBlocks(this.tree, (path) => first.api('GET', path), Date.now());
    for (const node of this.nodes) this.feeds.push(new EventFeed(() => (node.alive ? `${node.endpoints!.apiUrl}/events` : undefined), (e) => this.onNodeEvent(node.index, e)));
    await Promise.all(this.feeds.map((f) => f.ready));
    await Promise.all(this.nodes.map((n) => this.configure(n)));
    await this.wiring.maintain();
    await this.pollStatus();
    this.timers = [setInterval(() => void this.pollStatus(), STATUS_MS), setInterval(() => void this.wiring.maintain(), TOPOLOGY_MS)];
    this.note('node', `${this.nodes.length} nodes started on ${this.options.params.name}`, undefined, message('nodesStarted', { count: this.nodes.length, network: this.options.params.name }));
    this.note('node', `each node mines to its own wallet, in ${join(this.options.datadir, 'node-N', 'wallet')}: spend node N's coins with toychain-wallet --devnet N balance|history|send`, undefined, message('walletsAt', { path: join(this.options.datadir, 'node-N', 'wallet') }));
  }

  /** stop ends the feeds and every node process (a clean SIGTERM each). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const f of this.feeds) f.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  // ---- controls ------------------------------------------------------------------

  /** split puts nodes in groups that drop and refuse each other until heal. */
  async split(groups: number[][]): Promise<void> {
    await this.wiring.split(groups);
    const sides = this.wiring.groups!.map((g) => `{${g.join(', ')}}`).join(' | ');
    this.note('split', `network split into ${sides}`, undefined, message('split', { groups: sides }));
  }

  /** heal clears every deny list and wires the whole graph again. */
  async heal(): Promise<void> {
    const wasSplit = await this.wiring.heal();
    this.note('heal', wasSplit ? 'network healed: every node reconnects, the branch with the most work wins' : 'heal: the network was not split', undefined, message(wasSplit ? 'heal' : 'healNotSplit', {}));
  }

  /** setMining switches one node's miner on or off (while paused, it takes effect on resume). */
  async setMining(index: number, active: boolean): Promise<void> {
    const node = this.node(index);
    this.miningWanted[index] = active;
    if (!this.paused && node.alive) await node.api('POST', active ? '/mining/start' : '/mining/stop', active ? {} : undefined);
    this.note('mining', `node ${index}: mining ${active ? 'on' : 'off'}`, index, message(active ? 'miningOn' : 'miningOff', { node: index }));
  }

  /** setShare gives one node this share of the hash power (0 < share <= 1): its miner rests the rest of the time. */
  async setShare(index: number, share: number): Promise<void> {
    const node = this.node(index);
    if (node.alive) await node.api('PUT', '/mining/share', { share });
    this.shares[index] = share;
    this.note('mining', `node ${index}: ${Math.round(share * 100)} % hash-power share`, index, message('share', { node: index, percent: Math.round(share * 100) }));
  }

  /** setPaused(true) stops every miner at once (a teacher's "everybody stop"); false resumes those that were on. */
  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    await Promise.all(
      this.nodes.map((n, i) => {
        if (!n.alive) return undefined;
        if (paused) return n.api('POST', '/mining/stop');
        return this.miningWanted[i] ? n.api('POST', '/mining/start', {}) : undefined;
      }),
    );
    this.note('mining', paused ? 'all miners paused' : 'miners resumed', undefined, message(paused ? 'paused' : 'resumed', {}));
  }

  /** setLink sets the delay (jitter, drop) of what every node sends, or of one node. */
  async setLink(shape: LinkShape, index?: number): Promise<void> {
    const targets = index === undefined ? this.nodes : [this.node(index)];
    if (index === undefined) this.link = shape;
    await Promise.all(targets.filter((n) => n.alive).map((n) => n.api('PUT', '/network/link', shape)));
    this.note('link', `${index === undefined ? 'every node' : `node ${index}`}: link delay ${shape.delayMs} ms${shape.jitterMs > 0 ? ` ± ${shape.jitterMs} ms` : ''}${shape.dropRate > 0 ? `, ${Math.round(shape.dropRate * 100)} % dropped` : ''}`, undefined, linkMessage(shape, index));
  }

  /** restart starts a dead (or running) node again on its folder, then rewires it. */
  async restart(index: number): Promise<void> {
    const node = this.node(index);
    if (node.state === 'starting' || node.state === 'stopping') throw new ServiceRefusal('node-busy', `node ${index} is ${node.state}`, 409);
    await node.stop();
    await node.start();
    this.statuses.delete(index);
    await this.configure(node);
    await this.wiring.rewire(node);
    this.note('node', `node ${index} restarted`, index, message('restarted', { node: index }));
  }

  /**
   * send pays `amount` base units from node `from`'s wallet to node `to`'s address (or to an address),
   * through `from`'s API (it relays the transaction); the next blocks confirm it.
   */
  async send(from: number, to: number | string, amount: bigint): Promise<{ txid: string; fee: string }> {
    const source = this.node(from);
    let address: string;
    if (typeof to === 'string') {
      address = to;
    } else {
      const target = this.node(to);
      if (target.wallet === undefined) throw new ServiceRefusal('no-wallet', `node ${to} has not started yet: it has no address`, 409);
      address = target.wallet.address;
    }
    const result = await pay(source, address, amount, this.options.params);
    const whom = typeof to === 'string' ? `${to.slice(0, 12)}…` : `node ${to}`;
    this.note('tx', `node ${from} sent ${formatCoins(amount)} coins to ${whom} (fee ${result.fee}): ${result.txid.slice(0, 16)}…`, from, message('sent', { from, amount: formatCoins(amount), to: whom, fee: result.fee, txid: result.txid.slice(0, 16) }));
    return result;
  }

  /** generate mines blocks on one node now (regtest), through its API, stamped `spacingSec` apart where asked (block-generation.ts). */
  async generate(index: number, blocks: number, options: { spacingSec?: number } = {}): Promise<string[]> {
    return generateBlocks(this.node(index), blocks, this.options.params, options);
  }

  // ---- views -------------------------------------------------------------------

  view(now = Date.now()): DevnetView {
    const { params } = this.options;
    return devnetView({ params, nodes: this.nodes, statuses: this.statuses, balances: this.balances, tips: this.tips, tree: this.tree, wiring: this.wiring, miningWanted: this.miningWanted, shares: this.shares, paused: this.paused, link: this.link }, now);
  }

  /** refresh reads every node's status now, so a view right after a change shows it. */
  refresh(): Promise<void> {
    return this.pollStatus();
  }

  recentBlocks(heights: number): TreeBlock[] {
    return this.tree.recent(heights);
  }

  /** explorer is what the block explorer reads through: the nodes, the tree, whose key an address is. */
  explorer(): ExplorerSource {
    return {
      nodes: this.nodes,
      tree: this.tree,
      params: this.options.params,
      minerOf: (address) => this.minerOf(address),
      bestNode: () => {
        const tip = bestTipOf(this.statuses);
        return this.nodes.find((n) => n.alive && this.statuses.get(n.index)?.status.tip === tip);
      },
    };
  }

  private minerOf(address: string): number | null {
    return this.nodes.find((n) => n.wallet?.address === address)?.index ?? null;
  }

  private node(index: number): ChildNode {
    const node = this.nodes[index];
    if (node === undefined) throw new ServiceRefusal('no-such-node', `there is no node ${index}: the nodes are 0 to ${this.nodes.length - 1}`, 400);
    return node;
  }

  // ---- keeping the network as asked ------------------------------------------------

  /** configure applies this devnet's settings to a node that just started. */
  private async configure(node: ChildNode): Promise<void> {
    if (this.link.delayMs > 0 || this.link.jitterMs > 0 || this.link.dropRate > 0) await node.api('PUT', '/network/link', this.link);
    await this.wiring.applyDenyList(node);
    if (this.shares[node.index]! < 1) await node.api('PUT', '/mining/share', { share: this.shares[node.index] });
    if (this.miningWanted[node.index] && !this.paused) await node.api('POST', '/mining/start', {});
    const migrated = await sweepLegacyMinerKey(node, this.options.params).catch((e: Error) => `node ${node.index}: could not move the coins of its old key (miner.key) into its wallet: ${e.message}; it tries again at its next start`);
    if (migrated !== undefined) this.note('tx', migrated, node.index);
  }

  private async pollStatus(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        if (!n.alive) return;
        try {
          const status = await n.api<Status>('GET', '/status', undefined, 2_000);
          this.statuses.set(n.index, { at: Date.now(), status });
          this.tips[n.index] = status.tip;
          // A balance changes only with the tip or the mempool: read it again only then, not every second.
          const seen = `${status.tip}/${status.mempool.count}/${status.mempool.bytes}`;
          if (this.balanceSeen.get(n.index) !== seen) {
            this.balances.set(n.index, await balanceOf(n));
            this.balanceSeen.set(n.index, seen);
          }
        } catch {
          // unreachable: shown once its last status is older than UNREACHABLE_MS (supervised-network.ts)
        }
      }),
    );
    this.emit('event', 'status', null);
  }

  // ---- what the nodes tell us ------------------------------------------------------

  private onNodeEvent(index: number, e: NodeEvent): void {
    const at = Date.now();
    switch (e.event) {
      case 'block-connected':
        return void this.onBlockConnected(index, e.data, at);
      case 'tip':
        this.tips[index] = e.data.hash;
        return void this.emit('event', 'tip', { node: index, ...e.data });
      case 'reorg': {
        this.emit('event', 'reorg', { node: index, ...e.data });
        void this.explainReorg(index, e.data, at);
        // (Scripts read this line as it is; the reorg card gives the blocks connected and the work.)
        return this.noteNodeEvent(index, e);
      }
      case 'tx-removed':
        if (e.data.reason === 'confirmed') return;
        return this.note('tx', `node ${index} dropped transaction ${e.data.txid.slice(0, 16)}… from its mempool (${e.data.reason === 'conflict' ? 'a double spend: a block spent the same coin' : e.data.reason})`, index, e.data.reason === 'conflict' ? message('txDoubleSpent', { node: index, txid: e.data.txid.slice(0, 16) }) : message('txDropped', { node: index, txid: e.data.txid.slice(0, 16), reason: e.data.reason }));
      default:
        return this.noteNodeEvent(index, e);
    }
  }

  private noteNodeEvent(index: number, e: NodeEvent): void {
    const n = nodeEventNote(index, e);
    if (n !== undefined) this.note(n.kind, n.text, index, n.message);
  }

  private async onBlockConnected(index: number, b: NodeEventData<'block-connected'>, at: number): Promise<void> {
    const known = this.tree.get(b.hash);
    if (known !== undefined) {
      if (known.seenBy[index] !== undefined) return;
      this.tree.seen(b.hash, index, at);
      const first = Math.min(...Object.values(known.seenBy));
      this.emit('event', 'seen', { hash: b.hash, node: index, atMs: at });
      // A node that could not hear the first one (the other side of a split) got it at the heal: not a propagation time.
      const held = known.reachable !== undefined && !known.reachable.includes(index);
      return this.note('block', `node ${index} received block ${b.height} ${b.hash.slice(-8)} (+${at - first} ms${held ? ', held by the split' : ''})`, index, message(held ? 'receivedHeld' : 'received', { node: index, height: b.height, hash: b.hash.slice(-8), ms: at - first }));
    }
    // Who could hear it is read now, before the await below lets a split or heal change it.
    const context = { reachable: this.wiring.reachableFrom(index), duringSplit: this.wiring.groups !== null };
    let prevHash: string | null = null;
    let miner: number | null | undefined;
    let txCount = b.txCount;
    try {
      const view = await this.nodes[index]!.api<ResponseOf<'getBlock'>>('GET', `/blocks/${b.hash}`);
      prevHash = view.prevHash;
      txCount = view.txs.length;
      const payee = view.txs[0]?.outputs[0]?.address;
      miner = payee === undefined ? undefined : this.minerOf(payee);
    } catch {
      // drawn without a parent line; the next block that names it as parent joins up
    }
    const entry = { hash: b.hash, height: b.height, time: b.time, chainwork: b.chainwork, prevHash, ...(txCount === undefined ? {} : { txCount }), ...(miner === undefined ? {} : { miner }) };
    if (!this.tree.add(entry, index, at, context)) return;
    const block = this.tree.get(b.hash)!;
    this.emit('event', 'block', block);
    const how = miner === index ? 'mined' : miner === null ? 'received from outside the devnet' : 'was the first to have';
    this.note('block', `node ${index} ${how} block ${b.height} ${b.hash.slice(-8)}`, index, message(miner === index ? 'mined' : miner === null ? 'fromOutside' : 'firstToHave', { node: index, height: b.height, hash: b.hash.slice(-8) }));
  }

  /** explainReorg reads both branches from the node that switched and keeps the card. */
  private async explainReorg(index: number, r: { oldTip: string; newTip: string; fork: string }, at: number): Promise<void> {
    try {
      const card = await readReorgCard(this.nextCardId++, at, this.nodes[index]!, r, (address) => this.minerOf(address));
      const dropped = keepReorgCard(this.reorgCards, card);
      this.emit('event', 'reorg-card', card);
      for (const line of dropped) this.note('tx', line, index);
    } catch (e) {
      this.options.logger.warn({ node: index, reason: (e as Error).message }, 'could not read the branches of a reorg');
    }
  }

  private onDeath(node: ChildNode, why: string): void {
    this.statuses.delete(node.index);
    this.note('node', `node ${node.index} died (${why}): restart it from the dashboard or POST /devnet/nodes/${node.index}/restart; its log is ${join(node.options.datadir, 'node.log')}`, node.index, message('died', { node: node.index, why, log: join(node.options.datadir, 'node.log') }));
  }

  private note(kind: TimelineItem['kind'], text: string, node?: number, said?: TimelineMessage): void {
    const item = appendTimeline(this.timeline, kind, text, node, Date.now(), said);
    if (kind !== 'block') this.options.logger.info(text);
    this.emit('event', 'timeline', item);
  }
}

/** linkMessage: the link line for the page; every figure is given, 0 where the shape has none. */
function linkMessage(shape: LinkShape, index: number | undefined): TimelineMessage {
  const figures = { delay: shape.delayMs, jitter: shape.jitterMs, dropped: Math.round(shape.dropRate * 100) };
  return index === undefined ? message('linkEvery', figures) : message('linkNode', { node: index, ...figures });
}
