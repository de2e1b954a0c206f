import { expect } from 'chai';
import { checkBlockTime, medianTimePast } from '../../src/consensus/median-time.js';
import { demo, regtest, retargetInterval, type NetworkParams } from '../../src/consensus/params.js';
import { compactToTarget } from '../../src/consensus/pow.js';
import { getNextWorkRequired } from '../../src/consensus/retarget.js';
import { checkTimewarp, timewarpFloor } from '../../src/consensus/timewarp.js';

const INTERVAL = retargetInterval(demo); // 20
const GENESIS_TARGET = compactToTarget(demo.genesis.bits).target;

/** How a miner stamps the block at `height`: from its parent's time, the median time past and the real time. */
type Stamp = (height: number, prevTime: number, mtp: number, now: number, params: NetworkParams) => number;

/**
 * The time-warp attack: every block at the median time past + 1 (the clock frozen),
 * only a period's last block at the real time, so the retarget sees a period 4x too slow.
 */
const timeWarp: Stamp = (height, _prev, mtp, now) => ((height + 1) % INTERVAL === 0 ? now : mtp + 1);
/** The same attack, bent only as far as BIP94 forces it. */
const timeWarpWithinBip94: Stamp = (height, prev, mtp, now, params) => Math.max(timeWarp(height, prev, mtp, now, params), timewarpFloor(height, prev, params) ?? 0);
const honest: Stamp = (_h, _prev, mtp, now) => Math.max(now, mtp + 1);

interface Run {
  /** the height of the first block the rules refused, with the reason */
  refused?: { height: number; reason: string };
  /** the target of the block after the last accepted one */
  finalTarget: bigint;
}

/**
 * mine lets one miner with a fixed hash rate (one block per 10 s at genesis difficulty)
 * extend demo's genesis by `blocks` blocks stamped by `stamp`, each checked by a validator
 * running the header time rules with `params`: the retarget's bits, the median time
 * past, the future bound and BIP94. Real time advances by the expected time to find
 * each block at its difficulty, so a lower difficulty means faster blocks.
 */
function mine(params: NetworkParams, stamp: Stamp, blocks: number): Run {
  const times = [demo.genesis.time];
  const bits = [demo.genesis.bits];
  let now = demo.genesis.time;
  for (let height = 1; height <= blocks; height++) {
    const prev = height - 1;
    const required = getNextWorkRequired({ height: prev, bits: bits[prev]!, time: times[prev]! }, (h) => times[h]!, params);
    const target = compactToTarget(required).target;
    now += Number((BigInt(demo.targetSpacing) * 1000n * GENESIS_TARGET) / target) / 1000;
    const clock = Math.floor(now);
    const mtp = medianTimePast(times);
    const time = stamp(height, times[prev]!, mtp, clock, params);
    let verdict = checkBlockTime(time, mtp, clock, params);
    if (verdict.ok) verdict = checkTimewarp(time, height, times[prev]!, params);
    if (!verdict.ok) return { refused: { height, reason: verdict.reason }, finalTarget: target };
    times.push(time);
    bits.push(required);
  }
  const last = times.length - 1;
  return { finalTarget: compactToTarget(getNextWorkRequired({ height: last, bits: bits[last]!, time: times[last]! }, (h) => times[h]!, params)).target };
}

const withoutBip94: NetworkParams = { ...demo, maxTimewarp: undefined };
const PERIODS = 10;

describe('time-warp (BIP94)', () => {
  it('without the rule, a miner alone collapses demo difficulty to powLimit by warping time', () => {
    const run = mine(withoutBip94, timeWarp, PERIODS * INTERVAL);
    expect(run.refused).to.equal(undefined);
    expect(run.finalTarget).to.equal(demo.powLimit);
    // Honest stamps by the same miner keep the difficulty where it was (within the off-by-one's drift).
    const fair = mine(withoutBip94, honest, PERIODS * INTERVAL);
    expect(fair.finalTarget < GENESIS_TARGET * 2n).to.equal(true);
  });

  it('with the rule, the warped first block of the next period is refused (time-timewarp-attack)', () => {
    const run = mine(demo, timeWarp, PERIODS * INTERVAL);
    expect(run.refused).to.deep.equal({ height: INTERVAL, reason: 'time-timewarp-attack' });
  });

  it('with the rule, the most the attack can still do leaves the difficulty near the honest one', () => {
    const attack = mine(demo, timeWarpWithinBip94, PERIODS * INTERVAL);
    const fair = mine(demo, honest, PERIODS * INTERVAL);
    expect(attack.refused).to.equal(undefined);
    // Within 25 % of honest mining after ten periods, far from the 256x of the attack without the rule.
    expect(attack.finalTarget * 4n < fair.finalTarget * 5n, `attack ${attack.finalTarget} vs honest ${fair.finalTarget}`).to.equal(true);
  });

  it('needs an allowance scaled to the period: Bitcoin\'s 600 s on demo\'s 200 s periods does not stop the attack', () => {
    const run = mine({ ...demo, maxTimewarp: 600 }, timeWarpWithinBip94, PERIODS * INTERVAL);
    expect(run.refused).to.equal(undefined);
    expect(run.finalTarget).to.equal(demo.powLimit);
  });
});

describe('checkTimewarp', () => {
  const prevTime = 1_800_000_000;
  it('refuses the first block of a period one second earlier than its parent minus maxTimewarp (time-timewarp-attack)', () => {
    expect(checkTimewarp(prevTime - 11, INTERVAL, prevTime, demo)).to.include({ ok: false, reason: 'time-timewarp-attack' });
  });
  it('accepts the first block of a period exactly maxTimewarp before its parent', () => {
    expect(checkTimewarp(prevTime - 10, INTERVAL, prevTime, demo)).to.deep.equal({ ok: true });
  });
  it('does not apply inside a period, where only the median time past bounds the time', () => {
    expect(checkTimewarp(prevTime - 1000, INTERVAL + 1, prevTime, demo)).to.deep.equal({ ok: true });
  });
  it('does not apply on a network without maxTimewarp or that never retargets', () => {
    expect(checkTimewarp(prevTime - 1000, INTERVAL, prevTime, withoutBip94)).to.deep.equal({ ok: true });
    expect(checkTimewarp(prevTime - 1000, retargetInterval(regtest), prevTime, { ...regtest, maxTimewarp: 600 })).to.deep.equal({ ok: true });
  });
  it('uses Bitcoin testnet4\'s numbers: 600 s on a 2016-block interval', () => {
    const testnet4 = { ...withoutBip94, targetTimespan: 14 * 24 * 3600, targetSpacing: 600, maxTimewarp: 600 };
    expect(checkTimewarp(prevTime - 601, 2016, prevTime, testnet4)).to.include({ reason: 'time-timewarp-attack' });
    expect(checkTimewarp(prevTime - 600, 2016, prevTime, testnet4)).to.deep.equal({ ok: true });
  });
});
