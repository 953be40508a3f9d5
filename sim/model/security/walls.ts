/**
 * The walls a packet crosses, as tables a person reads: for a decision recorded in a run (its rule id, and the
 * message's two ends), the compiled rule chain of the wall that decided it — the corpnet ↔ cluster boundary, the host
 * ACL, the SQL node ACL, a cluster's NSG, a VM's host packet filter, a role endpoint's ACL, the VLAN matrix or the
 * load balancer's endpoint map — each rule in the order the engine tries it, named by the same rule id its decision
 * carries, and which row decided.
 *
 * Read-only: it looks at a `RuleBook` after `compile` and never changes what `decide` answers. The rule ids and their
 * order come from the compiled engines themselves (their `decisions`), so a table cannot list a rule the engine does
 * not have; the human wording of each row (who → whom, what) comes from the configuration the book was compiled from.
 */
import {
  type CompiledAcl,
  type Decision,
  type HostFilterRule,
  NSG_DEFAULT_RULES,
  type NsgRule,
  VLAN_DECISIONS,
} from '../../network/index.js';
import type { FullRuleSet, ResolvedAclRule, ResolvedScenario, ResolvedSecurity } from '../../spec/index.js';
import type { Indices } from '../build.js';
import type { RuleBook } from './packet-path.js';

export type WallKind =
  | 'boundary'
  | 'host-acl'
  | 'sql-node-acl'
  | 'nsg'
  | 'host-filter'
  | 'endpoint-acl'
  | 'vlan'
  | 'load-balancer';

/** One rule of a wall. */
export interface WallRule {
  /** The rule id its decisions carry ('list:boundary-c0:corpnet-to-management', 'nsg:65500:DenyAllInBound', …). */
  readonly rule: string;
  /** Its short name within the wall. */
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly from: string;
  readonly to: string;
  /** Protocol and ports, or what else it matches on. */
  readonly what: string;
  /** Added by the platform rather than configured in the scenario. */
  readonly builtIn: boolean;
}

/** A wall's rule chain, and the row that decided one packet. */
export interface WallTable {
  readonly kind: WallKind;
  /** Which wall: 'boundary-c0', 'nsg-c0 (inbound)', 'host filter of shop.web.0 (inbound)', … */
  readonly wall: string;
  /** How the rows are tried, in a sentence. */
  readonly how: string;
  /** True when the first matching row decides (every row above the decider did not match). */
  readonly firstMatch: boolean;
  readonly rows: readonly WallRule[];
  /** What happens when no row matches (may be several, e.g. the host filter's two kinds of drop). */
  readonly fallback: readonly WallRule[];
  /** Index of the deciding row in `rows`, or `rows.length + k` for `fallback[k]`; -1 when no row carries the id. */
  readonly match: number;
}

/** The message whose decision is explained: its ends as the timeline names them, and the event's subject. */
export interface WallQuery {
  readonly rule: string;
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
}

const portsText = (p: unknown): string =>
  p === '*' || p === undefined
    ? 'any port'
    : Array.isArray(p)
      ? `port${p.length > 1 ? 's' : ''} ${p.join(', ')}`
      : `port ${String(p)}`;
const protoText = (p: string): string => (p === '*' ? 'any protocol' : p);
const names = (n: readonly string[] | null | undefined, self = 'this VM'): string =>
  n === null || n === undefined ? self : n.includes('*') ? 'anyone' : n.join(', ');

/**
 * Whether a rule id is one a wall's decisions carry (a list's rule or default, an NSG, host filter or endpoint ACL
 * rule, a VLAN pair, the load balancer's refusal) — checked before any rules are compiled to explain it.
 */
export function isWallRule(rule: string): boolean {
  return (
    /^(list|nsg|host|acl|vlan|vlan-override):/.test(rule) ||
    rule === 'lb:no-endpoint' ||
    /^default:(host-|acl-|no-acl$|[^:]+:(allow|deny)$)/.test(rule)
  );
}

/** Explains decisions against one compiled `RuleBook`. */
export class WallExplainer {
  constructor(
    private readonly book: RuleBook,
    private readonly sc: ResolvedScenario,
    private readonly sec: ResolvedSecurity,
    private readonly ix: Indices,
  ) {}

  /** The table of the wall that made decision `q.rule` for the message `q.from` → `q.to`, or null for no wall's. */
  explain(q: WallQuery): WallTable | null {
    const r = q.rule;
    if (!isWallRule(r)) return null;
    const list = /^(?:list|default):([^:]+):/.exec(r);
    if (list && !r.startsWith('default:host-') && !r.startsWith('default:acl-')) return this.acl(list[1]!, r);
    if (r.startsWith('nsg:')) return this.nsg(r, q);
    if (r.startsWith('host:') || r.startsWith('default:host-')) return this.hostFilter(r, q);
    if (r.startsWith('acl:') || r.startsWith('default:acl-') || r === 'default:no-acl') return this.endpointAcl(r, q);
    if (r.startsWith('vlan:') || r.startsWith('vlan-override:')) return this.vlan(r);
    if (r === 'lb:no-endpoint') return this.loadBalancer(r, q);
    return null;
  }

  private get cfg(): FullRuleSet {
    return this.book.config;
  }

  // --- Access lists: boundary, host ACL, SQL node ACL ----------------------------------------------------------

  private acl(name: string, rule: string): WallTable | null {
    const w = this.book.compiledWalls();
    const ci = this.sc.clusters.findIndex((c) => `boundary-${c.id}` === name || `hosts-${c.id}` === name);
    let acl: CompiledAcl | undefined;
    let kind: WallKind;
    let configured: readonly ResolvedAclRule[];
    if (name === 'boundary-sql') [acl, kind, configured] = [w.sqlBoundary, 'boundary', this.cfg.boundary];
    else if (name === 'sql-nodes') [acl, kind, configured] = [w.sqlNodeAcl, 'sql-node-acl', this.cfg.sqlNodeAcl];
    else if (ci >= 0 && name.startsWith('boundary-'))
      [acl, kind, configured] = [w.boundary[ci], 'boundary', this.cfg.boundary];
    else if (ci >= 0) [acl, kind, configured] = [w.hostAcl[ci], 'host-acl', this.cfg.hostAcl];
    else return null;
    if (!acl) return null;
    const cluster =
      name === 'boundary-sql' || name === 'sql-nodes'
        ? 'the SQL cluster'
        : `cluster ${name.slice(name.indexOf('-') + 1)}`;
    const decisions = acl.decisions;
    const rows = decisions.slice(0, -1).map((d) => {
      const short = d.rule.slice(`list:${name}:`.length);
      const c = configured.find((x) => x.name === short);
      if (c)
        return row(d, short, names(c.source), names(c.destination), `${protoText(c.protocol)} ${portsText(c.ports)}`);
      return this.platformAclRule(d, short, cluster, ci);
    });
    const fallback = [
      row(decisions[decisions.length - 1]!, 'no rule matched', 'anyone', 'anyone', 'the list’s default', true),
    ];
    const what =
      kind === 'boundary'
        ? `The corpnet ↔ ${cluster} boundary (${name})`
        : kind === 'host-acl'
          ? `The ACL in front of the node hosts of ${cluster} (${name})`
          : `The ACL between the SQL nodes (${name})`;
    return table(
      kind,
      name,
      `${what}: rules are tried from the top; the first that matches decides.`,
      true,
      rows,
      fallback,
      rule,
    );
  }

  private platformAclRule(d: Decision, short: string, cluster: string, ci: number): WallRule {
    const p = this.sec.ports;
    const mgmt = ci >= 0 ? `the management endpoint of ${cluster}` : 'the SQL management endpoint';
    switch (short) {
      case 'corpnet-to-management':
        return row(d, short, names(this.cfg.managementSources), mgmt, `tcp ${portsText(p.management)}`, true);
      case 'others-to-management':
        return row(d, short, 'anyone', mgmt, 'any protocol, any port', true);
      case 'outside-to-vips':
        return row(d, short, 'anyone', `the VIPs of ${cluster}’s services`, 'any protocol, any port', true);
      case 'outside-to-gateway':
        return row(d, short, 'anyone', 'the SQL gateway VIP', `tcp ${portsText(p.sqlGateway)}`, true);
      case 'fc-to-host-agent':
        return row(d, short, 'the FC VLAN', 'the node hosts', `tcp ${portsText(p.hostAgent)} (host agent)`, true);
      case 'node-to-node':
        return row(d, short, 'SQL nodes', 'SQL nodes', `tcp ${portsText(p.sqlNodes)} (replication, fabric)`, true);
      case 'gateway-to-nodes':
        return row(d, short, 'the SQL gateway', 'SQL nodes', `tcp ${portsText(p.sqlRedirect)} (redirects)`, true);
      default:
        return row(d, short, '?', '?', 'a rule this table cannot describe', true);
    }
  }

  // --- NSG -----------------------------------------------------------------------------------------------------

  private nsg(rule: string, q: WallQuery): WallTable | null {
    const w = this.book.compiledWalls();
    // The VM's end of the message says which cluster's NSG; the rule says which direction.
    const ends = [this.endOf(q.to), this.endOf(q.from)];
    for (const end of ends) {
      if (end.cluster < 0) continue;
      const nsg = w.nsg[end.cluster];
      const at = nsg?.decisions.findIndex((d) => d.rule === rule) ?? -1;
      if (!nsg || at < 0) continue;
      const direction = nsg.rules[at]!.direction;
      const rows: WallRule[] = [];
      nsg.rules.forEach((n, i) => {
        if (n.direction === direction) rows.push(this.nsgRow(nsg.decisions[i]!, n));
      });
      const c = this.sc.clusters[end.cluster]!.id;
      return table(
        'nsg',
        `nsg-${c} (${direction})`,
        `The network security group of cluster ${c}, ${direction} rules: tried by priority, lowest number first; the first that matches decides.`,
        true,
        rows,
        [],
        rule,
      );
    }
    return null;
  }

  private nsgRow(d: Decision, n: NsgRule): WallRule {
    const name = `${n.name} (${n.priority})`;
    const c = this.cfg.nsg.find((x) => x.name === n.name);
    if (c)
      return row(
        d,
        name,
        names(c.source),
        names(c.destination),
        `${protoText(c.protocol)} ${portsText(c.destinationPorts)}`,
      );
    if (NSG_DEFAULT_RULES.includes(n))
      return row(
        d,
        name,
        String(n.source).replace('*', 'anyone'),
        String(n.destination).replace('*', 'anyone'),
        'any protocol, any port',
        true,
      );
    const ep = /^AllowInputEndpoints-(tcp|udp)-(\d+)$/.exec(n.name);
    if (ep)
      return row(
        d,
        name,
        'anyone',
        `VMs of the roles with an input endpoint on ${ep[1]}/${ep[2]}`,
        `${ep[1]} port ${ep[2]}`,
        true,
      );
    return row(d, name, '?', '?', 'a rule this table cannot describe', true);
  }

  // --- Host packet filter --------------------------------------------------------------------------------------

  private hostFilter(rule: string, q: WallQuery): WallTable | null {
    const w = this.book.compiledWalls();
    const to = this.endOf(q.to);
    const from = this.endOf(q.from);
    // Which VM's filter, which direction: a rule id names one; a drop is the receiver's inbound filter when the
    // receiver is a VM, else the sender's outbound one (anti-spoofing is always outbound).
    const candidates: [number, 'in' | 'out'][] = [];
    if (rule !== 'host:anti-spoofing' && to.instance >= 0) candidates.push([to.instance, 'in']);
    if (from.instance >= 0) candidates.push([from.instance, 'out']);
    for (const [gi, dir] of candidates) {
      const f = w.hostFilter(gi);
      const own = f.rules.find((x) => `host:${x.id}` === rule);
      if (rule.startsWith('host:') && rule !== 'host:anti-spoofing' && own?.direction !== dir) continue;
      const direction = own?.direction ?? dir;
      const inst = this.instName(gi);
      const role = this.ix.roleIds[this.ix.instRole[gi]!]!;
      const byId = new Map(f.decisions.map((d) => [d.rule, d] as const));
      const rows: WallRule[] = [];
      if (direction === 'out') {
        const spoof = byId.get('host:anti-spoofing');
        if (spoof) rows.push(row(spoof, 'anti-spoofing', 'any address but this VM’s', 'anywhere', 'any packet', true));
      }
      for (const x of f.rules) {
        if (x.direction !== direction) continue;
        const d = byId.get(`host:${x.id}`);
        if (d) rows.push(this.hostRow(d, x, role));
      }
      const fallback = ['default:host-tcp-no-flow', 'default:host-deny-all']
        .map((id) => byId.get(id))
        .filter((d): d is Decision => d !== undefined)
        .map((d) =>
          d.rule === 'default:host-deny-all'
            ? row(d, 'no rule matched', 'anyone', 'anyone', 'everything else is dropped', true)
            : row(
                d,
                'TCP without a connection',
                'anyone',
                'anyone',
                'a TCP packet that neither opens nor belongs to an allowed connection',
                true,
              ),
        );
      return table(
        'host-filter',
        `host filter of ${inst} (${direction === 'in' ? 'inbound' : 'outbound'})`,
        `The packet filter in front of ${inst}'s VM, ${direction === 'in' ? 'inbound' : 'outbound'}: the role's own rules, then those the fabric agent installs, tried from the top; the first that matches allows; nothing else passes.`,
        true,
        rows,
        fallback,
        rule,
      );
    }
    return null;
  }

  private hostRow(d: Decision, x: HostFilterRule, role: string): WallRule {
    const own = (this.cfg.hostFilter[role] ?? []).find((h) => h.id === x.id);
    const what = (proto: string, port: unknown) =>
      `${protoText(proto)} ${portsText(port)}${x.stateful ? '' : ', stateless'}`;
    if (own) return row(d, x.id, names(own.src), names(own.dst), what(own.proto, own.dstPort));
    const port = (x.dstPort as unknown) ?? '*';
    const fixed: Record<string, [string, string]> = {
      'dhcp-out': ['this VM', 'the DHCP server'],
      'dhcp-in': ['the DHCP server', 'this VM'],
      'dns-out-udp': ['this VM', 'the DNS resolver'],
      'dns-out-tcp': ['this VM', 'the DNS resolver'],
      'vnet-out': ['this VM', 'its virtual network'],
      'internet-out': ['this VM', 'the Internet'],
      'vnet-in': ['its virtual network', 'this VM'],
    };
    const known = fixed[x.id];
    if (known) return row(d, x.id, known[0], known[1], what(x.proto, port), true);
    if (x.id.startsWith('internal-in:'))
      return row(d, x.id, 'its virtual network', 'this VM', what(x.proto, port), true);
    if (x.id.startsWith('endpoint-in:'))
      return row(d, x.id, 'anyone', 'this VM (input endpoint)', what(x.proto, port), true);
    return row(d, x.id, '?', '?', what(x.proto, port), true);
  }

  // --- Endpoint ACL --------------------------------------------------------------------------------------------

  private endpointAcl(rule: string, q: WallQuery): WallTable | null {
    const w = this.book.compiledWalls();
    // The role the VIP sent the message to (the event's subject), else every role of the service it was sent to.
    let roles = this.rolesNamed(q.subject);
    if (roles.length === 0) {
      const to = this.endOf(q.to);
      roles = to.service >= 0 ? this.rolesOfService(to.service) : [];
    }
    for (const r of roles) {
      const eps = this.book.endpointsOf(r);
      const acls = w.roleAcls[r] ?? [];
      for (let k = 0; k < eps.length; k++) {
        const acl = acls[k];
        if (!acl?.decisions.some((d) => d.rule === rule)) continue;
        const role = this.ix.roleIds[r]!;
        const e = eps[k]!;
        const configured = [...(this.cfg.endpointAcls[role]?.[e.name] ?? [])].sort((a, b) => a.order - b.order);
        const rows = acl.decisions.slice(0, -1).map((d, i) => {
          const c = configured[i];
          return row(
            d,
            c ? `${c.order}${c.description ? ` ${c.description}` : ''}` : d.rule,
            c?.remoteSubnet ?? '?',
            `${role}/${e.name}`,
            `${e.proto} port ${e.port}`,
            false,
            c?.action === 'permit' ? 'allow' : c?.action === 'deny' ? 'deny' : undefined,
          );
        });
        const last = acl.decisions[acl.decisions.length - 1]!;
        const fallbackText =
          last.rule === 'default:no-acl'
            ? 'no ACL on this endpoint: every address passes'
            : last.rule === 'default:acl-implicit-deny'
              ? 'a list with a permit rule denies the rest'
              : 'a list of deny rules only permits the rest';
        return table(
          'endpoint-acl',
          `endpoint ACL of ${role}/${e.name}`,
          `The ACL on the input endpoint ${e.name} (${e.proto}/${e.port}) of ${role}: rules are tried by number, lowest first; the first that matches the client's address decides.`,
          true,
          rows,
          [row(last, 'no rule matched', 'anyone', `${role}/${e.name}`, fallbackText, true)],
          rule,
        );
      }
    }
    return null;
  }

  // --- VLANs ---------------------------------------------------------------------------------------------------

  private vlan(rule: string): WallTable {
    const w = this.book.compiledWalls();
    const seen = new Set<string>();
    const rows: WallRule[] = [];
    for (const d of VLAN_DECISIONS) {
      if (seen.has(d.rule)) continue;
      seen.add(d.rule);
      const m = /^vlan:(\w+)->(\w+)$/.exec(d.rule);
      rows.push(
        m
          ? row(d, `${m[1]} → ${m[2]}`, `${m[1]} VLAN`, `${m[2]} VLAN`, 'opening a connection', true)
          : row(d, 'same VLAN', 'a VLAN', 'the same VLAN', 'any connection', true),
      );
    }
    for (const [pair, d] of w.vlanAllow) {
      const [a, b] = pair.split('->');
      rows.push(row(d, `exception ${a} → ${b}`, `${a} VLAN`, `${b} VLAN`, 'configured exception to isolation', false));
    }
    return table(
      'vlan',
      'VLAN isolation',
      'Isolation between the VLANs of a cluster (main: the nodes, fc: the fabric controller, device: switches and power units): the pair of VLANs decides who may open a connection; a configured exception overrides a deny.',
      false,
      rows,
      [],
      rule,
    );
  }

  // --- Load balancer -------------------------------------------------------------------------------------------

  private loadBalancer(rule: string, q: WallQuery): WallTable | null {
    let service = this.endOf(q.to).service;
    if (service < 0) {
      const r = this.rolesNamed(q.subject)[0];
      if (r !== undefined) service = this.serviceOfRole(r);
    }
    if (service < 0) return null;
    const rows: WallRule[] = [];
    for (const r of this.rolesOfService(service)) {
      for (const e of this.book.endpointsOf(r)) {
        const d: Decision = { allowed: true, rule: `lb:endpoint:${this.ix.roleIds[r]}/${e.name}`, text: '' };
        rows.push(
          row(d, e.name, 'anyone', `${this.ix.roleIds[r]} (in rotation)`, `${e.proto} port ${e.port}`, !e.opened),
        );
      }
    }
    const none: Decision = { allowed: false, rule: 'lb:no-endpoint', text: '' };
    const s = this.sc.services[service]!.id;
    return table(
      'load-balancer',
      `load balancer of ${s}`,
      `The VIP of ${s} forwards a port only to a role that declares it as an input endpoint (or that a rule opened); any other port is refused.`,
      true,
      rows,
      [row(none, 'no input endpoint on this port', 'anyone', `the VIP of ${s}`, 'refused', true)],
      rule,
    );
  }

  // --- Ends of a message ---------------------------------------------------------------------------------------

  /** The cluster, instance and service a timeline actor name points at (−1 where it does not). */
  private endOf(name: string | undefined): { cluster: number; instance: number; service: number } {
    const none = { cluster: -1, instance: -1, service: -1 };
    if (!name) return none;
    const colon = name.indexOf(':');
    const kind = name.slice(0, colon);
    const id = name.slice(colon + 1);
    const clusterById = (c: string) => this.sc.clusters.findIndex((x) => x.id === c);
    switch (kind) {
      case 'ga': {
        const gi = this.ix.instById.get(id);
        return gi === undefined ? none : { cluster: this.ix.instCluster[gi]!, instance: gi, service: -1 };
      }
      case 'ha': {
        const gn = this.ix.nodeById.get(id);
        return gn === undefined ? none : { ...none, cluster: this.ix.nodeCluster[gn]! };
      }
      case 'fc':
        return { ...none, cluster: clusterById(id.split('/')[0]!) };
      case 'lb': {
        const si = this.sc.services.findIndex((s) => s.id === id);
        if (si >= 0) return { ...none, cluster: this.sc.services[si]!.cluster, service: si };
        const r = this.rolesNamed(id)[0];
        return r === undefined ? none : { ...none, service: this.serviceOfRole(r) };
      }
      default:
        return none;
    }
  }

  private instNames: string[] | null = null;

  private instName(gi: number): string {
    if (this.instNames === null) {
      const names: string[] = [];
      for (const [id, i] of this.ix.instById) names[i] = id;
      this.instNames = names;
    }
    return this.instNames[gi] ?? String(gi);
  }

  private rolesNamed(id: string | undefined): number[] {
    if (!id) return [];
    const out: number[] = [];
    this.ix.roleIds.forEach((r, i) => {
      if (r === id) out.push(i);
    });
    return out;
  }

  private serviceOfRole(r: number): number {
    let at = 0;
    for (let s = 0; s < this.sc.services.length; s++) {
      at += this.sc.services[s]!.roles.length;
      if (r < at) return s;
    }
    return -1;
  }

  private rolesOfService(s: number): number[] {
    let r = 0;
    for (let i = 0; i < s; i++) r += this.sc.services[i]!.roles.length;
    return Array.from({ length: this.sc.services[s]!.roles.length }, (_, k) => r + k);
  }
}

function row(
  d: Decision,
  name: string,
  from: string,
  to: string,
  what: string,
  builtIn = false,
  action?: 'allow' | 'deny',
): WallRule {
  return { rule: d.rule, name, action: action ?? (d.allowed ? 'allow' : 'deny'), from, to, what, builtIn };
}

function table(
  kind: WallKind,
  wall: string,
  how: string,
  firstMatch: boolean,
  rows: WallRule[],
  fallback: WallRule[],
  rule: string,
): WallTable {
  let match = rows.findIndex((r) => r.rule === rule);
  if (match < 0) {
    const k = fallback.findIndex((r) => r.rule === rule);
    match = k < 0 ? -1 : rows.length + k;
  }
  return { kind, wall, how, firstMatch, rows, fallback, match };
}
