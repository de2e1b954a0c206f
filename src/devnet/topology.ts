/**
 * Which nodes of a devnet connect to which. A small network is a full mesh; a larger
 * one a random graph in which every node has at least MIN_DEGREE neighbours (a ring,
 * so it is connected, plus random chords), as real Bitcoin nodes keep several
 * outbound peers. Split groups keep the edges inside them, chained so that every
 * group stays connected.
 */

/** An edge [from, to]: `from` dials `to`. */
export type Edge = readonly [from: number, to: number];

export const MIN_DEGREE = 3;
/** Up to this many nodes every pair is connected. */
export const FULL_MESH_MAX = MIN_DEGREE + 1;

/** baseEdges is the devnet's graph when nothing is split. `random` is uniform in [0, 1). */
export function baseEdges(n: number, random: () => number = Math.random): Edge[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('baseEdges: n must be a positive whole number');
  const edges = new Set<string>();
  const add = (a: number, b: number): void => {
    if (a !== b) edges.add(a < b ? `${a},${b}` : `${b},${a}`);
  };
  if (n <= FULL_MESH_MAX) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) add(a, b);
  } else {
    for (let a = 0; a < n; a++) add(a, (a + 1) % n);
    const neighbours = (v: number): number[] => [...edges].map((e) => e.split(',').map(Number)).filter((e) => e.includes(v)).map(([x, y]) => (x === v ? y! : x!));
    for (let a = 0; a < n; a++) {
      // Candidates in random order: every pick is a new neighbour, so this always ends.
      const candidates = [...Array(n).keys()].filter((v) => v !== a && !neighbours(a).includes(v)).map((v) => ({ v, key: random() })).sort((x, y) => x.key - y.key);
      while (neighbours(a).length < MIN_DEGREE && candidates.length > 0) add(a, candidates.shift()!.v);
    }
  }
  return [...edges].map((e) => e.split(',').map(Number) as unknown as Edge).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** groupEdges keeps the base edges inside each group and links a group's members in a chain, so none is cut off. */
export function groupEdges(base: Edge[], groups: number[][]): Edge[] {
  const groupOf = new Map<number, number>();
  groups.forEach((g, gi) => g.forEach((v) => groupOf.set(v, gi)));
  const keep = base.filter(([a, b]) => groupOf.get(a) === groupOf.get(b));
  const key = (a: number, b: number): string => (a < b ? `${a},${b}` : `${b},${a}`);
  const have = new Set(keep.map(([a, b]) => key(a, b)));
  for (const g of groups) {
    const sorted = [...g].sort((x, y) => x - y);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [a, b] = [sorted[i]!, sorted[i + 1]!];
      if (!have.has(key(a, b))) {
        have.add(key(a, b));
        keep.push([a, b]);
      }
    }
  }
  return keep.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/**
 * checkGroups returns why a split is not valid, or undefined: every node 0..n-1 must be
 * in exactly one group, and there must be at least two non-empty groups.
 */
export function checkGroups(groups: number[][], n: number): string | undefined {
  const seen = new Set<number>();
  for (const g of groups) {
    if (g.length === 0) return 'a group is empty';
    for (const v of g) {
      if (!Number.isInteger(v) || v < 0 || v >= n) return `node ${v} does not exist: the nodes are 0 to ${n - 1}`;
      if (seen.has(v)) return `node ${v} is in two groups`;
      seen.add(v);
    }
  }
  if (groups.length < 2) return 'a split needs at least two groups';
  const missing = [...Array(n).keys()].filter((v) => !seen.has(v));
  if (missing.length > 0) return `every node must be in a group: missing ${missing.join(', ')}`;
  return undefined;
}
