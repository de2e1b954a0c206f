// A lesson's steps in the page's language, worded from each step's kind and settings
// (the shapes of src/scenario/scenario-file.ts); a note is the lesson's own sentence.
// A kind this page does not know is shown as the runner's English description.
import { lessonText, number, t } from './i18n.js';

import type { LessonStep } from '../src/devnet/lesson-view.js';

type Nodes = 'all' | number[];
type Settings = Record<string, unknown>;

const nodesText = (n: unknown): string => (n === 'all' || n === undefined ? t('lessons.condition.allNodes') : t('lessons.condition.nodeList', { list: (n as number[]).join(', ') }));
const nodeText = (n: unknown): string => (typeof n === 'number' ? t('lessons.node', { node: n }) : String(n));
const groupsText = (groups: number[][]): string => groups.map((g) => `{${g.join(', ')}}`).join(' | ');

export function stepText(lesson: string, step: LessonStep): string {
  const v = (step.value ?? {}) as Settings;
  switch (step.kind) {
    case 'note':
      return lessonText(lesson, `notes.${step.index}`, String(step.value));
    case 'split':
      return t('lessons.step.split', { groups: groupsText(step.value as number[][]) });
    case 'heal':
      return t('lessons.step.heal');
    case 'delay':
      return t('lessons.step.delay', { ms: v.delayMs, who: v.node === undefined ? t('lessons.step.everyNode') : nodeText(v.node) });
    case 'share':
      return t('lessons.step.share', { node: v.node, share: number(Number(v.share), { style: 'percent' }) });
    case 'fund':
      return t('lessons.step.fund', { node: v.node, coins: v.coins });
    case 'mine': {
      const label = v.label === undefined ? '' : t('lessons.step.label', { label: v.label });
      const text = v.nodes === undefined ? t('lessons.step.mineOne', { node: v.node, count: Number(v.blocks) }) : t('lessons.step.mineMany', { nodes: (v.nodes as number[]).join(', '), count: Number(v.blocks) });
      return text + label;
    }
    case 'send':
      return t('lessons.step.send', { from: v.from, amount: v.amount, to: nodeText(v.to) }) + (v.via === undefined ? '' : t('lessons.step.via', { via: v.via })) + (v.label === undefined ? '' : t('lessons.step.label', { label: v.label }));
    case 'doubleSpend':
      return t('lessons.step.doubleSpend', { via: v.via, of: v.of, to: v.to === undefined ? t('lessons.step.itself') : nodeText(v.to) }) + (v.label === undefined ? '' : t('lessons.step.label', { label: v.label }));
    case 'wait':
    case 'expect': {
      const condition = conditionText(v.condition as { kind: string; value: unknown } | undefined);
      if (condition === null) return step.text;
      return step.kind === 'wait' ? t('lessons.step.wait', { condition }) : t('lessons.step.expect', { condition });
    }
    default:
      return step.text;
  }
}

function conditionText(c: { kind: string; value: unknown } | undefined): string | null {
  if (c === undefined) return null;
  const v = (c.value ?? {}) as Settings;
  switch (c.kind) {
    case 'sameTip':
      return t('lessons.condition.sameTip', { nodes: nodesText(c.value as Nodes) });
    case 'tipsDiffer': {
      const [a, b] = c.value as [number, number];
      return t('lessons.condition.tipsDiffer', { a, b });
    }
    case 'height':
      return v.atLeast !== undefined ? t('lessons.condition.heightAtLeast', { nodes: nodesText(v.nodes), height: v.atLeast }) : t('lessons.condition.heightGained', { nodes: nodesText(v.nodes), count: Number(v.gained) });
    case 'moreWork':
      return t('lessons.condition.moreWork', { node: v.node, than: v.than });
    case 'onChain':
      return t('lessons.condition.onChain', { block: v.block, nodes: nodesText(v.nodes) });
    case 'offChain':
      return v.nodes === 'all' || v.nodes === undefined ? t('lessons.condition.offChainAll', { block: v.block }) : t('lessons.condition.offChain', { block: v.block, nodes: nodesText(v.nodes) });
    case 'reorg':
      return v.node === undefined ? t('lessons.condition.reorgAny', { depth: v.depthAtLeast ?? 1 }) : t('lessons.condition.reorgNode', { node: v.node, depth: v.depthAtLeast ?? 1 });
    case 'payment': {
      if (v.status === 'confirmed' && v.confirmations !== undefined) return t('lessons.condition.paymentConfirmations', { label: v.label, count: Number(v.confirmations), nodes: nodesText(v.nodes) });
      const status = v.status === 'confirmed' ? t('lessons.condition.confirmed') : v.status === 'pending' ? t('lessons.condition.pending') : t('lessons.condition.reversed');
      return t('lessons.condition.payment', { label: v.label, status, nodes: nodesText(v.nodes) });
    }
    case 'balance':
      return t('lessons.condition.balance', { node: v.node, coins: v.atLeast });
    default:
      return null;
  }
}
