/**
 * `npm run bench`: every benchmark section in one process, each reporting ratios to a
 * baseline measured in the same run. `npm run bench -- mining` runs only the sections
 * named. Add a section (chain connect, sync, mempool…) by exporting a BenchSection
 * from its own file and listing it below.
 */
import { availableParallelism, cpus } from 'node:os';
import { mempoolBench, mempoolCostsBench } from './mempool.js';
import { miningBench } from './mining.js';
import { networkBench } from './network.js';

export interface BenchSection {
  name: string;
  /** runs the measurements and prints the section's table */
  run(): Promise<void>;
}

const SECTIONS: BenchSection[] = [miningBench, networkBench, mempoolBench, mempoolCostsBench];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  console.log(`toychain bench — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})`);
  for (const section of SECTIONS) {
    if (wanted.length > 0 && !wanted.includes(section.name)) continue;
    console.log(`\n## ${section.name}\n`);
    await section.run();
  }
}

await main();
