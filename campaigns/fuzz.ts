/**
 * Fuzz campaign: every decoder that reads bytes from outside — block header, transaction,
 * block, stored coin, each p2p message, and the wallet file — gets at least 100,000
 * inputs made by structure-aware mutation of valid encodings: bit flips, interesting
 * bytes and counts (varint prefixes, 0xffffffff, limits + 1), truncation, extension,
 * duplicated and deleted slices, splices of two seeds; p2p payloads are mutated under a
 * correct envelope (length and checksum recomputed) so the payload decoders are reached,
 * and wallet files are mutated field by field in their JSON as well as byte by byte.
 *
 * Held when, for every input: the decoder either returns a value that encodes back to
 * exactly the same bytes, or throws its own named error (DecodeError / MessageError /
 * WalletFileError) — any other throw is a crash; no input takes longer than 2 s (a hang;
 * 10 s for the wallet file, which may ask for up to 8x the default scrypt work by design);
 * and the heap never grows more than 512 MiB above where it started (no allocation that
 * an input's claimed sizes control).
 *
 *   npm run campaign -- fuzz [--inputs 100000] [--seed 1]
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBlock, encodeBlock } from '../src/consensus/block.js';
import { DecodeError } from '../src/consensus/byte-reader.js';
import { ByteWriter } from '../src/consensus/byte-writer.js';
import { decodeCoin, encodeCoin } from '../src/consensus/coin.js';
import { decodeBlockHeader, encodeBlockHeader } from '../src/consensus/header.js';
import { regtest } from '../src/consensus/params.js';
import { decodeTx, encodeTx } from '../src/consensus/tx.js';
import { checksum, COMMANDS, decodeMessage, encodeMessage, ENVELOPE_SIZE, MessageError, type Message } from '../src/p2p/messages.js';
import { createWalletFile, openWalletFile, WalletFileError } from '../wallet/wallet-file.js';
import { blockArb, coinArb, headerArb, txArb } from '../test/helpers/arbitraries.js';
import { numberOption, prng } from './prng.js';
import { hash32, type Hash32 } from '../src/consensus/bytes.js';

const MAGIC = regtest.magic;
const HANG_MS = 2_000;
/** 8x the default scrypt work is about 4 s on a laptop: twice that, on a busy machine, is a hang. */
const WALLET_HANG_MS = 10_000;
const HEAP_GROWTH_BOUND = 512 * 1024 * 1024;

type Random = () => number;

interface Target {
  name: string;
  seeds: Uint8Array[];
  /** makes one input from the seeds */
  generate(random: Random): Uint8Array;
  /** decodes it; throws a named error or returns whether it re-encodes to the same bytes */
  check(input: Uint8Array): Promise<boolean> | boolean;
  /** the decoder's own error class: any other throw is a crash */
  named: (e: unknown) => boolean;
  /** longer than this for one input is a hang */
  hangMs: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff];
const INTERESTING_U32 = [0, 1, 0xff, 0xfffe, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 25_001, 50_001, 2_001, 101, 1_001];

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (random: Random, max: number): number => Math.floor(random() * max);

/** mutate applies 1 to 4 structure-blind but encoding-aware edits to a copy of `seed`. */
function mutate(seed: Uint8Array, seeds: readonly Uint8Array[], random: Random): Uint8Array {
  let out: Uint8Array = seed.slice();
  const edits = 1 + int(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = out.length === 0 ? 0 : int(random, out.length);
    switch (int(random, 9)) {
      case 0:
        if (out.length > 0) out[at] = out[at]! ^ (1 << int(random, 8));
        break;
      case 1:
        if (out.length > 0) out[at] = pick(random, INTERESTING_BYTES);
        break;
      case 2: {
        if (out.length >= 4) new DataView(out.buffer, out.byteOffset).setUint32(Math.min(at, out.length - 4), pick(random, INTERESTING_U32), true);
        break;
      }
      case 3:
        out = out.slice(0, at);
        break;
      case 4: {
        const extra = new Uint8Array(1 + int(random, 64)).map(() => int(random, 256));
        out = concat(out, extra);
        break;
      }
      case 5: {
        const len = int(random, Math.max(1, out.length - at));
        out = concat(out.subarray(0, at), out.subarray(at, at + len), out.subarray(at));
        break;
      }
      case 6: {
        const len = int(random, Math.max(1, out.length - at));
        out = concat(out.subarray(0, at), out.subarray(at + len));
        break;
      }
      case 7: {
        const other = pick(random, seeds);
        out = concat(out.subarray(0, at), other.subarray(int(random, other.length + 1)));
        break;
      }
      default: {
        // A count prefix claiming as much as a varint can say.
        const claim = pick(random, [Uint8Array.of(0xfd, 0xff, 0xff), Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)]);
        out = concat(out.subarray(0, at), claim, out.subarray(at));
      }
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** generateFrom: mostly mutations of a seed, 5 % random bytes. */
function generateFrom(seeds: Uint8Array[], random: Random): Uint8Array {
  if (random() < 0.05) return new Uint8Array(int(random, 512)).map(() => int(random, 256));
  return mutate(pick(random, seeds), seeds, random);
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function codecTarget<T>(name: string, arb: fc.Arbitrary<T>, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T, seed: number): Target {
  const seeds = fc.sample(arb, { numRuns: 40, seed }).map(encode);
  return {
    name,
    seeds,
    generate: (random) => generateFrom(seeds, random),
    check: (input) => equal(encode(decode(input)), input),
    named: (e) => e instanceof DecodeError,
    hangMs: HANG_MS,
  };
}

/** frame wraps a payload in a correct envelope, so the payload decoder is what the input reaches. */
function frame(code: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter(ENVELOPE_SIZE + payload.length).u32(MAGIC).u8(code).u32(payload.length).bytes(checksum(payload)).bytes(payload).finish();
}

function messageTargets(seed: number): Target[] {
  const [header] = fc.sample(headerArb, { numRuns: 1, seed });
  const blocks = fc.sample(blockArb, { numRuns: 10, seed });
  const txs = fc.sample(txArb, { numRuns: 10, seed });
  const hash = (i: number): Hash32 => hash32(new Uint8Array(32).fill(i));
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ type: (i % 2 === 0 ? 'tx' : 'block') as 'tx' | 'block', hash: hash(i) }));
  const samples: Record<keyof typeof COMMANDS, Message[]> = {
    version: [{ type: 'version', protocolVersion: 1, magic: MAGIC, genesis: hash(7), bestHeight: 12, chainwork: 123456789n, userAgent: '/toychain:0.1.0/', nonce: new Uint8Array(8).fill(3), listenPort: 18444 }],
    verack: [{ type: 'verack' }],
    sendblocks: [{ type: 'sendblocks' }],
    sendheaders: [{ type: 'sendheaders' }],
    ping: [{ type: 'ping', nonce: new Uint8Array(8).fill(1) }],
    pong: [{ type: 'pong', nonce: new Uint8Array(8).fill(2) }],
    inv: [{ type: 'inv', items: items(3) }, { type: 'inv', items: [] }],
    getdata: [{ type: 'getdata', items: items(4) }],
    notfound: [{ type: 'notfound', items: items(2) }],
    block: blocks.map((block) => ({ type: 'block', block })),
    blockahead: blocks.map((block) => ({ type: 'blockahead', block })),
    tx: txs.map((tx) => ({ type: 'tx', tx })),
    getheaders: [{ type: 'getheaders', locator: [hash(1), hash(2), hash(3)], stop: hash(0) }],
    headers: [{ type: 'headers', headers: [header!, header!] }],
    addr: [{ type: 'addr', addresses: [{ time: 1_800_000_000, host: '127.0.0.1', port: 18444 }, { time: 5, host: 'node.example', port: 1 }] }],
  };
  return (Object.keys(samples) as (keyof typeof COMMANDS)[]).map((command) => {
    const frames = samples[command].map((m) => encodeMessage(MAGIC, m));
    const payloads = frames.map((f) => f.subarray(ENVELOPE_SIZE));
    return {
      name: `p2p ${command}`,
      seeds: frames,
      generate: (random) => {
        // 90 %: a mutated payload under a correct envelope; 10 %: the raw frame mutated (envelope faults).
        if (random() < 0.9) return frame(COMMANDS[command], generateFrom(payloads, random));
        return generateFrom(frames, random);
      },
      check: (input) => equal(encodeMessage(MAGIC, decodeMessage(input, MAGIC)), input),
      named: (e) => e instanceof MessageError,
      hangMs: HANG_MS,
    };
  });
}

/** A JSON value a hostile file might put in any field. */
function hostileValue(random: Random): unknown {
  return pick(random, [null, true, 0, -1, 1, 2, 3, 0.5, 2 ** 22, 2 ** 31, 2 ** 53, 1e308, '', 'zz', '00'.repeat(16), '00'.repeat(12), 'x'.repeat(10_000), [], [1, 2], {}, { N: 2 ** 31 }]);
}

async function walletTarget(dir: string): Promise<Target> {
  const path = join(dir, 'seed.wallet');
  await createWalletFile(path, { network: 'regtest', mnemonic: 'legal winner thank year wave sausage worth useful legal winner thank yellow', passphrase: '', nextReceive: 3, nextChange: 1, sent: [] }, 'pw', { N: 16, r: 1, p: 1 });
  const text = await readFile(path, 'utf8');
  const seed = new TextEncoder().encode(text);
  const input = join(dir, 'input.wallet');
  return {
    name: 'wallet file',
    seeds: [seed],
    generate: (random) => {
      if (random() < 0.5) return generateFrom([seed], random);
      // Field-aware: replace one field (top level, kdf or cipher) with a hostile value.
      const envelope = JSON.parse(text) as Record<string, Record<string, unknown>>;
      const where = pick(random, ['top', 'kdf', 'cipher'] as const);
      const object = where === 'top' ? (envelope as Record<string, unknown>) : envelope[where]!;
      const key = pick(random, Object.keys(object));
      object[key] = hostileValue(random);
      return new TextEncoder().encode(JSON.stringify(envelope));
    },
    check: async (bytes) => {
      writeFileSync(input, bytes);
      await openWalletFile(input, 'pw');
      return true; // opened: only an unchanged (or equivalent) file authenticates
    },
    named: (e) => e instanceof WalletFileError,
    // A file may ask for up to 8x the default scrypt work (wallet-file.ts), seconds by design; beyond that it is refused at once.
    hangMs: WALLET_HANG_MS,
  };
}

interface Figures {
  inputs: number;
  decoded: number;
  refused: number;
  crashes: string[];
  slowestMs: number;
  slowestInput: string;
}

async function fuzzTarget(target: Target, inputs: number, random: Random, heapStart: number, heapPeak: { bytes: number }): Promise<Figures> {
  const figures: Figures = { inputs, decoded: 0, refused: 0, crashes: [], slowestMs: 0, slowestInput: '' };
  for (let i = 0; i < inputs; i++) {
    const input = target.generate(random);
    const started = performance.now();
    try {
      const same = await target.check(input);
      if (!same) figures.crashes.push(`decoded to a value that encodes differently: ${hexStart(input)}`);
      figures.decoded++;
    } catch (e) {
      if (target.named(e)) figures.refused++;
      else figures.crashes.push(`${(e as Error).name}: ${(e as Error).message} on ${hexStart(input)}`);
    }
    const took = performance.now() - started;
    if (took > figures.slowestMs) {
      figures.slowestMs = took;
      figures.slowestInput = target.name === 'wallet file' ? new TextDecoder().decode(input).replace(/\s+/g, ' ').slice(0, 160) : hexStart(input);
    }
    if (i % 500 === 0) {
      const used = process.memoryUsage();
      heapPeak.bytes = Math.max(heapPeak.bytes, used.heapUsed + used.arrayBuffers - heapStart);
    }
    if (figures.crashes.length >= 10) break;
  }
  return figures;
}

function hexStart(bytes: Uint8Array): string {
  return `${bytes.length} bytes ${Buffer.from(bytes.subarray(0, 24)).toString('hex')}…`;
}

export async function run(args: string[]): Promise<boolean> {
  const inputs = numberOption(args, 'inputs', 100_000);
  const seed = numberOption(args, 'seed', 1);
  const random = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'toychain-campaign-fuzz-'));
  try {
    const targets: Target[] = [
      codecTarget('header', headerArb, encodeBlockHeader, decodeBlockHeader, seed),
      codecTarget('tx', txArb, encodeTx, decodeTx, seed),
      codecTarget('block', blockArb, encodeBlock, decodeBlock, seed),
      codecTarget('stored coin', coinArb, encodeCoin, decodeCoin, seed),
      ...messageTargets(seed),
      await walletTarget(dir),
    ];
    const start = process.memoryUsage();
    const heapStart = start.heapUsed + start.arrayBuffers;
    const heapPeak = { bytes: 0 };
    console.log(`fuzz campaign: ${inputs} mutated inputs per decoder, seed ${seed}\n`);
    console.log('| decoder | inputs | decoded (canonical) | refused (named error) | crashes | slowest |');
    console.log('|---|---|---|---|---|---|');
    let held = true;
    const slowest: string[] = [];
    for (const target of targets) {
      const f = await fuzzTarget(target, inputs, random, heapStart, heapPeak);
      const ok = f.crashes.length === 0 && f.slowestMs < target.hangMs && f.decoded + f.refused === f.inputs;
      held &&= ok;
      console.log(`| ${target.name} | ${f.inputs} | ${f.decoded} | ${f.refused} | ${f.crashes.length} | ${f.slowestMs.toFixed(1)} ms |`);
      for (const c of f.crashes.slice(0, 3)) console.log(`    CRASH ${target.name}: ${c}`);
      slowest.push(`  ${target.name}: ${f.slowestMs.toFixed(1)} ms (bound ${target.hangMs} ms) on ${f.slowestInput}`);
    }
    console.log('\nslowest input per decoder:');
    for (const line of slowest) console.log(line);
    const heapOk = heapPeak.bytes < HEAP_GROWTH_BOUND;
    console.log(`\nheap growth peak: ${(heapPeak.bytes / 2 ** 20).toFixed(0)} MiB (bound ${HEAP_GROWTH_BOUND / 2 ** 20} MiB)`);
    return held && heapOk;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
