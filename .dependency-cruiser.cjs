// The layer order of docs/design.md, enforced: an inner layer never imports an
// outer one, nothing forms a cycle, and src/consensus/ uses only the noble libraries.
const layers = ['consensus', 'chain|storage', 'mempool', 'mining', 'p2p', 'api', 'node|devnet|lab|scenario|cli'];

const outward = layers.slice(0, -1).map((inner, i) => ({
  name: `no-outward-from-${inner.replace('|', '-')}`,
  comment: `src/${inner} is layer ${i + 1}: it may not import an outer layer`,
  severity: 'error',
  from: { path: `^src/(${inner})/` },
  to: { path: `^src/(${layers.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...outward,
    {
      name: 'storage-not-chain',
      comment: 'storage is below the chain: the chain uses the store, never the reverse',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/chain/' },
    },
    {
      name: 'consensus-is-pure',
      comment: 'src/consensus imports only @noble/hashes and @noble/curves (and @scure/base for bech32m)',
      severity: 'error',
      from: { path: '^src/consensus/' },
      to: { dependencyTypes: ['npm', 'core'], pathNot: 'node_modules/(@noble/hashes|@noble/curves|@scure/base)/' },
    },
    {
      name: 'workers-use-consensus-only',
      comment: 'workers/ may import src/consensus/ and nothing else from src/',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/', pathNot: '^src/consensus/' },
    },
    {
      name: 'wallet-uses-consensus-and-contract-only',
      comment: 'wallet/ may import src/consensus/, the API contract (src/api/contract/) and the one UsageError of both CLIs (src/cli/usage-error.ts), nothing else from src/: it talks to a node only through the REST API',
      severity: 'error',
      from: { path: '^wallet/' },
      to: { path: '^src/', pathNot: '^src/((consensus|api/contract)/|cli/usage-error\\.ts$)' },
    },
    {
      name: 'dashboard-uses-contract-only',
      comment: 'dashboard/ runs in a browser: of src/api/ it may import only the API contract (types)',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^src/api/', pathNot: '^src/api/contract/' },
    },
    {
      name: 'dashboard-uses-views-only',
      comment: 'dashboard/ runs in a browser: of src/ it may import the API contract, the pure consensus code, the devnet\'s contract with its page (devnet-view.ts) and the pure view modules it names (lessons, timeline, tree layout, reorg card, block tree), nothing that runs the devnet',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^src/', pathNot: '^src/((api/contract|consensus)/|devnet/(devnet-view|lesson-view|timeline|tree-layout|reorg-card|block-tree)\\.ts$)' },
    },
    {
      name: 'devnet-view-is-a-leaf',
      comment: 'the devnet\'s contract with its page holds types only, from the API contract and the pure view modules: the dashboard imports it',
      severity: 'error',
      from: { path: '^src/devnet/devnet-view\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(api/contract/|devnet/(lesson-view|timeline|topology|reorg-card|block-tree)\\.ts$)' },
    },
    {
      name: 'contract-is-a-leaf',
      comment: 'the API contract is imported by the wallet and the dashboard: it may use zod, consensus and the p2p layer\'s pure parsers, nothing of the node',
      severity: 'error',
      from: { path: '^src/api/contract/' },
      to: { path: '^src/', pathNot: '^src/(api/contract/|consensus/|p2p/(address|errors|link-shaping)\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
