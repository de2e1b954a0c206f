/**
 * Whether a peer's version makes it one of ours: the same network (magic) and genesis
 * block, a protocol we still speak, and not ourselves. Apart from the Peer so these
 * refusals, and the words they are logged and closed with, read as one rule set; the
 * connection's own state (slots, the deny list) stays with the peer and its manager.
 */
import { equalBytes, toDisplayHex } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { decodeMessage, MIN_PROTOCOL_VERSION, type VersionMessage } from './messages.js';

/** Why a peer is refused: `reason` for the log and close frame, `code` (wrong-network, wrong-genesis) leads it. */
export interface VersionRefusal {
  reason: string;
  code?: 'wrong-network' | 'wrong-genesis';
}

/** versionRefusal says why a version's sender cannot be our peer, or undefined when it can. `nonce` is our own version's. */
export function versionRefusal(v: VersionMessage, params: NetworkParams, nonce: Uint8Array): VersionRefusal | undefined {
  if (v.magic !== params.magic) return wrongNetwork(v.magic, params.magic);
  const genesis = toDisplayHex(v.genesis);
  if (genesis !== params.genesis.hash) return { reason: `peer has another genesis block ${genesis} (ours ${params.genesis.hash})`, code: 'wrong-genesis' };
  if (v.protocolVersion < MIN_PROTOCOL_VERSION) return { reason: `protocol version ${v.protocolVersion} is below ${MIN_PROTOCOL_VERSION}` };
  if (equalBytes(v.nonce, nonce)) return { reason: 'connected to self (the version carries our own nonce)' };
  return undefined;
}

/** wrongNetwork is the refusal of a peer whose messages carry another network's magic. */
export function wrongNetwork(theirs: number, ours: number): VersionRefusal {
  return { reason: `peer is on another network (magic 0x${hex32(theirs)}, ours 0x${hex32(ours)})`, code: 'wrong-network' };
}

/** isVersionFrame: does a frame decode as a version message under another magic (another network)? */
export function isVersionFrame(frame: Uint8Array, magic: number): boolean {
  try {
    return decodeMessage(frame, magic).type === 'version';
  } catch {
    return false;
  }
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
