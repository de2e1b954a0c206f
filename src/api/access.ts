/**
 * Who may use the REST API, decided by where it listens.
 *
 * On loopback (the default) only programs on this machine can connect; the one way in
 * from elsewhere is a web page in the user's own browser reaching 127.0.0.1 through DNS
 * rebinding (evil.example resolving to 127.0.0.1). Its requests carry `Host: evil.example`,
 * so the Host header must name a loopback host (or one the user allowed).
 *
 * Bound beyond loopback (a container, a classroom LAN, `--api-host 0.0.0.0`) anyone on
 * the network can connect: reads stay public, every call that changes the node needs
 * the token, POST /tx included, and the Host check takes the allowlist from
 * `--api-allow-host` (no list: any Host, since a stranger without the token can only read).
 */
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import { requireToken } from './auth.js';
import type { ApiAccess } from './services.js';

export const LOOPBACK_ACCESS: ApiAccess = { exposed: false, allowHosts: [] };

const LOOPBACK_NAME = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/i;

/** isLoopbackHost: does this listen address or host name stay on this machine? */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAME.test(host);
}

/** accessFor derives the API's access rules from the address it listens on and the allowlist. */
export function accessFor(apiHost: string, allowHosts: readonly string[]): ApiAccess {
  return { exposed: !isLoopbackHost(apiHost), allowHosts: allowHosts.map((h) => h.toLowerCase()) };
}

/** hostName is the host part of a Host header: `[::1]:80` → `[::1]`, `node-0.toychain:28443` → `node-0.toychain`. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** checkHost refuses (403 forbidden-host) a request whose Host header this node does not answer to. */
export function checkHost(access: ApiAccess): RequestHandler {
  const allowed = new Set(access.allowHosts);
  const anyHost = access.exposed && allowed.size === 0;
  return (req, _res, next) => {
    if (anyHost) return next();
    const name = hostName(req.headers.host ?? '');
    if (isLoopbackHost(name) || allowed.has(name)) return next();
    const names = ['127.0.0.1', 'localhost', ...allowed].join(', ');
    next(new ApiError(403, 'forbidden-host', `this node's API answers only to the host names ${names}, not '${name.slice(0, 80)}': start the node with --api-allow-host ${name.slice(0, 80) || 'NAME'} to allow it`));
  };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** tokenForEveryChange: on an exposed API, any request that is not a read needs the bearer token. */
export function tokenForEveryChange(authToken: string): RequestHandler {
  const guard = requireToken(authToken);
  return (req, res, next) => (READS.has(req.method) ? next() : guard(req, res, next));
}
