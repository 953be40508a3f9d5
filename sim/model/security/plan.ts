/**
 * The address plan: which address every addressable thing has, derived deterministically from the topology, and
 * which zone an address belongs to.
 *
 * Each cluster gets an equal block cut from `addressing.clusters`, in cluster order, split into four quarters:
 *
 *   quarter 0  main VLAN, node hosts (host OS and host agent)   first + 1 + node index in the cluster
 *   quarter 1  main VLAN, guest VMs (the VNet of the cluster)   first + 1 + instance index in the cluster
 *   quarter 2  FC VLAN: the FC's address, its replicas, then the platform management endpoint
 *   quarter 3  device VLAN: one network device (switch / PDU) per rack
 *
 * A quarter holds at least 256 addresses and grows (in powers of two) to fit the largest cluster. The SQL Database
 * cluster has its own block: its gateway, its nodes, its management endpoint. Public VIPs come from
 * `addressing.vips`: the SQL gateway's first, then one per service. Load-balancer probes come from 168.63.129.16.
 *
 * Addresses are computed with BigInt at load (IPv4 or IPv6 blocks alike) and cached; lookups allocate nothing.
 */
import {
  type Address,
  AddressSet,
  AZURE_LOAD_BALANCER_CIDR,
  addressFromBigInt,
  addressToBigInt,
  type CidrRange,
  cidrContains,
  parseAddress,
  parseCidr,
} from '../../network/index.js';
import type { ResolvedScenario, ResolvedSecurity } from '../../spec/index.js';

/** Endpoint kinds. */
export const EP = {
  /** A host outside the data centre (internet, corporate network). */
  outside: 0,
  /** A service's public VIP, in front of its load balancer. */
  vip: 1,
  /** The platform management endpoint of a cluster or of the SQL cluster. */
  mgmt: 2,
  /** A cluster's fabric controller (its service address). */
  fc: 3,
  /** One FC replica. */
  replica: 4,
  /** A node's host OS and host agent. */
  host: 5,
  /** A role instance's guest VM. */
  vm: 6,
  /** A rack's network device. */
  device: 7,
  /** The load balancer's health-probe source. */
  lbProbe: 8,
  /** The SQL Database gateway (behind its VIP). */
  sqlGateway: 9,
  /** A node of the SQL Database cluster. */
  sqlNode: 10,
} as const;

/** `cluster` of endpoints that belong to no compute cluster. */
export const OUTSIDE = -1;
export const SQL_CLUSTER = -2;

export type Vlan = 'main' | 'fc' | 'device';

/** Something with an address that messages go to or come from. */
export interface Endpoint {
  readonly kind: number;
  /** Cluster index; OUTSIDE, or SQL_CLUSTER for the SQL Database cluster. */
  readonly cluster: number;
  /** Global node or instance index, replica, rack or service index, SQL node number; -1 where none. */
  readonly index: number;
  readonly addr: Address;
  /** Actor name, as timelines show it ("internet:203.0.113.9", "ga:shop.web.0", "sql:node1"). */
  readonly name: string;
}

/** Zones an address can be in, for the oracle and for admin-access checks. */
export type Zone = 'internet' | 'corpnet' | 'saw' | 'cluster' | 'sql' | 'vip' | 'platform';

function range(text: string): CidrRange {
  return parseCidr(text);
}

function size(r: CidrRange): bigint {
  return addressToBigInt(r.last) - addressToBigInt(r.first) + 1n;
}

/**
 * Bits of one cluster block (two more than a quarter's) for clusters needing at most `need` addresses in a quarter.
 * A quarter keeps its first address unused and holds at least 256.
 */
export function clusterBlockBits(need: number): number {
  let bits = 8;
  while (2 ** bits < need + 2) bits++;
  return bits + 2;
}

/** Addresses the largest quarter of any cluster needs. */
/** The parts of a resolved scenario the plan's size depends on. */
export interface PlanTopology {
  readonly clusters: readonly ResolvedScenario['clusters'][number][];
  readonly services: readonly ResolvedScenario['services'][number][];
  readonly policies: ResolvedScenario['policies'];
}

export function largestQuarter(sc: PlanTopology): number {
  let need = sc.policies.fc.replicas + 4;
  const insts = new Array<number>(sc.clusters.length).fill(0);
  for (const s of sc.services) for (const r of s.roles) insts[s.cluster] = insts[s.cluster]! + r.instances;
  sc.clusters.forEach((c, ci) => {
    need = Math.max(
      need,
      c.racks.reduce((n, r) => n + r.nodes.length, 0),
      c.racks.length,
      insts[ci]!,
    );
  });
  return need;
}

/**
 * Checks that the plan fits its ranges; returns a message naming what does not fit, or null. Used by the resolver
 * (so the user sees the path) and by the plan itself.
 */
export function planProblem(
  sc: PlanTopology,
  sec: { readonly addressing: ResolvedSecurity['addressing']; readonly sqlNodes: number },
): { key: 'clusters' | 'sql' | 'vips'; message: string } | null {
  const clusters = range(sec.addressing.clusters);
  const bits = clusterBlockBits(largestQuarter(sc));
  const familyBits = clusters.family === 4 ? 32 : 128;
  if (bits > familyBits || BigInt(sc.clusters.length) << BigInt(bits) > size(clusters)) {
    return {
      key: 'clusters',
      message: `${clusters.text} cannot hold ${sc.clusters.length} cluster block(s) of 2^${bits} addresses; give a larger range`,
    };
  }
  const sql = range(sec.addressing.sql);
  if (BigInt(sec.sqlNodes + 4) > size(sql))
    return { key: 'sql', message: `${sql.text} is too small for the SQL cluster` };
  const vips = range(sec.addressing.vips);
  if (BigInt(sc.services.length + 3) > size(vips)) {
    return { key: 'vips', message: `${vips.text} cannot hold ${sc.services.length + 1} VIPs; give a larger range` };
  }
  return null;
}

export class AddressPlan {
  readonly lbProbe: Address = parseAddress(AZURE_LOAD_BALANCER_CIDR.slice(0, -3));
  /** Bits of a cluster block; a quarter has bits − 2. */
  readonly blockBits: number;
  private readonly clusterBase: bigint;
  private readonly family: 4 | 6;
  private readonly sqlBase: bigint;
  private readonly sqlFamily: 4 | 6;
  private readonly vipBase: bigint;
  private readonly vipFamily: 4 | 6;
  private readonly nodeCache: (Address | undefined)[];
  private readonly vmCache: (Address | undefined)[];
  readonly corpnet: AddressSet;
  readonly saw: AddressSet;
  readonly sqlNodeCount: number;
  readonly replicas: number;
  private readonly clusterNodeCount: number[];
  private readonly vipRange: CidrRange;
  private readonly sqlRange: CidrRange;

  constructor(
    private readonly sc: ResolvedScenario,
    readonly sec: ResolvedSecurity,
    /** First global node / instance index of each cluster (the model's index tables). */
    private readonly nodeOffset: Int32Array,
    private readonly instOffset: Int32Array,
  ) {
    const problem = planProblem(sc, { addressing: sec.addressing, sqlNodes: sec.sql.nodes });
    if (problem) throw new Error(`security.addressing.${problem.key}: ${problem.message}`);
    const clusters = range(sec.addressing.clusters);
    this.family = clusters.family;
    this.clusterBase = addressToBigInt(clusters.first);
    this.blockBits = clusterBlockBits(largestQuarter(sc));
    const sql = range(sec.addressing.sql);
    this.sqlRange = sql;
    this.sqlFamily = sql.family;
    this.sqlBase = addressToBigInt(sql.first);
    const vips = range(sec.addressing.vips);
    this.vipRange = vips;
    this.vipFamily = vips.family;
    this.vipBase = addressToBigInt(vips.first);
    this.nodeCache = new Array(sc.counts.nodes);
    this.vmCache = new Array(sc.counts.instances);
    this.corpnet = AddressSet.fromCidrs(sec.zones.corpnet.map(range));
    this.saw = AddressSet.fromCidrs(sec.zones.saw.map(range));
    this.sqlNodeCount = sec.sql.nodes;
    this.replicas = sc.policies.fc.replicas;
    this.clusterNodeCount = sc.clusters.map((c) => c.racks.reduce((n, r) => n + r.nodes.length, 0));
  }

  private quarterStart(ci: number, q: number): bigint {
    return this.clusterBase + (BigInt(ci) << BigInt(this.blockBits)) + (BigInt(q) << BigInt(this.blockBits - 2));
  }

  private at(ci: number, q: number, offset: number): Address {
    return addressFromBigInt(this.family, this.quarterStart(ci, q) + BigInt(offset));
  }

  /** A quarter (q 0–3) of cluster `ci`, or a run of quarters, as a CIDR text. */
  quarterCidr(ci: number, q: number, quarters = 1): string {
    const bits = (this.family === 4 ? 32 : 128) - (this.blockBits - 2) - Math.log2(quarters);
    return `${addressFromBigInt(this.family, this.quarterStart(ci, q)).text}/${bits}`;
  }

  quarterSet(ci: number, q: number, quarters = 1): AddressSet {
    return AddressSet.fromCidrs([parseCidr(this.quarterCidr(ci, q, quarters))]);
  }

  /** The cluster's whole block. */
  blockSet(ci: number): AddressSet {
    return this.quarterSet(ci, 0, 4);
  }

  /** Host address of global node `gn` in cluster `ci`. */
  nodeAddr(ci: number, gn: number): Address {
    let a = this.nodeCache[gn];
    if (a === undefined) {
      a = this.at(ci, 0, 1 + gn - this.nodeOffset[ci]!);
      this.nodeCache[gn] = a;
    }
    return a;
  }

  /** Guest VM address of global instance `gi` in cluster `ci`. */
  vmAddr(ci: number, gi: number): Address {
    let a = this.vmCache[gi];
    if (a === undefined) {
      a = this.at(ci, 1, 1 + gi - this.instOffset[ci]!);
      this.vmCache[gi] = a;
    }
    return a;
  }

  fcAddr(ci: number): Address {
    return this.at(ci, 2, 1);
  }
  replicaAddr(ci: number, r: number): Address {
    return this.at(ci, 2, 2 + r);
  }
  mgmtAddr(ci: number): Address {
    return this.at(ci, 2, 2 + this.replicas);
  }
  deviceAddr(ci: number, rack: number): Address {
    return this.at(ci, 3, 1 + rack);
  }

  sqlGatewayAddr(): Address {
    return addressFromBigInt(this.sqlFamily, this.sqlBase + 1n);
  }
  sqlNodeAddr(k: number): Address {
    return addressFromBigInt(this.sqlFamily, this.sqlBase + 2n + BigInt(k));
  }
  sqlMgmtAddr(): Address {
    return addressFromBigInt(this.sqlFamily, this.sqlBase + 2n + BigInt(this.sqlNodeCount));
  }
  sqlBlockSet(): AddressSet {
    return AddressSet.fromCidrs([this.sqlRange]);
  }

  /** The SQL gateway's public VIP. */
  sqlVip(): Address {
    return addressFromBigInt(this.vipFamily, this.vipBase + 1n);
  }
  /** Service `s`'s public VIP. */
  serviceVip(s: number): Address {
    return addressFromBigInt(this.vipFamily, this.vipBase + 2n + BigInt(s));
  }
  vipSet(): AddressSet {
    return AddressSet.fromCidrs([this.vipRange]);
  }

  /** Nodes in cluster `ci`. */
  nodesIn(ci: number): number {
    return this.clusterNodeCount[ci]!;
  }

  /**
   * The zone of an address. Order matters: SAWs lie inside corpnet; the platform's probe address and the VIPs are
   * checked before the blocks.
   */
  zoneOf(a: Address): Zone {
    if (this.saw.contains(a)) return 'saw';
    if (this.corpnet.contains(a)) return 'corpnet';
    if (a.family === this.lbProbe.family && a.w3 === this.lbProbe.w3 && a.family === 4) return 'platform';
    if (cidrContains(this.vipRange, a)) return 'vip';
    if (this.clusterOf(a) >= 0) return 'cluster';
    if (cidrContains(this.sqlRange, a)) return 'sql';
    return 'internet';
  }

  /** Index of the cluster whose block holds `a`, or -1. */
  clusterOf(a: Address): number {
    if (a.family !== this.family) return -1;
    const off = addressToBigInt(a) - this.clusterBase;
    if (off < 0n) return -1;
    const ci = Number(off >> BigInt(this.blockBits));
    return ci < this.sc.clusters.length ? ci : -1;
  }

  /**
   * What sits at address `a` inside cluster `ci`: [endpoint kind, local index] (node, instance, replica, rack), or
   * null for an unassigned address. FC service address → [fc, 0]; management endpoint → [mgmt, 0].
   */
  locate(ci: number, a: Address): [number, number] | null {
    const off = addressToBigInt(a) - this.quarterStart(ci, 0);
    const qBits = BigInt(this.blockBits - 2);
    const q = Number(off >> qBits);
    const k = Number(off - (BigInt(q) << qBits)) - 1;
    if (k < 0) return null;
    if (q === 0) return k < this.clusterNodeCount[ci]! ? [EP.host, k] : null;
    if (q === 1) {
      const count =
        (ci + 1 < this.instOffset.length ? this.instOffset[ci + 1]! : this.sc.counts.instances) - this.instOffset[ci]!;
      return k < count ? [EP.vm, k] : null;
    }
    if (q === 2) {
      if (k === 0) return [EP.fc, 0];
      if (k - 1 < this.replicas) return [EP.replica, k - 1];
      if (k - 1 === this.replicas) return [EP.mgmt, 0];
      return null;
    }
    return k < this.sc.clusters[ci]!.racks.length ? [EP.device, k] : null;
  }
}
