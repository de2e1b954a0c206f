/**
 * A fresh process of the network bench's (b) baseline: it connects the blocks in FILE
 * (each a u32 length, then the block's bytes) into a fresh Chain on classic-level in a
 * temp dir and prints `{"blocksPerSec": N, "cpuUsPerBlock": M}` (main-thread CPU, null without /proc). MODE `one`: Chain.processBlock per block
 * (validate + connect, the baseline); `batched`: processHeaders, then processBlocks in
 * runs of MAX_RUN_BLOCKS, as sync connects. Only the connect is timed, as the synced
 * node is timed from its API being up.
 *
 * Why a fresh process: the network figure is a freshly started node, whose JIT meets the
 * validation code for the first time during the sync; run inside the bench process the
 * baseline met warmed code, and got faster every round (measured: 2,360 to 4,854 blocks/s
 * over five rounds of one run), so the ratio measured warm-up more than sync.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chain } from '../src/chain/chain.js';
import { decodeBlock, type Block } from '../src/consensus/block.js';
import { regtest } from '../src/consensus/params.js';
import { MAX_RUN_BLOCKS } from '../src/p2p/block-queue.js';
import { rememberBlockBytes } from '../src/storage/block-bytes.js';
import { openLevelStore } from '../src/storage/level-store.js';
import type { ChainStore } from '../src/storage/store.js';

/** blocksFileBytes is the FILE this process reads: each block's length (u32 LE), then its bytes. */
export function blocksFileBytes(encoded: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(encoded.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of encoded) {
    view.setUint32(at, b.length, true);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

function readBlocks(file: string): Block[] {
  const bytes = new Uint8Array(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Block[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view.getUint32(at, true);
    const raw = bytes.slice(at + 4, at + 4 + length);
    blocks.push(rememberBlockBytes(decodeBlock(raw), raw)); // as a block off the wire or the store
    at += 4 + length;
  }
  return blocks;
}

/**
 * mainThreadCpuMs is the CPU time (user + system) the main thread of process `pid` has
 * used, from Linux's /proc (USER_HZ, 100 ticks a second); undefined where there is no
 * /proc. Only the main thread: JIT, GC and LevelDB threads run beside it, and on a loaded
 * machine wall time measures the machine's load as much as the code.
 */
export function mainThreadCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15 of stat
  } catch {
    return undefined;
  }
}

/** connect feeds `blocks` to a fresh chain on `store` and returns the ms the connect took. */
export async function connectBlocks(store: ChainStore, blocks: readonly Block[], mode: 'one' | 'batched'): Promise<number> {
  const chain = await Chain.open(store, regtest);
  const t0 = performance.now();
  if (mode === 'one') {
    for (const block of blocks) {
      const outcome = await chain.processBlock(block);
      if (outcome.status !== 'connected') throw new Error(`local connect: block ${outcome.blockId} ${outcome.status}`);
    }
  } else {
    const headers = await chain.processHeaders(blocks.map((b) => b.header));
    if (headers.failure !== undefined) throw new Error(`local headers: ${headers.failure.reason}`);
    for (let i = 0; i < blocks.length; i += MAX_RUN_BLOCKS) {
      for (const outcome of await chain.processBlocks(blocks.slice(i, i + MAX_RUN_BLOCKS))) {
        if (outcome.status !== 'connected') throw new Error(`local batched connect: block ${outcome.blockId} ${outcome.status}`);
      }
    }
  }
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  if (file === undefined || (mode !== 'one' && mode !== 'batched')) throw new Error('usage: local-connect-child FILE one|batched');
  const blocks = readBlocks(file);
  const dir = mkdtempSync(join(tmpdir(), 'toychain-bench-sync-'));
  try {
    const store = await openLevelStore(dir);
    try {
      const cpu0 = mainThreadCpuMs(process.pid);
      const ms = await connectBlocks(store, blocks, mode);
      const cpu1 = mainThreadCpuMs(process.pid);
      const cpuUsPerBlock = cpu0 === undefined || cpu1 === undefined ? null : ((cpu1 - cpu0) * 1000) / blocks.length;
      console.log(JSON.stringify({ blocksPerSec: (blocks.length * 1000) / ms, cpuUsPerBlock }));
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
