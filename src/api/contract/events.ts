/**
 * The server-sent events of GET /events: every event's name (one constant each) and
 * the schema of its data. The node sends them through `NodeEvent`, the devnet reads
 * them through `parseNodeEvent`, so a renamed event or field fails to compile in both.
 *
 *   event: <a NODE_EVENTS value>
 *   data:  one JSON object, the event's schema below
 */
import { z } from 'zod';
import { chainwork, coins, count, hash, height, unixSeconds } from './primitives.js';
import { Peer } from './responses.js';
import { NODE_EVENTS } from './event-names.js';

// The names alone are in event-names.ts: the node's event stream needs them from the start, the schemas only on first use.
export { NODE_EVENTS } from './event-names.js';

export const BlockEvent = z.object({ hash, height, time: unixSeconds, chainwork, txCount: count });
export const ReorgEvent = z.object({
  oldTip: hash,
  newTip: hash,
  fork: hash.meta({ description: 'the last block both branches share' }),
  depth: count.meta({ description: 'blocks disconnected from the old branch' }),
  connected: count.meta({ description: 'blocks connected from the new branch' }),
  oldChainwork: chainwork,
  newChainwork: chainwork,
});
export const TipEvent = z.object({ hash, height, chainwork });
export const PeerLeftEvent = Peer.extend({ reason: z.string() });
export const BanEvent = z.object({ address: z.string(), reason: z.string() });
export const TxEvent = z.object({ txid: hash, fee: coins, size: count, feeRate: z.number().min(0) });
export const TxRemovedEvent = z.object({ txid: hash, reason: z.string() });

/** Each event name with the schema of its data. */
export const nodeEventSchemas = {
  [NODE_EVENTS.blockConnected]: BlockEvent,
  [NODE_EVENTS.blockDisconnected]: BlockEvent,
  [NODE_EVENTS.reorg]: ReorgEvent,
  [NODE_EVENTS.tip]: TipEvent,
  [NODE_EVENTS.peerJoined]: Peer,
  [NODE_EVENTS.peerLeft]: PeerLeftEvent,
  [NODE_EVENTS.ban]: BanEvent,
  [NODE_EVENTS.tx]: TxEvent,
  [NODE_EVENTS.txRemoved]: TxRemovedEvent,
} as const;

export type NodeEventName = keyof typeof nodeEventSchemas;
export type NodeEventData<K extends NodeEventName> = z.infer<(typeof nodeEventSchemas)[K]>;
/** One event as a discriminated union: switch on `event` and `data` has its type. */
export type NodeEvent = { [K in NodeEventName]: { event: K; data: NodeEventData<K> } }[NodeEventName];

export function isNodeEventName(name: string): name is NodeEventName {
  return Object.hasOwn(nodeEventSchemas, name);
}

/** parseNodeEvent checks one received event against the contract; undefined for an unknown name or a bad shape. */
export function parseNodeEvent(name: string, data: unknown): NodeEvent | undefined {
  if (!isNodeEventName(name)) return undefined;
  const parsed = nodeEventSchemas[name].safeParse(data);
  return parsed.success ? ({ event: name, data: parsed.data } as NodeEvent) : undefined;
}
