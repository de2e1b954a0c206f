/**
 * Bearer-token auth for the calls that change the node (peers, mining, network). The
 * node writes the token to DATADIR/api.cookie (mode 0600); reads need no token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './errors.js';

const WHERE = 'send the token from DATADIR/api.cookie as "Authorization: Bearer <token>"';

/**
 * requireToken lets a request through only with `Authorization: Bearer <authToken>`.
 * Both sides are hashed first so the constant-time comparison sees equal lengths and
 * the time taken says nothing about the token.
 */
export function requireToken(authToken: string): RequestHandler {
  if (typeof authToken !== 'string' || authToken.length === 0) throw new TypeError('requireToken: authToken must be a non-empty string');
  const expected = digest(authToken);
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined) return next(new UnauthorizedError(`this call changes the node and needs a token: ${WHERE}`));
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match === null || !timingSafeEqual(digest(match[1]!), expected)) {
      return next(new UnauthorizedError(`the token is wrong: ${WHERE}`));
    }
    next();
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
