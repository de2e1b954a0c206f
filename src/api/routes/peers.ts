/** GET /peers, POST /peers { address: "ws://HOST:PORT" }, DELETE /peers/:id. */
import { P2pError } from '../../p2p/errors.js';
import { operations } from '../contract/operations.js';
import { ApiError, ConflictError, NotFoundError } from '../errors.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerPeerRoutes(routes: Routes, { peers }: ApiDeps): void {
  routes.json(operations.listPeers, () => peers.peers());

  routes.json(operations.connectPeer, async ({ body }) => {
    if (!peers.networkActive) throw new ConflictError('network-inactive', 'the network is switched off: POST /network {"active": true} first');
    try {
      return await peers.connect(body.address);
    } catch (e) {
      // A refusal the p2p layer names (banned, denied, already connected, …) keeps its code and 4xx (ApiError.from);
      // a peer that could not be reached or refused the handshake is 422 peer-connect-failed, with the reason:
      // the address is the caller's to change (see P2P_STATUS). Anything else is a broken node: a 500.
      if (!(e instanceof P2pError) || (e.code !== 'connect-failed' && e.code !== 'handshake-failed')) throw e;
      throw new ApiError(422, 'peer-connect-failed', `could not connect to ${body.address}: ${e.message}`, { cause: e });
    }
  });

  routes.json(operations.disconnectPeer, ({ params }) => {
    if (!peers.disconnect(params.id)) throw new NotFoundError(`no peer with id ${params.id}`);
    return { id: params.id, disconnected: true as const };
  });
}
