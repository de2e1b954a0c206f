/**
 * Reading a server-sent-event stream (GET /api/v1/events) from a fetch body: frames end
 * with a blank line; `event:` names one, its `data:` lines join into the payload. Used
 * by the devnet supervisor to follow its nodes, and by tests and benchmarks that watch one.
 */

/** One event off the stream; `receivedAt` is performance.now() when its bytes arrived. */
export interface ServerSentEvent {
  event: string;
  data: string;
  receivedAt: number;
}

/** readServerSentEvents yields each event with data until the stream ends (comments and data-less frames are skipped). */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const receivedAt = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trim());
        }
        if (data.length > 0) yield { event, data: data.join('\n'), receivedAt };
      }
    }
  } finally {
    reader.releaseLock();
  }
}
