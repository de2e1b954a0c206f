import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Block } from '../../src/consensus/block.js';
import { equalBytes, type Hash32 } from '../../src/consensus/bytes.js';
import type { Coin, SpentCoin } from '../../src/consensus/coin.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { outpointKey, type Outpoint } from '../../src/consensus/tx.js';
import { StoreCorruptError, StoreLockedError, StoreOpenError } from '../../src/storage/errors.js';
import { CHAIN_DB_FOLDER, openLevelStore, openMemoryStore } from '../../src/storage/level-store.js';
import { BlockStatus, type BlockRecord, type ChainStore } from '../../src/storage/store.js';
import { STORE_VERSION } from '../../src/storage/layout.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';

/**
 * One backend under the shared suite. `reopen` is what a restart means for it: close and
 * open the same folder again on disk; in memory there is nothing to reopen, so the same
 * store is kept (closing would lose everything).
 */
interface Backend {
  name: string;
  open(): Promise<ChainStore>;
  reopen(store: ChainStore): Promise<ChainStore>;
}

const genesis = genesisBlock(regtest);
const genesisHash = headerHash(genesis.header);

function hashOf(fill: number): Hash32 {
  return new Uint8Array(32).fill(fill) as Hash32;
}

function outpoint(fill: number, index: number): Outpoint {
  return { txHash: hashOf(fill), index };
}

/** the key every test coin pays, unless a test says otherwise */
const OWNER = hashOf(0xaa);

function coin(height: number, value = 1000n, pubkey = OWNER): Coin {
  return { value, pubkey, height, coinbase: height % 2 === 0 };
}

function record(hash: Hash32, block: Block, height: number, sequence: number): BlockRecord {
  return { hash, header: block.header, height, chainwork: BigInt(height + 1) * 2n, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, sequence };
}

async function coinsOf(store: ChainStore): Promise<string[]> {
  const coins: string[] = [];
  for await (const { outpoint: o, coin: c } of store.allCoins()) coins.push(`${outpointKey(o)} h${c.height}`);
  return coins;
}

function describeStore(makeBackend: () => { backend: Backend; cleanup(): Promise<void> }): void {
  let backend: Backend;
  let cleanup: () => Promise<void>;
  /** every store a test opens, closed after it whether it passed or not */
  let opened: ChainStore[];

  beforeEach(() => {
    ({ backend, cleanup } = makeBackend());
    opened = [];
  });

  afterEach(async () => {
    for (const store of opened) await store.close();
    await cleanup();
  });

  async function open(): Promise<ChainStore> {
    const store = await backend.open();
    opened.push(store);
    return store;
  }

  async function reopen(store: ChainStore): Promise<ChainStore> {
    const next = await backend.reopen(store);
    if (next !== store) opened.push(next);
    return next;
  }

  it('keeps a written batch across a reopen', async () => {
    let store = await open();
    const undo: SpentCoin[] = [{ outpoint: outpoint(3, 1), coin: coin(4) }];
    const rec = record(genesisHash, genesis, 0, 0);
    await store
      .batch()
      .putBlock(genesisHash, genesis)
      .putRecord(rec)
      .putUndo(genesisHash, undo)
      .putCoin(outpoint(1, 0), coin(0, 5000n))
      .setTip(genesisHash)
      .write();

    store = await reopen(store);
    expect(await store.getBlock(genesisHash)).to.deep.equal(genesis);
    expect(await store.loadRecords()).to.deep.equal([rec]);
    expect(await store.getUndo(genesisHash)).to.deep.equal(undo);
    expect(await store.getCoin(outpoint(1, 0))).to.deep.equal(coin(0, 5000n));
    expect(await store.getTip()).to.deep.equal(genesisHash);
  });

  it('answers undefined for what was never written', async () => {
    const store = await open();
    expect(await store.getBlock(hashOf(1))).to.equal(undefined);
    expect(await store.getUndo(hashOf(1))).to.equal(undefined);
    expect(await store.getCoin(outpoint(1, 0))).to.equal(undefined);
    expect(await store.getTip()).to.equal(undefined);
    expect(await store.loadRecords()).to.deep.equal([]);
    expect(await coinsOf(store)).to.deep.equal([]);
  });

  it('reads many blocks in one call, in the order asked, undefined for a hash it does not hold', async () => {
    const store = await open();
    const blocks = mineChain(regtest, genesisOf(regtest), 3);
    const batch = store.batch();
    for (const b of blocks) batch.putBlock(b.hash, b.block);
    await batch.write();
    const order = [blocks[2]!.hash, hashOf(9), blocks[0]!.hash, blocks[1]!.hash];
    const got = await store.getBlocks(order);
    expect(got).to.deep.equal([blocks[2]!.block, undefined, blocks[0]!.block, blocks[1]!.block]);
    // The same blocks a get apiece reads, and nothing for no hashes.
    expect(got[0]).to.deep.equal(await store.getBlock(blocks[2]!.hash));
    expect(await store.getBlocks([])).to.deep.equal([]);
  });

  it('returns plain Uint8Array copies that callers may change', async () => {
    const store = await open();
    await store.batch().putBlock(genesisHash, genesis).putCoin(outpoint(1, 0), coin(0)).setTip(genesisHash).write();

    const tip = (await store.getTip())!;
    const block = (await store.getBlock(genesisHash))!;
    const stored = (await store.getCoin(outpoint(1, 0)))!;
    for (const bytes of [tip, block.header.prevHash, block.txs[0]!.inputs[0]!.witness, stored.pubkey]) {
      expect(Object.getPrototypeOf(bytes)).to.equal(Uint8Array.prototype);
    }
    tip.fill(0xff);
    block.header.prevHash.fill(0xff);
    stored.pubkey.fill(0);
    expect(await store.getTip()).to.deep.equal(genesisHash);
    expect(await store.getBlock(genesisHash)).to.deep.equal(genesis);
    expect(await store.getCoin(outpoint(1, 0))).to.deep.equal(coin(0));
  });

  it('does not see later changes to the objects a batch staged', async () => {
    const store = await open();
    const tip = hashOf(7);
    const staged = coin(3);
    const batch = store.batch().setTip(tip).putCoin(outpoint(1, 0), staged);
    tip.fill(8);
    staged.height = 99;
    await batch.write();
    expect(await store.getTip()).to.deep.equal(hashOf(7));
    expect((await store.getCoin(outpoint(1, 0)))!.height).to.equal(3);
  });

  describe('batch', () => {
    it('changes nothing while staged and never written', async () => {
      const store = await open();
      await store.batch().putCoin(outpoint(1, 0), coin(1)).setTip(hashOf(1)).write();

      store
        .batch()
        .putBlock(genesisHash, genesis)
        .putRecord(record(genesisHash, genesis, 0, 0))
        .putUndo(genesisHash, [])
        .deleteCoin(outpoint(1, 0), OWNER)
        .putCoin(outpoint(2, 0), coin(2))
        .setTip(hashOf(2));

      const after = await reopen(store);
      expect(await after.getTip()).to.deep.equal(hashOf(1));
      expect(await coinsOf(after)).to.deep.equal([`${outpointKey(outpoint(1, 0))} h1`]);
      expect(await after.getBlock(genesisHash)).to.equal(undefined);
      expect(await after.getUndo(genesisHash)).to.equal(undefined);
      expect(await after.loadRecords()).to.deep.equal([]);
    });

    it('makes a coin put, a coin delete, the tip and undo visible together in one write', async () => {
      const store = await open();
      await store.batch().putCoin(outpoint(1, 0), coin(1)).setTip(hashOf(1)).write();

      // Connecting a block that spends 1:0 and creates 2:0, as the chain does it.
      const undo: SpentCoin[] = [{ outpoint: outpoint(1, 0), coin: coin(1) }];
      const batch = store.batch().deleteCoin(outpoint(1, 0), OWNER).putCoin(outpoint(2, 0), coin(2)).setTip(hashOf(2)).putUndo(hashOf(2), undo);
      expect(await store.getTip(), 'before write').to.deep.equal(hashOf(1));
      await batch.write();

      const after = await reopen(store);
      expect(await after.getCoin(outpoint(1, 0))).to.equal(undefined);
      expect(await after.getCoin(outpoint(2, 0))).to.deep.equal(coin(2));
      expect(await after.getTip()).to.deep.equal(hashOf(2));
      expect(await after.getUndo(hashOf(2))).to.deep.equal(undo);
    });

    it('applies operations on one key in staging order', async () => {
      const store = await open();
      await store.batch().putCoin(outpoint(1, 0), coin(1)).deleteCoin(outpoint(1, 0), OWNER).putCoin(outpoint(2, 0), coin(2)).write();
      await store.batch().deleteCoin(outpoint(2, 0), OWNER).putCoin(outpoint(2, 0), coin(4)).write();
      expect(await coinsOf(store)).to.deep.equal([`${outpointKey(outpoint(2, 0))} h4`]);
    });

    it('deletes undo data', async () => {
      const store = await open();
      await store.batch().putUndo(hashOf(5), [{ outpoint: outpoint(1, 0), coin: coin(1) }]).write();
      await store.batch().deleteUndo(hashOf(5)).write();
      expect(await store.getUndo(hashOf(5))).to.equal(undefined);
    });

    it('can be written once: a second write or a later put throws', async () => {
      const store = await open();
      const batch = store.batch().setTip(hashOf(1));
      await batch.write();
      let error: unknown;
      await batch.write().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(Error).with.property('message').that.contains('already written');
      expect(() => batch.setTip(hashOf(2))).to.throw('already written');
      expect(await store.getTip()).to.deep.equal(hashOf(1));
    });

    it('refuses a hash that is not 32 bytes when staged', async () => {
      const store = await open();
      expect(() => store.batch().setTip(new Uint8Array(31) as Hash32)).to.throw(TypeError);
      expect(() => store.batch().putUndo(new Uint8Array(33) as Hash32, [])).to.throw(TypeError);
      expect(() => store.batch().putCoin({ txHash: new Uint8Array(3) as Hash32, index: 0 }, coin(1))).to.throw(TypeError);
    });
  });

  describe('allCoins', () => {
    it('lists exactly the UTXO set', async () => {
      const store = await open();
      await store
        .batch()
        .putBlock(genesisHash, genesis)
        .putRecord(record(genesisHash, genesis, 0, 0))
        .putUndo(genesisHash, [{ outpoint: outpoint(9, 9), coin: coin(9) }])
        .setTip(genesisHash)
        .putCoin(outpoint(1, 0), coin(1))
        .putCoin(outpoint(2, 0), coin(2))
        .putCoin(outpoint(2, 1), coin(3))
        .putCoin(outpoint(3, 0), coin(4))
        .write();
      await store.batch().deleteCoin(outpoint(2, 0), OWNER).deleteCoin(outpoint(3, 0), OWNER).putCoin(outpoint(4, 2), coin(5)).write();

      expect(await coinsOf(store)).to.have.members([
        `${outpointKey(outpoint(1, 0))} h1`,
        `${outpointKey(outpoint(2, 1))} h3`,
        `${outpointKey(outpoint(4, 2))} h5`,
      ]).and.to.have.length(3);
    });

    it('lists the coins of one transaction together, in output order', async () => {
      const store = await open();
      // Little-endian indexes would sort 256 (00 01 00 00) before 1 (01 00 00 00).
      const batch = store.batch();
      for (const index of [256, 1, 0x01000000, 2]) batch.putCoin(outpoint(5, index), coin(index));
      batch.putCoin(outpoint(4, 7), coin(0)).putCoin(outpoint(6, 0), coin(0));
      await batch.write();
      const indexes: Array<[number, number]> = [];
      for await (const { outpoint: o } of store.allCoins()) indexes.push([o.txHash[0]!, o.index]);
      expect(indexes).to.deep.equal([[4, 7], [5, 1], [5, 2], [5, 256], [5, 0x01000000], [6, 0]]);
    });

    it('stops cleanly when the caller breaks out early', async () => {
      const store = await open();
      await store.batch().putCoin(outpoint(1, 0), coin(1)).putCoin(outpoint(2, 0), coin(2)).write();
      let seen = 0;
      for await (const spent of store.allCoins()) {
        expect(spent.coin.height).to.equal(1);
        seen++;
        break;
      }
      expect(seen).to.equal(1);
      await store.batch().deleteCoin(outpoint(1, 0), OWNER).write();
      expect(await coinsOf(store)).to.deep.equal([`${outpointKey(outpoint(2, 0))} h2`]);
    });
  });

  describe('address and transaction indexes', () => {
    const alice = hashOf(0xa1);
    const bob = hashOf(0xb0);

    it('lists the unspent coins of one key, and forgets a coin in the batch that spends it', async () => {
      const store = await open();
      await store
        .batch()
        .putCoin(outpoint(1, 0), coin(1, 10n, alice))
        .putCoin(outpoint(1, 1), coin(1, 20n, bob))
        .putCoin(outpoint(2, 3), coin(2, 30n, alice))
        .write();
      await store.batch().deleteCoin(outpoint(1, 0), alice).write();

      const aliceCoins = await (await reopen(store)).addressCoins(alice);
      expect(aliceCoins.map((c) => [outpointKey(c.outpoint), c.coin.value])).to.deep.equal([[outpointKey(outpoint(2, 3)), 30n]]);
      const reopened = opened[opened.length - 1]!;
      expect((await reopened.addressCoins(bob)).map((c) => c.coin.value)).to.deep.equal([20n]);
      expect(await reopened.addressCoins(hashOf(0xcc))).to.deep.equal([]);
    });

    it('keeps a key\'s history in height order, not in the order it was written', async () => {
      const store = await open();
      await store.batch().putAddressTx(alice, 300, hashOf(3)).putAddressTx(alice, 2, hashOf(1)).putAddressTx(bob, 5, hashOf(9)).write();
      await store.batch().putAddressTx(alice, 256, hashOf(2)).write();
      expect((await store.addressHistory(alice)).map((h) => [h.height, h.txHash[0]])).to.deep.equal([[2, 1], [256, 2], [300, 3]]);
      await store.batch().deleteAddressTx(alice, 256, hashOf(2)).write();
      expect((await store.addressHistory(alice)).map((h) => h.height)).to.deep.equal([2, 300]);
      expect((await store.addressHistory(bob)).map((h) => h.height)).to.deep.equal([5]);
    });

    it('finds the block holding a transaction until the entry is deleted', async () => {
      const store = await open();
      await store.batch().putTxBlock(hashOf(7), hashOf(0x70)).write();
      expect(await store.getTxBlock(hashOf(7))).to.deep.equal(hashOf(0x70));
      expect(await store.getTxBlock(hashOf(8))).to.equal(undefined);
      await store.batch().deleteTxBlock(hashOf(7)).write();
      expect(await store.getTxBlock(hashOf(7))).to.equal(undefined);
    });
  });

  describe('loadRecords', () => {
    it('lists every record, with its latest status', async () => {
      const store = await open();
      const records = [0, 1, 2, 3].map((i) => record(hashOf(0x10 + i), genesis, i, i));
      const batch = store.batch();
      for (const r of records) batch.putRecord(r);
      await batch.putBlock(genesisHash, genesis).putCoin(outpoint(1, 0), coin(1)).setTip(hashOf(0x13)).write();
      const failed = { ...records[2]!, status: BlockStatus.HAVE_DATA | BlockStatus.FAILED };
      await store.batch().putRecord(failed).write();

      const loaded = await (await reopen(store)).loadRecords();
      const expected = [records[0], records[1], failed, records[3]];
      expect(loaded).to.have.length(4);
      for (const r of expected) expect(loaded.find((l) => equalBytes(l.hash, r!.hash))).to.deep.equal(r);
    });
  });
}

describe('level store', () => {
  describe('on disk (classic-level)', () => {
    describeStore(() => {
      const dir = mkdtempSync(join(tmpdir(), 'toychain-store-'));
      return {
        backend: {
          name: 'classic-level',
          open: () => openLevelStore(join(dir, 'data')),
          reopen: async (store) => {
            await store.close();
            return openLevelStore(join(dir, 'data'));
          },
        },
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    });

    describe('opening', () => {
      let dir: string;
      let opened: ChainStore[];

      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'toychain-store-'));
        opened = [];
      });

      afterEach(async () => {
        for (const store of opened) await store.close();
        rmSync(dir, { recursive: true, force: true });
      });

      async function rejection(promise: Promise<ChainStore>): Promise<unknown> {
        try {
          opened.push(await promise);
        } catch (e) {
          return e;
        }
        return expect.fail('expected the open to fail');
      }

      it('creates a missing data directory, nested', async () => {
        opened.push(await openLevelStore(join(dir, 'a', 'b')));
        expect(await opened[0]!.getTip()).to.equal(undefined);
      });

      it('refuses a data directory already open in this process (StoreLockedError)', async () => {
        opened.push(await openLevelStore(dir));
        const error = await rejection(openLevelStore(dir));
        expect(error).to.be.instanceOf(StoreLockedError);
        expect((error as Error).message).to.equal(`data directory ${dir} is in use by another toychain process`);
        expect((error as Error).cause).to.be.instanceOf(Error);
      });

      it('refuses a data directory open in another process (StoreLockedError)', async () => {
        opened.push(await openLevelStore(dir));
        const moduleUrl = new URL('../../src/storage/level-store.js', import.meta.url).href;
        const script = `
          const { openLevelStore } = await import(${JSON.stringify(moduleUrl)});
          try {
            const store = await openLevelStore(process.argv[1]);
            await store.close();
            console.log(JSON.stringify({ opened: true }));
          } catch (e) {
            console.log(JSON.stringify({ name: e.name, message: e.message }));
          }`;
        const output = await new Promise<string>((resolve, reject) => {
          // The timeout kills the child if it hangs, so no process outlives the test.
          execFile(process.execPath, ['--input-type=module', '-e', script, dir], { timeout: 20_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`child failed: ${stderr}`, { cause: error }));
            else resolve(stdout);
          });
        });
        expect(JSON.parse(output)).to.deep.equal({
          name: 'StoreLockedError',
          message: `data directory ${dir} is in use by another toychain process`,
        });
      });

      it('opens the directory again once the first store is closed', async () => {
        const first = await openLevelStore(dir);
        await first.close();
        opened.push(await openLevelStore(dir));
      });

      it('refuses a store of another format version (StoreOpenError)', async () => {
        const raw = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, CHAIN_DB_FOLDER), { keyEncoding: 'view', valueEncoding: 'view' });
        try {
          await raw.put(Uint8Array.of(0x56), Uint8Array.of(STORE_VERSION + 1, 0, 0, 0));
        } finally {
          await raw.close();
        }
        const error = await rejection(openLevelStore(dir));
        expect(error).to.be.instanceOf(StoreOpenError);
        expect((error as Error).message).to.contain(`store format version ${STORE_VERSION + 1}, this toychain reads version ${STORE_VERSION}`);
        // The failed open released the lock.
        const again = new ClassicLevel(join(dir, CHAIN_DB_FOLDER));
        await again.open();
        await again.close();
      });

      it('refuses a LevelDB folder holding keys but no format version (StoreOpenError)', async () => {
        const raw = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, CHAIN_DB_FOLDER), { keyEncoding: 'view', valueEncoding: 'view' });
        try {
          await raw.put(Uint8Array.of(0x61), Uint8Array.of(1));
        } finally {
          await raw.close();
        }
        const error = await rejection(openLevelStore(dir));
        expect(error).to.be.instanceOf(StoreOpenError);
        expect((error as Error).message).to.contain('not a toychain store');
      });

      it('reports a stored value that does not decode as StoreCorruptError, not DecodeError', async () => {
        const store = await openLevelStore(dir);
        await store.batch().putCoin(outpoint(1, 0), coin(1)).write();
        await store.close();
        const raw = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, CHAIN_DB_FOLDER), { keyEncoding: 'view', valueEncoding: 'view' });
        try {
          const key = Uint8Array.of(0x63, ...outpoint(1, 0).txHash, 0, 0, 0, 0);
          const value = (await raw.get(key))!;
          await raw.put(key, value.subarray(0, value.length - 1));
        } finally {
          await raw.close();
        }
        opened.push(await openLevelStore(dir));
        let error: unknown;
        await opened[0]!.getCoin(outpoint(1, 0)).catch((e: unknown) => (error = e));
        expect(error).to.be.instanceOf(StoreCorruptError);
        expect((error as Error).message).to.contain(outpointKey(outpoint(1, 0)));
      });

      it('reports a data directory path that is a file (StoreOpenError with the cause)', async () => {
        const file = join(dir, 'file');
        writeFileSync(file, 'not a directory');
        const error = await rejection(openLevelStore(file));
        expect(error).to.be.instanceOf(StoreOpenError);
        expect((error as Error).cause).to.have.property('code').that.is.oneOf(['EEXIST', 'ENOTDIR']);
      });
    });
  });

  describe('in memory (memory-level)', () => {
    describeStore(() => ({
      backend: { name: 'memory-level', open: openMemoryStore, reopen: async (store) => store },
      cleanup: async () => {},
    }));

    it('starts every store empty', async () => {
      const a = await openMemoryStore();
      const b = await openMemoryStore();
      try {
        await a.batch().setTip(hashOf(1)).write();
        expect(await b.getTip()).to.equal(undefined);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
