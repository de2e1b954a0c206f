/**
 * The node's clock: what the block template stamps into a new header and what the
 * future-drift rule (time-too-new) compares a header with. It is the system clock,
 * except on a mockable chain (regtest, regtest-retarget), where a test or a lesson may
 * set it to a fixed time through the API: Bitcoin Core's setmocktime, with its rules
 * (only where CChainParams::IsMockableChain(); 0 goes back to the system clock; never
 * negative). Ban timers, sockets and the mempool's expiry keep the system clock, as
 * they do in Core for the timers that matter here.
 */
import type { NetworkParams } from '../consensus/params.js';
import { ServiceRefusal, type ClockControl } from '../api/services.js';
import type { ClockState } from '../api/contract/responses.js';

/** The largest header time (u32): a later clock could stamp no header. */
const MAX_TIME = 0xffff_ffff;

export class NodeClock implements ClockControl {
  private mocktime = 0;

  constructor(
    private readonly params: NetworkParams,
    private readonly system: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** now is the node's time in Unix seconds: the mock time if one is set, else the system's. */
  readonly now = (): number => (this.mocktime !== 0 ? this.mocktime : this.system());

  state(): ClockState {
    return { time: this.now(), mocktime: this.mocktime, mockable: this.params.mockableChain === true };
  }

  /**
   * setMocktime fixes the clock at `time` (Unix seconds), or lets it follow the system
   * clock again with 0. Refused with 409 mocktime-not-allowed on a network that is not
   * mockable (Core: "setmocktime is for regression testing (-regtest mode) only"), and
   * with 400 bad-mocktime for a time that is not a whole number in 0..2^32-1; a refusal
   * changes nothing.
   */
  setMocktime(time: number): ClockState {
    if (this.params.mockableChain !== true) throw new ServiceRefusal('mocktime-not-allowed', `the ${this.params.name} network's clock cannot be set: setting the clock is for networks made for tests (regtest, regtest-retarget)`, 409);
    if (!Number.isSafeInteger(time) || time < 0 || time > MAX_TIME) throw new ServiceRefusal('bad-mocktime', `mocktime must be a whole number of Unix seconds from 0 to ${MAX_TIME} (0: the system clock); got ${time}`, 400);
    this.mocktime = time;
    return this.state();
  }
}
