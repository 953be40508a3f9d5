/**
 * The rule table behind a firewall or access-list decision ("list:boundary-c0:others-to-management",
 * "default:boundary-sql:deny"): the list's rules in the order they are tried, the one that matched, the ones above
 * it that did not (first match wins, so every rule above the matching one did not match), and those below that were
 * never tried. Built from the run's resolved security configuration, with the rules the platform adds to each list
 * (the management-endpoint rules, the VIPs, the FC's path to the host agents, the SQL nodes' own traffic) named as
 * sim/model/security/rules.ts composes them.
 *
 * A rule put in place by a scripted misconfiguration is not in the configured list: the table then says so.
 */

export interface RuleRow {
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly from: string;
  readonly to: string;
  readonly what: string;
  /** Added by the platform rather than configured in the scenario. */
  readonly builtIn: boolean;
  /** 'no match' above the deciding rule, 'match' for it, 'not tried' below it. */
  readonly state: 'no match' | 'match' | 'not tried';
}

export interface RuleTable {
  readonly list: string;
  readonly rows: readonly RuleRow[];
  /** The action taken when no rule matches, and whether that is what decided. */
  readonly defaultAction: 'allow' | 'deny';
  readonly decidedByDefault: boolean;
  /** The deciding rule is not among the configured ones (a misconfiguration added it during the run). */
  readonly notConfigured: boolean;
}

interface AclRuleConfig {
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly source: readonly string[];
  readonly destination: readonly string[];
  readonly protocol: string;
  readonly ports: unknown;
}

interface SecurityConfig {
  readonly ports?: { readonly management?: readonly number[] | number; readonly hostAgent?: number };
  readonly rules?: {
    readonly boundary?: readonly AclRuleConfig[];
    readonly hostAcl?: readonly AclRuleConfig[];
    readonly sqlNodeAcl?: readonly AclRuleConfig[];
    readonly managementSources?: readonly string[];
  };
}

const portsText = (p: unknown): string =>
  p === '*' || p === undefined ? 'any port' : Array.isArray(p) ? `port ${p.join(', ')}` : `port ${String(p)}`;

function configured(rules: readonly AclRuleConfig[] | undefined): Omit<RuleRow, 'state'>[] {
  return (rules ?? []).map((r) => ({
    name: r.name,
    action: r.action,
    from: r.source.join(', '),
    to: r.destination.join(', '),
    what: `${r.protocol === '*' ? 'any protocol' : r.protocol} ${portsText(r.ports)}`,
    builtIn: false,
  }));
}

function builtIn(name: string, action: 'allow' | 'deny', from: string, to: string, what: string) {
  return { name, action, from, to, what, builtIn: true };
}

/** The list's rules in order (without states), or undefined for a list this viewer does not know. */
function listRules(list: string, sec: SecurityConfig): Omit<RuleRow, 'state'>[] | undefined {
  const rules = sec.rules ?? {};
  const mgmtPorts = sec.ports?.management ?? [];
  const mgmt = (target: string) => [
    builtIn(
      'corpnet-to-management',
      'allow',
      (rules.managementSources ?? ['corpnet']).join(', '),
      target,
      `tcp ${portsText(mgmtPorts)}`,
    ),
    builtIn('others-to-management', 'deny', 'anyone', target, 'any protocol, any port'),
  ];
  if (list === 'boundary-sql')
    return [
      ...mgmt('management:sql'),
      ...configured(rules.boundary),
      builtIn('outside-to-gateway', 'allow', 'anyone', 'the SQL gateway VIP', 'tcp (SQL)'),
    ];
  if (list.startsWith('boundary-')) {
    const c = list.slice('boundary-'.length);
    return [
      ...mgmt(`management:${c}`),
      ...configured(rules.boundary),
      builtIn('outside-to-vips', 'allow', 'anyone', `the VIPs of ${c}'s services`, 'any protocol, any port'),
    ];
  }
  if (list.startsWith('hosts-'))
    return [
      ...configured(rules.hostAcl),
      builtIn('fc-to-host-agent', 'allow', 'the FC VLAN', 'the nodes', `tcp ${portsText(sec.ports?.hostAgent ?? '*')}`),
    ];
  if (list === 'sql-nodes')
    return [
      ...configured(rules.sqlNodeAcl),
      builtIn('node-to-node', 'allow', 'SQL nodes', 'SQL nodes', 'tcp (replication, fabric)'),
      builtIn('gateway-to-nodes', 'allow', 'the SQL gateway', 'SQL nodes', 'tcp (redirect ports)'),
    ];
  return undefined;
}

/** The table for a decision's rule id, or null when the rule is not an access list's. */
export function ruleTable(rule: string | undefined, security: unknown): RuleTable | null {
  const m = /^(list|default):([^:]+):(.+)$/.exec(rule ?? '');
  if (!m) return null;
  const [, how, list, name] = m as unknown as [string, 'list' | 'default', string, string];
  const rows = listRules(list, (security ?? {}) as SecurityConfig);
  if (!rows) return null;
  const decidedByDefault = how === 'default';
  const at = decidedByDefault ? rows.length : rows.findIndex((r) => r.name === name);
  const notConfigured = !decidedByDefault && at < 0;
  return {
    list,
    rows: rows.map((r, i) => ({
      ...r,
      state: notConfigured ? 'not tried' : i < at ? 'no match' : i === at ? 'match' : 'not tried',
    })),
    defaultAction: decidedByDefault && (name === 'allow' || name === 'deny') ? name : 'deny',
    decidedByDefault,
    notConfigured,
  };
}
