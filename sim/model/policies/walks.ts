/**
 * The built-in upgrade walks. `sequential`: one update domain at a time, in order, each healthy before the next
 * (the FC's behaviour since the beginning). `parallel`: `k` update domains at a time, in order.
 */
import type { PolicyParams, UpgradeWalk, WalkView } from '../../spec/index.js';
import { knownParams, numberParam } from './detectors.js';

function nextUnwalked(v: WalkView, k: number): number[] {
  const done = new Set(v.walked);
  const out: number[] = [];
  for (let ud = 0; ud < v.updateDomains && out.length < k; ud++) if (!done.has(ud)) out.push(ud);
  return out;
}

export function sequentialWalk(params: PolicyParams): UpgradeWalk {
  knownParams('sequential', params, []);
  return { next: (v) => nextUnwalked(v, 1) };
}

export function parallelWalk(params: PolicyParams): UpgradeWalk {
  knownParams('parallel', params, ['k']);
  const k = numberParam('parallel', params, 'k', 2, { min: 1, integer: true });
  return { next: (v) => nextUnwalked(v, k) };
}
