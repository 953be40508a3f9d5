/**
 * `fabricsim diff A.json B.json`: are two timelines the same run, and if not, where do they part?
 */

import { firstDivergence } from '../../diff/index.js';
import { formatDuration } from '../../engine/index.js';
import type { Timeline, TimelineEvent } from '../../trace/index.js';
import { expectPositionals, HELP_OPTION, parseFlags } from '../args.js';
import { EXIT_FAILED, EXIT_OK } from '../errors.js';
import { readTimelineArg } from '../files.js';
import { groupDigits } from '../format.js';
import type { CliIO } from '../io.js';
import { DIFF_HELP } from '../usage.js';

/** Cause chains longer than this are shortened in the middle. */
const MAX_CHAIN = 12;

export { firstDivergence };

function describeEvent(i: number, e: TimelineEvent): string {
  const text = e.x ? `  ${e.x}` : '';
  return `#${i}  ${formatDuration(e.t)} (${e.t} µs)  ${e.k}  ${e.s}${text}`;
}

/** The event at `i` and the chain of its causes back to the root, one line each. */
export function causeChain(events: readonly TimelineEvent[], i: number): string[] {
  const chain: number[] = [];
  // Causes always point backwards (readTimeline checks it), so this ends.
  for (let j = i; j >= 0 && j < events.length; j = events[j]!.c) chain.push(j);
  let shown: (number | null)[] = chain;
  if (chain.length > MAX_CHAIN) {
    shown = [...chain.slice(0, MAX_CHAIN - 2), null, chain[chain.length - 1]!];
  }
  return shown.map((j, k) => {
    if (j === null) return `   ← … ${chain.length - MAX_CHAIN + 1} more causes …`;
    const line = describeEvent(j, events[j]!);
    const root = events[j]!.c < 0 ? '  (root)' : '';
    return k === 0 ? line : `   ← ${line}${root}`;
  });
}

function header(label: string, file: string, t: Timeline): string {
  return `${label}: ${file} · scenario ${t.scenario.name} · seed ${t.seed} · ${groupDigits(t.events.length)} events · hash ${t.traceHash}`;
}

export function diffCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseFlags(argv, HELP_OPTION, DIFF_HELP);
  if (values.help) {
    io.out(DIFF_HELP);
    return EXIT_OK;
  }
  const [fileA, fileB] = expectPositionals(positionals, ['A', 'B'], DIFF_HELP) as [string, string];
  const a = readTimelineArg(fileA);
  const b = readTimelineArg(fileB);
  const i = firstDivergence(a.events, b.events);
  if (i < 0) {
    if (a.traceHash === b.traceHash) {
      io.out(`identical (hash ${a.traceHash}, ${groupDigits(a.events.length)} events)\n`);
      return EXIT_OK;
    }
    io.out(`the events are the same but the trace hashes differ\n${header('A', fileA, a)}\n${header('B', fileB, b)}\n`);
    return EXIT_FAILED;
  }
  const lines = [`timelines differ at event #${i}`, header('A', fileA, a), header('B', fileB, b), ''];
  for (const [label, t] of [
    ['A', a],
    ['B', b],
  ] as const) {
    if (i < t.events.length) {
      const [first, ...causes] = causeChain(t.events, i);
      lines.push(`${label}  ${first}`, ...causes);
    } else {
      lines.push(`${label}  (ends after ${groupDigits(t.events.length)} events)`);
    }
  }
  io.out(`${lines.join('\n')}\n`);
  return EXIT_FAILED;
}
