/**
 * The ban list: addresses banned for misbehaviour until a time, kept in
 * DATADIR/banlist.jsonl so bans survive a restart (Bitcoin: banlist.json).
 *
 * Written incrementally: each ban or unban appends one JSON line, so a peer that gets
 * itself banned over and over costs one short write each, not a rewrite of every ban.
 * On open, and whenever the journal holds many more lines than live bans, it is
 * compacted (the live bans written to a temp file, then renamed over it). At most
 * `maxBans` are kept; beyond that the ban ending soonest is forgotten first.
 */
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const BAN_FILE = 'banlist.jsonl';
/** the file of earlier versions (one JSON document), read once and replaced */
const LEGACY_BAN_FILE = 'banlist.json';
/** a line longer than this is not ours and is skipped */
const MAX_LINE = 1000;

export interface Ban {
  address: string;
  /** Unix milliseconds the ban ends */
  until: number;
  reason: string;
}

export class BanList {
  private readonly bans = new Map<string, Ban>();
  private writing: Promise<void> = Promise.resolve();
  private writeCount = 0;
  private journalLines = 0;

  private constructor(
    private readonly dir: string,
    private readonly clock: () => number,
    private readonly logger: Logger,
    private readonly maxBans: number,
  ) {}

  /** open loads DATADIR/banlist.jsonl (missing: empty; unreadable lines are skipped with a warning) and compacts it. */
  static async open(datadir: string, logger: Logger, clock: () => number = Date.now, maxBans = 10_000): Promise<BanList> {
    await mkdir(datadir, { recursive: true });
    const list = new BanList(datadir, clock, logger, maxBans);
    await list.load();
    return list;
  }

  private get path(): string {
    return join(this.dir, BAN_FILE);
  }

  private async load(): Promise<void> {
    const legacy = await readText(join(this.dir, LEGACY_BAN_FILE));
    if (legacy !== undefined) {
      try {
        const data = JSON.parse(legacy) as { bans?: unknown };
        for (const b of Array.isArray(data.bans) ? data.bans : []) if (isBan(b)) this.put(b);
      } catch (e) {
        this.logger.warn({ err: e }, `${LEGACY_BAN_FILE} is not valid JSON: ignored`);
      }
    }
    const text = await readText(this.path);
    let skipped = 0;
    for (const line of (text ?? '').split('\n')) {
      if (line.trim() === '') continue;
      const record = line.length <= MAX_LINE ? parseLine(line) : undefined;
      if (record === undefined) skipped++;
      else if ('unban' in record) this.bans.delete(record.unban);
      else this.put(record);
    }
    if (skipped > 0) this.logger.warn({ path: this.path, skipped }, 'ban list: unreadable lines skipped');
    await this.compact();
    if (legacy !== undefined) await rm(join(this.dir, LEGACY_BAN_FILE), { force: true });
  }

  /** isBanned: is this exact ban key (address.ts banKey) banned right now? */
  isBanned(address: string): boolean {
    const ban = this.bans.get(address);
    if (ban === undefined) return false;
    if (ban.until > this.clock()) return true;
    this.bans.delete(address);
    return false;
  }

  /** count is the number of addresses banned right now. */
  count(): number {
    return this.list().length;
  }

  list(): Ban[] {
    const now = this.clock();
    return [...this.bans.values()].filter((b) => b.until > now);
  }

  /** ban records (or extends) a ban and appends it to the file. */
  ban(address: string, durationMs: number, reason: string): Promise<void> {
    const until = this.clock() + durationMs;
    const old = this.bans.get(address);
    if (old !== undefined && old.until >= until) return this.writing;
    const ban = { address, until, reason };
    this.put(ban);
    return this.append(ban);
  }

  unban(address: string): Promise<void> {
    if (!this.bans.delete(address)) return this.writing;
    return this.append({ unban: address });
  }

  /** flush waits for every write so far. */
  flush(): Promise<void> {
    return this.writing;
  }

  /** put keeps a ban in memory, forgetting expired ones and then the one ending soonest when full. */
  private put(ban: Ban): void {
    this.bans.delete(ban.address);
    if (ban.until <= this.clock()) return;
    if (this.bans.size >= this.maxBans) {
      const now = this.clock();
      for (const [key, b] of this.bans) if (b.until <= now) this.bans.delete(key);
    }
    if (this.bans.size >= this.maxBans) {
      let soonest: Ban | undefined;
      for (const b of this.bans.values()) if (soonest === undefined || b.until < soonest.until) soonest = b;
      if (soonest !== undefined) this.bans.delete(soonest.address);
    }
    this.bans.set(ban.address, ban);
  }

  private append(record: Ban | { unban: string }): Promise<void> {
    return this.serial(async () => {
      // Many more lines than bans: rewrite the live ones instead of growing for ever.
      if (this.journalLines > 2 * this.bans.size + 100) return this.writeCompacted();
      await appendFile(this.path, JSON.stringify(record) + '\n', { mode: 0o600 });
      this.journalLines++;
    });
  }

  private compact(): Promise<void> {
    return this.serial(() => this.writeCompacted());
  }

  private serial(write: () => Promise<void>): Promise<void> {
    const run = this.writing.then(write);
    this.writing = run.catch((e: unknown) => this.logger.error({ err: e, path: this.path }, 'cannot write the ban list'));
    return run;
  }

  private async writeCompacted(): Promise<void> {
    const live = this.list();
    const tmp = `${this.path}.tmp-${process.pid}-${this.writeCount++}`;
    await writeFile(tmp, live.map((b) => JSON.stringify(b) + '\n').join(''), { mode: 0o600 });
    await rename(tmp, this.path);
    this.journalLines = live.length;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parseLine(line: string): Ban | { unban: string } | undefined {
  try {
    const o = JSON.parse(line) as unknown;
    if (isBan(o)) return { address: o.address, until: o.until, reason: o.reason };
    if (typeof o === 'object' && o !== null && typeof (o as { unban?: unknown }).unban === 'string') return { unban: (o as { unban: string }).unban };
  } catch {
    // not JSON: skipped
  }
  return undefined;
}

function isBan(b: unknown): b is Ban {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  return typeof o.address === 'string' && typeof o.until === 'number' && typeof o.reason === 'string';
}
