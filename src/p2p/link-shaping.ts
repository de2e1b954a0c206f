/**
 * Link shaping: what this node sends to its peers can be delayed (with jitter) and,
 * optionally, dropped, so a single laptop can show what a slow network does to
 * consensus. With a delay comparable to the block interval two miners often find a
 * block on the same parent before hearing of each other's: natural forks.
 *
 * Delay models a slow link, not a reordering one: each peer's messages leave in the
 * order they were sent (a later message never overtakes an earlier one, as on TCP).
 * Dropping loses whole messages; sync recovers through its own timeouts and the next
 * announcement. Settings apply to every peer of the node and to messages sent after
 * the change.
 */

export interface LinkShape {
  /** milliseconds every message waits before it is sent */
  delayMs: number;
  /** up to this many milliseconds more, uniformly at random per message */
  jitterMs: number;
  /** probability (0 to 1) that a message is dropped instead of sent */
  dropRate: number;
}

export const NO_SHAPING: LinkShape = { delayMs: 0, jitterMs: 0, dropRate: 0 };
/** Above this a handshake (10 s timeout) could not complete: the limit for delay + jitter. */
export const MAX_LINK_DELAY_MS = 5_000;

/** The node-wide setting every peer's link reads. */
export class LinkShaping {
  private current: LinkShape = NO_SHAPING;

  constructor(
    /** uniform in [0, 1); tests inject a fixed sequence */
    readonly random: () => number = Math.random,
    /** Unix milliseconds */
    readonly clock: () => number = Date.now,
  ) {}

  get shape(): LinkShape {
    return this.current;
  }

  /** set checks and applies a shape; a bad one throws RangeError and changes nothing. */
  set(shape: LinkShape): void {
    const { delayMs, jitterMs, dropRate } = shape;
    if (!Number.isInteger(delayMs) || delayMs < 0) throw new RangeError('LinkShaping: delayMs must be a whole number >= 0');
    if (!Number.isInteger(jitterMs) || jitterMs < 0) throw new RangeError('LinkShaping: jitterMs must be a whole number >= 0');
    if (delayMs + jitterMs > MAX_LINK_DELAY_MS) throw new RangeError(`LinkShaping: delayMs + jitterMs must be at most ${MAX_LINK_DELAY_MS}`);
    if (!(dropRate >= 0 && dropRate <= 1)) throw new RangeError('LinkShaping: dropRate must be from 0 to 1');
    this.current = { delayMs, jitterMs, dropRate };
  }

  get active(): boolean {
    const s = this.current;
    return s.delayMs > 0 || s.jitterMs > 0 || s.dropRate > 0;
  }
}

/**
 * One peer's outgoing link under a LinkShaping: an ordered queue of delayed sends with
 * one timer, so messages leave strictly in the order they were sent.
 */
export class ShapedLink {
  private readonly queue: { dueAt: number; deliver: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly shaping: LinkShaping) {}

  /**
   * send runs `deliver` now when the link is unshaped and nothing waits, otherwise after
   * the delay (never before an earlier message). Returns false if the message was dropped.
   */
  send(deliver: () => void): boolean {
    const { delayMs, jitterMs, dropRate } = this.shaping.shape;
    if (dropRate > 0 && this.shaping.random() < dropRate) return false;
    if (!this.shaping.active && this.queue.length === 0) {
      deliver();
      return true;
    }
    const jitter = jitterMs > 0 ? Math.floor(this.shaping.random() * (jitterMs + 1)) : 0;
    const last = this.queue[this.queue.length - 1];
    const dueAt = Math.max(this.shaping.clock() + delayMs + jitter, last?.dueAt ?? 0);
    this.queue.push({ dueAt, deliver });
    if (this.timer === undefined) this.arm();
    return true;
  }

  /** pending counts the messages waiting to leave. */
  get pending(): number {
    return this.queue.length;
  }

  /** close forgets every message still waiting (the connection is gone). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private arm(): void {
    const next = this.queue[0];
    if (next === undefined) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, next.dueAt - this.shaping.clock()));
  }

  private flush(): void {
    this.timer = undefined;
    const now = this.shaping.clock();
    while (this.queue.length > 0 && this.queue[0]!.dueAt <= now) this.queue.shift()!.deliver();
    this.arm();
  }
}
