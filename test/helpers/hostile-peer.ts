/**
 * A hostile peer against a real `toychain node` process: a raw ws client (test/p2p/
 * fixture.ts RawClient) that completes the handshake as a regtest peer, and the node's
 * outside surfaces it is judged by (JSON log lines, `/peers` scores). Shared by the
 * e2e hostile tests and the hostile campaign. Whoever connects closes the clients.
 */
import { WebSocket } from 'ws';
import { regtest } from '../../src/consensus/params.js';
import type { VersionMessage } from '../../src/p2p/messages.js';
import { RawClient } from '../p2p/fixture.js';
import { waitFor, type NodeProcess } from './node-process.js';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** logLines parses the node's JSON log lines (stdout) so far. */
export function logLines(node: NodeProcess): LogLine[] {
  const out: LogLine[] = [];
  for (const line of node.output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // a line still being written
    }
  }
  return out;
}

/** banScore is the score `/peers` shows for the peer with this user agent (undefined: not listed). */
export async function banScore(node: NodeProcess, userAgent: string): Promise<number | undefined> {
  const res = await node.api<{ userAgent: string; banScore: number }[]>('GET', '/peers');
  return res.body.find((p) => p.userAgent === userAgent)?.banScore;
}

/** connectRaw opens a raw ws connection to a node's p2p port (no handshake). */
export async function connectRaw(node: NodeProcess, options: { origin?: string } = {}): Promise<RawClient> {
  const ws = new WebSocket(node.p2pUrl, { perMessageDeflate: false, ...options });
  const client = new RawClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

export interface HostilePeer {
  client: RawClient;
  userAgent: string;
  /** the socket's address as the node lists it (what a ban is keyed by) */
  address: string;
}

/**
 * hostilePeer connects, completes the handshake with `/hostile-NAME/` as its user agent
 * (and any version fields given) and waits until the node lists it as a ready peer.
 * `track` gets the client at once, so a caller can close it even if the handshake fails.
 */
export async function hostilePeer(node: NodeProcess, name: string, version: Partial<VersionMessage> = {}, track: (c: RawClient) => void = () => undefined, timeoutMs = 15_000): Promise<HostilePeer> {
  const userAgent = `/hostile-${name}/`;
  const client = await connectRaw(node);
  track(client);
  await client.handshake(regtest, { listenPort: 0, userAgent, ...version });
  await waitFor(`${node.name} to list ${userAgent}`, async () => (await banScore(node, userAgent)) === 0, timeoutMs);
  const address = (await node.api<{ userAgent: string; address: string }[]>('GET', '/peers')).body.find((p) => p.userAgent === userAgent)!.address;
  return { client, userAgent, address };
}
