/**
 * A minimal server-sent-events reader for tests: it collects events and comments
 * and lets a test wait for one (bounded by a deadline), or hang up.
 */
import { get, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private waiters: Array<() => void> = [];
  private constructor(
    readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.read(chunk));
  }

  static open(url: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers: { accept: 'text/event-stream' } }, (response) => resolve(new SseClient(request, response)));
      request.on('error', reject);
    });
  }

  /** ready waits for the server's first comment: from then on no event is missed. */
  ready(): Promise<void> {
    return this.waitFor(() => this.comments.includes('connected'), 'the stream to open');
  }

  /** waitForEvent resolves with the first event of `type` that `match` accepts. */
  async waitForEvent(type: string, match: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<SseEvent> {
    let found: SseEvent | undefined;
    await this.waitFor(() => (found = this.events.find((e) => e.event === type && match(e.data))) !== undefined, `event ${type}`, timeoutMs);
    return found!;
  }

  waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.event))}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  close(): void {
    this.request.destroy();
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) });
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}
