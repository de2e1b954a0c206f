/**
 * `npm run campaign -- NAME [options]`: long attack and fault campaigns against the real
 * code, kept out of the unit suite because they run for minutes. Each campaign prints
 * its figures and ends with one line "NAME: held" or "NAME: NOT held"; the exit code is
 * 0 only when it held. Add a campaign by writing campaigns/NAME.ts (exporting
 * `run(args): Promise<boolean>`) and adding one line to the table below.
 */
interface Campaign {
  run(args: string[]): Promise<boolean>;
}

const CAMPAIGNS: Record<string, { about: string; load: () => Promise<Campaign> }> = {
  crash: { about: '200 SIGKILLs of a node mining, syncing a competing branch and reorganising; each restart checked against a replay', load: () => import('./crash.js') },
  hostile: { about: 'the wire attacks (junk frames, getdata amplification, header flood, junk bodies, ban framing, inbound slots, Origin, send buffers, block stall) against live nodes, and a 50-node devnet', load: () => import('./hostile.js') },
  api: { about: 'bad inputs to every REST route and every toychain / toychain-wallet command: each a named error, nothing changed', load: () => import('./api.js') },
  fuzz: { about: 'every decoder fed >= 100,000 structure-aware mutated inputs: no crash, hang or unbounded allocation', load: () => import('./fuzz.js') },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const campaign = name === undefined ? undefined : CAMPAIGNS[name];
  if (campaign === undefined) {
    console.error(`${name === undefined ? 'no campaign named' : `unknown campaign "${name}"`}; known:`);
    for (const [n, c] of Object.entries(CAMPAIGNS)) console.error(`  ${n.padEnd(8)} ${c.about}`);
    console.error('run one with: npm run campaign -- NAME');
    process.exitCode = 2;
    return;
  }
  // Stopped early: exit through 'exit', where the test helpers kill every process they started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  const started = Date.now();
  const held = await (await campaign.load()).run(args);
  console.log(`\n${name}: ${held ? 'held' : 'NOT held'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exitCode = held ? 0 : 1;
}

await main();
