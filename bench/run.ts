/**
 * `npm run bench`: every benchmark section in one process, each reporting ratios to a
 * baseline measured in the same run. `npm run bench -- mining` runs only the sections
 * named. Add a section (chain connect, sync, mempool…) by exporting a BenchSection
 * from its own file and listing it below.
 */
import { availableParallelism, cpus } from 'node:os';
import { labBench } from './lab.js';
import { memoryBench } from './memory.js';
import { mempoolBench, mempoolCostsBench } from './mempool.js';
import { miningBench } from './mining.js';
import { networkBench } from './network.js';
import { paceBench } from './pace.js';
import { scaleBench } from './scale.js';
import { signaturesBench } from './signatures.js';

/**
 * The figures `npm run bench -- --json` prints as its last line, one JSON object. A
 * figure no section measured in this run is null, never a guess.
 */
export interface BenchSummary {
  /** nonces/s, one thread: the TS kernel, the WebAssembly SIMD kernel, OpenSSL's SHA-256 / 128 */
  tsKernel: number | null;
  wasmKernel: number | null;
  opensslLimit: number | null;
  /** nonces/s of the nonce pool (fastest kernel) with 1 worker and with every core */
  pool1: number | null;
  poolAll: number | null;
  /** poolAll / pool1, the OpenSSL loop in every thread / in one, and the pool's kernel in every plain thread / in one (medians over the rounds) */
  poolScaling: number | null;
  machineScaling: number | null;
  kernelScaling: number | null;
  /** pool scaling / the same kernel's scaling in plain threads, each round's own ratio, median over the rounds (goal >= 0.95) */
  poolOfMachineScaling: number | null;
  /** the same against the OpenSSL loop's scaling */
  poolOfOpensslScaling: number | null;
  /** BIP340 verifies/s, one thread: the default verifier and @noble/curves */
  verifyPerSec: number | null;
  nobleVerifyPerSec: number | null;
  /** a block of 1,000 transactions the mempool never saw: tx/s on one thread and over the worker pool */
  blockVerifyOneThread: number | null;
  blockVerifyPool: number | null;
  /** pool / one thread, each alternating round's own ratio, median over the rounds (goal >= 1.8) */
  blockVerifyPoolRatio: number | null;
  /** initial sync from one peer, and local validate + connect on LevelDB, blocks/s */
  syncBlocksPerSec: number | null;
  localConnectBlocksPerSec: number | null;
  /** the same local connect inside the warmed bench process (the (b) baseline before it ran in a fresh process) */
  localConnectInProcessBlocksPerSec: number | null;
  /** block propagation, median per hop on loopback */
  hopMedianMs: number | null;
  /** resident memory of an idle `toychain node --network regtest` */
  idleNodeRssMB: number | null;
  /** the same run's floor: a bare `node -e` process; and the idle node after it answered /status and /metrics */
  idleNodeFloorMB: number | null;
  servedNodeRssMB: number | null;
  /** the same idle node started from tsc's unbundled output (what the bundle saves) */
  idleNodeUnbundledRssMB: number | null;
}

export const SUMMARY_KEYS: readonly (keyof BenchSummary)[] = [
  'tsKernel', 'wasmKernel', 'opensslLimit', 'pool1', 'poolAll', 'poolScaling', 'machineScaling', 'kernelScaling', 'poolOfMachineScaling', 'poolOfOpensslScaling', 'verifyPerSec',
  'nobleVerifyPerSec', 'blockVerifyOneThread', 'blockVerifyPool', 'blockVerifyPoolRatio', 'syncBlocksPerSec', 'localConnectBlocksPerSec', 'localConnectInProcessBlocksPerSec', 'hopMedianMs', 'idleNodeRssMB',
  'idleNodeFloorMB', 'servedNodeRssMB', 'idleNodeUnbundledRssMB',
];

export interface BenchSection {
  name: string;
  /** runs the measurements, prints the section's table, and may return its summary figures */
  run(): Promise<Partial<BenchSummary> | void>;
}

const SECTIONS: BenchSection[] = [miningBench, networkBench, mempoolBench, mempoolCostsBench, signaturesBench, memoryBench, labBench, paceBench, scaleBench];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  console.log(`toychain bench — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})`);
  const summary = Object.fromEntries(SUMMARY_KEYS.map((k) => [k, null])) as Record<keyof BenchSummary, number | null>;
  for (const section of SECTIONS) {
    if (wanted.length > 0 && !wanted.includes(section.name)) continue;
    console.log(`\n## ${section.name}\n`);
    const figures = await section.run();
    for (const [k, v] of Object.entries(figures ?? {})) if (typeof v === 'number' && Number.isFinite(v)) summary[k as keyof BenchSummary] = round(v);
  }
  // The machine-readable summary, last: a script reads the final line.
  if (process.argv.includes('--json')) console.log(`\n${JSON.stringify(summary)}`);
}

/**
 * round keeps whole numbers from 100 up and 4 significant digits below: figures, not
 * noise, but a ratio next to its goal (1.797 against 1.8) must not round onto it.
 */
function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Number(x.toPrecision(4));
}

await main();
