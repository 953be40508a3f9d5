/**
 * Topology layout: clusters stacked vertically; in each, racks (= fault domains) side by side; in each rack its nodes;
 * in each node the role instances it hosts. A level that is collapsed is drawn as one box with counts by state.
 *
 * The layout walks the world once and calls a sink for every shape, so the SVG renderer can collect items while the
 * canvas renderer draws straight away without allocating per instance. Positions only depend on the world and the
 * options, so a redraw after a step moves nothing but what moved in the world (a healed instance).
 */
import type { ClusterState, InstanceState, NodeState, World } from '../../../sim/spec/index.js';

export type TopologyLevel = 0 | 1 | 2 | 3; // clusters, racks, nodes, instances

export interface TopologyOptions {
  readonly width: number;
  /** Deepest level shown by default: 0 clusters, 1 racks, 2 nodes, 3 instances. */
  readonly level: TopologyLevel;
  /** Entities (cluster, rack, node ids) whose expansion is the opposite of the level's default. */
  readonly toggled: ReadonlySet<string>;
  /** Small cells (for thousands of instances). */
  readonly compact: boolean;
}

/** Counts of instances (and nodes) by state, for a collapsed box. */
export interface Counts {
  readonly instances: Map<string, number>;
  readonly nodes: Map<string, number>;
}

export interface TopologySink {
  /** A cluster's header band. */
  cluster(c: ClusterState, ci: number, x: number, y: number, w: number, h: number, expanded: boolean): void;
  /** A rack column's header. */
  rack(c: ClusterState, ci: number, ri: number, x: number, y: number, w: number, h: number, expanded: boolean): void;
  /** A node; `hosted` is how many instances are placed on it. */
  node(
    c: ClusterState,
    ci: number,
    n: NodeState,
    ni: number,
    hosted: number,
    x: number,
    y: number,
    w: number,
    h: number,
    expanded: boolean,
  ): void;
  instance(c: ClusterState, ci: number, inst: InstanceState, ii: number, x: number, y: number, size: number): void;
  /** A collapsed box (cluster, rack or node) with its counts. */
  summary(
    id: string,
    kind: 'cluster' | 'rack' | 'node',
    counts: Counts,
    x: number,
    y: number,
    w: number,
    h: number,
  ): void;
  /** A strip label (e.g. instances waiting for placement). */
  label(text: string, x: number, y: number): void;
}

export interface LayoutMetrics {
  readonly height: number;
  readonly clusters: number;
  readonly racks: number;
  readonly nodes: number;
  readonly instances: number;
  readonly summaries: number;
}

const PAD = 8;
const CLUSTER_HEAD = 22;
const RACK_HEAD = 16;

const scratchBuffers: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Scratch buffer `k`, at least `n` long (grown, never shrunk). Valid until the next layout. */
function scratch(k: number, n: number): Int32Array {
  if (scratchBuffers[k]!.length < n) scratchBuffers[k] = new Int32Array(Math.max(n, scratchBuffers[k]!.length * 2));
  return scratchBuffers[k]!;
}

export function isExpanded(depth: 0 | 1 | 2, id: string, o: TopologyOptions): boolean {
  return o.level > depth !== o.toggled.has(id);
}

export function layoutTopology(world: World, o: TopologyOptions, sink: TopologySink): LayoutMetrics {
  const cell = o.compact ? 7 : 14;
  const gap = o.compact ? 1 : 2;
  const minRackW = o.compact ? 60 : 120;
  const summaryH = 30;
  let y = PAD;
  let nRacks = 0;
  let nNodes = 0;
  let nInstances = 0;
  let nSummaries = 0;
  const W = Math.max(200, o.width);
  world.clusters.forEach((c, ci) => {
    const cExp = isExpanded(0, c.id, o);
    const clusterTop = y;
    y += CLUSTER_HEAD;
    if (!cExp) {
      sink.summary(c.id, 'cluster', countCluster(c), PAD, y, W - 2 * PAD, summaryH);
      nSummaries++;
      y += summaryH + PAD;
      sink.cluster(c, ci, PAD / 2, clusterTop, W - PAD, y - clusterTop, false);
      return;
    }
    // Instances grouped by node, from the placement (an instance's `node`), so that a healed instance moves: a
    // counting sort into scratch arrays reused across calls (no array per node, nothing allocated per frame).
    const nodeCount = c.nodes.length;
    const start = scratch(0, nodeCount + 2);
    start.fill(0, 0, nodeCount + 2);
    const instances = c.instances;
    for (let ii = 0; ii < instances.length; ii++) {
      const n = instances[ii]!.node;
      start[n >= 0 && n < nodeCount ? n + 1 : nodeCount + 1]!++;
    }
    for (let n = 1; n <= nodeCount + 1; n++) start[n]! += start[n - 1]!;
    // start[n] = first slot of node n; from start[nodeCount] on, the unplaced ones.
    const order = scratch(1, instances.length);
    const fillAt = scratch(2, nodeCount + 1);
    fillAt.set(start.subarray(0, nodeCount + 1));
    for (let ii = 0; ii < instances.length; ii++) {
      const n = instances[ii]!.node;
      order[fillAt[n >= 0 && n < nodeCount ? n : nodeCount]!++] = ii;
    }
    const unplacedFrom = start[nodeCount]!;
    const unplacedCount = instances.length - unplacedFrom;
    const racksPerRow = Math.max(1, Math.min(c.racks.length, Math.floor((W - PAD) / (minRackW + PAD))));
    const rackW = Math.floor((W - PAD) / racksPerRow) - PAD;
    const perRow = Math.max(1, Math.floor((rackW - 2 * gap - 4) / (cell + gap)));
    for (let r0 = 0; r0 < c.racks.length; r0 += racksPerRow) {
      let rowBottom = y;
      for (let ri = r0; ri < Math.min(c.racks.length, r0 + racksPerRow); ri++) {
        const rack = c.racks[ri]!;
        const x = PAD + (ri - r0) * (rackW + PAD);
        let ry = y;
        const rExp = isExpanded(1, rack.id, o);
        sink.rack(c, ci, ri, x, ry, rackW, RACK_HEAD, rExp);
        nRacks++;
        ry += RACK_HEAD;
        if (!rExp) {
          sink.summary(rack.id, 'rack', countRack(c, ri), x, ry, rackW, summaryH);
          nSummaries++;
          ry += summaryH;
        } else {
          for (const ni of rack.nodes) {
            const node = c.nodes[ni];
            if (!node) continue;
            const nExp = isExpanded(2, node.id, o);
            const from = start[ni]!;
            const hosted = start[ni + 1]! - from;
            const rows = nExp ? Math.max(1, Math.ceil(hosted / perRow)) : 0;
            const nh = nExp ? 4 + rows * (cell + gap) + gap : o.compact ? 10 : 16;
            sink.node(c, ci, node, ni, hosted, x, ry, rackW, nh, nExp);
            nNodes++;
            if (nExp) {
              for (let k = 0; k < hosted; k++) {
                const ii = order[from + k]!;
                const cx = x + 2 + gap + (k % perRow) * (cell + gap);
                const cy = ry + 2 + gap + Math.floor(k / perRow) * (cell + gap);
                sink.instance(c, ci, instances[ii]!, ii, cx, cy, cell);
                nInstances++;
              }
            } else {
              nSummaries++;
            }
            ry += nh + gap + 1;
          }
        }
        rowBottom = Math.max(rowBottom, ry);
      }
      y = rowBottom + PAD;
    }
    if (unplacedCount > 0) {
      sink.label(`waiting for a node: ${unplacedCount}`, PAD, y + 10);
      y += 16;
      const perLine = Math.max(1, Math.floor((W - 2 * PAD) / (cell + gap)));
      for (let k = 0; k < unplacedCount; k++) {
        const ii = order[unplacedFrom + k]!;
        const ux = PAD + (k % perLine) * (cell + gap);
        sink.instance(c, ci, instances[ii]!, ii, ux, y + Math.floor(k / perLine) * (cell + gap), cell);
        nInstances++;
      }
      y += Math.ceil(unplacedCount / perLine) * (cell + gap) + PAD;
    }
    sink.cluster(c, ci, PAD / 2, clusterTop, W - PAD, y - clusterTop, true);
    y += PAD;
  });
  return {
    height: y,
    clusters: world.clusters.length,
    racks: nRacks,
    nodes: nNodes,
    instances: nInstances,
    summaries: nSummaries,
  };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export function countCluster(c: ClusterState): Counts {
  const counts: Counts = { instances: new Map(), nodes: new Map() };
  for (const n of c.nodes) bump(counts.nodes, n.status);
  for (const i of c.instances) bump(counts.instances, i.status);
  return counts;
}

export function countRack(c: ClusterState, ri: number): Counts {
  const counts: Counts = { instances: new Map(), nodes: new Map() };
  const rack = c.racks[ri];
  if (!rack) return counts;
  for (const ni of rack.nodes) {
    const n = c.nodes[ni];
    if (!n) continue;
    bump(counts.nodes, n.status);
  }
  c.instances.forEach((inst) => {
    if (inst.node >= 0 && c.nodes[inst.node]?.rack === ri) bump(counts.instances, inst.status);
  });
  return counts;
}

export function countNode(c: ClusterState, ni: number): Counts {
  const counts: Counts = { instances: new Map(), nodes: new Map() };
  const n = c.nodes[ni];
  if (n) bump(counts.nodes, n.status);
  c.instances.forEach((inst) => {
    if (inst.node === ni) bump(counts.instances, inst.status);
  });
  return counts;
}

/** "12 Ready · 3 Starting" (most first). */
export function describeCounts(m: ReadonlyMap<string, number>): string {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v} ${k}`)
    .join(' · ');
}
