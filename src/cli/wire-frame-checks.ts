/**
 * The bad-frame checks of `toychain conformance ws://…`: what docs/p2p.md §2 and §7 say a
 * node does with a frame that breaks the format. Each fault is sent on its own fresh
 * connection after the handshake, one frame fewer than its score needs to reach the ban
 * score: the connection must stay open, the frames unanswered (read at a pong barrier).
 * Then one more: the node must close with 4003, misbehaving (an oversized frame: 1009,
 * the WebSocket layer's "message too big", before the node reads it). So the check
 * measures the score itself, not only that something happened.
 *
 * The last frame bans the connecting address (on loopback only that socket's source
 * port; elsewhere the checking host, for 24 hours): `--no-ban` leaves it out.
 */
import { ByteWriter } from '../consensus/byte-writer.js';
import { demo, regtest } from '../consensus/params.js';
import { checksum, COMMANDS, encodeMessage, MAX_MESSAGE_SIZE } from '../p2p/messages.js';
import { BAN_SCORE, OFFENCE_SCORES, type Offence } from '../p2p/misbehaviour.js';
import { CheckFailed, handshake, hex32, names, ourVersion, Skipped, type Session } from './wire-session.js';
import { WireClient } from './wire-client.js';

/** Close codes of docs/p2p.md §1. */
export const CLOSE_REFUSED = 4001;
export const CLOSE_MISBEHAVING = 4003;
/** RFC 6455: message too big; the WebSocket layer closes with it when a frame is over its limit. */
export const CLOSE_TOO_BIG = 1009;

interface BadFrame {
  /** what is sent, for the check's name */
  what: string;
  offence: Offence;
  send: (c: WireClient) => void;
}

export interface FrameCheck {
  name: string;
  run: () => Promise<string>;
}

/** A command code no message has (docs/p2p.md §3 lists 0x01–0x0f). */
const UNKNOWN_COMMAND = 0x7f;
/** What a node may send on its own while we wait, answering nothing of ours. */
const UNPROMPTED = new Set(['inv', 'ping', 'addr', 'sendblocks', 'sendheaders']);

/** envelope frames a payload under a command code, with a good length and checksum. */
function envelope(magic: number, command: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().u32(magic).u8(command).u32(payload.length).bytes(checksum(payload)).bytes(payload).finish();
}

/** otherMagic is a built-in network's magic that is not this network's. */
function otherMagic(magic: number): number {
  return magic === regtest.magic ? demo.magic : regtest.magic;
}

export function frameChecks(session: Session): FrameCheck[] {
  const { params } = session.options;
  const magic = params.magic;
  const ping = (): Uint8Array => encodeMessage(magic, { type: 'ping', nonce: new Uint8Array(8) });
  const frames: BadFrame[] = [
    { what: 'a frame with another magic', offence: 'bad-magic', send: (c) => c.sendBytes(encodeMessage(otherMagic(magic), { type: 'ping', nonce: new Uint8Array(8) })) },
    {
      what: 'a frame whose checksum does not match',
      offence: 'bad-checksum',
      send: (c) => {
        const frame = ping();
        frame[9] = frame[9]! ^ 0xff;
        c.sendBytes(frame);
      },
    },
    { what: `an unknown command (0x${UNKNOWN_COMMAND.toString(16)})`, offence: 'unknown-command', send: (c) => c.sendBytes(envelope(magic, UNKNOWN_COMMAND, new Uint8Array(0))) },
    { what: 'a payload that does not decode (a 7-byte ping)', offence: 'malformed', send: (c) => c.sendBytes(envelope(magic, COMMANDS.ping, new Uint8Array(7))) },
    { what: 'a truncated envelope (12 bytes)', offence: 'malformed', send: (c) => c.sendBytes(ping().subarray(0, 12)) },
    { what: 'a text frame', offence: 'malformed', send: (c) => c.sendText('ping') },
    { what: 'a second version', offence: 'unexpected-handshake', send: (c) => c.send(ourVersion(params)) },
  ];
  return [
    { name: 'a version with another network’s magic is refused (close 4001), not scored', run: () => otherNetwork(session) },
    ...frames.map((f) => ({ name: `${f.what}: ${f.offence} (+${OFFENCE_SCORES[f.offence]}), ignored until the score reaches ${BAN_SCORE}, then closed 4003`, run: () => scored(session, f) })),
    { name: `a frame over 13 + 4,000,000 bytes: oversize (+${OFFENCE_SCORES.oversize}), closed at once (1009, message too big)`, run: () => oversize(session) },
  ];
}

async function otherNetwork(session: Session): Promise<string> {
  const { url, params, timeoutMs } = session.options;
  const client = await WireClient.connect(url, params.magic, timeoutMs);
  session.clients.push(client);
  const other = otherMagic(params.magic);
  client.send(ourVersion(params, { magic: other }), other);
  const closed = await client.whenClosed('a version on another network');
  if (closed.code !== CLOSE_REFUSED) throw new CheckFailed(`closed with ${closed.code} (${closed.reason}), the document says ${CLOSE_REFUSED}`);
  return `a version on magic 0x${hex32(other)}: closed ${closed.code} (${closed.reason})`;
}

async function scored(session: Session, bad: BadFrame): Promise<string> {
  const score = OFFENCE_SCORES[bad.offence];
  const kept = Math.ceil(BAN_SCORE / score) - 1;
  const { client } = await handshake(session);
  await client.barrier('the handshake'); // what the node sends once we are ready (sendblocks) is not an answer
  for (let i = 0; i < kept; i++) bad.send(client);
  const answered = (await client.barrier(`after ${kept} × ${bad.what}`)).filter((m) => !UNPROMPTED.has(m.type));
  if (answered.length > 0) throw new CheckFailed(`answered ${names(answered)} to ${bad.what}`);
  const keptText = `${kept} kept the connection (score ${kept * score})`;
  if (!session.options.ban) throw new Skipped(`${keptText}; the frame that bans not sent (--no-ban)`);
  bad.send(client);
  const closed = await client.whenClosed(`the ${kept + 1}th ${bad.what}`);
  if (closed.code !== CLOSE_MISBEHAVING) throw new CheckFailed(`${keptText}, then closed with ${closed.code} (${closed.reason}), the document says ${CLOSE_MISBEHAVING}`);
  return `${keptText}; the next closed ${closed.code} (${closed.reason})`;
}

async function oversize(session: Session): Promise<string> {
  if (!session.options.ban) throw new Skipped('not sent: it bans at once (--no-ban)');
  const { client } = await handshake(session);
  await client.barrier('the handshake');
  client.sendBytes(new Uint8Array(MAX_MESSAGE_SIZE + 1));
  const closed = await client.whenClosed('an oversized frame');
  if (closed.code !== CLOSE_TOO_BIG && closed.code !== CLOSE_MISBEHAVING) throw new CheckFailed(`closed with ${closed.code} (${closed.reason}), the document says ${CLOSE_TOO_BIG}`);
  return `closed ${closed.code}${closed.reason === '' ? '' : ` (${closed.reason})`}`;
}
