/**
 * The names of the node's server-sent events (GET /events); their data's schemas are in
 * events.ts. Apart from the schemas, so what sends the events (src/api/events.ts) does not
 * load zod and the contract with it at start: those load with the routes, on the first
 * request (server.ts).
 */
export const NODE_EVENTS = {
  blockConnected: 'block-connected',
  blockDisconnected: 'block-disconnected',
  reorg: 'reorg',
  tip: 'tip',
  peerJoined: 'peer-joined',
  peerLeft: 'peer-left',
  ban: 'ban',
  tx: 'tx',
  txRemoved: 'tx-removed',
} as const;
