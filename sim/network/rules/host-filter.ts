/**
 * The host packet filter in front of each VM: allow rules over {src, srcPort, dst, dstPort, proto, direction},
 * stateful or stateless, with anti-spoofing. A new VM has no rules, so everything is blocked until the fabric agent
 * installs its rules (`fabricAgentRules`).
 *
 * Order of checks for one packet:
 * 1. Anti-spoofing: an outbound packet whose source is not the VM's own address is dropped ('host:anti-spoofing').
 * 2. A packet of a tracked flow passes, forwards or as a reply ('flow:established' / 'flow:reply').
 * 3. The rules of the packet's direction, in list order; the first match allows, and a stateful rule starts tracking
 *    the flow with the rule's idle timeout. TCP: only a connection-opening packet (`packet.syn`) may match a stateful
 *    rule — a mid-connection TCP packet without a tracked flow is checked against stateless rules only.
 *    UDP and ICMP: every packet without a tracked flow is checked; a stateful match opens the reverse path until the
 *    flow has been idle for its timeout.
 * 4. Otherwise the packet is dropped ('default:host-deny-all', or 'default:host-tcp-no-flow' for a TCP packet that
 *    neither opens a connection nor belongs to one).
 */
import { type Address, addressEquals, type Packet, type Protocol, parseAddress } from '../address.js';
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

export interface HostFilterRule {
  /** Unique within the filter; decisions name it as 'host:<id>'. */
  readonly id: string;
  readonly direction: 'in' | 'out';
  readonly proto: Protocol | '*';
  readonly src: AddressSpec;
  readonly srcPort: PortSpec;
  readonly dst: AddressSpec;
  readonly dstPort: PortSpec;
  /** Track flows opened by this rule so their replies pass. */
  readonly stateful: boolean;
  /** Idle timeout of flows opened by this rule, µs; defaults to `DEFAULT_FLOW_TIMEOUTS` for the packet's protocol. */
  readonly flowTimeoutUs?: number;
}

export const HOST_ANTI_SPOOFING: Decision = makeDecision(
  false,
  'host:anti-spoofing',
  "outbound packet whose source is not the VM's own address",
);
export const HOST_DENY_ALL: Decision = makeDecision(false, 'default:host-deny-all', 'no host filter rule allows it');
export const HOST_TCP_NO_FLOW: Decision = makeDecision(
  false,
  'default:host-tcp-no-flow',
  'TCP packet that neither opens a connection nor belongs to an allowed one',
);
export const HOST_FLOW_FORWARD: Decision = makeDecision(true, 'flow:established', 'packet of an allowed flow');
export const HOST_FLOW_REPLY: Decision = makeDecision(true, 'flow:reply', 'reply traffic of an allowed flow');

/** One direction's rules as parallel arrays, in list order. */
interface Table {
  readonly proto: Uint8Array;
  readonly stateful: Uint8Array;
  /** Idle timeout per rule, µs; 0 = use the protocol default. */
  readonly timeoutUs: Float64Array;
  readonly src: readonly AddressSet[];
  readonly srcPort: readonly PortSet[];
  readonly dst: readonly AddressSet[];
  readonly dstPort: readonly PortSet[];
  readonly decisions: readonly Decision[];
}

function compileTable(rules: readonly HostFilterRule[], where: string): Table {
  const at = (r: HostFilterRule, f: string) => `${where} rule ${JSON.stringify(r.id)} ${f}`;
  return {
    proto: Uint8Array.from(rules, (r) => (r.proto === '*' ? 0 : r.proto === 'tcp' ? 6 : r.proto === 'udp' ? 17 : 1)),
    stateful: Uint8Array.from(rules, (r) => (r.stateful ? 1 : 0)),
    timeoutUs: Float64Array.from(rules, (r) => r.flowTimeoutUs ?? 0),
    src: rules.map((r) => compileAddressSpec(r.src, at(r, 'src'))),
    srcPort: rules.map((r) => compilePortSpec(r.srcPort, at(r, 'srcPort'))),
    dst: rules.map((r) => compileAddressSpec(r.dst, at(r, 'dst'))),
    dstPort: rules.map((r) => compilePortSpec(r.dstPort, at(r, 'dstPort'))),
    decisions: rules.map((r) =>
      makeDecision(
        true,
        `host:${r.id}`,
        `allowed by ${r.stateful ? 'stateful' : 'stateless'} ${r.direction}bound rule ${r.id}`,
      ),
    ),
  };
}

/**
 * The host filter of one VM. `process` is allocation-free except when a stateful rule opens a flow that grows the
 * flow table. `setRules` replaces the rules and keeps tracked flows.
 */
export class HostFilter {
  readonly vmAddress: Address;
  readonly flows = new FlowTable();
  private inbound!: Table;
  private outbound!: Table;
  private ruleList: readonly HostFilterRule[] = [];

  /** A VM starts with no rules: everything blocked. */
  constructor(
    vmAddress: Address | string,
    rules: readonly HostFilterRule[] = [],
    private readonly timeouts: FlowTimeouts = DEFAULT_FLOW_TIMEOUTS,
  ) {
    this.vmAddress = typeof vmAddress === 'string' ? parseAddress(vmAddress) : vmAddress;
    this.setRules(rules);
  }

  get rules(): readonly HostFilterRule[] {
    return this.ruleList;
  }

  /** Every decision this filter can return: rule decisions (inbound, then outbound), then the fixed ones. */
  get decisions(): readonly Decision[] {
    return [
      ...this.inbound.decisions,
      ...this.outbound.decisions,
      HOST_ANTI_SPOOFING,
      HOST_DENY_ALL,
      HOST_TCP_NO_FLOW,
      HOST_FLOW_FORWARD,
      HOST_FLOW_REPLY,
    ];
  }

  /** Compiles and installs `rules`; throws `RuleCompileError` naming the VM and rule on a bad field. */
  setRules(rules: readonly HostFilterRule[]): void {
    const where = `host filter of ${this.vmAddress.text}`;
    const ids = new Set<string>();
    for (const r of rules) {
      if (typeof r.id !== 'string' || r.id === '') throw new RuleCompileError(`${where}: rule without an id`);
      if (ids.has(r.id)) throw new RuleCompileError(`${where}: duplicate rule id ${JSON.stringify(r.id)}`);
      ids.add(r.id);
      if (r.direction !== 'in' && r.direction !== 'out') {
        throw new RuleCompileError(`${where} rule ${r.id}: direction ${JSON.stringify(r.direction)} is not in or out`);
      }
      if (!['tcp', 'udp', 'icmp', '*'].includes(r.proto)) {
        throw new RuleCompileError(`${where} rule ${r.id}: proto ${JSON.stringify(r.proto)}`);
      }
      if (r.flowTimeoutUs !== undefined && !(Number.isInteger(r.flowTimeoutUs) && r.flowTimeoutUs > 0)) {
        throw new RuleCompileError(
          `${where} rule ${r.id}: flowTimeoutUs ${String(r.flowTimeoutUs)} is not a positive integer`,
        );
      }
    }
    this.inbound = compileTable(
      rules.filter((r) => r.direction === 'in'),
      where,
    );
    this.outbound = compileTable(
      rules.filter((r) => r.direction === 'out'),
      where,
    );
    this.ruleList = rules.slice();
  }

  process(p: Packet, nowUs: number): Decision {
    if (p.direction === 'out' && !addressEquals(p.src, this.vmAddress)) return HOST_ANTI_SPOOFING;
    const m = this.flows.match(p, nowUs);
    if (m !== FLOW_NONE) return m === FLOW_FORWARD ? HOST_FLOW_FORWARD : HOST_FLOW_REPLY;
    const t = p.direction === 'in' ? this.inbound : this.outbound;
    const code = p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : 1;
    const midTcp = code === 6 && !p.syn;
    const n = t.decisions.length;
    for (let i = 0; i < n; i++) {
      const rp = t.proto[i]!;
      if (rp !== 0 && rp !== code) continue;
      const stateful = t.stateful[i] === 1;
      if (stateful && midTcp) continue;
      if (!t.src[i]!.contains(p.src) || !t.dst[i]!.contains(p.dst)) continue;
      if (!t.srcPort[i]!.contains(p.srcPort) || !t.dstPort[i]!.contains(p.dstPort)) continue;
      if (stateful) {
        const timeout = t.timeoutUs[i]!;
        this.flows.open(p, nowUs, timeout > 0 ? timeout : idleTimeoutFor(this.timeouts, p.proto));
      }
      return t.decisions[i]!;
    }
    return midTcp ? HOST_TCP_NO_FLOW : HOST_DENY_ALL;
  }
}

export interface EndpointPort {
  /** Port on the VM, 0–65535. */
  readonly port: number;
  readonly proto: 'tcp' | 'udp';
}

export interface FabricAgentRuleOptions {
  /** The VM's own address. */
  readonly vmAddress: string;
  /** The VNet's address range(s). */
  readonly vnetCidr: string | readonly string[];
  /** Load-balanced input endpoints declared by the role: open inbound from anywhere. */
  readonly inputEndpoints: readonly EndpointPort[];
  /**
   * Internal endpoints declared by the role (at most 5). When given, inbound traffic from the VNet is limited to these
   * ports; when omitted, the VM accepts any inbound traffic from its VNet.
   */
  readonly internalEndpoints?: readonly EndpointPort[];
  /** Address of the DHCP server (on the platform, 168.63.129.16). */
  readonly dhcp: string;
  /** Address(es) of the DNS resolvers. */
  readonly dns: string | readonly string[];
  /** Idle timeouts of the flows these rules open; default `DEFAULT_FLOW_TIMEOUTS`. */
  readonly timeouts?: FlowTimeouts;
}

export const MAX_INTERNAL_ENDPOINTS = 5;

/**
 * The rules the fabric agent installs on a VM's host filter, most specific first:
 * DHCP out (stateful) and in (server-initiated, stateless), DNS out over UDP and TCP, all outbound traffic to the
 * VNet, outbound traffic to the Internet (as defined in `service-tags.ts`: not other private ranges), same-VNet
 * inbound (all ports, or only the internal endpoints), then each input endpoint inbound from anywhere.
 * All but 'dhcp-in' are stateful, so replies pass.
 */
export function fabricAgentRules(o: FabricAgentRuleOptions): HostFilterRule[] {
  const vm = parseAddress(o.vmAddress).text;
  const vnet = typeof o.vnetCidr === 'string' ? [o.vnetCidr] : o.vnetCidr;
  const t = o.timeouts ?? DEFAULT_FLOW_TIMEOUTS;
  const internet = serviceTags(vnet, `fabric agent rules for ${vm}: vnetCidr`).Internet;
  const internal = o.internalEndpoints;
  if (internal !== undefined && internal.length > MAX_INTERNAL_ENDPOINTS) {
    throw new RuleCompileError(
      `fabric agent rules for ${vm}: ${internal.length} internal endpoints, at most ${MAX_INTERNAL_ENDPOINTS}`,
    );
  }
  const dns = typeof o.dns === 'string' ? [o.dns] : o.dns;
  const rule = (
    id: string,
    direction: 'in' | 'out',
    proto: Protocol | '*',
    src: AddressSpec,
    srcPort: PortSpec,
    dst: AddressSpec,
    dstPort: PortSpec,
    stateful = true,
  ): HostFilterRule => {
    const timeout = proto === '*' ? undefined : idleTimeoutFor(t, proto);
    return Object.freeze({
      id,
      direction,
      proto,
      src,
      srcPort,
      dst,
      dstPort,
      stateful,
      ...(timeout === undefined ? {} : { flowTimeoutUs: timeout }),
    });
  };
  const rules: HostFilterRule[] = [
    rule('dhcp-out', 'out', 'udp', vm, 68, o.dhcp, 67),
    rule('dhcp-in', 'in', 'udp', o.dhcp, 67, vm, 68, false),
    rule('dns-out-udp', 'out', 'udp', vm, '*', dns, 53),
    rule('dns-out-tcp', 'out', 'tcp', vm, '*', dns, 53),
    rule('vnet-out', 'out', '*', vm, '*', vnet, '*'),
    rule('internet-out', 'out', '*', vm, '*', internet, '*'),
  ];
  if (internal === undefined) {
    rules.push(rule('vnet-in', 'in', '*', vnet, '*', vm, '*'));
  } else {
    for (const e of internal)
      rules.push(rule(`internal-in:${e.proto}:${e.port}`, 'in', e.proto, vnet, '*', vm, e.port));
  }
  for (const e of o.inputEndpoints)
    rules.push(rule(`endpoint-in:${e.proto}:${e.port}`, 'in', e.proto, '*', '*', vm, e.port));
  return rules;
}
