/**
 * Endpoints by name: the addressable things of a run (node hosts, guest VMs, FCs and their replicas, management
 * endpoints, devices, VIPs, the SQL gateway and nodes, hosts outside), created once and cached, so that a message or
 * an attempt finds its endpoints without allocating.
 *
 * Names follow the timeline's actor names: "ha:<node>", "ga:<instance>", "fc:<cluster>", "fc:<cluster>/<r>",
 * "fc:<cluster>/mgmt", "device:<rack>", "lb:<service>" (a VIP), "lb:<role>" (a role's probe source), "sql:gateway",
 * "sql:node<k>", "sql:mgmt"; outside hosts are "internet:<address>", "corpnet:<address>" and "admin:<address>" (a
 * secure admin workstation).
 */
import { joinName } from '../../engine/index.js';
import { type Address, addressEquals, parseAddress } from '../../network/index.js';
import type { ResolvedScenario, World } from '../../spec/index.js';
import type { Indices } from '../build.js';
import { type AddressPlan, type Endpoint, EP, OUTSIDE, SQL_CLUSTER } from './plan.js';

export class Endpoints {
  private readonly hosts: (Endpoint | undefined)[];
  private readonly vms: (Endpoint | undefined)[];
  private readonly named = new Map<string, Endpoint>();
  /** Global role index → service index. */
  readonly roleService: Int32Array;
  /** Service index → cluster index. */
  readonly serviceCluster: Int32Array;
  /** Global role index → global instance indices. */
  readonly roleInstances: number[][];

  constructor(
    readonly plan: AddressPlan,
    private readonly sc: ResolvedScenario,
    private readonly ix: Indices,
    private readonly world: World,
  ) {
    this.hosts = new Array(ix.nodeCluster.length);
    this.vms = new Array(ix.instCluster.length);
    this.serviceCluster = Int32Array.from(sc.services, (s) => s.cluster);
    const roleService: number[] = [];
    this.roleInstances = [];
    world.services.forEach((s, si) => {
      for (const r of s.roles) {
        roleService.push(si);
        this.roleInstances.push(r.instances.map((ii) => ix.instOffset[s.cluster]! + ii));
      }
    });
    this.roleService = Int32Array.from(roleService);
  }

  private cached(name: string, make: () => Endpoint): Endpoint {
    let e = this.named.get(name);
    if (e === undefined) {
      e = make();
      this.named.set(name, e);
    }
    return e;
  }

  host(gn: number): Endpoint {
    let e = this.hosts[gn];
    if (e === undefined) {
      const ci = this.ix.nodeCluster[gn]!;
      const node = this.world.clusters[ci]!.nodes[this.ix.nodeLocal[gn]!]!;
      e = { kind: EP.host, cluster: ci, index: gn, addr: this.plan.nodeAddr(ci, gn), name: joinName('ha:', node.id) };
      this.hosts[gn] = e;
    }
    return e;
  }

  vm(gi: number): Endpoint {
    let e = this.vms[gi];
    if (e === undefined) {
      const ci = this.ix.instCluster[gi]!;
      const inst = this.world.clusters[ci]!.instances[this.ix.instLocal[gi]!]!;
      e = { kind: EP.vm, cluster: ci, index: gi, addr: this.plan.vmAddr(ci, gi), name: joinName('ga:', inst.id) };
      this.vms[gi] = e;
    }
    return e;
  }

  fc(ci: number): Endpoint {
    const id = this.world.clusters[ci]!.id;
    return this.cached(`fc:${id}`, () => ({
      kind: EP.fc,
      cluster: ci,
      index: 0,
      addr: this.plan.fcAddr(ci),
      name: `fc:${id}`,
    }));
  }

  replica(ci: number, r: number): Endpoint {
    const id = this.world.clusters[ci]!.id;
    return this.cached(`fc:${id}/${r}`, () => ({
      kind: EP.replica,
      cluster: ci,
      index: r,
      addr: this.plan.replicaAddr(ci, r),
      name: `fc:${id}/${r}`,
    }));
  }

  mgmt(ci: number): Endpoint {
    const id = this.world.clusters[ci]!.id;
    return this.cached(`fc:${id}/mgmt`, () => ({
      kind: EP.mgmt,
      cluster: ci,
      index: 0,
      addr: this.plan.mgmtAddr(ci),
      name: `fc:${id}/mgmt`,
    }));
  }

  sqlMgmt(): Endpoint {
    return this.cached('sql:mgmt', () => ({
      kind: EP.mgmt,
      cluster: SQL_CLUSTER,
      index: 0,
      addr: this.plan.sqlMgmtAddr(),
      name: 'sql:mgmt',
    }));
  }

  device(ci: number, rack: number): Endpoint {
    const id = this.world.clusters[ci]!.racks[rack]!.id;
    return this.cached(`device:${id}`, () => ({
      kind: EP.device,
      cluster: ci,
      index: rack,
      addr: this.plan.deviceAddr(ci, rack),
      name: `device:${id}`,
    }));
  }

  /** Service `s`'s VIP; its cluster is the service's. */
  vip(s: number): Endpoint {
    const id = this.sc.services[s]!.id;
    return this.cached(`lb:${id}`, () => ({
      kind: EP.vip,
      cluster: this.serviceCluster[s]!,
      index: s,
      addr: this.plan.serviceVip(s),
      name: `lb:${id}`,
    }));
  }

  /** The probe source of global role `r` (168.63.129.16, one endpoint per role for the names). */
  lbProbe(r: number): Endpoint {
    const id = this.ix.roleIds[r]!;
    return this.cached(`lb:${id}`, () => ({
      kind: EP.lbProbe,
      cluster: this.serviceCluster[this.roleService[r]!]!,
      index: r,
      addr: this.plan.lbProbe,
      name: `lb:${id}`,
    }));
  }

  sqlGateway(): Endpoint {
    return this.cached('sql:gateway', () => ({
      kind: EP.sqlGateway,
      cluster: SQL_CLUSTER,
      index: 0,
      addr: this.plan.sqlVip(),
      name: 'sql:gateway',
    }));
  }

  /** The gateway as a source inside the SQL cluster (its internal address). */
  sqlGatewayInternal(): Endpoint {
    return this.cached('sql:gateway/internal', () => ({
      kind: EP.sqlGateway,
      cluster: SQL_CLUSTER,
      index: 1,
      addr: this.plan.sqlGatewayAddr(),
      name: 'sql:gateway',
    }));
  }

  sqlNode(k: number): Endpoint {
    return this.cached(`sql:node${k}`, () => ({
      kind: EP.sqlNode,
      cluster: SQL_CLUSTER,
      index: k,
      addr: this.plan.sqlNodeAddr(k),
      name: `sql:node${k}`,
    }));
  }

  /** A host outside the data centre at `addr` (named by its zone), or the platform endpoint that has `addr`. */
  at(addr: Address): Endpoint {
    const ci = this.plan.clusterOf(addr);
    if (ci >= 0) {
      const hit = this.plan.locate(ci, addr);
      if (hit) {
        const [kind, k] = hit;
        if (kind === EP.host) return this.host(this.ix.nodeOffset[ci]! + k);
        if (kind === EP.vm) return this.vm(this.ix.instOffset[ci]! + k);
        if (kind === EP.fc) return this.fc(ci);
        if (kind === EP.replica) return this.replica(ci, k);
        if (kind === EP.mgmt) return this.mgmt(ci);
        return this.device(ci, k);
      }
    }
    for (let s = 0; s < this.sc.services.length; s++)
      if (addressEquals(this.plan.serviceVip(s), addr)) return this.vip(s);
    if (addressEquals(this.plan.sqlVip(), addr)) return this.sqlGateway();
    for (let k = 0; k < this.plan.sqlNodeCount; k++)
      if (addressEquals(this.plan.sqlNodeAddr(k), addr)) return this.sqlNode(k);
    if (addressEquals(this.plan.sqlMgmtAddr(), addr)) return this.sqlMgmt();
    const zone = this.plan.zoneOf(addr);
    const prefix = zone === 'saw' ? 'admin' : zone === 'corpnet' ? 'corpnet' : 'internet';
    return this.cached(`${prefix}:${addr.text}`, () => ({
      kind: EP.outside,
      cluster: ci >= 0 ? ci : OUTSIDE,
      index: -1,
      addr,
      name: `${prefix}:${addr.text}`,
    }));
  }

  /**
   * The endpoint a traffic item names as its source or target (already checked by the resolver): an instance or
   * node id, "fc:<cluster>[/<r>]", "management[:<cluster>|:sql]", "sql", "sql:gateway", "sql:node<k>",
   * "device:<rack>", a service's role (its VIP), or an address. Zones and CIDRs are drawn by the caller.
   */
  byName(name: string): Endpoint {
    const gi = this.ix.instById.get(name);
    if (gi !== undefined) return this.vm(gi);
    const gn = this.ix.nodeById.get(name);
    if (gn !== undefined) return this.host(gn);
    const r = this.ix.roleIds.indexOf(name);
    if (r >= 0) return this.vip(this.roleService[r]!);
    if (name === 'sql') return this.sqlGateway();
    if (name === 'sql:gateway') return this.sqlGatewayInternal();
    if (name === 'management:sql') return this.sqlMgmt();
    if (name === 'management') return this.mgmt(0);
    const sqlNode = /^sql:node(\d+)$/.exec(name);
    if (sqlNode) return this.sqlNode(Number(sqlNode[1]));
    const cluster = (id: string) => this.world.clusters.findIndex((c) => c.id === id);
    if (name.startsWith('management:')) return this.mgmt(cluster(name.slice(11)));
    const fc = /^fc:([^/]+)(\/(\d+))?$/.exec(name);
    if (fc) {
      const ci = cluster(fc[1]!);
      return fc[3] === undefined ? this.fc(ci) : this.replica(ci, Number(fc[3]));
    }
    if (name.startsWith('device:')) {
      const loc = this.ix.rackById.get(name.slice(7))!;
      return this.device(loc.cluster, loc.rack);
    }
    return this.at(parseAddress(name));
  }
}
