/**
 * What the REST API needs from the node besides the chain and the peers: mining
 * control. The node implements it over the Miner and its NoncePool.
 */

export interface MiningStatus {
  active: boolean;
  /** total nonces per second, moving average (0 when idle) */
  hashrate: number;
  workers: number;
}

export interface MiningControl {
  status(): MiningStatus;
  /** starts continuous mining to `address` (bech32m), or to the node's --miner-address */
  start(address?: string): Promise<void>;
  stop(): Promise<void>;
  /** mines `blocks` blocks now on the tip (Core's generatetoaddress); returns their hashes (display hex) */
  generate(blocks: number, address?: string): Promise<string[]>;
}
