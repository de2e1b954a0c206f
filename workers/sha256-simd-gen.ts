/**
 * Emits the WebAssembly SIMD nonce kernel as WAT text and assembles it with wabt into
 * workers/sha256d-simd.wasm. The binary is committed, and a test
 * (test/workers/sha256-kernel.test.ts) checks that it is exactly what this emits.
 * Regenerate with `npm run gen:kernel`; to read the WAT, run
 * `node dist/workers/sha256-simd-gen.js --wat FILE`.
 *
 * It runs the same plan as the TS kernel (compress() of sha256-kernel-gen.ts: midstate,
 * 3 rounds of block 2 and every constant schedule word hoisted, the second hash stopped
 * after round 60), with one difference in what a value is:
 *  - `lit` values fold here, as in the TS kernel;
 *  - `job` values are scalar i32 locals computed once per call of `scan` (a call hashes
 *    up to STOP_CHECK_INTERVAL nonces, so this costs nothing measurable), then splatted
 *    into v128 locals where the loop needs them;
 *  - `var` values are v128: each of the four 32-bit lanes holds the computation of one
 *    nonce, so one pass of the loop hashes LANE_SETS × 4 consecutive nonces.
 * With LANE_SETS > 1 the loop body of each lane set is emitted interleaved, statement by
 * statement, so independent work sits side by side for the CPU.
 *
 * WebAssembly SIMD has no rotate: rotr(x, n) is (x >>> n) | (x << 32 - n). Ch(e, f, g)
 * is one v128.bitselect (f where e has a 1 bit, g where it has 0).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compress, IV, lit, OPS, type Op, type OpName, type RoundEmitter, type Value } from './sha256-kernel-gen.js';

/**
 * v128 lane sets hashed side by side in one pass of the loop (4 nonces each). One set
 * measured fastest here: 2 and 3 sets run out of the 16 vector registers and spill.
 */
export const LANE_SETS = 1;

const get = (name: string): string => `(local.get $${name})`;
const i32 = (v: number): string => `(i32.const ${v | 0})`;

/** Scalar (job) code of each operation: WebAssembly has i32.rotr. */
const SCALAR: Record<OpName, Op['code']> = {
  bigSigma0: (x) => xor3(`(i32.rotr ${x} ${i32(2)})`, `(i32.rotr ${x} ${i32(13)})`, `(i32.rotr ${x} ${i32(22)})`, 'i32'),
  bigSigma1: (x) => xor3(`(i32.rotr ${x} ${i32(6)})`, `(i32.rotr ${x} ${i32(11)})`, `(i32.rotr ${x} ${i32(25)})`, 'i32'),
  sigma0: (x) => xor3(`(i32.rotr ${x} ${i32(7)})`, `(i32.rotr ${x} ${i32(18)})`, `(i32.shr_u ${x} ${i32(3)})`, 'i32'),
  sigma1: (x) => xor3(`(i32.rotr ${x} ${i32(17)})`, `(i32.rotr ${x} ${i32(19)})`, `(i32.shr_u ${x} ${i32(10)})`, 'i32'),
  ch: (e, f, g) => `(i32.xor ${g} (i32.and ${e} (i32.xor ${f} ${g})))`,
  majXor: (b, ab, bc) => `(i32.xor ${b} (i32.and ${ab} ${bc}))`,
  xor: (x, y) => `(i32.xor ${x} ${y})`,
};

const vrotr = (x: string, n: number): string => `(v128.or (i32x4.shr_u ${x} ${i32(n)}) (i32x4.shl ${x} ${i32(32 - n)}))`;

/** Vector (var) code of each operation, on four lanes at once. */
const VECTOR: Record<OpName, Op['code']> = {
  bigSigma0: (x) => xor3(vrotr(x, 2), vrotr(x, 13), vrotr(x, 22), 'v128'),
  bigSigma1: (x) => xor3(vrotr(x, 6), vrotr(x, 11), vrotr(x, 25), 'v128'),
  sigma0: (x) => xor3(vrotr(x, 7), vrotr(x, 18), `(i32x4.shr_u ${x} ${i32(3)})`, 'v128'),
  sigma1: (x) => xor3(vrotr(x, 17), vrotr(x, 19), `(i32x4.shr_u ${x} ${i32(10)})`, 'v128'),
  // Ch(e, f, g) takes each bit from f where e's bit is 1, else from g: bitselect(f, g, e).
  ch: (e, f, g) => `(v128.bitselect ${f} ${g} ${e})`,
  majXor: (b, ab, bc) => `(v128.xor ${b} (v128.and ${ab} ${bc}))`,
  xor: (x, y) => `(v128.xor ${x} ${y})`,
};

function xor3(x: string, y: string, z: string, type: 'i32' | 'v128'): string {
  return `(${type}.xor (${type}.xor ${x} ${y}) ${z})`;
}

/** Operations whose operand appears more than once in their code: it must be a local or a constant. */
const REPEATS_OPERAND = new Set<OpName>(['bigSigma0', 'bigSigma1', 'sigma0', 'sigma1']);

class WatEmitter implements RoundEmitter {
  /** scalar statements, once per call: the job values */
  readonly prep: string[] = [];
  /** v128 statements, once per pass of the loop */
  readonly loop: string[] = [];
  readonly jobLocals: string[] = [];
  /** job values the loop reads, splatted into v128 locals named v_<job> */
  readonly splats = new Set<string>();
  readonly varLocals = new Set<string>();

  private vref(v: Value): string {
    if (v.kind === 'lit') return `(v128.const i32x4 ${v.v} ${v.v} ${v.v} ${v.v})`;
    if (v.kind === 'job') {
      this.splats.add(v.name);
      return get(`v_${v.name}`);
    }
    return v.code;
  }

  private sref(v: Value): string {
    if (v.kind === 'lit') return i32(v.v);
    if (v.kind === 'var') throw new Error('generator: a job value cannot depend on the nonce');
    return get(v.name);
  }

  private job(code: string): Value {
    const name = `j${this.jobLocals.length}`;
    this.jobLocals.push(name);
    this.prep.push(`    (local.set $${name} ${code})`);
    return { kind: 'job', name };
  }

  apply(name: OpName, ...xs: Value[]): Value {
    if (xs.every((x) => x.kind === 'lit')) return lit((OPS[name] as Op).eval(...xs.map((x) => (x as { v: number }).v)));
    if (xs.some((x) => x.kind === 'var')) {
      const refs = xs.map((x) => this.vref(x));
      if (REPEATS_OPERAND.has(name) && !/^\((local\.get \$\w+|v128\.const [^()]*)\)$/.test(refs[0]!)) {
        throw new Error(`generator: ${name} would compute its operand six times: ${refs[0]}`);
      }
      return { kind: 'var', code: VECTOR[name](...refs) };
    }
    return this.job(SCALAR[name](...xs.map((x) => this.sref(x))));
  }

  /** add folds literals, hoists the sum of job terms into one job value, and adds the rest per nonce. */
  add(...xs: Value[]): Value {
    let litSum = 0;
    const jobs: Value[] = [];
    const vars: Value[] = [];
    for (const x of xs) {
      if (x.kind === 'lit') litSum = (litSum + x.v) | 0;
      else if (x.kind === 'job') jobs.push(x);
      else vars.push(x);
    }
    if (jobs.length === 0 && vars.length === 0) return lit(litSum);
    const constTerms = litSum !== 0 ? [...jobs, lit(litSum)] : jobs;
    const scalarSum = (): Value => this.job(constTerms.map((t) => this.sref(t)).reduce((acc, t) => `(i32.add ${acc} ${t})`));
    if (vars.length === 0) return constTerms.length === 1 && constTerms[0]!.kind === 'job' ? constTerms[0]! : scalarSum();
    const constPart = constTerms.length > 1 ? [scalarSum()] : constTerms;
    const code = [...vars, ...constPart].map((t) => this.vref(t)).reduce((acc, t) => `(i32x4.add ${acc} ${t})`);
    return { kind: 'var', code };
  }

  assign(name: string, v: Value): Value {
    if (v.kind !== 'var') return v;
    this.varLocals.add(name);
    if (v.code !== get(name)) this.loop.push(`      (local.set $${name} ${v.code})`);
    return { kind: 'var', code: get(name) };
  }
}

/** Byte order of each 32-bit lane reversed: SHA-256 reads big-endian words, the header is little-endian. */
const BSWAP_LANES = '3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12';

/** generateSimdWat returns the WAT text of the kernel. */
export function generateSimdWat(laneSets: number = LANE_SETS): string {
  const em = new WatEmitter();
  const mid: Value[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ kind: 'job', name: `m${i}` }));
  // Block 2 of the 80-byte header, as in sha256-kernel-gen.ts: merkle tail, time, bits,
  // the nonce, then padding and the length 640 bits (FIPS 180-4 §5.1.1).
  const block2: Value[] = [
    { kind: 'job', name: 'x0' }, { kind: 'job', name: 'x1' }, { kind: 'job', name: 'x2' },
    { kind: 'var', code: get('w3') },
    lit(0x80000000), ...Array.from({ length: 10 }, () => lit(0)), lit(640),
  ];
  em.varLocals.add('w3');
  const s1 = compress(em, mid, block2, false) as Value[];
  const digest = s1.map((v, i) => em.assign(`w${i}`, em.add(mid[i]!, v)));
  const block3: Value[] = [...digest, lit(0x80000000), ...Array.from({ length: 6 }, () => lit(0)), lit(256)];
  const e61 = compress(em, IV.map(lit), block3, true) as Value;
  const h7 = em.assign('t2', em.add(lit(IV[7]!), e61));
  if (h7.kind !== 'var' || h7.code !== get('t2')) throw new Error('generator: H7 must be in t2');

  const sets = Array.from({ length: laneSets }, (_, k) => k);
  const varNames = [...em.varLocals].sort();
  // Lane set k renames every per-nonce local x to x_k; job splats are shared.
  const renamed = (line: string, k: number): string => line.replace(/\$(\w+)\b/g, (m, name: string) => (em.varLocals.has(name) ? `$${name}_${k}` : m));
  const out: string[] = [];
  out.push(';; GENERATED by workers/sha256-simd-gen.ts (npm run gen:kernel). Do not edit by hand.');
  out.push(';; The WebAssembly SIMD nonce kernel: see workers/sha256-simd-kernel.ts.');
  out.push('(module');
  out.push(';; scan hashes the headers with nonces start, start+1, ... (count of them) from the');
  out.push(';; midstate m0..m7 and the big-endian words x0..x2 of header bytes 64..75, and returns');
  out.push(';; the offset of the first one whose hash, read as a little-endian number, has its top');
  out.push(';; 32 bits <= targetTop (unsigned), or -1. A returned offset is only a candidate: the');
  out.push(`;; caller compares the full hash with the full target. ${4 * laneSets} nonces per pass of the loop.`);
  const params = [...mid, { kind: 'job', name: 'x0' }, { kind: 'job', name: 'x1' }, { kind: 'job', name: 'x2' }].map((v) => `(param $${(v as { name: string }).name} i32)`);
  out.push(`  (func (export "scan") ${params.join(' ')} (param $start i32) (param $count i32) (param $targetTop i32) (result i32)`);
  out.push(`    (local $i i32) (local $mask i32) (local $offset i32) (local $target v128)`);
  out.push(`    ${em.jobLocals.map((j) => `(local $${j} i32)`).join(' ')}`);
  out.push(`    ${[...em.splats].map((j) => `(local $v_${j} v128)`).join(' ')}`);
  for (const k of sets) out.push(`    (local $n_${k} v128) ${varNames.map((v) => `(local $${v}_${k} v128)`).join(' ')}`);
  out.push('    ;; Once per call: everything that does not depend on the nonce.');
  out.push(...em.prep);
  for (const j of em.splats) out.push(`    (local.set $v_${j} (i32x4.splat ${get(j)}))`);
  out.push(`    (local.set $target (i32x4.splat ${get('targetTop')}))`);
  for (const k of sets) {
    const lanes = [0, 1, 2, 3].map((l) => 4 * k + l).join(' ');
    out.push(`    (local.set $n_${k} (i32x4.add (i32x4.splat ${get('start')}) (v128.const i32x4 ${lanes})))`);
  }
  out.push('    (block $done');
  out.push('      (loop $next');
  out.push(`      (br_if $done (i32.ge_u ${get('i')} ${get('count')}))`);
  for (const k of sets) out.push(`      (local.set $w3_${k} (i8x16.shuffle ${BSWAP_LANES} ${get(`n_${k}`)} ${get(`n_${k}`)}))`);
  for (const line of em.loop) for (const k of sets) out.push(renamed(line, k));
  for (const k of sets) {
    // Top 32 bits of the hash as a little-endian number: H7 byte-swapped, compared unsigned.
    out.push(`      (local.set $mask (i32x4.bitmask (i32x4.le_u (i8x16.shuffle ${BSWAP_LANES} ${get(`t2_${k}`)} ${get(`t2_${k}`)}) ${get('target')})))`);
    out.push(`      (if (local.get $mask) (then`);
    out.push(`        (local.set $offset (i32.add ${get('i')} (i32.add ${i32(4 * k)} (i32.ctz ${get('mask')}))))`);
    out.push(`        (if (i32.lt_u ${get('offset')} ${get('count')}) (then (return ${get('offset')})))))`);
  }
  for (const k of sets) out.push(`      (local.set $n_${k} (i32x4.add ${get(`n_${k}`)} (v128.const i32x4 ${Array(4).fill(4 * laneSets).join(' ')})))`);
  out.push(`      (local.set $i (i32.add ${get('i')} ${i32(4 * laneSets)}))`);
  out.push('      (br $next)))');
  out.push('    (i32.const -1)))');
  out.push('');
  return out.join('\n');
}

/** assembleWat turns WAT text into a WebAssembly binary with wabt (a devDependency: only the generator and its test need it). */
export async function assembleWat(wat: string): Promise<Uint8Array> {
  const { default: loadWabt } = await import('wabt');
  const wabt = await loadWabt();
  const mod = wabt.parseWat('sha256d-simd.wat', wat, { simd: true });
  try {
    mod.validate();
    return Uint8Array.from(mod.toBinary({ write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** The committed binary's path, next to this generator's source. */
export function simdWasmPath(): string {
  return fileURLToPath(new URL('../../workers/sha256d-simd.wasm', import.meta.url));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wat = generateSimdWat();
  const watAt = process.argv.indexOf('--wat');
  if (watAt > 0) {
    const file = process.argv[watAt + 1];
    if (file === undefined) throw new Error('--wat needs a file name');
    writeFileSync(file, wat);
    console.log(`wrote ${file}`);
  } else {
    writeFileSync(simdWasmPath(), await assembleWat(wat));
    console.log(`wrote ${simdWasmPath()}`);
  }
}
