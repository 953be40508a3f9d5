/**
 * Writing a scenario file back as readable YAML: keys in the usual order, small records on one line
 * (`- { id: a, at: 1h10m, kind: node.crash, target: c0-r1-n0 }`), a comment header on top, and a topology written
 * compactly whenever that resolves to exactly the same scenario. Deterministic: the same file gives the same bytes.
 */
import { Document, isMap, isScalar, isSeq, type Node, visit } from 'yaml';
import type { ScenarioFile } from '../scenario/index.js';
import { resolveScenario } from '../scenario/index.js';

const TOP_ORDER = [
  '$schema',
  'version',
  'name',
  'description',
  'extends',
  'seed',
  'duration',
  'topology',
  'services',
  'policies',
  'faults',
  'upgrades',
  'security',
  'expect',
  'explore',
];

function ordered(file: ScenarioFile): Record<string, unknown> {
  const src = file as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of TOP_ORDER) if (src[k] !== undefined) out[k] = src[k];
  if (Array.isArray(out.faults))
    out.faults = out.faults.map((f) => orderKeys(f as Record<string, unknown>, FAULT_KEYS));
  for (const k of Object.keys(src).sort()) if (!(k in out) && src[k] !== undefined) out[k] = src[k];
  return out;
}

const FAULT_KEYS = ['id', 'at', 'every', 'kind', 'target', 'targets', 'start', 'until', 'duration'];

function orderKeys(o: Record<string, unknown>, first: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of first) if (o[k] !== undefined) out[k] = o[k];
  for (const k of Object.keys(o)) if (!(k in out) && o[k] !== undefined) out[k] = o[k];
  return out;
}

function isFlat(node: Node): boolean {
  if (isScalar(node)) return true;
  if (isSeq(node)) return node.items.every((i) => isScalar(i) || (isSeq(i) && (i.items as Node[]).every(isScalar)));
  if (isMap(node)) return node.items.every((p) => p.value === null || isFlat(p.value as Node));
  return false;
}

/**
 * The topology written compactly (`racks: 4, nodesPerRack: 3`, or `nodes: 3` per rack) where the compact form names
 * the same racks and nodes; otherwise as it is.
 */
export function compactTopology(file: ScenarioFile): ScenarioFile {
  const same = (a: ScenarioFile, b: ScenarioFile): boolean => {
    try {
      return JSON.stringify(resolveScenario(a, 'x').clusters) === JSON.stringify(resolveScenario(b, 'x').clusters);
    } catch {
      return false;
    }
  };
  const clusters = file.topology.clusters.map((c, ci) => {
    if (typeof c.racks === 'number' || (c.count ?? 1) > 1) return c;
    const counts = c.racks.map((r) => (Array.isArray(r.nodes) ? r.nodes.length : r.nodes));
    const compact = { id: c.id, racks: c.racks.length, nodesPerRack: counts[0]! };
    const perRack = { ...c, racks: c.racks.map((r, i) => ({ ...r, nodes: counts[i]! })) };
    for (const cand of [compact, perRack]) {
      const trial = { ...file, topology: { clusters: file.topology.clusters.map((x, i) => (i === ci ? cand : x)) } };
      if (same(trial as ScenarioFile, file)) return cand;
    }
    return c;
  });
  return { ...file, topology: { clusters } } as ScenarioFile;
}

/** YAML text for `file`, with `header` lines as comments on top. */
export function emitScenario(file: ScenarioFile, header: readonly string[] = []): string {
  const doc = new Document(ordered(file));
  visit(doc, {
    Seq(_key, node) {
      for (const item of node.items) {
        if (!(isMap(item) || isSeq(item))) continue;
        const scalarsOnly = isSeq(item) || item.items.every((p) => isScalar(p.value) || isSeq(p.value));
        if (scalarsOnly && isFlat(item as Node)) item.flow = true;
        else if (isMap(item)) {
          // `- availability: { role: shop.web, atLeast: 0.999 }`: the key stays in block style, its record flows.
          for (const p of item.items) if (isMap(p.value) && isFlat(p.value as Node)) p.value.flow = true;
        }
      }
    },
    Map(_key, node) {
      for (const p of node.items) {
        const v = p.value as Node | null;
        // Short lists of plain values (kinds, windows, node ids) on one line.
        if (isSeq(v) && v.items.every(isScalar) && v.items.length <= 12) v.flow = true;
      }
    },
  });
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  const head = header.map((l) => (l === '' ? '#' : `# ${l}`)).join('\n');
  return head === '' ? body : `${head}\n${body}`;
}

export interface HeaderInfo {
  /** What it was shrunk from (a file name, or "run 17 of explore scenarios/x.yaml"). */
  readonly from: string;
  readonly seed: number;
  /** Where the minimal file is written (for the replay command). */
  readonly out: string;
  readonly failure: { readonly what: string; readonly direction: string; readonly target: string };
  readonly measured: string;
  readonly bound: string;
  readonly tried: number;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
}

/** The comment header of a shrunk scenario: where it came from, what fails, and how to replay it. */
export function shrunkHeader(h: HeaderInfo): string[] {
  const measured = h.measured === '' ? '' : ` (measured ${h.measured}, bound ${h.bound})`;
  return [
    `Shrunk by fabricsim shrink from ${h.from} with seed ${h.seed}: size ${h.sizeBefore} → ${h.sizeAfter}` +
      ` (faults, expectations, upgrades, traffic lines, nodes, instances) after ${h.tried} candidate runs.`,
    `Fails: ${h.failure.what} — ${h.failure.direction} (${h.failure.target})${measured}.`,
    'Every single removal, weakening, shortening or later move of what is left makes that failure go away.',
    `Replay: npx fabricsim check ${h.out}`,
  ];
}
