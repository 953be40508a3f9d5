/**
 * The path of a packet, the part of the security model that decides one: the network rule book, the rule engines of `sim/network/rules` compiled from the effective configuration, chained
 * in the order a packet meets them, and one question answered: may `src` open a connection to `dst` on this port?
 *
 * The chain, for a connection's opening packet:
 * 1. Leaving a guest VM: the VM's host filter (outbound, anti-spoofing), then its cluster's NSG (outbound).
 * 2. Entering a cluster (or the SQL cluster) from outside it: the corpnet ↔ cluster boundary ACL — only
 *    `managementSources` reach the management endpoint; outside traffic may reach the VIPs; nothing else gets in.
 *    Inside one cluster instead: VLAN isolation (main, fc, device).
 * 3. A VIP: the load balancer maps VIP:port to a role's input endpoint (or refuses), the endpoint's ACL decides on the
 *    client's address, and the balancer picks an instance in rotation.
 * 4. Into a guest VM: the cluster's NSG (inbound; declared input endpoints are opened by generated rules, as the
 *    platform does for a service definition), then the VM's host filter (fabric-agent defaults + the role's rules).
 *    Into a node host: the host ACL (only the FC reaches the host agent). Into a SQL node: the SQL node ACL.
 * Load-balancer probes come from the host itself: only the NSG (AzureLoadBalancer) and the host filter see them.
 *
 * Evaluation is stateless — a pure function of (source, destination, protocol, port, rule version) plus, for a VIP,
 * which instances are in rotation — and allocates nothing once a VM's host filter exists. Established connections are
 * the model's business: a rule change never cuts a connection already admitted (flows have durations).
 * The decision returned for an admitted connection is the innermost layer's.
 *
 * About 600 lines: one class whose compile and evaluate halves share the per-cluster tables; splitting them would
 * expose those tables.
 */

import type { AclRule } from '../../network/index.js';
import {
  type Address,
  AddressSet,
  type CompiledAcl,
  type CompiledEndpointAcl,
  type CompiledNsg,
  compileAcl,
  compileEndpointAcl,
  compileNsg,
  type Decision,
  fabricAgentRules,
  HostFilter,
  type HostFilterRule,
  makeDecision,
  type NsgRule,
  Packet,
  type Protocol,
  parseCidr,
  serviceTags,
  type Vlan,
  vlanInitiation,
} from '../../network/index.js';
import type {
  FullRuleSet,
  ResolvedAclRule,
  ResolvedHostRule,
  ResolvedScenario,
  ResolvedSecurity,
} from '../../spec/index.js';
import type { Indices } from '../build.js';
import type { Endpoints } from './endpoints.js';
import { type Endpoint, EP, SQL_CLUSTER } from './plan.js';

/** The client's port on opening packets (an ephemeral port; filters here never match on it by default). */
const CLIENT_PORT = 49152;

export const ROUTE_OUTBOUND = makeDecision(true, 'route:outbound', 'leaves the data centre');
export const ROUTE_EXTERNAL = makeDecision(true, 'route:external', 'between hosts outside the data centre');
export const LB_NO_ENDPOINT = makeDecision(false, 'lb:no-endpoint', 'no input endpoint on this VIP and port');
export const LB_NO_INSTANCE = makeDecision(
  false,
  'lb:no-instance-in-rotation',
  'no instance of the role is in rotation',
);
export const LB_INSTANCE_DOWN = makeDecision(
  false,
  'lb:instance-down',
  'the instance this instance input endpoint names is not running',
);
export const PLATFORM_LOCAL = makeDecision(true, 'platform:local', 'platform-internal');

/** An input endpoint of a role: declared in its service definition, or opened by configuration. */
export interface RoleEndpoint {
  readonly name: string;
  readonly port: number;
  readonly proto: 'tcp' | 'udp';
  /** True when configuration opened it (`openPorts`), not the service definition. */
  readonly opened: boolean;
}

/** The compiled walls of a `RuleBook`, as `compiledWalls()` shows them (read-only). */
export interface CompiledWalls {
  /** Per cluster: the corpnet ↔ cluster boundary list ("boundary-<cluster>"). */
  readonly boundary: readonly CompiledAcl[];
  /** Per cluster: the ACL in front of the node hosts ("hosts-<cluster>"). */
  readonly hostAcl: readonly CompiledAcl[];
  /** Per cluster: its network security group. */
  readonly nsg: readonly CompiledNsg[];
  readonly sqlBoundary: CompiledAcl;
  readonly sqlNodeAcl: CompiledAcl;
  /** Per global role: one endpoint ACL per input endpoint (parallel to `endpointsOf`). */
  readonly roleAcls: readonly (readonly CompiledEndpointAcl[])[];
  /** Configured exceptions to VLAN isolation ("main->fc" → its decision). */
  readonly vlanAllow: ReadonlyMap<string, Decision>;
  /** The host filter judging global instance `gi`'s VM. */
  hostFilter(gi: number): HostFilter;
}

/**
 * What `compile` builds from a rule set, for another `RuleBook` over the same scenario, endpoints and indices to
 * `adopt` instead of compiling it again (a sweep worker's later runs of one scenario: `security/base.ts`). Read-only
 * once built; the host filter caches are filled on first use, with filters that are pure functions of the tables.
 */
export interface CompiledRules {
  readonly cfg: FullRuleSet;
  readonly boundary: CompiledAcl[];
  readonly hostAcl: CompiledAcl[];
  readonly nsg: CompiledNsg[];
  readonly sqlBoundary: CompiledAcl;
  readonly sqlNodeAcl: CompiledAcl;
  readonly roleEndpoints: RoleEndpoint[][];
  readonly roleAcls: CompiledEndpointAcl[][];
  readonly roleHostRules: { rule: ResolvedHostRule; src: AddressSet | null; dst: AddressSet | null }[][];
  readonly hostFilters: (HostFilter | undefined)[];
  readonly sharedFilters: Map<string, HostFilter>;
  readonly vlanAllow: Map<string, Decision>;
}

export class RuleBook {
  /** Bumped on every recompilation. */
  version = 0;
  /** For a VIP: the instance the load balancer picked in the last `decide`, else -1. */
  picked = -1;
  /** The endpoint (role, index) matched by the last `decide` through a VIP, else -1. */
  pickedRole = -1;
  /** The name of the endpoint the last `decide` through a VIP matched, else ''. */
  pickedEndpoint = '';
  /** The port the last `decide` delivered to on the instance (an instance input endpoint's local port), else 0. */
  deliveredPort = 0;
  private readonly pkt = new Packet();
  private cfg!: FullRuleSet;
  private boundary: CompiledAcl[] = [];
  private hostAcl: CompiledAcl[] = [];
  private nsg: CompiledNsg[] = [];
  private sqlBoundary!: CompiledAcl;
  private sqlNodeAcl!: CompiledAcl;
  /** Per global role: its input endpoints and their ACLs (parallel). */
  private roleEndpoints: RoleEndpoint[][] = [];
  private roleAcls: CompiledEndpointAcl[][] = [];
  /** Per global role: the extra host filter rules, with null address fields standing for the VM itself. */
  private roleHostRules: { rule: ResolvedHostRule; src: AddressSet | null; dst: AddressSet | null }[][] = [];
  private hostFilters: (HostFilter | undefined)[] = [];
  /** Host filters shared by roles without rules of their own, by cluster and endpoints (`defaultFilter`). */
  private sharedFilters = new Map<string, HostFilter>();
  private vlanAllow: Map<string, Decision> = new Map();
  private readonly roleOfInst: Int32Array;
  private readonly roleKinds: readonly ('web' | 'worker')[];
  private readonly vmCidr: string[];
  /** Per service: the global index of its first role. */
  private readonly firstRole: Int32Array;

  constructor(
    private readonly sc: ResolvedScenario,
    private readonly sec: ResolvedSecurity,
    private readonly ix: Indices,
    private readonly eps: Endpoints,
    /** The load balancer's choice of an instance of global role `r` in rotation, or -1. */
    private readonly pick: (r: number) => number,
    /** Whether instance `gi` is up (Ready, running), for an instance input endpoint. */
    private readonly up: (gi: number) => boolean = () => true,
  ) {
    this.roleOfInst = ix.instRole;
    this.roleKinds = ix.roleKinds;
    this.vmCidr = sc.clusters.map((_, ci) => eps.plan.quarterCidr(ci, 1));
    this.firstRole = new Int32Array(sc.services.length);
    for (let si = 1; si < sc.services.length; si++) {
      this.firstRole[si] = this.firstRole[si - 1]! + sc.services[si - 1]!.roles.length;
    }
  }

  get config(): FullRuleSet {
    return this.cfg;
  }

  /** The endpoints of global role `r` (declared first, then opened ones). */
  endpointsOf(r: number): readonly RoleEndpoint[] {
    return this.roleEndpoints[r]!;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Compiling

  /** Names used in rules → address sets; `ci` is the cluster a per-cluster rule set is compiled for, or -1. */
  addresses(names: readonly string[], ci: number): AddressSet {
    if (names.includes('*')) return AddressSet.ANY;
    if (names.length === 0) return AddressSet.NONE;
    return AddressSet.unionAll(names.map((name) => this.address(name, ci)));
  }

  private address(name: string, ci: number): AddressSet {
    const plan = this.eps.plan;
    const clusters = ci >= 0 ? [ci] : this.sc.clusters.map((_, i) => i);
    const union = (f: (c: number) => AddressSet) => AddressSet.unionAll(clusters.map(f));
    const vnet = clusters.map((c) => this.vmCidr[c]!);
    const hosts = (addrs: Address[]) => AddressSet.fromAddresses(addrs);
    switch (name) {
      case 'corpnet':
        return plan.corpnet;
      case 'saw':
        return plan.saw;
      case 'internet':
      case 'Internet':
        return serviceTags(vnet).Internet;
      case 'VirtualNetwork':
        return serviceTags(vnet).VirtualNetwork;
      case 'AzureLoadBalancer':
        return serviceTags(vnet).AzureLoadBalancer;
      case 'main':
        return union((c) => plan.quarterSet(c, 0, 2));
      case 'nodes':
        return union((c) => plan.quarterSet(c, 0));
      case 'vms':
        return union((c) => plan.quarterSet(c, 1));
      case 'fc':
        return union((c) => plan.quarterSet(c, 2));
      case 'device':
        return union((c) => plan.quarterSet(c, 3));
      case 'management':
        return hosts([...clusters.map((c) => plan.mgmtAddr(c)), plan.sqlMgmtAddr()]);
      case 'management:sql':
        return hosts([plan.sqlMgmtAddr()]);
      case 'vips':
        return plan.vipSet();
      case 'sql':
        return plan.sqlBlockSet();
      case 'sql:nodes':
        return hosts(Array.from({ length: plan.sqlNodeCount }, (_, k) => plan.sqlNodeAddr(k)));
      case 'sql:gateway':
        return hosts([plan.sqlGatewayAddr(), plan.sqlVip()]);
    }
    const clusterIndex = (id: string) => this.sc.clusters.findIndex((c) => c.id === id);
    const colon = name.indexOf(':');
    if (colon > 0) {
      const c = clusterIndex(name.slice(0, colon));
      if (c >= 0) return this.address(name.slice(colon + 1), c);
      if (name.startsWith('management:')) return hosts([plan.mgmtAddr(clusterIndex(name.slice(11)))]);
    }
    const c = clusterIndex(name);
    if (c >= 0) return plan.blockSet(c);
    const r = this.roleIndex(name);
    if (r >= 0) return hosts(this.eps.roleInstances[r]!.map((gi) => this.eps.vm(gi).addr));
    const gi = this.ix.instById.get(name);
    if (gi !== undefined) return hosts([this.eps.vm(gi).addr]);
    const gn = this.ix.nodeById.get(name);
    if (gn !== undefined) return hosts([this.eps.host(gn).addr]);
    return AddressSet.fromCidrs([parseCidr(name)]);
  }

  private roleIndexes: Map<string, number> | null = null;

  /** Global index of the role named `name`, or -1. */
  private roleIndex(name: string): number {
    let m = this.roleIndexes;
    if (m === null) {
      m = new Map();
      this.ix.roleIds.forEach((id, r) => {
        if (!m!.has(id)) m!.set(id, r);
      });
      this.roleIndexes = m;
    }
    return m.get(name) ?? -1;
  }

  private aclRules(rules: readonly ResolvedAclRule[], ci: number): AclRule[] {
    return rules.map((r) => ({
      name: r.name,
      action: r.action,
      source: this.addresses(r.source, ci),
      destination: this.addresses(r.destination, ci),
      protocol: r.protocol,
      ports: r.ports,
    }));
  }

  /** Compiles everything from `cfg`. Throws (RuleCompileError) naming the rule set on a bad rule. */
  compile(cfg: FullRuleSet): void {
    this.cfg = cfg;
    this.version++;
    this.nsgDestinations.clear();
    const plan = this.eps.plan;
    const ports = this.sec.ports;
    const mgmtSources = this.addresses(cfg.managementSources, -1);

    // Role endpoints and their ACLs.
    this.roleEndpoints = [];
    this.roleAcls = [];
    this.roleHostRules = [];
    for (const s of this.sc.services) {
      for (const role of s.roles) {
        const eps: RoleEndpoint[] = role.inputEndpoints.map((e) => ({
          name: e.name,
          port: e.port,
          proto: e.protocol === 'udp' ? 'udp' : 'tcp',
          opened: false,
        }));
        for (const o of cfg.openPorts) {
          if (o.role === role.id && !eps.some((e) => e.port === o.port && e.proto === o.protocol)) {
            eps.push({ name: `open:${o.port}`, port: o.port, proto: o.protocol, opened: true });
          }
        }
        this.roleEndpoints.push(eps);
        const acls = cfg.endpointAcls[role.id] ?? {};
        this.roleAcls.push(eps.map((e) => compileEndpointAcl(acls[e.name], `${role.id}/${e.name}`)));
        this.roleHostRules.push(
          (cfg.hostFilter[role.id] ?? []).map((h) => ({
            rule: h,
            src: h.src === null ? null : this.addresses(h.src, s.cluster),
            dst: h.dst === null ? null : this.addresses(h.dst, s.cluster),
          })),
        );
      }
    }
    this.hostFilters = new Array(this.ix.instCluster.length);
    this.sharedFilters = new Map();

    // Per cluster: boundary, host ACL, NSG.
    this.boundary = [];
    this.hostAcl = [];
    this.nsg = [];
    this.sc.clusters.forEach((c, ci) => {
      const mgmt = this.addresses([`management:${c.id}`], ci);
      const vips = this.sc.services
        .map((s, si) => [s, si] as const)
        .filter(([s]) => s.cluster === ci)
        .map(([, si]) => plan.serviceVip(si));
      this.boundary.push(
        compileAcl(
          [
            ...managementRules(mgmtSources, mgmt, ports.management),
            ...this.aclRules(cfg.boundary, ci),
            {
              name: 'outside-to-vips',
              action: 'allow',
              source: AddressSet.ANY,
              destination: vips.length === 0 ? AddressSet.NONE : this.hostSet(vips),
              protocol: '*',
              ports: '*',
            },
          ],
          { name: `boundary-${c.id}` },
        ),
      );
      this.hostAcl.push(
        compileAcl(
          [
            ...this.aclRules(cfg.hostAcl, ci),
            {
              name: 'fc-to-host-agent',
              action: 'allow',
              source: plan.quarterSet(ci, 2),
              destination: plan.quarterSet(ci, 0),
              protocol: 'tcp',
              ports: ports.hostAgent,
            },
          ],
          { name: `hosts-${c.id}` },
        ),
      );
      this.nsg.push(compileNsg(this.nsgRules(cfg, ci), { name: `nsg-${c.id}`, virtualNetwork: [this.vmCidr[ci]!] }));
    });

    // The SQL Database cluster.
    const sqlNodes = this.addresses(['sql:nodes'], -1);
    this.sqlBoundary = compileAcl(
      [
        ...managementRules(mgmtSources, this.addresses(['management:sql'], -1), ports.management),
        ...this.aclRules(cfg.boundary, -1),
        {
          name: 'outside-to-gateway',
          action: 'allow',
          source: AddressSet.ANY,
          destination: this.hostSet([plan.sqlVip()]),
          protocol: 'tcp',
          ports: ports.sqlGateway,
        },
      ],
      { name: 'boundary-sql' },
    );
    this.sqlNodeAcl = compileAcl(
      [
        ...this.aclRules(cfg.sqlNodeAcl, -1),
        {
          name: 'node-to-node',
          action: 'allow',
          source: sqlNodes,
          destination: sqlNodes,
          protocol: 'tcp',
          ports: ports.sqlNodes,
        },
        {
          name: 'gateway-to-nodes',
          action: 'allow',
          source: this.hostSet([plan.sqlGatewayAddr()]),
          destination: sqlNodes,
          protocol: 'tcp',
          ports: ports.sqlRedirect,
        },
      ],
      { name: 'sql-nodes' },
    );

    this.vlanAllow = new Map(
      cfg.vlanAllow.map((pair) => [
        pair,
        makeDecision(true, `vlan-override:${pair}`, `configured exception to VLAN isolation: ${pair}`),
      ]),
    );
  }

  /** The tables of the last `compile` (or `adopt`), to hand to another book of the same scenario and world. */
  compiled(): CompiledRules {
    return {
      cfg: this.cfg,
      boundary: this.boundary,
      hostAcl: this.hostAcl,
      nsg: this.nsg,
      sqlBoundary: this.sqlBoundary,
      sqlNodeAcl: this.sqlNodeAcl,
      roleEndpoints: this.roleEndpoints,
      roleAcls: this.roleAcls,
      roleHostRules: this.roleHostRules,
      hostFilters: this.hostFilters,
      sharedFilters: this.sharedFilters,
      vlanAllow: this.vlanAllow,
    };
  }

  /**
   * Installs tables another book compiled (`compiled()`) over the same scenario, endpoints and indices: afterwards
   * this book decides exactly as if it had compiled `c.cfg` itself. A later `compile` replaces them, never edits them.
   */
  adopt(c: CompiledRules): void {
    this.cfg = c.cfg;
    this.version++;
    this.nsgDestinations.clear();
    this.boundary = c.boundary;
    this.hostAcl = c.hostAcl;
    this.nsg = c.nsg;
    this.sqlBoundary = c.sqlBoundary;
    this.sqlNodeAcl = c.sqlNodeAcl;
    this.roleEndpoints = c.roleEndpoints;
    this.roleAcls = c.roleAcls;
    this.roleHostRules = c.roleHostRules;
    this.hostFilters = c.hostFilters;
    this.sharedFilters = c.sharedFilters;
    this.vlanAllow = c.vlanAllow;
  }

  private hostSet(addrs: readonly Address[]): AddressSet {
    return AddressSet.fromAddresses(addrs);
  }

  /**
   * The NSG of cluster `ci`: the configured rules, then the allow rules the platform adds for the service
   * definitions — one per (protocol, port) that some role in the cluster declares as an input endpoint, to the VMs of
   * the roles that declare it (one rule per port keeps the NSG small however many services share a cluster) — at the
   * highest priorities the configured rules leave free.
   */
  private nsgRules(cfg: FullRuleSet, ci: number): NsgRule[] {
    const rules: NsgRule[] = cfg.nsg.map((n) => ({
      name: n.name,
      priority: n.priority,
      direction: n.direction,
      access: n.access,
      protocol: n.protocol,
      source: this.addresses(n.source, ci),
      sourcePorts: n.sourcePorts,
      destination: this.addresses(n.destination, ci),
      destinationPorts: n.destinationPorts,
    }));
    const byPort = new Map<string, { proto: 'tcp' | 'udp'; port: number; roles: string[] }>();
    let r = 0;
    for (const s of this.sc.services) {
      for (const role of s.roles) {
        if (s.cluster === ci) {
          const local = (role.instanceInputEndpoints ?? []).map((e) => ({ proto: e.protocol, port: e.localPort }));
          for (const e of [...this.roleEndpoints[r]!, ...local]) {
            const key = `${e.proto}-${e.port}`;
            let entry = byPort.get(key);
            if (entry === undefined) {
              entry = { proto: e.proto, port: e.port, roles: [] };
              byPort.set(key, entry);
            }
            if (!entry.roles.includes(role.id)) entry.roles.push(role.id);
          }
        }
        r++;
      }
    }
    const used = new Set(cfg.nsg.filter((n) => n.direction === 'inbound').map((n) => n.priority));
    let priority = 4096;
    for (const [key, e] of byPort) {
      while (used.has(priority)) priority--;
      rules.push({
        name: `AllowInputEndpoints-${key}`,
        priority,
        direction: 'inbound',
        access: 'allow',
        protocol: e.proto,
        source: AddressSet.ANY,
        sourcePorts: '*',
        destination: this.addresses(e.roles, ci),
        destinationPorts: e.port,
      });
      priority--;
    }
    return rules;
  }

  /**
   * The host filter of instance `gi`'s VM, built on first use after each compilation.
   *
   * The fabric agent's rules differ between the VMs of a role only in the VM's own address, so the VMs of a role share
   * one filter built for the role's first VM (its canonical address), and a packet is judged with its VM-side address
   * (the destination inbound, the source outbound) read as the canonical one. A role whose own rules name addresses
   * on the VM's side gets a filter per VM instead, since those rules may single out one VM.
   */
  private hostFilter(gi: number): HostFilter {
    let f = this.hostFilters[gi];
    if (f !== undefined) return f;
    const r = this.roleOfInst[gi]!;
    const own = this.roleHostRules[r]!.some((h) => (h.rule.direction === 'in' ? h.dst : h.src) !== null);
    const first = this.eps.roleInstances[r]![0]!;
    const vmGi = own ? gi : first;
    f = this.hostFilters[vmGi] ?? (this.roleHostRules[r]!.length === 0 ? this.defaultFilter(r) : undefined);
    f ??= this.buildHostFilter(vmGi);
    this.hostFilters[vmGi] = f;
    if (!own) for (const x of this.eps.roleInstances[r]!) this.hostFilters[x] = f;
    return f;
  }

  /**
   * The filter of a role without rules of its own, shared by every such role of its cluster with the same endpoints
   * (a region has thousands of roles and a few dozen such shapes): the fabric agent's rules name the VM's own address
   * only on the VM's side, which `filterOnce` reads as the filter's canonical address, and their ids and decisions
   * name ports, never addresses, so the first role of a shape judges every packet exactly as each role's own would.
   */
  private defaultFilter(r: number): HostFilter {
    const ci = this.ix.instCluster[this.eps.roleInstances[r]![0]!]!;
    const internal = this.roleInfo(r).internalEndpoints.map((e) => `${e.protocol === 'udp' ? 'udp' : 'tcp'}:${e.port}`);
    const key = `${ci}|${this.roleEndpoints[r]!.map((e) => `${e.proto}:${e.port}`).join(',')}|${internal.join(',')}`;
    let f = this.sharedFilters.get(key);
    if (f === undefined) {
      f = this.buildHostFilter(this.eps.roleInstances[r]![0]!);
      this.sharedFilters.set(key, f);
    }
    return f;
  }

  private buildHostFilter(gi: number): HostFilter {
    const r = this.roleOfInst[gi]!;
    const ci = this.ix.instCluster[gi]!;
    const vm = this.eps.vm(gi).addr;
    const role = this.roleInfo(r);
    const vmSet = this.hostSet([vm]);
    const extra: HostFilterRule[] = this.roleHostRules[r]!.map(({ rule, src, dst }) => ({
      id: rule.id,
      direction: rule.direction,
      proto: rule.proto,
      src: src ?? vmSet,
      srcPort: rule.srcPort,
      dst: dst ?? vmSet,
      dstPort: rule.dstPort,
      stateful: rule.stateful,
    }));
    const defaults = fabricAgentRules({
      vmAddress: vm.text,
      vnetCidr: this.vmCidr[ci]!,
      inputEndpoints: [
        ...this.roleEndpoints[r]!.map((e) => ({ port: e.port, proto: e.proto })),
        ...(role.instanceInputEndpoints ?? []).map((e) => ({ port: e.localPort, proto: e.protocol })),
      ],
      internalEndpoints: role.internalEndpoints.map((e) => ({
        port: e.port,
        proto: e.protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
      })),
      dhcp: this.eps.plan.lbProbe.text,
      dns: this.eps.plan.lbProbe.text,
    });
    return new HostFilter(vm, [...extra, ...defaults]);
  }

  private roleInfo(r: number) {
    const s = this.sc.services[this.eps.roleService[r]!]!;
    return s.roles.find((x) => x.id === this.ix.roleIds[r])!;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deciding

  private vlanOf(e: Endpoint): Vlan | null {
    switch (e.kind) {
      case EP.host:
      case EP.vm:
        return 'main';
      case EP.fc:
      case EP.replica:
      case EP.mgmt:
        return e.cluster === SQL_CLUSTER ? null : 'fc';
      case EP.device:
        return 'device';
      default:
        return null;
    }
  }

  private vlan(src: Vlan, dst: Vlan): Decision {
    const d = vlanInitiation(src, dst);
    if (d.allowed || this.vlanAllow.size === 0) return d;
    return this.vlanAllow.get(`${src}->${dst}`) ?? d;
  }

  /** Whether `src` may open a connection to `dst` on `proto`/`port`. Sets `picked` for a VIP. Allocation-free. */
  decide(src: Endpoint, dst: Endpoint, proto: Protocol, port: number): Decision {
    this.picked = -1;
    this.pickedRole = -1;
    this.pickedEndpoint = '';
    this.deliveredPort = 0;
    if (src.kind === EP.lbProbe) return dst.kind === EP.vm ? this.intoVm(src, dst, proto, port) : PLATFORM_LOCAL;
    if (src.kind === EP.outside && dst.kind === EP.outside) return ROUTE_EXTERNAL;
    const front = dst.kind === EP.vip || (dst.kind === EP.sqlGateway && dst.index === 0);
    const entering = front || src.kind === EP.outside || src.cluster !== dst.cluster;
    let d: Decision = PLATFORM_LOCAL;
    if (src.kind === EP.vm && (entering || dst.kind === EP.vm || dst.kind === EP.outside)) {
      d = this.vmOut(src, dst.addr, proto, port);
      if (!d.allowed) return d;
    }
    if (dst.kind === EP.outside) return src.kind === EP.vm ? d : ROUTE_OUTBOUND;
    const p = this.pkt;
    p.set(proto, src.addr, CLIENT_PORT, dst.addr, port, 'in');
    if (entering) {
      d = dst.cluster === SQL_CLUSTER ? this.sqlBoundary.evaluate(p) : this.boundary[dst.cluster]!.evaluate(p);
      if (!d.allowed) return d;
      if (dst.kind === EP.vip) return this.throughLb(src, dst, proto, port);
      if (dst.kind === EP.mgmt || dst.kind === EP.sqlGateway) return d;
      // A boundary rule let it in (only a misconfiguration does): the inner layers still apply.
    } else {
      const sv = this.vlanOf(src);
      const dv = this.vlanOf(dst);
      if (sv !== null && dv !== null) {
        d = this.vlan(sv, dv);
        if (!d.allowed) return d;
      }
    }
    switch (dst.kind) {
      case EP.vm:
        return this.intoVm(src, dst, proto, port);
      case EP.host:
        p.set(proto, src.addr, CLIENT_PORT, dst.addr, port, 'in');
        return this.hostAcl[dst.cluster]!.evaluate(p);
      case EP.sqlNode:
        p.set(proto, src.addr, CLIENT_PORT, dst.addr, port, 'in');
        return this.sqlNodeAcl.evaluate(p);
      default:
        return d;
    }
  }

  private vmOut(src: Endpoint, dst: Address, proto: Protocol, port: number): Decision {
    const p = this.pkt;
    p.set(proto, src.addr, CLIENT_PORT, dst, port, 'out');
    const d = this.filterOnce(src, p);
    if (!d.allowed) return d;
    return this.nsg[src.cluster]!.evaluate(p);
  }

  private intoVm(src: Endpoint, dst: Endpoint, proto: Protocol, port: number): Decision {
    const p = this.pkt;
    p.set(proto, src.addr, CLIENT_PORT, dst.addr, port, 'in');
    const d = this.nsg[dst.cluster]!.evaluate(p);
    if (!d.allowed) return d;
    return this.filterOnce(dst, p);
  }

  /**
   * A stateless decision from the (possibly shared) host filter of `vm`: the packet's VM-side address is read as the
   * filter's own while it is judged, and the flow a match opens is forgotten at once.
   */
  private filterOnce(vm: Endpoint, p: Packet): Decision {
    const f = this.hostFilter(vm.index);
    const inbound = p.direction === 'in';
    const real = inbound ? p.dst : p.src;
    if (inbound) p.dst = f.vmAddress;
    else p.src = f.vmAddress;
    const d = f.process(p, 0);
    f.flows.clear();
    if (inbound) p.dst = real;
    else p.src = real;
    return d;
  }

  /**
   * The decision on a user at `src` (outside the data centre) opening a connection to input endpoint `k` of global
   * role `r` through its service's VIP, when the balancer sends it to instance `gi`: what `decide` says when the
   * balancer picks `gi`, without moving its round robin. `lb:no-endpoint` when the VIP's port belongs to another
   * role of the service (the user would reach that role instead).
   */
  userPath(src: Endpoint, r: number, k: number, gi: number): Decision {
    const e = this.roleEndpoints[r]![k]!;
    const vip = this.eps.vip(this.eps.roleService[r]!);
    const p = this.pkt;
    p.set(e.proto, src.addr, CLIENT_PORT, vip.addr, e.port, 'in');
    const b = this.boundary[vip.cluster]!.evaluate(p);
    if (!b.allowed) return b;
    if (this.endpointOwner(vip.index, e.proto, e.port) !== r) return LB_NO_ENDPOINT;
    const acl = this.roleAcls[r]![k]!.evaluate(src.addr);
    if (!acl.allowed) return acl;
    return this.intoVm(src, this.eps.vm(gi), e.proto, e.port);
  }

  /** The global role that service `s`'s VIP sends `proto`/`port` to (the first that has the endpoint), or -1. */
  endpointOwner(s: number, proto: Protocol, port: number): number {
    let r = this.firstRole[s]!;
    const end = r + this.sc.services[s]!.roles.length;
    for (; r < end; r++) {
      for (const e of this.roleEndpoints[r]!) if (e.port === port && e.proto === proto) return r;
    }
    return -1;
  }

  /** Per cluster: the destinations of the configured inbound NSG rules (filled on demand after each compile). */
  private readonly nsgDestinations = new Map<number, AddressSet[]>();

  /** Whether the rules in force single out instances of global role `r` (per-VM host filters, NSG destinations). */
  perInstance(r: number): boolean {
    if (this.roleHostRules[r]!.some((h) => (h.rule.direction === 'in' ? h.dst : h.src) !== null)) return true;
    const insts = this.eps.roleInstances[r]!;
    if (insts.length < 2) return false;
    const ci = this.ix.instCluster[insts[0]!]!;
    let dsts = this.nsgDestinations.get(ci);
    if (dsts === undefined) {
      dsts = this.cfg.nsg.filter((n) => n.direction === 'inbound').map((n) => this.addresses(n.destination, ci));
      this.nsgDestinations.set(ci, dsts);
    }
    for (const dst of dsts) {
      const first = dst.contains(this.eps.vm(insts[0]!).addr);
      for (let i = 1; i < insts.length; i++) if (dst.contains(this.eps.vm(insts[i]!).addr) !== first) return true;
    }
    return false;
  }

  private throughLb(src: Endpoint, vip: Endpoint, proto: Protocol, port: number): Decision {
    const s = vip.index;
    let r = 0;
    for (let si = 0; si < s; si++) r += this.sc.services[si]!.roles.length;
    const end = r + this.sc.services[s]!.roles.length;
    for (; r < end; r++) {
      const eps = this.roleEndpoints[r]!;
      for (let k = 0; k < eps.length; k++) {
        const e = eps[k]!;
        if (e.port !== port || e.proto !== proto) continue;
        this.pickedRole = r;
        this.pickedEndpoint = e.name;
        const acl = this.roleAcls[r]![k]!.evaluate(src.addr);
        if (!acl.allowed) return acl;
        const gi = this.pick(r);
        if (gi < 0) return LB_NO_INSTANCE;
        this.picked = gi;
        this.deliveredPort = port;
        return this.intoVm(src, this.eps.vm(gi), proto, port);
      }
    }
    // An instance input endpoint: the port names one instance, not balanced; delivered to its local port.
    for (r = this.firstRole[s]!; r < end; r++) {
      for (const e of this.roleInfo(r).instanceInputEndpoints ?? []) {
        const k = port - e.publicPort;
        const insts = this.eps.roleInstances[r]!;
        if (e.protocol !== proto || k < 0 || k >= insts.length) continue;
        this.pickedRole = r;
        this.pickedEndpoint = e.name;
        const gi = insts[k]!;
        if (!this.up(gi)) return LB_INSTANCE_DOWN;
        this.picked = gi;
        this.deliveredPort = e.localPort;
        return this.intoVm(src, this.eps.vm(gi), proto, e.localPort);
      }
    }
    return LB_NO_ENDPOINT;
  }

  /** Kind of global role `r`. */
  roleKind(r: number): 'web' | 'worker' {
    return this.roleKinds[r]!;
  }

  /**
   * Read-only view of the compiled walls, in force since the last `compile`, for explaining a decision after the
   * fact (`walls.ts`). Nothing here changes what `decide` answers.
   */
  compiledWalls(): CompiledWalls {
    return {
      boundary: this.boundary,
      hostAcl: this.hostAcl,
      nsg: this.nsg,
      sqlBoundary: this.sqlBoundary,
      sqlNodeAcl: this.sqlNodeAcl,
      roleAcls: this.roleAcls,
      vlanAllow: this.vlanAllow,
      hostFilter: (gi) => this.hostFilter(gi),
    };
  }
}

/** The corpnet ↔ cluster rules for one management endpoint: the allowed sources reach it, nobody else does. */
function managementRules(sources: AddressSet, mgmt: AddressSet, ports: readonly number[]): AclRule[] {
  return [
    {
      name: 'corpnet-to-management',
      action: 'allow',
      source: sources,
      destination: mgmt,
      protocol: 'tcp',
      ports: [...ports],
    },
    {
      name: 'others-to-management',
      action: 'deny',
      source: AddressSet.ANY,
      destination: mgmt,
      protocol: '*',
      ports: '*',
    },
  ];
}
