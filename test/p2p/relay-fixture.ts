/**
 * What the relay tests share (announce, own-block-relay, sync, getdata-serving): a chain
 * holding given blocks, a verifier that holds connects open, and reading what a raw peer
 * was sent up to a point.
 */
import { InProcessSignatureVerifier, type SignatureVerifier } from '../../src/chain/signature-verifier.js';
import type { Chain } from '../../src/chain/chain.js';
import type { Block } from '../../src/consensus/block.js';
import { regtest } from '../../src/consensus/params.js';
import type { Message } from '../../src/p2p/messages.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { waitFor, type RawClient } from './fixture.js';

/** chainWith is a regtest chain on a memory store with `blocks` connected. */
export async function chainWith(blocks: readonly { block: Block }[]): Promise<Chain> {
  const chain = await memoryChain(regtest);
  for (const m of blocks) {
    const outcome = await chain.processBlock(m.block);
    if (outcome.status !== 'connected') throw new Error(`fixture block not connected: ${outcome.status}`);
  }
  return chain;
}

/**
 * A signature verifier that, once held, holds every connect until the test opens it:
 * "before the connect" becomes a state, not a race.
 */
export class GatedVerifier implements SignatureVerifier {
  private readonly inner = new InProcessSignatureVerifier();
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  get verifiedTxCount(): number {
    return this.inner.verifiedTxCount;
  }
  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
    this.gate = undefined;
  }
  async verify(checks: Parameters<SignatureVerifier['verify']>[0]): ReturnType<SignatureVerifier['verify']> {
    await this.gate;
    return this.inner.verify(checks);
  }
  async destroy(): Promise<void> {
    this.open();
    await this.inner.destroy();
  }
}

/** blockMessages: what a raw peer was sent of blocks and their announcements, in order. */
export const blockMessages = (raw: RawClient): Message[] => raw.messages(regtest).filter((m) => m.type === 'block' || m.type === 'blockahead' || m.type === 'inv' || m.type === 'headers');

/** answered: a ping the raw client sends comes back as pong, so every frame the node sent it before is in. */
export async function answered(raw: RawClient, n: number): Promise<void> {
  const nonce = new Uint8Array(8).fill(n);
  raw.send(regtest, { type: 'ping', nonce });
  await waitFor('the pong', () => raw.messages(regtest).some((m) => m.type === 'pong' && m.nonce.every((b, i) => b === nonce[i])));
}
