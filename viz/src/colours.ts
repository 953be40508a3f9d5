/**
 * Colours and shapes that carry meaning, in one place so that every view and the legend agree.
 * Chosen to stay apart for the common colour-vision deficiencies (Okabe–Ito inspired), on a light background.
 */
import type { InstanceStatus, NodeStatus, VmStatus } from '../../sim/spec/index.js';

export const INSTANCE_COLOURS: Record<InstanceStatus, string> = {
  Ready: '#1b9e5a',
  Starting: '#56b4e9',
  Busy: '#e6a700',
  Recycling: '#9b6fd6',
  Unresponsive: '#d55e00',
  Stopped: '#8a9099',
};

export const NODE_COLOURS: Record<NodeStatus, string> = {
  Ready: '#e3f2e8',
  Booting: '#dbeefb',
  Unhealthy: '#fbe0cf',
  Recovering: '#fff0c2',
  OutForRepair: '#e1e3e6',
  HumanInvestigate: '#eadcf7',
  Dead: '#4a4f57',
};

export const NODE_BORDERS: Record<NodeStatus, string> = {
  Ready: '#7cc29a',
  Booting: '#56b4e9',
  Unhealthy: '#d55e00',
  Recovering: '#e6a700',
  OutForRepair: '#8a9099',
  HumanInvestigate: '#9b6fd6',
  Dead: '#22252a',
};

export const VM_DASH: Record<VmStatus, string> = { Running: '', Hung: '2 1', Down: '1 1', Rebooting: '3 1' };

/** Ten distinguishable colours for update domains (cycled beyond ten). */
export const UD_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const VERDICT_COLOURS = { ok: '#1b9e5a', denied: '#d55e00', violation: '#b0003a' } as const;

/** A message's fate (see model/fate.ts): a receiver that is down is not a firewall's denial, so it has its own hue. */
export const FATE_COLOURS = {
  delivered: VERDICT_COLOURS.ok,
  denied: VERDICT_COLOURS.denied,
  'no-answer': '#7a5cc2',
  lost: '#7d8591',
} as const;

export const MARK_COLOURS = {
  fault: '#d55e00',
  'fault-end': '#c9a27e',
  detect: '#0072b2',
  recover: '#1b9e5a',
  expectation: '#c8102e',
} as const;

export const SERIES_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

export function instanceColour(s: string): string {
  return INSTANCE_COLOURS[s as InstanceStatus] ?? '#cccccc';
}

export function nodeFill(s: string): string {
  return NODE_COLOURS[s as NodeStatus] ?? '#f4f4f4';
}

export function nodeBorder(s: string): string {
  return NODE_BORDERS[s as NodeStatus] ?? '#999999';
}

export function udColour(ud: number): string {
  return UD_COLOURS[((ud % UD_COLOURS.length) + UD_COLOURS.length) % UD_COLOURS.length]!;
}
