/**
 * The lab's clock: simulated time that moves only when the experiment says so (to the
 * moment of the next block find), injected into every Chain the lab opens. Nothing in
 * the lab reads the machine's clock, so a run is the same on every machine.
 */
export class LabClock {
  /** simulated Unix time in seconds, with fractions (block finds fall between seconds) */
  private seconds: number;

  constructor(startSeconds: number) {
    this.seconds = startSeconds;
  }

  /** the time in seconds, fractions included */
  get exact(): number {
    return this.seconds;
  }

  /** now is what a Chain sees: whole Unix seconds, as a node's clock gives them. */
  now(): number {
    return Math.floor(this.seconds);
  }

  /** advanceTo moves the clock forward to `seconds`; time never runs back. */
  advanceTo(seconds: number): void {
    if (!(seconds >= this.seconds)) throw new RangeError(`LabClock: cannot go back from ${this.seconds} to ${seconds}`);
    this.seconds = seconds;
  }
}
