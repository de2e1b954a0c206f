/**
 * Whether a scenario can run on a given devnet at all, decided before any step runs so a
 * lesson refuses with what to do instead of failing half-way. Its own module because
 * the lessons page asks it without running anything (src/devnet/lesson-runs.ts).
 */
import type { NetworkParams } from '../consensus/params.js';
import type { Scenario } from './scenario-file.js';

/**
 * refusalOf says why `scenario` cannot run on a devnet of `params` made at `mode`, in the
 * words of what to do, or null: the wrong network, or block times and retarget windows
 * asked of miners that cannot be told when to find their blocks.
 */
export function refusalOf(scenario: Scenario, params: NetworkParams, mode: 'generate' | 'mining'): { code: string; message: string } | null {
  if (scenario.network !== undefined && scenario.network !== params.name) {
    return { code: 'wrong-network', message: `this lesson needs a ${scenario.network} devnet and this one runs ${params.name}: start one with toychain devnet --network ${scenario.network} (toychain scenario run FILE starts one by itself)` };
  }
  const timed = scenario.steps.filter((s) => s.kind === 'mine' && (s.value.spacing !== undefined || s.value.windowLeft !== undefined));
  if (timed.length === 0) return null;
  if (mode === 'mining') return { code: 'needs-generate', message: 'this lesson sets when its blocks are found and lines them up with the retarget, which only blocks made on demand allow: switch every miner off (Mining: off)' };
  if (params.mockableChain !== true) return { code: 'mocktime-not-allowed', message: `this lesson stamps its blocks' times, and ${params.name}'s clock cannot be set: run it on regtest-retarget (toychain devnet --network regtest-retarget)` };
  if (params.noRetargeting && scenario.steps.some((s) => s.kind === 'mine' && s.value.windowLeft !== undefined)) return { code: 'no-retarget', message: `this lesson lines its blocks up with the retarget, and ${params.name} never retargets: run it on regtest-retarget (toychain devnet --network regtest-retarget)` };
  return null;
}
