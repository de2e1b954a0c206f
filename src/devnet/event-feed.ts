/**
 * A node's server-sent events, read by the supervisor: fetch with a streaming body,
 * each event checked against the API contract (parseNodeEvent) and handed on typed.
 * An event the contract does not name (a newer node's) or whose data does not match it
 * is dropped, so the devnet never acts on half of one. When the stream ends or fails (a
 * node restarted or died) it reconnects after RETRY_MS until closed.
 */

import { parseNodeEvent, type NodeEvent } from '../api/contract/events.js';
import { readServerSentEvents } from './server-sent-events.js';

export type FeedHandler = (event: NodeEvent) => void;

const RETRY_MS = 1_000;

export class EventFeed {
  private abort = new AbortController();
  private closed = false;
  /** resolves once the first connection has been answered, so no later event is missed */
  readonly ready: Promise<void>;
  private opened!: () => void;

  constructor(
    private readonly url: () => string | undefined,
    private readonly handler: FeedHandler,
  ) {
    this.ready = new Promise((resolve) => (this.opened = resolve));
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.opened();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const url = this.url();
      if (url !== undefined) {
        try {
          await this.read(url);
        } catch {
          // the node went away: try again below
        }
      }
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async read(url: string): Promise<void> {
    this.abort = new AbortController();
    const res = await fetch(url, { signal: this.abort.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200 || res.body === null) throw new Error(`events: HTTP ${res.status}`);
    this.opened();
    for await (const { event, data } of readServerSentEvents(res.body)) {
      try {
        const parsed = parseNodeEvent(event, JSON.parse(data));
        if (parsed !== undefined) this.handler(parsed);
      } catch {
        // one bad event must not end the feed
      }
    }
  }
}
