/**
 * `toychain node`: start a node, stop it cleanly on SIGINT / SIGTERM (mining off, peers
 * closed, store flushed, exit 0), and turn start-up failures a user can fix (a busy
 * port, a data directory in use) into one clear line instead of a stack trace.
 *
 * Started by a supervisor (the devnet) with an IPC channel, the node also stops when that
 * channel closes: the operating system closes it when the supervisor dies, even by
 * SIGKILL, which no signal handler in the supervisor can catch. A node started from a
 * shell or by docker has no channel and lives on its own.
 */
import type { NodeConfig } from '../node/config.js';
import { createLogger } from '../node/log.js';
import { Node, ApiPortInUseError } from '../node/node.js';
import { StoreLockedError } from '../storage/errors.js';
import { ChainMismatchError } from '../chain/errors.js';
import { PortInUseError } from '../p2p/errors.js';
import { releaseAfterStartUp } from '../node/start-up-memory.js';

export async function runNode(config: NodeConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  let onSupervisorGone = (): void => {
    logger.warn('the supervisor is gone while starting: exiting');
    logger.flush();
    process.exit(1);
  };
  watchSupervisor(() => onSupervisorGone());
  let node: Node;
  try {
    node = await Node.start(config, logger);
  } catch (e) {
    if (e instanceof StoreLockedError || e instanceof ApiPortInUseError || e instanceof PortInUseError || e instanceof ChainMismatchError) {
      logger.fatal(e.message);
      logger.flush();
      process.exitCode = 1;
      return;
    }
    throw e;
  } finally {
    releaseAfterStartUp(); // held since the command started (src/cli/hold-young-generation.ts)
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without a clean stop`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  onSupervisorGone = () => shutdown('supervisor gone');
  if (process.channel !== undefined && !process.connected) shutdown('supervisor gone');
}

/** watchSupervisor calls `gone` once the IPC channel to the process that started us closes (if there is one). */
function watchSupervisor(gone: () => void): void {
  if (process.channel === undefined) return;
  // The channel must not keep the process alive by itself: the node's servers do that.
  process.channel.unref();
  process.once('disconnect', gone);
}
