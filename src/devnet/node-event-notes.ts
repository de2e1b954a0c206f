/**
 * The timeline's words for what a node reports about its reorgs and its peers. The devnet
 * supervisor and `toychain watch` both say them, and scripts read the reorg line as it is
 * ("… switched to a branch with more work: N blocks replaced"), so it is written once here.
 */
export interface NodeEventNote {
  kind: 'reorg' | 'ban' | 'peer';
  text: string;
}

/** nodeEventNote is the timeline line for a node's reorg, ban or peer-left event, or undefined for other events. */
export function nodeEventNote(index: number, event: string, d: Record<string, unknown>): NodeEventNote | undefined {
  switch (event) {
    case 'reorg':
      return { kind: 'reorg', text: `node ${index} switched to a branch with more work: ${String(d.depth)} block${d.depth === 1 ? '' : 's'} replaced` };
    case 'ban':
      return { kind: 'ban', text: `node ${index} banned ${String(d.address)}: ${String(d.reason)}` };
    case 'peer-left':
      return { kind: 'peer', text: `node ${index} lost peer ${String(d.address)} (${String(d.reason)})` };
    default:
      return undefined;
  }
}
