/**
 * A burst of 2,000 transactions between two real node processes: every one sent to a
 * reaches b, and neither node scores the other. Before, a announced each transaction
 * in its own inv and b counted a's answers to its own getdata against a's message
 * rate, so b banned a for flood at about 1,600. Now announcements gather into one inv
 * per 100 ms, answers to our getdata are not rate-limited, and getdata is served in
 * paced batches (tx-relay.ts).
 */
import { expect } from 'chai';
import { encodeAddress } from '../../src/consensus/address.js';
import { bytesToHex, fromDisplayHex } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { encodeTx, txid, type Tx } from '../../src/consensus/tx.js';
import { KEYS, spendTx } from '../helpers/blocks.js';
import { logLines } from '../helpers/hostile-peer.js';
import { NodeCluster, sameTip, waitFor, type NodeProcess } from '../helpers/node-process.js';

const COIN = 100_000_000n;
const SUBSIDY = 50n * COIN;
const COUNT = 2000;
const PAYER = KEYS[0]!;

/** fanOut spends the coinbase of block 1 (paid to PAYER) into COUNT outputs to PAYER. */
async function fanOut(node: NodeProcess): Promise<Tx> {
  const coinbase = (await node.api('GET', '/blocks/1')).body.txs[0];
  const fee = 200_000n;
  const each = (SUBSIDY - fee) / BigInt(COUNT);
  return spendTx(
    [{ outpoint: { txHash: fromDisplayHex(coinbase.txid), index: 0 }, coin: { value: SUBSIDY, pubkey: PAYER.pubkey }, privateKey: PAYER.privateKey }],
    Array.from({ length: COUNT }, () => ({ value: each, pubkey: PAYER.pubkey })),
  );
}

async function send(node: NodeProcess, tx: Tx): Promise<void> {
  const res = await node.api('POST', '/tx', { hex: bytesToHex(encodeTx(tx)) }, false);
  if (res.status !== 200) throw new Error(`POST /tx: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

async function mempoolCount(node: NodeProcess): Promise<number> {
  return (await node.api<{ count: number }>('GET', '/mempool?limit=1')).body.count;
}

describe('a burst of transactions between node processes', function () {
  this.timeout(300_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('relays 2,000 transactions sent to one node into the other\'s mempool, every one, with no score on either side', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    await waitFor('a and b to connect', async () => (await b.status()).peers === 1);
    await a.generate(1, encodeAddress(PAYER.pubkey, regtest));
    await a.generate(100);
    const funding = await fanOut(a);
    await send(a, funding);
    await a.generate(1);
    await sameTip([a, b], 'b to sync the funding blocks', 60_000);
    const each = funding.outputs[0]!.value;
    const txs: Tx[] = [];
    for (let index = 0; index < COUNT; index++) {
      txs.push(spendTx([{ outpoint: { txHash: fromDisplayHex(txid(funding)), index }, coin: { value: each, pubkey: PAYER.pubkey }, privateKey: PAYER.privateKey }], [{ value: each - 10_000n, pubkey: KEYS[1]!.pubkey }]));
      // Signing blocks the event loop: let the HTTP client see the keep-alive sockets the node closed meanwhile.
      if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    // 32 at a time: several land in one turn of a's event loop, so a announces them in one inv and b asks for them in one getdata.
    for (let i = 0; i < txs.length; i += 32) await Promise.all(txs.slice(i, i + 32).map((tx) => send(a, tx)));
    expect(await mempoolCount(a)).to.equal(COUNT);
    await waitFor('every transaction to reach b', async () => (await mempoolCount(b)) === COUNT, 180_000, 250);
    const ids = new Set<string>(txs.map(txid));
    const inB: string[] = [];
    for (let offset = 0; offset < COUNT; offset += 500) inB.push(...(await b.api<{ entries: { txid: string }[] }>('GET', `/mempool?limit=500&from=${offset}`)).body.entries.map((e) => e.txid));
    expect(inB.filter((id) => ids.has(id))).to.have.length(COUNT);
    for (const node of [a, b]) {
      const peers = (await node.api<{ banScore: number }[]>('GET', '/peers')).body;
      expect(peers.map((p) => p.banScore), `${node.name}'s peers`).to.deep.equal([0]);
      expect(logLines(node).filter((l) => l.msg.startsWith('peer misbehaved')).map((l) => l.msg), `${node.name}'s log`).to.deep.equal([]);
    }
  });
});
