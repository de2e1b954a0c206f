/**
 * The ban list: addresses banned for misbehaviour until a time, kept in
 * DATADIR/banlist.json so bans survive a restart (Bitcoin: banlist.json). Every change
 * rewrites the file atomically (a temp file, then rename), one write at a time.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const BAN_FILE = 'banlist.json';

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

  private constructor(
    private readonly path: string,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  /** open loads DATADIR/banlist.json (missing: empty; unreadable: empty with a warning). */
  static async open(datadir: string, logger: Logger, clock: () => number = Date.now): Promise<BanList> {
    await mkdir(datadir, { recursive: true });
    const list = new BanList(join(datadir, BAN_FILE), clock, logger);
    await list.load();
    return list;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      const data = JSON.parse(text) as { bans?: unknown };
      const now = this.clock();
      for (const b of Array.isArray(data.bans) ? data.bans : []) {
        if (isBan(b) && b.until > now) this.bans.set(b.address, b);
      }
    } catch (e) {
      this.logger.warn({ path: this.path, err: e }, 'ban list is not valid JSON: starting with no bans');
    }
  }

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

  /** ban records (or extends) a ban and writes the file. */
  ban(address: string, durationMs: number, reason: string): Promise<void> {
    const until = this.clock() + durationMs;
    const old = this.bans.get(address);
    if (old === undefined || old.until < until) this.bans.set(address, { address, until, reason });
    return this.save();
  }

  unban(address: string): Promise<void> {
    this.bans.delete(address);
    return this.save();
  }

  /** flush waits for every write so far. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    const run = this.writing.then(() => this.write());
    this.writing = run.catch((e: unknown) => this.logger.error({ err: e, path: this.path }, 'cannot write the ban list'));
    return run;
  }

  private async write(): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}-${this.writeCount++}`;
    const body = JSON.stringify({ version: 1, bans: this.list() }, null, 2) + '\n';
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}

function isBan(b: unknown): b is Ban {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  return typeof o.address === 'string' && typeof o.until === 'number' && typeof o.reason === 'string';
}
