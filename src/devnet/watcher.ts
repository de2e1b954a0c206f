/**
 * `toychain watch`: the devnet's view over nodes this process did not start (anywhere
 * its REST API can be reached), fork-observer's job. Each node is read live over its
 * server-sent events (blocks into the shared BlockTree) and polled for its status and
 * peers; the view has the devnet's shape (GET /api/v1/devnet), so the same page draws it.
 *
 * A watcher imposes no topology, so what it shows is what it sees: the edges are the
 * nodes' actual outbound connections (a peer address matched to a watched node by host
 * and p2p port), and the groups are the connected parts of that graph — a node unplugged
 * with POST /network {active:false}, or a split by deny lists, shows as its own group.
 * With discovery on, nodes that peers announce (`--announce-api`) are watched too.
 */
import { appendTimeline, message, nodeEventNote, type TimelineItem, type TimelineMessage } from './timeline.js';
import type { Status } from '../api/contract/responses.js';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { networks } from '../consensus/params.js';
import { ServiceRefusal } from '../api/services.js';
import { BlockTree, type TreeBlock } from './block-tree.js';
import { loadRecentBlocks, recordArrival, type ConnectedBlock } from './block-arrival.js';
import { EventFeed } from './event-feed.js';
import type { DevnetEvents, DevnetView } from './devnet-view.js';
import type { NodeEvent } from '../api/contract/events.js';
import type { ReorgCard } from './reorg-card.js';
import { keepReorgCard, readReorgCard } from './reorg-reader.js';
import type { ExplorerNode, ExplorerSource } from './explorer.js';
import { NodeApiError } from './child-node.js';
import { apiBase, fetchJson, safeBase, WatchedNodeError } from './watched-node-api.js';
import { PeerBook, resolveAnnouncedApi, type WatchedPeer } from './watched-peers.js';
import type { NetworkParams } from '../consensus/params.js';
import { bestTip, isUnreachable, watchedView, type Watched } from './watched-network.js';

export interface WatcherOptions {
  /** API URLs of the nodes to watch: http(s)://HOST:PORT, with or without /api/v1 */
  nodes: string[];
  /** bearer token for calls that change a node (mining on/off, generate); without it the watcher only reads */
  token: string | undefined;
  /** watch the nodes that watched nodes' peers announce */
  discover: boolean;
  logger: Logger;
  /** the token of some nodes by API base (…/api/v1), before `token`: a classroom knows only its own node's */
  tokens?: ReadonlyMap<string, string>;
  /** what the page calls a node discovery found ("student"), if anything */
  foundLabel?: string;
  /** the network, when the watcher knows it (a classroom's own); else read from the nodes' /status */
  params?: NetworkParams;
}

const STATUS_MS = 1_000;
const FEED_WAIT_MS = 3_000;
/** More nodes than a class: discovery stops adding beyond this. */
export const MAX_WATCHED = 100;

export class Watcher extends EventEmitter<DevnetEvents> {
  readonly tree = new BlockTree();
  readonly timeline: TimelineItem[] = [];
  /** each node's tip as last reported (tip events are faster than the status poll) */
  readonly tips: Record<number, string> = {};
  /** every reorg a watched node made, newest first, explained by work (read from that node, as the devnet does) */
  readonly reorgCards: ReorgCard[] = [];
  private nextCardId = 0;
  private readonly watched = new Map<number, Watched>();
  private readonly peerBook = new PeerBook();
  private nextIndex = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {
    super();
  }

  /** start watches the given nodes (unreachable ones are shown so, and read once they answer). */
  async start(): Promise<void> {
    for (const url of this.options.nodes) this.add(url);
    // Wait for the streams that open (so no early block is missed), but not for a node that does not answer.
    await Promise.race([Promise.all([...this.watched.values()].map((w) => w.feed.ready)), new Promise((r) => setTimeout(r, FEED_WAIT_MS).unref())]);
    await this.poll();
    this.timer = setInterval(() => void this.poll(), STATUS_MS);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const w of this.watched.values()) w.feed.close();
  }

  /** add watches one more node; returns its index. Refuses (bad-url, already-watched, too-many) with a reason. */
  add(url: string, label?: string): number {
    let apiUrl: string;
    try {
      apiUrl = apiBase(url);
    } catch (e) {
      throw new ServiceRefusal('bad-url', (e as Error).message, 400);
    }
    const known = [...this.watched.values()].find((w) => w.apiUrl === apiUrl);
    if (known !== undefined) throw new ServiceRefusal('already-watched', `${apiUrl} is already watched as node ${known.index}`, 409);
    if (this.watched.size >= MAX_WATCHED) throw new ServiceRefusal('too-many', `at most ${MAX_WATCHED} nodes are watched: remove one first`, 409);
    const index = this.nextIndex++;
    const w: Watched = { index, apiUrl, status: undefined, peers: [], loaded: false, label, feed: undefined as unknown as EventFeed };
    w.feed = new EventFeed(() => (this.stopped ? undefined : `${apiUrl}/events`), (e) => this.onNodeEvent(index, e));
    this.watched.set(index, w);
    this.note('node', `watching node ${index} at ${apiUrl}`, index, message('watching', { node: index, url: apiUrl }));
    return index;
  }

  /** remove stops watching a node, by its index or its URL; false if it was not watched. */
  remove(which: number | string): boolean {
    const w = typeof which === 'number' ? this.watched.get(which) : [...this.watched.values()].find((x) => x.apiUrl === safeBase(which));
    if (w === undefined) return false;
    w.feed.close();
    this.watched.delete(w.index);
    this.peerBook.forget(w.index);
    delete this.tips[w.index];
    this.note('node', `stopped watching node ${w.index} (${w.apiUrl})`, w.index, message('stoppedWatching', { node: w.index, url: w.apiUrl }));
    return true;
  }

  /** call sends a request to one watched node; changes carry the token. */
  async call<T>(index: number, method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
    const w = this.watched.get(index);
    if (w === undefined) throw new ServiceRefusal('no-such-node', `no watched node ${index}`, 400);
    const token = this.options.tokens?.get(w.apiUrl) ?? this.options.token;
    if (method !== 'GET' && token === undefined) throw new ServiceRefusal('read-only', `this watcher has no token for node ${index}: only its owner can change it (a watch started with --token-file FILE can change nodes that share that token)`, 409);
    return fetchJson<T>(w.apiUrl + path, method, body, method === 'GET' ? undefined : token, timeoutMs);
  }

  get canChange(): boolean {
    return this.options.token !== undefined || (this.options.tokens?.size ?? 0) > 0;
  }

  refresh(): Promise<void> {
    return this.poll();
  }

  recentBlocks(heights: number): TreeBlock[] {
    return this.tree.recent(heights);
  }

  /** explorer is what the block explorer reads through (src/devnet/explorer.ts): the watched nodes' APIs and the tree. */
  explorer(): ExplorerSource {
    const list = [...this.watched.values()];
    const nodes = list.map((w) => this.explorerNode(w));
    const status = list.find((w) => w.status !== undefined)?.status?.status;
    const params = this.options.params ?? (status === undefined ? { name: 'unknown', addressPrefix: '' } : (networks[status.network] ?? { name: status.network, addressPrefix: status.addressPrefix }));
    const best = bestTip(list);
    return {
      nodes,
      tree: this.tree,
      params,
      // A watcher knows no node's mining key: blocks and coins are shown without "mined by".
      minerOf: () => null,
      bestNode: () => nodes.find((n) => n.alive && this.watched.get(n.index)?.status?.status.tip === best),
    };
  }

  private explorerNode(w: Watched): ExplorerNode {
    return {
      index: w.index,
      alive: !isUnreachable(w, Date.now()),
      api: async <T>(_method: 'GET', path: string): Promise<T> => {
        try {
          return await fetchJson<T>(w.apiUrl + path, 'GET');
        } catch (e) {
          // The explorer reads a node's refusal as the devnet's children report it (404: this node does not have it).
          if (e instanceof WatchedNodeError) throw new NodeApiError(w.index, e.status, e.code, e.message);
          throw e;
        }
      },
    };
  }

  /** explainReorg reads both branches from the node that switched and keeps the card (reorg-reader.ts, as the devnet). */
  private async explainReorg(index: number, r: { oldTip: string; newTip: string; fork: string }, atMs: number): Promise<void> {
    const w = this.watched.get(index);
    if (w === undefined) return;
    try {
      const card = await readReorgCard(this.nextCardId++, atMs, this.explorerNode(w), r, () => null);
      const dropped = keepReorgCard(this.reorgCards, card);
      this.emit('event', 'reorg-card', card);
      for (const line of dropped) this.note('tx', line, index);
    } catch (e) {
      this.options.logger.warn({ node: index, reason: (e as Error).message }, 'could not read the branches of a reorg');
    }
  }

  // ---- the view ------------------------------------------------------------------------

  /** The watched network's rules: as given, else the built-in network the first node that answered names. */
  networkParams(): NetworkParams | undefined {
    const first = [...this.watched.values()].find((w) => w.status !== undefined)?.status?.status.network;
    return this.options.params ?? (first === undefined ? undefined : networks[first]);
  }

  view(now = Date.now()): DevnetView {
    return watchedView({ list: [...this.watched.values()], tree: this.tree, peerBook: this.peerBook, tips: this.tips, params: this.networkParams() }, now);
  }

  // ---- reading the nodes -------------------------------------------------------------------

  private poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    if (this.stopped) return;
    await Promise.all(
      [...this.watched.values()].map(async (w) => {
        try {
          const [status, peers] = await Promise.all([fetchJson<Status>(`${w.apiUrl}/status`, 'GET', undefined, undefined, 2_000), fetchJson<WatchedPeer[]>(`${w.apiUrl}/peers`, 'GET', undefined, undefined, 2_000)]);
          const wasUnreachable = w.status !== undefined && isUnreachable(w, Date.now());
          w.status = { at: Date.now(), status };
          this.tips[w.index] = status.tip;
          w.peers = peers;
          this.peerBook.learn(w.index, peers, safeBase);
          if (wasUnreachable) this.note('node', `node ${w.index} answers again`, w.index, message('answersAgain', { node: w.index }));
          if (!w.loaded) {
            await loadRecentBlocks(this.tree, (path) => fetchJson(w.apiUrl + path, 'GET'), Date.now());
            w.loaded = true;
          }
        } catch {
          // unreachable: shown once its last status is older than UNREACHABLE_MS (watched-network.ts)
        }
      }),
    );
    if (this.options.discover) this.discover();
    this.emit('event', 'status', null);
  }

  /** discover watches every API URL a watched node's peers announced that is not watched yet. */
  private discover(): void {
    const known = new Set([...this.watched.values()].map((w) => w.apiUrl));
    for (const w of [...this.watched.values()]) {
      for (const p of w.peers) {
        if (p.apiUrl === undefined || this.watched.size >= MAX_WATCHED) continue;
        const resolved = resolveAnnouncedApi(p.apiUrl, p.address);
        const base = resolved === undefined ? undefined : safeBase(resolved);
        if (base === undefined || known.has(base)) continue;
        known.add(base);
        const index = this.add(base, this.options.foundLabel);
        this.note('node', `found node ${index} at ${base}: a peer of node ${w.index} announced it`, index, message('found', { node: index, url: base, peer: w.index }));
      }
    }
  }

  private onNodeEvent(index: number, e: NodeEvent): void {
    switch (e.event) {
      case 'block-connected':
        return void this.onBlockConnected(index, e.data);
      case 'tip':
        this.tips[index] = e.data.hash;
        return void this.emit('event', 'tip', { node: index, ...e.data });
      case 'reorg':
        this.emit('event', 'reorg', { node: index, ...e.data });
        void this.explainReorg(index, e.data, Date.now());
        return this.noteNodeEvent(index, e);
      case 'ban':
        return this.onBan(index, e);
      default:
        return this.noteNodeEvent(index, e);
    }
  }

  private async onBlockConnected(index: number, b: ConnectedBlock): Promise<void> {
    const w = this.watched.get(index);
    if (w === undefined) return;
    const block = await recordArrival(this.tree, index, b, Date.now(), (path) => fetchJson(w.apiUrl + path, 'GET'));
    if (block === undefined) return;
    this.emit('event', 'block', block);
    this.note('block', `node ${index} has block ${b.height} ${b.hash.slice(-8)}`, index, message('hasBlock', { node: index, height: b.height, hash: b.hash.slice(-8) }));
  }

  /** onBan shows a ban on the banned node's card when the connection was seen (its announced API), and on the timeline. */
  private onBan(index: number, e: Extract<NodeEvent, { event: 'ban' }>): void {
    const { address, reason } = e.data;
    const api = this.peerBook.banned(index, address, reason, Date.now());
    const banned = [...this.watched.values()].find((w) => w.apiUrl === api);
    if (banned === undefined) return this.noteNodeEvent(index, e);
    this.note('ban', `node ${index} banned node ${banned.index} (${address}): ${reason}`, banned.index, message('bannedNode', { node: index, banned: banned.index, address, reason }));
    this.emit('event', 'ban', { node: index, banned: banned.index, address, reason });
  }

  private noteNodeEvent(index: number, e: NodeEvent): void {
    const n = nodeEventNote(index, e);
    if (n !== undefined) this.note(n.kind, n.text, index, n.message);
  }

  private note(kind: TimelineItem['kind'], text: string, node?: number, said?: TimelineMessage): void {
    const item = appendTimeline(this.timeline, kind, text, node, Date.now(), said);
    if (kind !== 'block') this.options.logger.info(text);
    this.emit('event', 'timeline', item);
  }
}
