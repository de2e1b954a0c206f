/**
 * Test helper: a small scenario log written by hand (the events a split-and-heal of three
 * nodes gives), with made-up 64-hex hashes, for replay tests that need no devnet.
 */
import { regtest } from '../../src/consensus/params.js';
import type { LoggedEvent } from '../../src/scenario/event-log.js';

export const GENESIS = regtest.genesis.hash;
/** h('a1') is a fake block hash: the name's hex bytes, padded. */
export const h = (name: string): string => Buffer.from(name).toString('hex').padEnd(64, '0');

/** forkAndHealLog: {0,1} mine A1, A2; {2} mines B1; at the heal node 2 reorganises onto A2 (unless `nodeTwoStays`). */
export function forkAndHealLog(options: { nodeTwoStays?: boolean; nodeTwoBuildsOnA1?: boolean } = {}): LoggedEvent[] {
  const b1Parent = options.nodeTwoBuildsOnA1 === true ? h('a1') : GENESIS;
  const events: LoggedEvent[] = [
    { t: 0, kind: 'scenario', title: 'Hand-made', network: 'regtest', nodes: 3, seed: 1, mode: 'generate', addresses: [null, null, null], startedAt: 0 },
    { t: 1, kind: 'snapshot', tips: { '0': { hash: GENESIS, height: 0 }, '1': { hash: GENESIS, height: 0 }, '2': { hash: GENESIS, height: 0 } } },
    { t: 10, kind: 'split', groups: [[0, 1], [2]] },
    { t: 20, kind: 'tip', node: 0, hash: h('a1'), height: 1 },
    { t: 21, kind: 'block', hash: h('a1'), prevHash: GENESIS, height: 1, chainwork: '04', miner: 0, node: 0, reachable: [0, 1] },
    { t: 22, kind: 'tip', node: 1, hash: h('a1'), height: 1 },
    { t: 30, kind: 'tip', node: 2, hash: h('b1'), height: options.nodeTwoBuildsOnA1 === true ? 2 : 1 },
    { t: 31, kind: 'block', hash: h('b1'), prevHash: b1Parent, height: options.nodeTwoBuildsOnA1 === true ? 2 : 1, chainwork: '04', miner: 2, node: 2, reachable: [2] },
    { t: 40, kind: 'tip', node: 1, hash: h('a2'), height: 2 },
    { t: 41, kind: 'block', hash: h('a2'), prevHash: h('a1'), height: 2, chainwork: '06', miner: 1, node: 1, reachable: [0, 1] },
    { t: 42, kind: 'tip', node: 0, hash: h('a2'), height: 2 },
    { t: 50, kind: 'heal' },
  ];
  if (options.nodeTwoStays !== true) {
    events.push({ t: 60, kind: 'reorg', node: 2, oldTip: h('b1'), newTip: h('a2'), fork: GENESIS, depth: 1 }, { t: 61, kind: 'tip', node: 2, hash: h('a2'), height: 2 });
  }
  events.push({ t: 70, kind: 'end', met: 0, missed: 0, ok: true, stoppedBy: null });
  return events;
}
