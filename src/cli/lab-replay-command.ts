/**
 * `toychain lab replay LOG`: a scenario's block finds re-run on the lab's simulated
 * network (src/lab/replay.ts), with each node's tip and every reorg beside the log's.
 * Exits 1 when the lab ends on other tips or other reorgs than the devnet did.
 */
import type { Command } from 'commander';
import { labReplay } from '../lab/replay.js';
import { loadLog } from './scenario-command.js';

const short = (hash: string | null): string => (hash === null ? '(none)' : `…${hash.slice(-8)}`);

export function registerLabReplay(lab: Command): void {
  lab
    .command('replay')
    .description("re-run a scenario log's block finds on the lab's simulated network and compare tips and reorgs with the log's")
    .argument('<log>', 'a log written by: toychain scenario run FILE --log LOG')
    .option('--json', 'print { nodes, blocks, tips, reorgs, sameTips, sameReorgs, otherParent, unplaced }')
    .action(async (file: string, flags: { json?: boolean }) => {
      const result = await labReplay(await loadLog(file));
      if (flags.json === true) {
        console.log(JSON.stringify(result));
      } else {
        console.log(`replayed ${result.blocks} block finds of ${file} on ${result.nodes} lab nodes (real Chain, memory store, lab clock)`);
        console.log('node  devnet tip    lab tip');
        for (const t of result.tips) console.log(`${String(t.node).padEnd(4)}  ${short(t.log).padEnd(12)}  ${short(t.lab).padEnd(12)}  ${t.same ? 'same' : 'DIFFERENT'}`);
        const list = (rs: { node: number; depth: number }[]): string => (rs.length === 0 ? 'none' : rs.map((r) => `node ${r.node} ${r.depth} deep`).join(', '));
        console.log(`reorgs on the devnet: ${list(result.reorgs.log)}`);
        console.log(`reorgs in the lab:    ${list(result.reorgs.lab)}`);
        for (const o of result.otherParent) console.log(`node ${o.node} found ${short(o.hash)} on ${short(o.logParent)} on the devnet, but its lab tip was ${short(o.labParent)}`);
        if (result.unplaced.length > 0) console.log(`${result.unplaced.length} blocks of the log have no parent in it and were not replayed`);
        console.log(result.sameTips && result.sameReorgs ? 'the lab shows the same tips and the same reorgs' : 'the lab differs from the devnet (see above)');
      }
      if (!(result.sameTips && result.sameReorgs)) process.exitCode = 1;
    });
}
