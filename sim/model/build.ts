/**
 * Builds the initial world from a resolved scenario: every node Ready, every role instance placed and Ready (a run
 * starts from a deployed, healthy system), and the dense index tables the model uses on its event paths.
 *
 * Placement spreads each role's instances evenly over update domains (instance k → UD k mod U, so 14 instances over
 * 5 UDs give 3, 3, 3, 3, 2) and over fault domains (racks, round-robin from a per-cluster rotating start), choosing
 * the least-loaded node in the rack. That is the `spread` policy's layout; any other placement policy
 * (docs/policies.md) is asked for each instance in turn, with every node usable.
 */
import { joinName } from '../engine/index.js';
import type {
  ClusterState,
  InstanceState,
  NodeState,
  PlacementNode,
  PlacementPolicy,
  PlacementRequest,
  PolicyEnv,
  RackState,
  ResolvedScenario,
  ServiceState,
  World,
} from '../spec/index.js';
import { PolicyError } from './policies/index.js';

export interface Indices {
  /** Global node index → cluster index / index in cluster. */
  readonly nodeCluster: Int32Array;
  readonly nodeLocal: Int32Array;
  /** First global node index of each cluster. */
  readonly nodeOffset: Int32Array;
  readonly instCluster: Int32Array;
  readonly instLocal: Int32Array;
  readonly instOffset: Int32Array;
  /** Global role index of each global instance. */
  readonly instRole: Int32Array;
  readonly roleIds: string[];
  readonly roleKinds: ('web' | 'worker')[];
  readonly roleSizes: Int32Array;
  readonly nodeById: Map<string, number>;
  readonly instById: Map<string, number>;
  readonly rackById: Map<string, { cluster: number; rack: number }>;
}

/** Picks the node for an instance of a role in `cluster`, preferring rack order `rackOrder`. -1 when none fits. */
export function pickNode(
  cluster: ClusterState,
  rackOrder: readonly number[],
  slots: number,
  usable: (n: NodeState) => boolean,
): number {
  for (const r of rackOrder) {
    const rack = cluster.racks[r]!;
    let best = -1;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const ni of rack.nodes) {
      const n = cluster.nodes[ni]!;
      if (!usable(n) || n.instances.length >= slots) continue;
      if (n.instances.length < bestLoad) {
        best = ni;
        bestLoad = n.instances.length;
      }
    }
    if (best >= 0) return best;
  }
  return -1;
}

/**
 * pickNode for a fresh placement: every node usable, racks tried from `start` on, round-robin (no order array).
 * `placed[r]` counts the instances placed so far in rack r of this cluster. Every placement in a fresh world comes
 * through here and takes the rack's least-loaded node, the first in rack order on a tie, so a rack fills in rounds: its
 * first `placed % n` nodes hold one instance more than the others. The least-loaded node is therefore node
 * `placed % n`, at load `placed / n` — the node pickNode's scan of the rack would find, without the scan.
 */
function placeNode(cluster: ClusterState, placed: Int32Array, start: number, slots: number): number {
  const rackCount = cluster.racks.length;
  for (let j = 0; j < rackCount; j++) {
    const r = (start + j) % rackCount;
    const rack = cluster.racks[r]!;
    const n = rack.nodes.length;
    if (n === 0 || Math.floor(placed[r]! / n) >= slots) continue;
    const ni = rack.nodes[placed[r]! % n]!;
    placed[r]!++;
    return ni;
  }
  return -1;
}

/** What a placement policy sees of `cluster` when placing an instance of `role`. */
export function placementRequest(
  cluster: ClusterState,
  instance: string,
  role: string,
  initial: boolean,
  avoidFaultDomain: number,
  slots: number,
  usable: (n: NodeState) => boolean,
): PlacementRequest {
  const nodes: PlacementNode[] = cluster.nodes.map((n) => {
    let roleInstances = 0;
    for (const ii of n.instances) if (cluster.instances[ii]!.role === role) roleInstances++;
    return { id: n.id, faultDomain: n.rack, usable: usable(n), instances: n.instances.length, roleInstances };
  });
  return { instance, role, cluster: cluster.id, initial, avoidFaultDomain, nodes, slots };
}

/**
 * Checks a placement policy's answer: null (no room) → -1; else the node's index in `cluster`, which must exist and
 * be usable with a free slot. Anything else is an impossible decision: a PolicyError naming `who`.
 */
export function checkPlacement(
  who: string,
  r: PlacementRequest,
  answer: string | null,
  cluster: ClusterState,
  slots: number,
  usable: (n: NodeState) => boolean,
): number {
  if (answer === null) return -1;
  const ni = cluster.nodes.findIndex((n) => n.id === answer);
  const call = `place(${r.instance}) returned ${JSON.stringify(answer)}`;
  if (ni < 0) throw new PolicyError(`${who}: ${call}: no such node in cluster ${cluster.id}`);
  const n = cluster.nodes[ni]!;
  if (n.instances.length >= slots) {
    throw new PolicyError(`${who}: ${call}: the node is full (${n.instances.length} of ${slots} slots)`);
  }
  if (!usable(n)) throw new PolicyError(`${who}: ${call}: the node is not usable (${n.status}, powered ${n.powered})`);
  return ni;
}

export function buildWorld(
  sc: ResolvedScenario,
  placement: PlacementPolicy | null = null,
  env?: PolicyEnv,
  who = 'placement',
): { world: World; ix: Indices } {
  const p = sc.policies;
  const clusters: ClusterState[] = sc.clusters.map((c) => {
    const racks: RackState[] = [];
    const nodes: NodeState[] = [];
    c.racks.forEach((r, ri) => {
      const ids: number[] = [];
      for (const id of r.nodes) {
        ids.push(nodes.length);
        const n: NodeState = {
          id,
          rack: ri,
          status: 'Ready',
          hostAgentUp: true,
          powered: true,
          instances: [],
          failures: 0,
        };
        // OS images (issue 11): the FC deploys the host image on every node (only when the scenario names images).
        if (sc.images !== undefined) n.image = sc.images.host;
        nodes.push(n);
      }
      racks.push({ id: r.id, fd: ri, nodes: ids, powered: true });
    });
    const replicas = Array.from({ length: p.fc.replicas }, (_, i) => ({
      id: `fc:${c.id}/${i}`,
      up: true,
      leader: i === 0,
      term: 1,
    }));
    return { id: c.id, racks, nodes, instances: [], fc: { replicas, leader: 0, term: 1 } };
  });

  const rackStart = new Int32Array(clusters.length);
  const placed = clusters.map((c) => new Int32Array(c.racks.length));
  const services: ServiceState[] = sc.services.map((s, si) => {
    const cluster = clusters[s.cluster]!;
    const roles = s.roles.map((r) => {
      const instIdx: number[] = [];
      const rackCount = cluster.racks.length;
      const start = rackStart[s.cluster]!;
      for (let k = 0; k < r.instances; k++) {
        let node: number;
        if (placement === null) {
          node = placeNode(cluster, placed[s.cluster]!, start + k, p.node.slots);
        } else {
          const req = placementRequest(cluster, `${r.id}.${k}`, r.id, true, -1, p.node.slots, () => true);
          node = checkPlacement(who, req, placement.place(req, env!), cluster, p.node.slots, () => true);
        }
        const ii = cluster.instances.length;
        const inst: InstanceState = {
          id: joinName(r.id, '.', k),
          service: si,
          role: r.id,
          ud: k % s.updateDomains,
          node,
          status: node >= 0 ? 'Ready' : 'Stopped',
          vm: node >= 0 ? 'Running' : 'Down',
          hung: false,
          inRotation: node >= 0 && r.kind === 'web',
          crashLoop: false,
          version: 1,
        };
        // The FC deploys the image it chose for the role (only when the scenario names images).
        if (sc.images !== undefined) inst.image = sc.images.roles[r.id]!;
        cluster.instances.push(inst);
        if (node >= 0) cluster.nodes[node]!.instances.push(ii);
        instIdx.push(ii);
      }
      rackStart[s.cluster] = (start + r.instances) % Math.max(1, rackCount);
      return { id: r.id, kind: r.kind, instances: instIdx };
    });
    return { id: s.id, cluster: s.cluster, updateDomains: s.updateDomains, roles, upgrade: null };
  });

  const databases = Array.from({ length: p.sql.databases }, (_, d) => ({
    id: `db${d}`,
    replicas: Array.from({ length: p.sql.replicas }, (_, r) => ({
      id: `sql:db${d}/${r}`,
      role: r === 0 ? ('primary' as const) : ('secondary' as const),
      up: true,
    })),
    available: true,
  }));
  const watchdogs = Array.from({ length: p.watchdog.count }, (_, w) => ({ id: `watchdog:${w}`, up: true }));
  const world: World = { clusters, services, sql: { databases }, watchdogs };

  // Index tables.
  const nodeTotal = clusters.reduce((n, c) => n + c.nodes.length, 0);
  const instTotal = clusters.reduce((n, c) => n + c.instances.length, 0);
  const nodeCluster = new Int32Array(nodeTotal);
  const nodeLocal = new Int32Array(nodeTotal);
  const nodeOffset = new Int32Array(clusters.length);
  const instCluster = new Int32Array(instTotal);
  const instLocal = new Int32Array(instTotal);
  const instOffset = new Int32Array(clusters.length);
  const nodeById = new Map<string, number>();
  const instById = new Map<string, number>();
  const rackById = new Map<string, { cluster: number; rack: number }>();
  let gn = 0;
  let gi = 0;
  clusters.forEach((c, ci) => {
    nodeOffset[ci] = gn;
    instOffset[ci] = gi;
    c.racks.forEach((r, ri) => {
      rackById.set(r.id, { cluster: ci, rack: ri });
    });
    c.nodes.forEach((n, ni) => {
      nodeCluster[gn] = ci;
      nodeLocal[gn] = ni;
      nodeById.set(n.id, gn++);
    });
    c.instances.forEach((inst, ii) => {
      instCluster[gi] = ci;
      instLocal[gi] = ii;
      instById.set(inst.id, gi++);
    });
  });
  const roleIds: string[] = [];
  const roleKinds: ('web' | 'worker')[] = [];
  const sizes: number[] = [];
  const instRole = new Int32Array(instTotal);
  for (const s of services) {
    for (const r of s.roles) {
      const ri = roleIds.length;
      roleIds.push(r.id);
      roleKinds.push(r.kind);
      sizes.push(r.instances.length);
      for (const ii of r.instances) instRole[instOffset[s.cluster]! + ii] = ri;
    }
  }
  return {
    world,
    ix: {
      nodeCluster,
      nodeLocal,
      nodeOffset,
      instCluster,
      instLocal,
      instOffset,
      instRole,
      roleIds,
      roleKinds,
      roleSizes: Int32Array.from(sizes),
      nodeById,
      instById,
      rackById,
    },
  };
}
