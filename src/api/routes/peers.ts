/** GET /peers, POST /peers { address: "ws://HOST:PORT" }, DELETE /peers/:id. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { ApiError, ConflictError, NotFoundError } from '../errors.js';
import { integerString, parseInput } from '../request-validation.js';
import type { ApiDeps } from '../services.js';

/** ws://HOST:PORT (or wss://): a host and an explicit port, nothing after them. */
export const peerAddress = z
  .string()
  .max(300)
  .refine(isPeerUrl, { message: 'address must look like ws://HOST:PORT' });

export const connectBody = z.strictObject({ address: peerAddress });
export const peerIdParams = z.object({ id: integerString('id', 0, Number.MAX_SAFE_INTEGER) });

function isPeerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '' && url.port !== '' && bare;
}

export function registerPeerRoutes(router: Router, { peers }: ApiDeps, guard: RequestHandler[]): void {
  router.get('/peers', (_req, res) => {
    res.json(peers.peers());
  });

  router.post('/peers', ...guard, async (req, res) => {
    const { address } = parseInput(connectBody, req.body, 'body');
    if (!peers.networkActive) throw new ConflictError('network-inactive', 'the network is switched off: POST /network {"active": true} first');
    try {
      res.status(201).json(await peers.connect(address));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ApiError(502, 'peer-connect-failed', `could not connect to ${address}: ${reason}`, { cause: e });
    }
  });

  router.delete('/peers/:id', ...guard, (req, res) => {
    const { id } = parseInput(peerIdParams, req.params, 'params');
    if (!peers.disconnect(id)) throw new NotFoundError(`no peer with id ${id}`);
    res.json({ id, disconnected: true });
  });
}
