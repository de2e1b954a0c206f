/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`; each message takes one.
 * Bounds how fast a peer can make us work on messages we did not ask for.
 */
export interface RateLimit {
  /** burst size in messages */
  capacity: number;
  /** sustained messages per second */
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(limit.capacity > 0) || !(limit.perSecond >= 0)) throw new RangeError('TokenBucket: capacity must be > 0 and perSecond ≥ 0');
    this.tokens = limit.capacity;
    this.last = clock();
  }

  /** take removes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.limit.capacity, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
