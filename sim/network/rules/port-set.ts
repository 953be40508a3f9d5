/**
 * A compiled set of ports 0–65535: sorted, merged inclusive ranges in typed arrays. `contains` allocates nothing.
 */
import { RuleCompileError } from './decision.js';

/** '*', a port (80 or '80'), a range ('1000-2000'), a comma-separated list ('80,443'), or an array of those. */
export type PortSpec = number | string | readonly (number | string)[];

const MAX_PORT = 65535;

export class PortSet {
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array;
  /** True when the set covers 0–65535; lets engines skip the search. */
  readonly any: boolean;

  private constructor(ranges: readonly (readonly [number, number])[]) {
    const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [l, h] of sorted) {
      const last = merged[merged.length - 1];
      if (last !== undefined && l <= last[1] + 1) last[1] = Math.max(last[1], h);
      else merged.push([l, h]);
    }
    this.lo = Uint32Array.from(merged, (r) => r[0]);
    this.hi = Uint32Array.from(merged, (r) => r[1]);
    this.any = merged.length === 1 && merged[0]![0] === 0 && merged[0]![1] === MAX_PORT;
  }

  static readonly ANY: PortSet = new PortSet([[0, MAX_PORT]]);

  static fromRanges(ranges: readonly (readonly [number, number])[]): PortSet {
    return new PortSet(ranges);
  }

  /** The merged ranges, ascending. */
  get ranges(): readonly (readonly [number, number])[] {
    return Array.from(this.lo, (l, i) => [l, this.hi[i]!] as const);
  }

  /** True when `port` is in the set. Linear scan: port lists in rules are short. Allocation-free. */
  contains(port: number): boolean {
    if (this.any) return true;
    const lo = this.lo;
    for (let i = 0; i < lo.length; i++) {
      if (port < lo[i]!) return false;
      if (port <= this.hi[i]!) return true;
    }
    return false;
  }
}

function parsePort(text: string, where: string): number {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text) || Number(text) > MAX_PORT) {
    throw new RuleCompileError(`${where}: port ${JSON.stringify(text)} is not an integer 0-${MAX_PORT}`);
  }
  return Number(text);
}

/**
 * Port sets compiled from a single number or text, kept (sets are immutable): a region compiles the same few specs
 * for thousands of host filters. Bounded; emptied when full.
 */
const compiled = new Map<number | string, PortSet>();
const COMPILED_MAX = 4096;

/** Compiles a port spec; throws `RuleCompileError` naming `where` and the bad text. */
export function compilePortSpec(spec: PortSpec, where: string): PortSet {
  if (typeof spec !== 'number' && typeof spec !== 'string') return compilePortList(spec, where);
  let set = compiled.get(spec);
  if (set === undefined) {
    set = compilePortList(spec, where);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(spec, set);
  }
  return set;
}

function compilePortList(spec: PortSpec, where: string): PortSet {
  const items: (number | string)[] =
    typeof spec === 'number' ? [spec] : typeof spec === 'string' ? spec.split(',') : [...spec];
  if (items.length === 0) throw new RuleCompileError(`${where}: empty port list`);
  const ranges: [number, number][] = [];
  for (const raw of items) {
    const item = typeof raw === 'number' ? String(raw) : raw.trim();
    if (item === '*') return PortSet.ANY;
    const dash = item.indexOf('-');
    if (dash < 0) {
      const p = parsePort(item, where);
      ranges.push([p, p]);
      continue;
    }
    const l = parsePort(item.slice(0, dash).trim(), where);
    const h = parsePort(item.slice(dash + 1).trim(), where);
    if (l > h) throw new RuleCompileError(`${where}: port range ${JSON.stringify(item)} runs backwards`);
    ranges.push([l, h]);
  }
  return PortSet.fromRanges(ranges);
}
