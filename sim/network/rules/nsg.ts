/**
 * Network security group: prioritised allow/deny rules over the 5-tuple and direction, stateful.
 *
 * - User rules have priorities 100–4096, unique per direction; lower numbers are tried first and the first match
 *   decides.
 * - The default rules below are always appended and cannot be removed or overridden by priority; a user rule can only
 *   pre-empt them by matching first.
 * - Stateful: `NsgFilter` remembers each allowed flow; its later packets and its replies pass without consulting the
 *   rules, so changing or removing a rule never cuts a flow that is already established.
 *
 * Ports are compared as carried by the packet; ICMP packets carry port 0, so an ICMP packet only matches rules whose
 * port fields include 0 (in practice '*').
 */
import type { Packet, Protocol } from '../address.js';
import { type AddressSet, type AddressSpec, compileAddressSpec } from './address-set.js';
import { type Decision, makeDecision, RuleCompileError } from './decision.js';
import {
  DEFAULT_FLOW_TIMEOUTS,
  FLOW_FORWARD,
  FLOW_NONE,
  FlowTable,
  type FlowTimeouts,
  idleTimeoutFor,
} from './flow-table.js';
import { compilePortSpec, type PortSet, type PortSpec } from './port-set.js';
import { serviceTags } from './service-tags.js';

export type NsgProtocol = Protocol | '*';
export type NsgDirection = 'inbound' | 'outbound';

export interface NsgRule {
  /** Unique within the NSG. */
  readonly name: string;
  /** 100–4096 for user rules. */
  readonly priority: number;
  readonly direction: NsgDirection;
  readonly access: 'allow' | 'deny';
  readonly protocol: NsgProtocol;
  /** CIDR, address, '*', a service tag (VirtualNetwork, AzureLoadBalancer, Internet), or a list of those. */
  readonly source: AddressSpec;
  readonly sourcePorts: PortSpec;
  readonly destination: AddressSpec;
  readonly destinationPorts: PortSpec;
  readonly description?: string;
}

export const NSG_MIN_PRIORITY = 100;
export const NSG_MAX_PRIORITY = 4096;

function defaultRule(
  priority: number,
  name: string,
  direction: NsgDirection,
  access: 'allow' | 'deny',
  source: string,
  destination: string,
): NsgRule {
  return Object.freeze({
    name,
    priority,
    direction,
    access,
    protocol: '*',
    source,
    sourcePorts: '*',
    destination,
    destinationPorts: '*',
  });
}

/** The rules every NSG ends with, in evaluation order per direction. */
export const NSG_DEFAULT_RULES: readonly NsgRule[] = Object.freeze([
  defaultRule(65000, 'AllowVnetInBound', 'inbound', 'allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule(65001, 'AllowAzureLoadBalancerInBound', 'inbound', 'allow', 'AzureLoadBalancer', '*'),
  defaultRule(65500, 'DenyAllInBound', 'inbound', 'deny', '*', '*'),
  defaultRule(65000, 'AllowVnetOutBound', 'outbound', 'allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule(65001, 'AllowInternetOutBound', 'outbound', 'allow', '*', 'Internet'),
  defaultRule(65500, 'DenyAllOutBound', 'outbound', 'deny', '*', '*'),
]);

export interface NsgOptions {
  /** Name used in error messages. */
  readonly name?: string;
  /** Address ranges of the VNet (and any peered or connected ranges): the `VirtualNetwork` tag. */
  readonly virtualNetwork: readonly string[];
}

/** One direction's rules, compiled into parallel arrays in evaluation order. */
interface DirectionTable {
  /** 0 = any protocol, else 6 (TCP), 17 (UDP) or 1 (ICMP). */
  readonly proto: Uint8Array;
  readonly src: readonly AddressSet[];
  readonly srcPorts: readonly PortSet[];
  readonly dst: readonly AddressSet[];
  readonly dstPorts: readonly PortSet[];
  readonly decisions: readonly Decision[];
}

function protoCode(p: NsgProtocol): number {
  return p === '*' ? 0 : p === 'tcp' ? 6 : p === 'udp' ? 17 : 1;
}

export interface CompiledNsg {
  /** User rules then default rules, each direction in evaluation order (inbound first). */
  readonly rules: readonly NsgRule[];
  /** Every decision this NSG can return, parallel to `rules`. */
  readonly decisions: readonly Decision[];
  /** Stateless decision for one packet, by `packet.direction` ('in' → inbound rules). Allocation-free. */
  evaluate(packet: Packet): Decision;
}

class Nsg implements CompiledNsg {
  constructor(
    readonly rules: readonly NsgRule[],
    readonly decisions: readonly Decision[],
    private readonly inbound: DirectionTable,
    private readonly outbound: DirectionTable,
  ) {}

  evaluate(p: Packet): Decision {
    const t = p.direction === 'in' ? this.inbound : this.outbound;
    const code = p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : 1;
    const n = t.decisions.length;
    for (let i = 0; i < n; i++) {
      const rp = t.proto[i]!;
      if (rp !== 0 && rp !== code) continue;
      if (!t.src[i]!.contains(p.src) || !t.dst[i]!.contains(p.dst)) continue;
      if (!t.srcPorts[i]!.contains(p.srcPort) || !t.dstPorts[i]!.contains(p.dstPort)) continue;
      return t.decisions[i]!;
    }
    // Unreachable: DenyAll* matches every packet. Kept so the type is total.
    return t.decisions[n - 1]!;
  }
}

function validate(rule: NsgRule, where: string): void {
  if (typeof rule.name !== 'string' || rule.name === '') throw new RuleCompileError(`${where}: rule without a name`);
  const at = `${where} rule ${JSON.stringify(rule.name)}`;
  if (!Number.isInteger(rule.priority) || rule.priority < NSG_MIN_PRIORITY || rule.priority > NSG_MAX_PRIORITY) {
    throw new RuleCompileError(
      `${at}: priority ${String(rule.priority)} is outside ${NSG_MIN_PRIORITY}-${NSG_MAX_PRIORITY}` +
        ' (65000 and above are reserved for the default rules)',
    );
  }
  if (rule.direction !== 'inbound' && rule.direction !== 'outbound') {
    throw new RuleCompileError(`${at}: direction ${JSON.stringify(rule.direction)} is not inbound or outbound`);
  }
  if (rule.access !== 'allow' && rule.access !== 'deny') {
    throw new RuleCompileError(`${at}: access ${JSON.stringify(rule.access)} is not allow or deny`);
  }
  if (!['tcp', 'udp', 'icmp', '*'].includes(rule.protocol)) {
    throw new RuleCompileError(`${at}: protocol ${JSON.stringify(rule.protocol)} is not tcp, udp, icmp or *`);
  }
}

/**
 * Compiles user rules plus the default rules. Throws `RuleCompileError` naming the NSG and rule for a priority
 * outside 100–4096, a duplicate priority in one direction, a duplicate name, or a bad field.
 */
export function compileNsg(rules: readonly NsgRule[], options: NsgOptions): CompiledNsg {
  const where = `NSG ${options.name ?? 'nsg'}`;
  const names = new Set<string>(NSG_DEFAULT_RULES.map((r) => r.name));
  const priorities = new Set<string>();
  for (const r of rules) {
    validate(r, where);
    if (names.has(r.name)) throw new RuleCompileError(`${where}: duplicate rule name ${JSON.stringify(r.name)}`);
    names.add(r.name);
    const key = `${r.direction}:${r.priority}`;
    if (priorities.has(key)) {
      throw new RuleCompileError(`${where}: two ${r.direction} rules with priority ${r.priority}`);
    }
    priorities.add(key);
  }
  const tags = serviceTags(options.virtualNetwork, `${where} virtualNetwork`);
  const ordered: NsgRule[] = [];
  const tables = (['inbound', 'outbound'] as const).map((direction) => {
    const list = [
      ...rules.filter((r) => r.direction === direction).sort((a, b) => a.priority - b.priority),
      ...NSG_DEFAULT_RULES.filter((r) => r.direction === direction),
    ];
    ordered.push(...list);
    const at = (r: NsgRule, field: string) => `${where} rule ${JSON.stringify(r.name)} ${field}`;
    const table: DirectionTable = {
      proto: Uint8Array.from(list, (r) => protoCode(r.protocol)),
      src: list.map((r) => compileAddressSpec(r.source, at(r, 'source'), tags)),
      srcPorts: list.map((r) => compilePortSpec(r.sourcePorts, at(r, 'sourcePorts'))),
      dst: list.map((r) => compileAddressSpec(r.destination, at(r, 'destination'), tags)),
      dstPorts: list.map((r) => compilePortSpec(r.destinationPorts, at(r, 'destinationPorts'))),
      decisions: list.map((r) =>
        makeDecision(
          r.access === 'allow',
          `nsg:${r.priority}:${r.name}`,
          `${r.access} by ${r.direction} rule ${r.name} (priority ${r.priority})`,
        ),
      ),
    };
    return table;
  });
  const inbound = tables[0]!;
  const outbound = tables[1]!;
  return new Nsg(ordered, [...inbound.decisions, ...outbound.decisions], inbound, outbound);
}

/** Returned for a packet travelling an established flow the way it was opened. */
export const NSG_FLOW_FORWARD: Decision = makeDecision(
  true,
  'flow:established',
  'packet of an established, previously allowed flow',
);
/** Returned for the reply traffic of an established flow. */
export const NSG_FLOW_REPLY: Decision = makeDecision(true, 'flow:reply', 'reply traffic of an allowed flow');

/**
 * A stateful NSG: a compiled rule set plus the flows it has allowed. Replacing the rules keeps the flow table, so
 * existing connections survive rule changes.
 */
export class NsgFilter {
  readonly flows: FlowTable;
  private current: CompiledNsg;

  constructor(
    rules: readonly NsgRule[],
    private readonly options: NsgOptions,
    private readonly timeouts: FlowTimeouts = DEFAULT_FLOW_TIMEOUTS,
  ) {
    this.current = compileNsg(rules, options);
    this.flows = new FlowTable();
  }

  get compiled(): CompiledNsg {
    return this.current;
  }

  /** Recompiles with new user rules; tracked flows are kept. */
  setRules(rules: readonly NsgRule[]): void {
    this.current = compileNsg(rules, this.options);
  }

  /**
   * Decides for `p` at `nowUs`: a packet of a tracked flow passes; otherwise the rules decide, and an allowed packet
   * opens a flow. Allocation-free except when a new flow grows the table.
   */
  process(p: Packet, nowUs: number): Decision {
    const m = this.flows.match(p, nowUs);
    if (m !== FLOW_NONE) return m === FLOW_FORWARD ? NSG_FLOW_FORWARD : NSG_FLOW_REPLY;
    const d = this.current.evaluate(p);
    if (d.allowed) this.flows.open(p, nowUs, idleTimeoutFor(this.timeouts, p.proto));
    return d;
  }
}
