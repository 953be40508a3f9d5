/**
 * A generic, stateless, ordered allow/deny list over (source, destination, protocol, destination port range), for the
 * ACLs between the nodes of a SQL Database cluster and at the corpnet ↔ cluster boundary.
 *
 * Rules are tried in the order given; the first match decides; otherwise the list's default action applies
 * (deny unless stated). Being stateless, a list that must pass replies needs a rule for them, or sits behind a
 * `FlowTable`.
 */
import type { Packet, Protocol } from '../address.js';
import { type AddressSet, type AddressSpec, compileAddressSpec } from './address-set.js';
import { type Decision, makeDecision, RuleCompileError } from './decision.js';
import { compilePortSpec, type PortSet, type PortSpec } from './port-set.js';

export interface AclRule {
  /** Unique within the list; decisions name it as 'list:<list>:<name>'. */
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly source: AddressSpec;
  readonly destination: AddressSpec;
  readonly protocol: Protocol | '*';
  /** Destination ports. */
  readonly ports: PortSpec;
}

export interface AclOptions {
  /** Name of the list, used in rule ids and errors. */
  readonly name: string;
  /** What happens to a packet no rule matches; default 'deny'. */
  readonly defaultAction?: 'allow' | 'deny';
}

export interface CompiledAcl {
  readonly name: string;
  /** One per rule in order, then the default. */
  readonly decisions: readonly Decision[];
  /** Allocation-free. Direction is ignored: a list sits at one boundary and names both ends explicitly. */
  evaluate(packet: Packet): Decision;
}

class Acl implements CompiledAcl {
  readonly decisions: readonly Decision[];
  constructor(
    readonly name: string,
    private readonly proto: Uint8Array,
    private readonly src: readonly AddressSet[],
    private readonly dst: readonly AddressSet[],
    private readonly ports: readonly PortSet[],
    private readonly ruleDecisions: readonly Decision[],
    private readonly fallback: Decision,
  ) {
    this.decisions = [...ruleDecisions, fallback];
  }

  evaluate(p: Packet): Decision {
    const code = p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : 1;
    const n = this.ruleDecisions.length;
    for (let i = 0; i < n; i++) {
      const rp = this.proto[i]!;
      if (rp !== 0 && rp !== code) continue;
      if (this.src[i]!.contains(p.src) && this.dst[i]!.contains(p.dst) && this.ports[i]!.contains(p.dstPort)) {
        return this.ruleDecisions[i]!;
      }
    }
    return this.fallback;
  }
}

/** Compiles a list; throws `RuleCompileError` naming the list and rule on a duplicate name or a bad field. */
export function compileAcl(rules: readonly AclRule[], options: AclOptions): CompiledAcl {
  const where = `ACL ${options.name}`;
  const names = new Set<string>();
  for (const r of rules) {
    if (typeof r.name !== 'string' || r.name === '') throw new RuleCompileError(`${where}: rule without a name`);
    if (names.has(r.name)) throw new RuleCompileError(`${where}: duplicate rule name ${JSON.stringify(r.name)}`);
    names.add(r.name);
    if (r.action !== 'allow' && r.action !== 'deny') {
      throw new RuleCompileError(`${where} rule ${r.name}: action ${JSON.stringify(r.action)}`);
    }
    if (!['tcp', 'udp', 'icmp', '*'].includes(r.protocol)) {
      throw new RuleCompileError(`${where} rule ${r.name}: protocol ${JSON.stringify(r.protocol)}`);
    }
  }
  const defaultAction = options.defaultAction ?? 'deny';
  if (defaultAction !== 'allow' && defaultAction !== 'deny') {
    throw new RuleCompileError(`${where}: defaultAction ${JSON.stringify(defaultAction)}`);
  }
  const at = (r: AclRule, f: string) => `${where} rule ${JSON.stringify(r.name)} ${f}`;
  return new Acl(
    options.name,
    Uint8Array.from(rules, (r) => (r.protocol === '*' ? 0 : r.protocol === 'tcp' ? 6 : r.protocol === 'udp' ? 17 : 1)),
    rules.map((r) => compileAddressSpec(r.source, at(r, 'source'))),
    rules.map((r) => compileAddressSpec(r.destination, at(r, 'destination'))),
    rules.map((r) => compilePortSpec(r.ports, at(r, 'ports'))),
    rules.map((r) => makeDecision(r.action === 'allow', `list:${options.name}:${r.name}`, `${r.action} by ${r.name}`)),
    makeDecision(
      defaultAction === 'allow',
      `default:${options.name}:${defaultAction}`,
      `no rule of ${options.name} matched: default ${defaultAction}`,
    ),
  );
}

export interface ManagementBoundaryOptions {
  /** The corporate network's ranges: the only sources that may reach the management endpoint. */
  readonly corpnet: readonly string[];
  /** Address(es) of the platform management endpoint (e.g. the Windows Fabric management endpoint). */
  readonly managementEndpoint: AddressSpec;
  /** Its port(s). */
  readonly managementPorts: PortSpec;
}

/**
 * Rules for the corpnet ↔ cluster boundary: corpnet may reach the management endpoint, nobody else may. Put them
 * first in a list whose later rules describe the rest of the boundary.
 */
export function managementBoundaryRules(o: ManagementBoundaryOptions): AclRule[] {
  return [
    {
      name: 'corpnet-to-management',
      action: 'allow',
      source: o.corpnet,
      destination: o.managementEndpoint,
      protocol: 'tcp',
      ports: o.managementPorts,
    },
    {
      name: 'others-to-management',
      action: 'deny',
      source: '*',
      destination: o.managementEndpoint,
      protocol: '*',
      ports: '*',
    },
  ];
}

export interface ClusterNodeOptions {
  /** Addresses of the cluster's nodes. */
  readonly nodes: AddressSpec;
  /** Ports the nodes use among themselves (replication, fabric). */
  readonly ports: PortSpec;
}

/** Node ↔ node rule for a SQL Database cluster: the nodes reach each other on the listed TCP ports only. */
export function clusterNodeRules(o: ClusterNodeOptions): AclRule[] {
  return [
    { name: 'node-to-node', action: 'allow', source: o.nodes, destination: o.nodes, protocol: 'tcp', ports: o.ports },
  ];
}
