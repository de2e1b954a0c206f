/**
 * One node: the store, the chain, the peer-to-peer layer, mining and the REST API,
 * wired together, with an orderly start and stop. Start order is inner to outer (a
 * request can only arrive once what serves it exists); stop is the reverse.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Chain } from '../chain/chain.js';
import { openLevelStore } from '../storage/level-store.js';
import type { ChainStore } from '../storage/store.js';
import { PeerManager } from '../p2p/peer-manager.js';
import { createApi } from '../api/server.js';
import type { NodeConfig } from './config.js';
import { MiningService } from './mining-service.js';
import { VERSION } from './version.js';

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

export class Node {
  private stopped = false;

  private constructor(
    readonly config: NodeConfig,
    readonly logger: Logger,
    readonly store: ChainStore,
    readonly chain: Chain,
    readonly peers: PeerManager,
    readonly mining: MiningService,
    private readonly server: Server,
    readonly endpoints: NodeEndpoints,
  ) {}

  static async start(config: NodeConfig, logger: Logger): Promise<Node> {
    await mkdir(config.datadir, { recursive: true, mode: 0o700 });
    const store = await openLevelStore(config.datadir);
    const cleanup: (() => Promise<unknown>)[] = [() => store.close()];
    try {
      const chain = await Chain.open(store, config.params);
      logger.info({ network: config.params.name, height: chain.height, tip: chain.tip.id, datadir: config.datadir }, 'chain loaded');
      logChainEvents(chain, logger);

      const peers = new PeerManager({
        chain,
        params: config.params,
        host: config.p2pHost,
        port: config.p2pPort,
        datadir: config.datadir,
        logger: logger.child({ layer: 'p2p' }),
        userAgent: `/toychain:${VERSION}/`,
      });
      const { port: p2pPort } = await peers.start();
      cleanup.push(() => peers.stop());

      const mining = new MiningService({ chain, params: config.params, workers: config.workers, defaultAddress: config.minerAddress, logger: logger.child({ layer: 'mining' }) });
      cleanup.push(() => mining.close());

      const authToken = randomBytes(32).toString('hex');
      await writePrivateFile(join(config.datadir, 'api.cookie'), authToken);
      const app = createApi({ chain, params: config.params, peers, policy: peers, mining, miningShare: mining, authToken, logger: logger.child({ layer: 'api' }), version: VERSION });
      const server = createServer(app);
      const apiPort = await listen(server, config.apiHost, config.apiPort);
      cleanup.push(() => closeServer(server));

      const endpoints: NodeEndpoints = {
        pid: process.pid,
        network: config.params.name,
        p2pPort,
        apiPort,
        apiUrl: `http://${urlHost(config.apiHost)}:${apiPort}/api/v1`,
        p2pUrl: `ws://${urlHost(config.p2pHost)}:${p2pPort}`,
      };
      await writeFile(join(config.datadir, 'node.json'), JSON.stringify(endpoints, null, 2) + '\n');
      logger.info(endpoints, 'node ready');

      for (const address of config.peers) peers.addPersistentPeer(address);
      if (config.mine) await mining.start(config.minerAddress);
      return new Node(config, logger, store, chain, peers, mining, server, endpoints);
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
    await this.peers.stop();
    await closeServer(this.server);
    await this.store.close();
    await rm(join(this.config.datadir, 'node.json'), { force: true });
    this.logger.info('stopped');
  }
}

function logChainEvents(chain: Chain, logger: Logger): void {
  chain.on('blockConnected', (entry) => logger.debug({ height: entry.height, hash: entry.id }, 'block connected'));
  chain.on('tip', (entry) => logger.info({ height: entry.height, hash: entry.id, chainwork: entry.chainwork.toString(16) }, 'new tip'));
  chain.on('reorg', (r) => logger.warn({ depth: r.depth, oldTip: r.oldTip, newTip: r.newTip, fork: r.fork }, `reorganised: ${r.depth} blocks replaced by a branch with more work`));
  chain.on('invalid', (entry, reason) => logger.warn({ hash: entry.id, reason }, 'invalid block'));
}

/** writePrivateFile writes a secret readable by this user only (0600), atomically. */
async function writePrivateFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
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

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
