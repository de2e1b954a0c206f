/**
 * One node: the store, the chain, the peer-to-peer layer, mining and the REST API,
 * wired together, with an orderly start and stop. Start order is inner to outer (a
 * request can only arrive once what serves it exists); stop is the reverse.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Chain } from '../chain/chain.js';
import { viewOf } from '../chain/chain-view.js';
import type { ChainEntry } from '../chain/block-index.js';
import { WorkerSignatureVerifier } from '../chain/signature-verifier.js';
import { VerifiedTxCache } from '../chain/verified-tx-cache.js';
import { Mempool } from '../mempool/mempool.js';
import { openLevelStore } from '../storage/level-store.js';
import type { ChainStore } from '../storage/store.js';
import { PeerManager } from '../p2p/peer-manager.js';
import { createApi } from '../api/server.js';
import { accessFor } from '../api/access.js';
import { limitServer } from '../api/http-limits.js';
import type { NodeConfig } from './config.js';
import { MiningService } from './mining-service.js';
import { NodeClock } from './node-clock.js';
import { NODE_KEY_FILE, nodeKey } from './node-key.js';
import { encodeAddress } from '../consensus/address.js';
import { VERSION } from './version.js';
import { preparePrivateDir, writePrivateFile } from './private-files.js';

/** The API port is taken: the message says which and what to do. */
export class ApiPortInUseError extends Error {
  constructor(host: string, port: number) {
    super(`the API port ${host}:${port} is already in use: pass another --api-port (0 picks a free one)`);
    this.name = 'ApiPortInUseError';
  }
}

/** Where a running node can be reached; also written to DATADIR/node.json for scripts and the devnet. */
export interface NodeEndpoints {
  pid: number;
  network: string;
  p2pPort: number;
  apiPort: number;
  apiUrl: string;
  p2pUrl: string;
}

/** How often the mempool drops entries older than its expiry. */
const MEMPOOL_EXPIRY_CHECK_MS = 60_000;

export class Node {
  private stopped = false;
  private stopExpiry: () => void = () => undefined;

  private constructor(
    readonly config: NodeConfig,
    readonly logger: Logger,
    readonly store: ChainStore,
    readonly chain: Chain,
    readonly peers: PeerManager,
    readonly mining: MiningService,
    readonly mempool: Mempool,
    private readonly server: Server,
    readonly endpoints: NodeEndpoints,
  ) {}

  static async start(config: NodeConfig, logger: Logger): Promise<Node> {
    await preparePrivateDir(config.datadir);
    const store = await openLevelStore(config.datadir);
    const cleanup: (() => Promise<unknown>)[] = [() => store.close()];
    try {
      // Signature checks (blocks and mempool alike) run on worker threads, so a big block does not stall the API or the peers.
      // The node owns the verifier and the cache of verified transactions and hands both to the chain and the mempool.
      const signatureVerifier = new WorkerSignatureVerifier();
      cleanup.push(() => signatureVerifier.destroy());
      const verifiedTxs = new VerifiedTxCache();
      // One clock for the template and the future-drift rule, settable on a mockable chain (PUT /clock).
      const clock = new NodeClock(config.params);
      const chain = await Chain.open(store, config.params, { signatureVerifier, verifiedTxs, clock: clock.now });
      logger.info({ network: config.params.name, height: chain.height, tip: chain.tip.id, datadir: config.datadir }, 'chain loaded');
      logChainEvents(chain, logger);

      const mempool = new Mempool({ chain: viewOf(chain), params: config.params, signatureVerifier, verifiedTxs });
      cleanup.push(async () => mempool.close());
      logMempoolEvents(mempool, logger.child({ layer: 'mempool' }));

      const peers = new PeerManager({
        chain,
        params: config.params,
        host: config.p2pHost,
        port: config.p2pPort,
        datadir: config.datadir,
        logger: logger.child({ layer: 'p2p' }),
        userAgent: `/toychain:${VERSION}/`,
        txPool: mempool,
        ...(config.announceApi === undefined ? {} : { announceApi: config.announceApi }),
      });
      // Every transaction the mempool takes in (from the API or a peer) is announced to the peers that lack it.
      mempool.on('added', (entry) => peers.announceTx(entry.txHash));
      const { port: p2pPort } = await peers.start();
      cleanup.push(() => peers.stop());

      // Only a network whose difficulty cannot pace its miners (no retarget) needs a paced miner.
      const paceMs = config.params.noRetargeting ? config.miningPaceSec * 1000 : undefined;
      const mining = new MiningService({ chain, params: config.params, workers: config.workers, defaultAddress: config.minerAddress, ownKey: () => nodeKey(config.datadir), mempool, clock: clock.now, relayAhead: (block) => peers.relayOwnBlock(block), logger: logger.child({ layer: 'mining' }), ...(paceMs === undefined ? {} : { paceMs }) });
      cleanup.push(() => mining.close());

      // A token given from outside (a Kubernetes Secret, --api-token-file) is shared by every node of a deployment; otherwise a new one per start.
      const authToken = config.apiToken ?? randomBytes(32).toString('hex');
      await writePrivateFile(join(config.datadir, 'api.cookie'), authToken);
      const app = createApi({ chain: viewOf(chain), params: config.params, peers, policy: peers, mining, miningShare: mining, clock, mempool, authToken, access: accessFor(config.apiHost, config.apiAllowHosts), logger: logger.child({ layer: 'api' }), version: VERSION });
      const server = limitServer(createServer(app));
      const apiPort = await listen(server, config.apiHost, config.apiPort);
      cleanup.push(() => closeServer(server));

      const endpoints: NodeEndpoints = {
        pid: process.pid,
        network: config.params.name,
        p2pPort,
        apiPort,
        apiUrl: `http://${urlHost(localHost(config.apiHost))}:${apiPort}/api/v1`,
        p2pUrl: `ws://${urlHost(localHost(config.p2pHost))}:${p2pPort}`,
      };
      await writeFile(join(config.datadir, 'node.json'), JSON.stringify(endpoints, null, 2) + '\n');
      logger.info(endpoints, 'node ready');

      for (const address of config.peers) peers.addPersistentPeer(address);
      if (config.mine) {
        // --mine without --miner-address pays the node's own key (DATADIR/miner.key), as generate does: one command joins a class.
        const address = config.minerAddress ?? encodeAddress(await nodeKey(config.datadir), config.params);
        if (config.minerAddress === undefined) logger.info({ address, keyFile: join(config.datadir, NODE_KEY_FILE) }, "mining to this node's own key");
        await mining.start(address);
      }
      // Entries older than the policy's expiry leave (Core: every -mempoolexpiry check runs on new blocks; a timer is simpler here).
      const expiry = setInterval(() => void mempool.expire(Math.floor(Date.now() / 1000)), MEMPOOL_EXPIRY_CHECK_MS);
      expiry.unref();
      cleanup.push(async () => clearInterval(expiry));
      const node = new Node(config, logger, store, chain, peers, mining, mempool, server, endpoints);
      node.stopExpiry = () => clearInterval(expiry);
      return node;
    } catch (e) {
      for (const close of cleanup.reverse()) await close().catch(() => undefined);
      throw e;
    }
  }

  /** stop: mining off, peers closed, API closed, store flushed and closed. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.logger.info('stopping');
    await this.mining.close();
    this.stopExpiry();
    await this.peers.stop();
    this.mempool.close();
    await closeServer(this.server);
    await this.store.close();
    await this.chain.signatureVerifier.destroy();
    await rm(join(this.config.datadir, 'node.json'), { force: true });
    this.logger.info('stopped');
  }
}

function logChainEvents(chain: Chain, logger: Logger): void {
  chain.on('blockConnected', (entry) => logger.debug({ height: entry.height, hash: entry.id }, 'block connected'));
  logTips(chain, logger);
  chain.on('reorg', (r) => logger.warn({ depth: r.depth, oldTip: r.oldTip, newTip: r.newTip, fork: r.fork }, `reorganised: ${r.depth} blocks replaced by a branch with more work`));
  chain.on('invalid', (entry, reason) => logger.warn({ hash: entry.id, reason }, 'invalid block'));
}

/** While syncing, at most one 'new tip' line per this interval; the last tip of a burst is always logged. */
const TIP_LOG_INTERVAL_MS = 1_000;

/**
 * logTips logs each new tip, but during a sync (thousands of tips a second) one line a
 * second with how many tips it stands for: a line per block was a tenth of the sync's
 * CPU (`npm run bench -- network`, initial sync). The tips in between go to debug.
 */
function logTips(chain: Chain, logger: Logger): void {
  let lastAt = 0;
  let skipped = 0;
  let trailing: NodeJS.Timeout | undefined;
  const line = (entry: ChainEntry): void => {
    logger.info({ height: entry.height, hash: entry.id, chainwork: entry.chainwork.toString(16), ...(skipped > 0 ? { tipsSinceLastLine: skipped + 1 } : {}) }, 'new tip');
    lastAt = Date.now();
    skipped = 0;
  };
  chain.on('tip', (entry) => {
    clearTimeout(trailing);
    trailing = undefined;
    if (Date.now() - lastAt >= TIP_LOG_INTERVAL_MS) return line(entry);
    skipped++;
    logger.debug({ height: entry.height, hash: entry.id }, 'new tip');
    trailing = setTimeout(() => line(entry), TIP_LOG_INTERVAL_MS).unref();
  });
}

function logMempoolEvents(mempool: Mempool, logger: Logger): void {
  mempool.on('added', (entry) => logger.info({ txid: entry.txid, fee: entry.fee.toString(), size: entry.size }, 'transaction accepted'));
  mempool.on('removed', (entry, reason) => logger.debug({ txid: entry.txid, reason }, 'transaction left the mempool'));
  mempool.on('dropped', (dropped) => logger.warn({ txid: dropped.txid, reason: dropped.reason, rejection: dropped.rejection }, 'transaction of a disconnected block could not come back'));
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(e.code === 'EADDRINUSE' ? new ApiPortInUseError(host, port) : e);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // Server-sent event streams never end on their own: close them, then the server.
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** localHost: a wildcard listen address (0.0.0.0, ::) is reached from this machine as loopback. */
function localHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
