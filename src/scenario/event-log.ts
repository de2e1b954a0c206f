/**
 * A scenario's event log: one JSON object a line, in the order things happened. Every
 * block any node connected, each node's tip changes and reorgs, each split and heal,
 * each payment, and each step as it starts and ends. `t` is milliseconds since the
 * scenario started. The log is what `toychain scenario replay` and `toychain lab replay`
 * read, and what the dashboard's replay slider reduces (src/scenario/replay.ts).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'a block hash or txid is 64 lowercase hex digits');
const node = z.number().int().min(0);

export const stepStatus = z.enum(['started', 'done', 'met', 'missed', 'failed']);
export type StepStatus = z.infer<typeof stepStatus>;

/** The log's events; `t` (ms since the start) is added to each when it is written. */
export const scenarioEvent = z.discriminatedUnion('kind', [
  /** the first line: what ran, on what */
  z.object({ kind: z.literal('scenario'), title: z.string(), network: z.string(), nodes: z.number().int().min(1), seed: z.number().int().min(0), mode: z.enum(['generate', 'mining']), addresses: z.array(z.string().nullable()), startedAt: z.number().int() }),
  /** each node's tip when the scenario started (a devnet that already ran has history before the log) */
  z.object({ kind: z.literal('snapshot'), tips: z.record(z.string(), z.object({ hash, height: z.number().int().min(0) })) }),
  z.object({ kind: z.literal('step'), index: z.number().int().min(0), step: z.string(), status: stepStatus, text: z.string() }),
  /**
   * the first node to connect a block; miner: whose key its coinbase pays (null: none of the devnet's);
   * reachable: the nodes that could hear that node when it had the block (its group, if split)
   */
  z.object({ kind: z.literal('block'), hash, prevHash: hash.nullable(), height: z.number().int().min(0), chainwork: z.string(), time: z.number().int().min(0).optional(), miner: node.nullable(), node, reachable: z.array(node).optional() }),
  /** a later node connected a block it did not find first */
  z.object({ kind: z.literal('seen'), hash, node }),
  z.object({ kind: z.literal('tip'), node, hash, height: z.number().int().min(0) }),
  z.object({ kind: z.literal('reorg'), node, oldTip: hash, newTip: hash, fork: hash, depth: z.number().int().min(1) }),
  z.object({ kind: z.literal('split'), groups: z.array(z.array(node)) }),
  z.object({ kind: z.literal('heal') }),
  z.object({ kind: z.literal('tx'), txid: hash, label: z.string().nullable(), from: node, to: z.string(), amount: z.string(), via: node, doubleSpendOf: hash.nullable() }),
  z.object({ kind: z.literal('end'), met: z.number().int().min(0), missed: z.number().int().min(0), ok: z.boolean(), stoppedBy: z.string().nullable() }),
]);
export type ScenarioEvent = z.infer<typeof scenarioEvent>;
export type LoggedEvent = ScenarioEvent & { t: number };
export const loggedEvent = z.intersection(scenarioEvent, z.object({ t: z.number().min(0) }));

/** A log that cannot be read as a scenario's: names the line and what is wrong with it. */
export class EventLogError extends Error {
  readonly code = 'bad-event-log';
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${source}${line > 0 ? `:${line}` : ''}: ${problem}`);
    this.name = 'EventLogError';
  }
}

/** parseEventLog reads JSON lines; blank lines are skipped, anything else must be an event. */
export function parseEventLog(text: string, source: string): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new EventLogError(source, i + 1, `not JSON: ${(e as Error).message}`);
    }
    const parsed = loggedEvent.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EventLogError(source, i + 1, `not a scenario event (${issue.path.join('.') || 'kind'}: ${issue.message})`);
    }
    events.push(parsed.data as LoggedEvent);
  }
  if (events.length === 0) throw new EventLogError(source, 1, 'the log is empty: it is written by toychain scenario run --log FILE');
  if (events[0]!.kind !== 'scenario') throw new EventLogError(source, 1, "a scenario log starts with its 'scenario' line");
  return events;
}

export async function readEventLog(path: string): Promise<LoggedEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new EventLogError(path, 0, `cannot read the log: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseEventLog(text, path);
}

/** EventLogWriter appends events as JSON lines to a file; close() resolves once all is on disk. */
export class EventLogWriter {
  private readonly out: WriteStream;
  private failure: Error | undefined;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'w' });
    this.out.on('error', (e) => (this.failure = e));
  }

  write(event: LoggedEvent): void {
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end(() => (this.failure === undefined ? resolve() : reject(this.failure)));
    });
  }
}
