/** POST /mining/start { address? }, POST /mining/stop, POST /mining/generate { blocks, address? }. */
import { operations } from '../contract/operations.js';
import { decodeAddress } from '../../consensus/address.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerMiningRoutes(routes: Routes, { mining, params }: ApiDeps): void {
  routes.json(operations.startMining, async ({ body }) => {
    // Checked before the miner is touched; an AddressError is 400 invalid-address (ApiError.from).
    if (body.address !== undefined) decodeAddress(body.address, params);
    await mining.start(body.address);
    return mining.status();
  });

  routes.json(operations.stopMining, async () => {
    await mining.stop();
    return mining.status();
  });

  routes.json(operations.generateBlocks, async ({ body }) => {
    if (body.address !== undefined) decodeAddress(body.address, params);
    return { hashes: await mining.generate(body.blocks, body.address) };
  });
}
