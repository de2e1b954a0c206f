/**
 * Crash campaign: a real regtest node process (the victim) is killed with SIGKILL at
 * random instants, 200 times by default, while it is
 *   - mining (POST /mining/generate, with transactions spending its mature coinbases), or
 *   - receiving a competing branch from a second node (the rival, which mined more
 *     blocks on its own while unplugged) and reorganising onto it.
 * After each kill the campaign opens the victim's LevelDB store itself and compares the
 * tip, the UTXO set and the address / transaction indexes with a replay of the active
 * chain from genesis (test/helpers/replay.ts); then it restarts the victim on the same
 * folder. It prints how many restarts came back consistent.
 *
 *   npm run campaign -- crash [--kills 200] [--seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, fromDisplayHex } from '../src/consensus/bytes.js';
import { sha256 } from '../src/consensus/hash.js';
import { xOnlyPublicKey } from '../src/consensus/signature.js';
import { encodeTx } from '../src/consensus/tx.js';
import { openLevelStore } from '../src/storage/level-store.js';
import { BlockStatus } from '../src/storage/store.js';
import { KEYS, describeCoins, spendTx } from '../test/helpers/blocks.js';
import { indexDifferences, storeCoins } from '../test/helpers/chain-fixture.js';
import { NodeCluster, waitFor, type NodeProcess } from '../test/helpers/node-process.js';
import { replayActiveChain } from '../test/helpers/replay.js';
import { numberOption, prng } from './prng.js';

/** regtest's coinbase maturity: the victim's first 110 blocks make its first spendable coins. */
const MATURITY = 100;

function kill(node: NodeProcess): Promise<void> {
  return new Promise((resolve) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
    node.child.once('exit', () => resolve());
    node.child.kill('SIGKILL');
  });
}

/** check compares the stopped victim's store with a replay of its active chain; it returns the differences found. */
async function check(datadir: string): Promise<{ problems: string[]; height: number; tip: string }> {
  const store = await openLevelStore(datadir);
  try {
    const replay = await replayActiveChain(store);
    const problems: string[] = [];
    if ((replay.tipStatus & BlockStatus.VALID) === 0) problems.push('the tip was not fully connected');
    const stored = describeCoins(await storeCoins(store));
    const replayed = describeCoins(replay.coins);
    if (stored.join('\n') !== replayed.join('\n')) problems.push(`UTXO set: ${stored.length} coins stored, ${replayed.length} by replay`);
    problems.push(...(await indexDifferences(store, replay.active)).slice(0, 5));
    return { problems, height: replay.height, tip: replay.tip };
  } catch (e) {
    return { problems: [`replay failed: ${(e as Error).message}`], height: -1, tip: '' };
  } finally {
    await store.close();
  }
}

/** spendOneCoinbase sends a transaction spending a random mature coinbase of the victim; refusals (already spent, the rival's) are expected. */
async function spendOneCoinbase(victim: NodeProcess, secret: Uint8Array, random: () => number): Promise<boolean> {
  const status = await victim.status();
  const height = 1 + Math.floor(random() * Math.max(1, status.height - MATURITY));
  const block = await victim.api('GET', `/blocks/${height}`);
  const coinbase = block.body?.txs?.[0];
  if (block.status !== 200 || coinbase === undefined) return false;
  const value = BigInt(coinbase.outputs[0].units);
  const tx = spendTx([{ outpoint: { txHash: fromDisplayHex(coinbase.txid), index: 0 }, coin: { value, pubkey: xOnlyPublicKey(secret) }, privateKey: secret }], [
    { value: value / 2n, pubkey: KEYS[1]!.pubkey },
    { value: value / 2n - 10_000n, pubkey: xOnlyPublicKey(secret) },
  ]);
  const sent = await victim.api('POST', '/tx', { hex: bytesToHex(encodeTx(tx)) });
  return sent.status === 200;
}

export async function run(args: string[]): Promise<boolean> {
  const kills = numberOption(args, 'kills', 200);
  const random = prng(numberOption(args, 'seed', 1));
  const cluster = new NodeCluster();
  const root = mkdtempSync(join(tmpdir(), 'toychain-campaign-crash-'));
  const victimDir = join(root, 'victim');
  // The victim's miner key, as test/helpers/node-process.ts derives its --miner-address.
  const secret = sha256(new TextEncoder().encode('toychain test miner victim'));
  const figures = { consistent: 0, inconsistent: 0, mining: 0, reorg: 0, txs: 0, tipChanges: 0, maxHeight: 0 };
  /** where a kill during a reorg left the victim: still on its own tip, part-way onto the rival's branch, or on the rival's tip */
  const reorgOutcome = { ownTip: 0, partWay: 0, rivalTip: 0 };
  const failures: string[] = [];
  try {
    let victim = await cluster.start('victim', { datadir: victimDir });
    const rival = await cluster.start('rival', { datadir: join(root, 'rival') });
    await victim.generate(MATURITY + 10);
    // The rival starts on the victim's chain, then mines alone while unplugged.
    const dial = await rival.api('POST', '/peers', { address: victim.p2pUrl });
    if (dial.status !== 200 && dial.status !== 201) throw new Error(`the rival could not dial the victim: ${JSON.stringify(dial.body)}`);
    await waitFor('the rival to sync', async () => (await rival.status()).height === MATURITY + 10, 60_000);
    await rival.api('POST', '/network', { active: false });
    let lastTip = '';
    console.log(`crash campaign: ${kills} SIGKILLs of a regtest node (victim) mining and reorganising onto a rival's branch`);
    for (let i = 0; i < kills; i++) {
      const reorg = random() < 0.5;
      const ownTip = (await victim.status()).tip;
      let rivalTip = '';
      if (reorg) {
        figures.reorg++;
        // The rival outgrows the victim by 1-12 blocks on its own branch, then plugs in: a
        // longer branch takes longer to fetch and connect, so more kills land inside it.
        const lead = Math.max(0, (await victim.status()).height - (await rival.status()).height) + 1 + Math.floor(random() * 12);
        rivalTip = (await rival.generate(lead)).at(-1)!;
        await rival.api('POST', '/network', { active: true });
        void victim.api('POST', '/peers', { address: rival.p2pUrl }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.floor(random() * 900)));
      } else {
        figures.mining++;
        if (await spendOneCoinbase(victim, secret, random).catch(() => false)) figures.txs++;
        void victim.api('POST', '/mining/generate', { blocks: 1 + Math.floor(random() * 5) }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
      }
      await kill(victim);
      if (reorg) await rival.api('POST', '/network', { active: false });
      const result = await check(victimDir);
      if (result.problems.length === 0) figures.consistent++;
      else {
        figures.inconsistent++;
        failures.push(`kill ${i + 1} (${reorg ? 'reorg' : 'mining'}): ${result.problems.join('; ')}`);
      }
      if (reorg) {
        if (result.tip === ownTip) reorgOutcome.ownTip++;
        else if (result.tip === rivalTip) reorgOutcome.rivalTip++;
        else reorgOutcome.partWay++;
      }
      if (result.tip !== lastTip) figures.tipChanges++;
      lastTip = result.tip;
      figures.maxHeight = Math.max(figures.maxHeight, result.height);
      if ((i + 1) % 20 === 0) console.log(`  ${i + 1}/${kills} kills, ${figures.consistent} consistent, height ${result.height}`);
      victim = await cluster.start('victim', { datadir: victimDir });
    }
    console.log('');
    console.log(`kills:                          ${kills} (${figures.mining} while mining, ${figures.reorg} while receiving a competing branch)`);
    console.log(`restarts consistent:            ${figures.consistent} / ${kills}`);
    console.log(`kills while reorganising left:   ${reorgOutcome.ownTip} on the victim's own tip, ${reorgOutcome.partWay} part-way onto the rival's branch, ${reorgOutcome.rivalTip} on the rival's tip`);
    console.log(`transactions mined around kills: ${figures.txs} accepted spends`);
    console.log(`tip differed from the last kill: ${figures.tipChanges} times; highest tip ${figures.maxHeight}`);
    for (const f of failures.slice(0, 20)) console.log(`  INCONSISTENT ${f}`);
    return figures.inconsistent === 0 && figures.consistent === kills;
  } finally {
    await cluster.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
}
