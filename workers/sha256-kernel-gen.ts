/**
 * Emits workers/sha256-rounds.ts, the unrolled double SHA-256 of the nonce search.
 *
 * Writing 128 unrolled rounds by hand is how bugs get in, so this generator writes
 * them and a test (test/workers/sha256-kernel.test.ts) checks that the committed file
 * is exactly what it emits. Regenerate with `npm run gen:kernel`.
 *
 * Every value of the computation is tracked as one of three kinds:
 *  - `lit`: known now (padding, lengths, round constants, the IV): folded here;
 *  - `job`: fixed for one header template (midstate, merkle tail, time, bits): computed
 *    once per job by `hoistJob` and passed to the loop in an Int32Array;
 *  - `var`: depends on the nonce: computed in the loop of `scanChunk`.
 * So the first three rounds of the header's second block, the constant schedule words
 * and the constant parts of sums are all hoisted out of the loop without hand-picking
 * them (docs/notes: mining-kernel.md, "Hoist everything that does not depend on the nonce").
 *
 * The loop keeps its state in a fixed pool of `let` variables (a..h rotate by name,
 * w0..w15 are the schedule window, t1/t2 are scratch): V8 does not optimise a function
 * over ~60 KiB of bytecode, and one `const` per temporary goes over it (measured in the
 * notes: 13 k nonces/s interpreted against 1.55 M/s).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SHA256_IV, SHA256_K } from './sha256-constants.js';

/** A value of the computation: known now, fixed per job, or different for every nonce. */
export type Value = { kind: 'lit'; v: number } | { kind: 'job'; name: string } | { kind: 'var'; code: string };

export const K = Array.from(SHA256_K);
export const IV = Array.from(SHA256_IV);

const rotr = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) | 0;
const rotrCode = (x: string, n: number): string => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;

/** An operation with its value (for folding literals) and its code (for everything else). */
export interface Op {
  eval(...xs: number[]): number;
  code(...xs: string[]): string;
}

// FIPS 180-4 §4.1.2, equations 4.2 to 4.7. Ch and Maj use the forms with one operation fewer.
export const OPS = {
  bigSigma0: { eval: (x) => rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22), code: (x) => `(${rotrCode(x, 2)} ^ ${rotrCode(x, 13)} ^ ${rotrCode(x, 22)})` },
  bigSigma1: { eval: (x) => rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25), code: (x) => `(${rotrCode(x, 6)} ^ ${rotrCode(x, 11)} ^ ${rotrCode(x, 25)})` },
  sigma0: { eval: (x) => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3), code: (x) => `(${rotrCode(x, 7)} ^ ${rotrCode(x, 18)} ^ (${x} >>> 3))` },
  sigma1: { eval: (x) => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10), code: (x) => `(${rotrCode(x, 17)} ^ ${rotrCode(x, 19)} ^ (${x} >>> 10))` },
  // Ch(e, f, g) = (e & f) ^ (~e & g) = g ^ (e & (f ^ g))
  ch: { eval: (e, f, g) => g! ^ (e! & (f! ^ g!)), code: (e, f, g) => `(${g} ^ (${e} & (${f} ^ ${g})))` },
  // Maj(a, b, c) = (a & b) ^ (a & c) ^ (b & c) = b ^ ((a ^ b) & (b ^ c)), given ab = a ^ b and
  // bc = b ^ c. This round's b ^ c is the previous round's a ^ b, so Maj costs 2 operations.
  majXor: { eval: (b, ab, bc) => b! ^ (ab! & bc!), code: (b, ab, bc) => `(${b} ^ (${ab} & ${bc}))` },
  xor: { eval: (x, y) => x! ^ y!, code: (x, y) => `(${x} ^ ${y})` },
} satisfies Record<string, Op>;

/** The operations compress uses, by name: each emitter (TS here, WAT in sha256-simd-gen.ts) gives its own code for them. */
export type OpName = keyof typeof OPS;

/** What compress needs of an emitter: fold literals, hoist job values, store nonce values. */
export interface RoundEmitter {
  apply(op: OpName, ...xs: Value[]): Value;
  add(...xs: Value[]): Value;
  assign(name: string, v: Value): Value;
}

export const lit = (v: number): Value => ({ kind: 'lit', v: v | 0 });
const litCode = (v: number): string => (v < 0 ? `(${v})` : `${v}`);

class Emitter implements RoundEmitter {
  readonly prep: string[] = [];
  readonly loop: string[] = [];
  private jobCount = 0;

  private ref(v: Value): string {
    if (v.kind === 'lit') return litCode(v.v);
    if (v.kind === 'job') return v.name;
    // An inline expression used as an operand needs its own parentheses: `x | 0` binds loosely.
    return /^\w+$/.test(v.code) ? v.code : `(${v.code})`;
  }

  /** A job value: computed once per header template in hoistJob. */
  private job(code: string): Value {
    const name = `j${this.jobCount++}`;
    this.prep.push(`  const ${name} = ${code};`);
    return { kind: 'job', name };
  }

  apply(name: OpName, ...xs: Value[]): Value {
    const op: Op = OPS[name];
    if (xs.every((x) => x.kind === 'lit')) return lit(op.eval(...xs.map((x) => (x as { v: number }).v)));
    const code = op.code(...xs.map((x) => this.ref(x)));
    return xs.some((x) => x.kind === 'var') ? { kind: 'var', code } : this.job(`${code} | 0`);
  }

  /** add folds literals, hoists the sum of job terms, and leaves only the nonce-dependent part in the loop. */
  add(...xs: Value[]): Value {
    let litSum = 0;
    const jobs: string[] = [];
    const vars: string[] = [];
    for (const x of xs) {
      if (x.kind === 'lit') litSum = (litSum + x.v) | 0;
      else if (x.kind === 'job') jobs.push(x.name);
      else vars.push(this.ref(x));
    }
    if (jobs.length === 0 && vars.length === 0) return lit(litSum);
    const constTerms = litSum !== 0 ? [...jobs, litCode(litSum)] : jobs;
    if (vars.length === 0) return constTerms.length === 1 && litSum === 0 ? { kind: 'job', name: jobs[0]! } : this.job(`(${constTerms.join(' + ')}) | 0`);
    let constPart: string[] = constTerms;
    if (constTerms.length > 1 && jobs.length > 0) constPart = [(this.job(`(${constTerms.join(' + ')}) | 0`) as { name: string }).name];
    return { kind: 'var', code: `(${[...vars, ...constPart].join(' + ')}) | 0` };
  }

  /** assign stores a nonce-dependent value in a loop variable; job and literal values need no code. */
  assign(name: string, v: Value): Value {
    if (v.kind !== 'var') return v;
    if (v.code !== name) this.loop.push(`    ${name} = ${v.code};`);
    return { kind: 'var', code: name };
  }

  /** The value of `v` as loop code (for the final comparison). */
  loopRef(v: Value): string {
    return this.ref(v);
  }
}

const SLOTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * compress emits one SHA-256 compression of `w` (16 words) onto `state`, FIPS 180-4
 * §6.2.2, and returns the 8 working variables after `rounds` rounds (not yet added
 * to the chaining value). With `stopAtRound60`, it emits rounds 0..59 and returns
 * only the e that round 60 produces, which becomes H7 (h after round 63 = e after
 * round 60): all the nonce test needs.
 */
export function compress(em: RoundEmitter, state: Value[], block: Value[], stopAtRound60: boolean): Value[] | Value {
  const w = block.slice();
  const s = state.slice();
  // Role r (a..h) of round i lives in variable SLOTS[(r - i) mod 8]; no values move between rounds.
  const slot = (role: number, i: number): number => (((role - i) % 8) + 8) % 8;
  let bc: Value | null = null;
  for (let i = 0; i < 64; i++) {
    if (i >= 16) {
      // W_t = σ1(W_t-2) + W_t-7 + σ0(W_t-15) + W_t-16 (§6.2.2 step 1), kept in a window of 16.
      const wi = em.add(em.apply('sigma1', w[i - 2]!), w[i - 7]!, em.apply('sigma0', w[i - 15]!), w[i - 16]!);
      w[i] = em.assign(`w${i % 16}`, wi);
    }
    const [A, B, C, D, E, F, G, H] = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => slot(r, i));
    // T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t
    const t1 = em.assign('t1', em.add(s[H!]!, em.apply('bigSigma1', s[E!]!), em.apply('ch', s[E!]!, s[F!]!, s[G!]!), lit(K[i]!), w[i]!));
    if (stopAtRound60 && i === 60) return em.add(s[D!]!, t1);
    // e = d + T1; a = T1 + T2 with T2 = Σ0(a) + Maj(a, b, c). The new a goes where h was.
    s[D!] = em.assign(SLOTS[D!]!, em.add(s[D!]!, t1));
    const ab = em.assign(`u${i % 2}`, em.apply('xor', s[A!]!, s[B!]!));
    const maj = em.apply('majXor', s[B!]!, ab, bc ?? em.apply('xor', s[B!]!, s[C!]!));
    bc = ab;
    s[H!] = em.assign(SLOTS[H!]!, em.add(t1, em.apply('bigSigma0', s[A!]!), maj));
  }
  // After 64 rounds (a multiple of 8) every role is back in its own slot.
  return s;
}

/** generateKernelSource returns the text of workers/sha256-rounds.ts. */
export function generateKernelSource(): string {
  const em = new Emitter();
  const mid: Value[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ kind: 'job', name: `m${i}` }));
  // Block 2 of the 80-byte header: bytes 64..79 (merkle tail, time, bits, nonce), then
  // the padding bit, zeros, and the length 640 bits (§5.1.1).
  const block2: Value[] = [
    { kind: 'job', name: 'x0' }, { kind: 'job', name: 'x1' }, { kind: 'job', name: 'x2' },
    { kind: 'var', code: 'w3' },
    lit(0x80000000), ...Array.from({ length: 10 }, () => lit(0)), lit(640),
  ];
  const s1 = compress(em, mid, block2, false) as Value[];
  // First digest = midstate + working variables; it is the whole input of the second hash.
  const digest = s1.map((v, i) => em.assign(`w${i}`, em.add(mid[i]!, v)));
  // Block of the second hash: 32 digest bytes, the padding bit, zeros, length 256 bits.
  const block3: Value[] = [...digest, lit(0x80000000), ...Array.from({ length: 6 }, () => lit(0)), lit(256)];
  const e61 = compress(em, IV.map(lit), block3, true) as Value;
  const h7 = em.assign('t2', em.add(lit(IV[7]!), e61));

  const used = [...new Set(em.loop.join('\n').match(/\b[jmx]\d+\b/g) ?? [])];
  const lines: string[] = [];
  lines.push('// GENERATED by workers/sha256-kernel-gen.ts (npm run gen:kernel). Do not edit by hand.');
  lines.push('/* eslint-disable */');
  lines.push('/**');
  lines.push(' * The unrolled core of the nonce search: the second block of the header hash and the');
  lines.push(' * whole second hash, for many nonces, from a midstate. See workers/sha256-kernel.ts.');
  lines.push(' */');
  lines.push('');
  lines.push(`/** Number of per-job words hoistJob writes and scanChunk reads. */`);
  lines.push(`export const JOB_WORDS = ${used.length};`);
  lines.push('');
  lines.push('/**');
  lines.push(' * hoistJob computes everything that does not depend on the nonce: from the midstate');
  lines.push(' * `mid` (state after header bytes 0..63) and `tail` (big-endian words of header bytes');
  lines.push(' * 64..75), it writes the JOB_WORDS constants scanChunk needs into `out`.');
  lines.push(' */');
  lines.push('export function hoistJob(mid: Int32Array, tail: Int32Array, out: Int32Array): void {');
  for (let i = 0; i < 8; i++) lines.push(`  const m${i} = mid[${i}]! | 0;`);
  for (let i = 0; i < 3; i++) lines.push(`  const x${i} = tail[${i}]! | 0;`);
  lines.push(...em.prep);
  used.forEach((name, i) => lines.push(`  out[${i}] = ${name};`));
  lines.push('}');
  lines.push('');
  lines.push('/**');
  lines.push(' * scanChunk hashes the headers with nonces start, start+1, ... (count of them, as u32');
  lines.push(' * bit patterns in int32) and returns the offset of the first one whose hash, read as a');
  lines.push(' * little-endian number, has its top 32 bits <= the target\'s (passed xor 0x80000000,');
  lines.push(' * so a signed comparison orders them as unsigned), or -1. A returned offset is only a');
  lines.push(' * candidate: the caller compares the full hash with the full target.');
  lines.push(' */');
  lines.push('export function scanChunk(job: Int32Array, targetTopFlipped: number, start: number, count: number): number {');
  used.forEach((name, i) => lines.push(`  const ${name} = job[${i}]! | 0;`));
  lines.push('  let a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0, t1 = 0, t2 = 0, u0 = 0, u1 = 0;');
  lines.push('  let w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0;');
  lines.push('  let w8 = 0, w9 = 0, w10 = 0, w11 = 0, w12 = 0, w13 = 0, w14 = 0, w15 = 0;');
  lines.push('  for (let i = 0; i < count; i++) {');
  lines.push('    const n = (start + i) | 0;');
  lines.push('    // The nonce is stored little-endian; SHA-256 reads big-endian words.');
  lines.push('    w3 = (n << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24);');
  lines.push(...em.loop);
  lines.push(`    // Top 32 bits of the hash as a little-endian number: H7 byte-swapped.`);
  if (em.loopRef(h7) !== 't2') throw new Error('generator: H7 must be in t2');
  lines.push('    t2 = (t2 << 24) | ((t2 & 0xff00) << 8) | ((t2 >>> 8) & 0xff00) | (t2 >>> 24);');
  lines.push('    if ((t2 ^ -0x80000000) <= targetTopFlipped) return i;');
  lines.push('  }');
  lines.push('  return -1;');
  lines.push('}');
  lines.push('');
  return lines.join('\n');
}

/** The committed output's path, next to this generator's source. */
export function kernelSourcePath(): string {
  // Compiled to dist/workers/; the source tree is two levels up from there.
  return fileURLToPath(new URL('../../workers/sha256-rounds.ts', import.meta.url));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(kernelSourcePath(), generateKernelSource());
  console.log(`wrote ${kernelSourcePath()}`);
}
