/**
 * What keeps the node's HTTP server standing: limits on connections and on how long a
 * request may take (the Host check against DNS rebinding is access.ts's).
 */
import type { Server } from 'node:http';
export interface ServerLimits {
  /** open sockets at once; more are closed as they arrive (Node's server.maxConnections) */
  maxConnections: number;
  /** the whole request, headers and body, must arrive within this */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** an idle keep-alive socket is closed after this */
  keepAliveTimeoutMs: number;
  /** a socket with no traffic either way is closed after this (event streams send a heartbeat well within it) */
  idleTimeoutMs: number;
}

/**
 * DEFAULT_LIMITS: 200 slow clients and 500 event streams were held in the attacks on
 * live nodes, so 1024 sockets leave room for both; Node's own request timeout (300 s)
 * would let a slow client hold a socket for minutes.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
};

/** limitServer applies `limits` to an http.Server before it listens. */
export function limitServer(server: Server, limits: ServerLimits = DEFAULT_LIMITS): Server {
  server.maxConnections = limits.maxConnections;
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.idleTimeoutMs;
  return server;
}
