/**
 * Resolves the `security:` section: durations in µs, defaults filled in (the seed's correct configuration), every
 * name a rule, a traffic item or an expectation uses checked against the topology, every CIDR and port spec parsed
 * once so that a mistake is reported at its path in the file, not in the middle of a run.
 *
 * The result is plain JSON (it is part of the resolved scenario that timelines carry); the model compiles it.
 * The resolved types live in the spec layer (sim/spec/security.ts).
 *
 * Longer than ~600 lines on purpose: it resolves every part of the security section (rule sets, SQL logins and users,
 * builds, access, traffic, expectations) against one set of names and one set of checks (CIDRs, ports, passwords,
 * permissions); split, each part would re-import the same helpers.
 */

import {
  checkPassword,
  DATABASE_PERMISSIONS,
  FIXED_ROLES,
  PASSWORD_FAILURE_TEXT,
  type Permission,
  SERVER_PERMISSIONS,
  SQL_PURPOSES,
  type SqlPurpose,
} from '../auth/index.js';
import { compileGlob, DurationError, parseDuration } from '../engine/index.js';
import { planProblem } from '../model/index.js';
import { AddressError, compilePortSpec, parseAddress, parseCidr, RuleCompileError } from '../network/index.js';
import type {
  FullRuleSet,
  Intent,
  Policies,
  PortSpecValue,
  ResolvedAclRule,
  ResolvedCluster,
  ResolvedEndpointAclRule,
  ResolvedFirewallRule,
  ResolvedHostRule,
  ResolvedNsgRule,
  ResolvedRuleSet,
  ResolvedSecurity,
  ResolvedService,
  ResolvedSqlLogin,
  ResolvedSqlUser,
  ResolvedTraffic,
  SecurityExpectation,
  TrafficKind,
} from '../spec/index.js';
import { ScenarioIssue } from './errors.js';
import type { RuleSetFile, SecurityExpectationFile, SecurityFile, TrafficFile } from './security-schema.js';

type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------------------------
// Defaults (the correct configuration). Documentation ranges (RFC 5737, RFC 3849) for everything outside the data
// centre, private ranges inside it.

export const SECURITY_DEFAULTS = {
  corpnet: ['198.51.100.0/24', '2001:db8:c0::/48'],
  saw: ['198.51.100.0/28'],
  internet: ['203.0.113.0/24', '2001:db8:bad::/48'],
  clusters: '10.0.0.0/9',
  sql: '10.200.0.0/16',
  vips: '192.0.2.0/24',
  /** Inferred: the sources publish no port for FC → host agent traffic. */
  hostAgentPort: 10101,
  /** Service Fabric's default cluster connection port, used between FC replicas. */
  fabricPort: 19001,
  /** Service Fabric's client connection and HTTP gateway ports: the platform management endpoint. */
  managementPorts: [19000, 19080],
  sqlGatewayPort: 1433,
  /** Inferred: replication (5022, as for availability groups) and fabric ports between SQL cluster nodes. */
  sqlNodePorts: '5022,19001-19002',
  /** The redirect port range of the connectivity architecture. */
  sqlRedirectPorts: '11000-11999',
  sqlNodes: 3,
  /** Inferred (thresholds are unpublished); the same as the DoSGuard engine's defaults. */
  dosGuard: { failures: 10, windowUs: 60_000_000, blockUs: 300_000_000 },
  scans: 1,
  detection: 1,
  /** Inferred: how long one virus scan of a build takes. */
  scanTimeUs: 600_000_000,
  /** Inferred: change-advisory-board approval time. */
  approvalTimeUs: 3_600_000_000,
  /** 24 h between stages, as in the (third-party) description of safe deployment. */
  stageSoakUs: 86_400_000_000,
  stages: ['canary', 'pilot', 'broad'],
  jitDurationUs: 8 * 3_600_000_000,
  holdUs: 60_000_000,
  users: ['internet'],
  /** Inferred: an alert rule on users' refused requests, as an operations team would set one (no published figure). */
  monitoring: { windowUs: 300_000_000, refused: 3, share: 0.1 },
} as const;

export const SECURITY_EXPECTATION_KEYS = ['denied', 'allowed', 'never', 'violations', 'exposure'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function duration(text: string, path: Path): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new ScenarioIssue(path, e.message);
    throw e;
  }
}

function cidr(text: string, path: Path): string {
  try {
    return parseCidr(text).text;
  } catch (e) {
    if (e instanceof AddressError) throw new ScenarioIssue(path, e.message);
    throw e;
  }
}

function portSpec(spec: PortSpecValue, path: Path): PortSpecValue {
  try {
    compilePortSpec(spec, 'ports');
  } catch (e) {
    if (e instanceof RuleCompileError) throw new ScenarioIssue(path, e.message.replace(/^ports: /, ''));
    throw e;
  }
  return spec;
}

function isAddressOrCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

/** Everything a rule, a traffic item or an expectation may name. */
export interface SecurityNames {
  readonly clusters: readonly string[];
  readonly roles: ReadonlyMap<string, ResolvedService['roles'][number]>;
  /** Instance ids ("<role>.<k>"), answered from the roles without listing the region's 100,000 of them. */
  readonly instances: { has(name: string): boolean; [Symbol.iterator](): Iterator<string> };
  readonly nodes: ReadonlySet<string>;
  readonly racks: ReadonlySet<string>;
  readonly databases: number;
  readonly sqlNodes: number;
  readonly fcReplicas: number;
}

export function securityNames(
  clusters: readonly ResolvedCluster[],
  services: readonly ResolvedService[],
  p: Policies,
  sqlNodes: number,
): SecurityNames {
  const roles = new Map<string, ResolvedService['roles'][number]>();
  for (const s of services) for (const r of s.roles) roles.set(r.id, r);
  const instances = {
    /** An instance id is a role id, '.', and an index below the role's size written without leading zeros. */
    has(name: string): boolean {
      const dot = name.lastIndexOf('.');
      if (dot < 0) return false;
      const k = name.slice(dot + 1);
      if (!/^(0|[1-9][0-9]*)$/.test(k)) return false;
      const r = roles.get(name.slice(0, dot));
      return r !== undefined && Number(k) < r.instances;
    },
    *[Symbol.iterator](): Iterator<string> {
      for (const s of services) for (const r of s.roles) for (let i = 0; i < r.instances; i++) yield `${r.id}.${i}`;
    },
  };
  return {
    clusters: clusters.map((c) => c.id),
    roles,
    instances,
    nodes: new Set(clusters.flatMap((c) => c.racks.flatMap((r) => r.nodes))),
    racks: new Set(clusters.flatMap((c) => c.racks.map((r) => r.id))),
    databases: p.sql.databases,
    sqlNodes,
    fcReplicas: p.fc.replicas,
  };
}

const ZONE_NAMES = ['corpnet', 'saw', 'internet', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer'];
const CLUSTER_PARTS = ['main', 'fc', 'device', 'nodes', 'vms'];
const GLOBAL_NAMES = ['*', 'management', 'vips', 'sql', 'sql:nodes', 'sql:gateway', ...CLUSTER_PARTS];

/** Whether `name` is an address name rules may use (see AddressField in the schema). */
export function isAddressName(name: string, n: SecurityNames): boolean {
  if (ZONE_NAMES.includes(name) || GLOBAL_NAMES.includes(name)) return true;
  if (n.roles.has(name) || n.instances.has(name) || n.nodes.has(name)) return true;
  const colon = name.indexOf(':');
  if (colon > 0) {
    const head = name.slice(0, colon);
    const tail = name.slice(colon + 1);
    if (n.clusters.includes(head) && CLUSTER_PARTS.includes(tail)) return true;
    if (head === 'management' && (tail === 'sql' || n.clusters.includes(tail))) return true;
  }
  if (n.clusters.includes(name)) return true;
  return isAddressOrCidr(name);
}

function addressList(v: string | string[] | undefined, fallback: string[], n: SecurityNames, path: Path): string[] {
  const list = v === undefined ? fallback : typeof v === 'string' ? [v] : v;
  list.forEach((x, i) => {
    if (!isAddressName(x, n)) {
      const p = typeof v === 'string' ? path : [...path, i];
      let why = `unknown address or name "${x}"`;
      try {
        parseCidr(x);
      } catch (e) {
        if (e instanceof AddressError && /^[\d.:a-fA-F/]+$/.test(x)) why = e.message;
      }
      throw new ScenarioIssue(
        p,
        `${why} (expected a CIDR, "*", a zone such as corpnet, a role, an instance or node id, or "<cluster>:main|fc|device|nodes|vms")`,
      );
    }
  });
  return [...list];
}

function checkRole(role: string, n: SecurityNames, path: Path): void {
  if (!n.roles.has(role)) {
    const known = [...n.roles.keys()];
    throw new ScenarioIssue(
      path,
      `unknown role "${role}" (roles: ${known.slice(0, 6).join(', ')}${known.length > 6 ? ', …' : ''})`,
    );
  }
}

function checkDatabase(db: string, n: SecurityNames, path: Path): void {
  const m = /^db(\d+)$/.exec(db);
  if (!m || Number(m[1]) >= n.databases) {
    throw new ScenarioIssue(
      path,
      n.databases === 0
        ? `unknown database "${db}": the scenario has no SQL databases (policies.sql.databases is 0)`
        : `unknown database "${db}" (databases: db0 … db${n.databases - 1})`,
    );
  }
}

function aclRules(rules: NonNullable<RuleSetFile['hostAcl']>, n: SecurityNames, path: Path): ResolvedAclRule[] {
  const names = new Set<string>();
  return rules.map((r, i) => {
    if (names.has(r.name)) throw new ScenarioIssue([...path, i, 'name'], `duplicate rule name "${r.name}"`);
    names.add(r.name);
    return {
      name: r.name,
      action: r.action,
      source: addressList(r.source, ['*'], n, [...path, i, 'source']),
      destination: addressList(r.destination, ['*'], n, [...path, i, 'destination']),
      protocol: r.protocol ?? '*',
      ports: portSpec(r.ports ?? '*', [...path, i, 'ports']),
    };
  });
}

function firewallRules(rules: readonly ResolvedFirewallRule[], path: Path): ResolvedFirewallRule[] {
  const names = new Set<string>();
  return rules.map((r, i) => {
    if (names.has(r.name)) throw new ScenarioIssue([...path, i, 'name'], `duplicate rule name "${r.name}"`);
    names.add(r.name);
    const ip = (text: string, key: string): number => {
      let a: ReturnType<typeof parseAddress>;
      try {
        a = parseAddress(text);
      } catch (e) {
        throw new ScenarioIssue([...path, i, key], e instanceof Error ? e.message : String(e));
      }
      if (a.family !== 4) throw new ScenarioIssue([...path, i, key], 'SQL firewall rules are IPv4 ranges');
      return a.w3;
    };
    if (ip(r.startIp, 'startIp') > ip(r.endIp, 'endIp')) {
      throw new ScenarioIssue([...path, i], `startIp ${r.startIp} is after endIp ${r.endIp}`);
    }
    return { name: r.name, startIp: r.startIp, endIp: r.endIp };
  });
}

/** Database permissions as written, each checked. */
function dbPermissions(list: readonly string[] | undefined, path: Path): Permission[] {
  return (list ?? []).map((x, k) => {
    if (!(DATABASE_PERMISSIONS as readonly string[]).includes(x)) {
      throw new ScenarioIssue([...path, k], `unknown database permission "${x}"`);
    }
    return x as Permission;
  });
}

/** Fixed database role names as written, each checked. */
function dbRoles(list: readonly string[] | undefined, path: Path): string[] {
  return (list ?? []).map((r, k) => {
    if (!Object.hasOwn(FIXED_ROLES, r) || !r.startsWith('db_')) {
      throw new ScenarioIssue([...path, k], `unknown database role "${r}" (e.g. db_datareader, db_owner)`);
    }
    return r;
  });
}

/** Resolves a rule set; every field present in `f` is resolved, absent ones stay absent. */
export function resolveRuleSet(f: RuleSetFile, n: SecurityNames, path: Path): ResolvedRuleSet {
  const out: Record<string, unknown> = {};
  if (f.endpointAcls) {
    const acls: Record<string, Record<string, ResolvedEndpointAclRule[]>> = {};
    for (const [role, byEndpoint] of Object.entries(f.endpointAcls)) {
      checkRole(role, n, [...path, 'endpointAcls', role]);
      const r = n.roles.get(role)!;
      acls[role] = {};
      for (const [ep, rules] of Object.entries(byEndpoint)) {
        const at: Path = [...path, 'endpointAcls', role, ep];
        if (!r.inputEndpoints.some((e) => e.name === ep) && !/^open:\d+$/.test(ep)) {
          throw new ScenarioIssue(
            at,
            `role ${role} has no input endpoint "${ep}" (its input endpoints: ${r.inputEndpoints.map((e) => e.name).join(', ') || 'none'})`,
          );
        }
        const orders = new Set<number>();
        acls[role][ep] = rules.map((x, i) => {
          if (orders.has(x.order)) throw new ScenarioIssue([...at, i, 'order'], `duplicate order ${x.order}`);
          orders.add(x.order);
          return {
            order: x.order,
            action: x.action,
            remoteSubnet: cidr(x.remoteSubnet, [...at, i, 'remoteSubnet']),
            ...(x.description === undefined ? {} : { description: x.description }),
          };
        });
      }
    }
    out.endpointAcls = acls;
  }
  if (f.nsg) {
    const seen = new Set<string>();
    out.nsg = f.nsg.map((r, i): ResolvedNsgRule => {
      const at: Path = [...path, 'nsg', i];
      const key = `${r.direction}:${r.priority}`;
      if (seen.has(key))
        throw new ScenarioIssue([...at, 'priority'], `two ${r.direction} rules with priority ${r.priority}`);
      seen.add(key);
      return {
        name: r.name,
        priority: r.priority,
        direction: r.direction,
        access: r.access,
        protocol: r.protocol ?? '*',
        source: addressList(r.source, ['*'], n, [...at, 'source']),
        sourcePorts: portSpec(r.sourcePorts ?? '*', [...at, 'sourcePorts']),
        destination: addressList(r.destination, ['*'], n, [...at, 'destination']),
        destinationPorts: portSpec(r.destinationPorts ?? '*', [...at, 'destinationPorts']),
      };
    });
  }
  if (f.hostFilter) {
    const hf: Record<string, ResolvedHostRule[]> = {};
    for (const [role, rules] of Object.entries(f.hostFilter)) {
      checkRole(role, n, [...path, 'hostFilter', role]);
      hf[role] = rules.map((r, i) => {
        const at: Path = [...path, 'hostFilter', role, i];
        return {
          id: `user:${r.id}`,
          direction: r.direction,
          proto: r.proto ?? '*',
          src: r.src === undefined ? (r.direction === 'in' ? ['*'] : null) : addressList(r.src, [], n, [...at, 'src']),
          srcPort: portSpec(r.srcPort ?? '*', [...at, 'srcPort']),
          dst: r.dst === undefined ? (r.direction === 'out' ? ['*'] : null) : addressList(r.dst, [], n, [...at, 'dst']),
          dstPort: portSpec(r.dstPort ?? '*', [...at, 'dstPort']),
          stateful: r.stateful ?? true,
        };
      });
    }
    out.hostFilter = hf;
  }
  if (f.hostAcl) out.hostAcl = aclRules(f.hostAcl, n, [...path, 'hostAcl']);
  if (f.boundary) out.boundary = aclRules(f.boundary, n, [...path, 'boundary']);
  if (f.sqlNodeAcl) out.sqlNodeAcl = aclRules(f.sqlNodeAcl, n, [...path, 'sqlNodeAcl']);
  if (f.managementSources) {
    out.managementSources = addressList(f.managementSources, [], n, [...path, 'managementSources']);
  }
  if (f.sqlFirewall) {
    const databases: Record<string, ResolvedFirewallRule[]> = {};
    for (const [db, rules] of Object.entries(f.sqlFirewall.databases ?? {})) {
      checkDatabase(db, n, [...path, 'sqlFirewall', 'databases', db]);
      databases[db] = firewallRules(rules, [...path, 'sqlFirewall', 'databases', db]);
    }
    out.sqlFirewall = {
      server: firewallRules(f.sqlFirewall.server ?? [], [...path, 'sqlFirewall', 'server']),
      databases,
    };
  }
  if (f.sqlUsers) {
    out.sqlUsers = f.sqlUsers.map((u, i) => {
      const at: Path = [...path, 'sqlUsers', i];
      const database = u.database ?? 'db0';
      checkDatabase(database, n, [...at, 'database']);
      return {
        login: u.login,
        database,
        ...(u.roles === undefined ? {} : { roles: dbRoles(u.roles, [...at, 'roles']) }),
        ...(u.grants === undefined ? {} : { grants: dbPermissions(u.grants, [...at, 'grants']) }),
        ...(u.denies === undefined ? {} : { denies: dbPermissions(u.denies, [...at, 'denies']) }),
      };
    });
  }
  if (f.openPorts) {
    out.openPorts = f.openPorts.map((o, i) => {
      checkRole(o.role, n, [...path, 'openPorts', i, 'role']);
      return { role: o.role, port: o.port, protocol: o.protocol ?? 'tcp' };
    });
  }
  for (const key of [
    'vlanAllow',
    'passwordPolicy',
    'dosGuard',
    'requireMfa',
    'requireSaw',
    'requireJit',
    'defaultAdminEnabled',
    'localAccounts',
    'enforceManifest',
    'approvedSoftware',
    'requireCleanScan',
    'requireApproval',
  ] as const) {
    const v = f[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out as ResolvedRuleSet;
}

/** The correct configuration: what every field of a rule set is when the scenario does not say. */
export function defaultRuleSet(): FullRuleSet {
  return {
    endpointAcls: {},
    nsg: [],
    hostFilter: {},
    hostAcl: [],
    boundary: [],
    managementSources: ['corpnet'],
    sqlNodeAcl: [],
    sqlFirewall: { server: [], databases: {} },
    openPorts: [],
    vlanAllow: [],
    passwordPolicy: true,
    dosGuard: true,
    requireMfa: true,
    requireSaw: true,
    requireJit: true,
    defaultAdminEnabled: false,
    localAccounts: false,
    enforceManifest: true,
    approvedSoftware: [],
    requireCleanScan: true,
    requireApproval: true,
    sqlUsers: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Traffic

const NEEDS: Partial<Record<TrafficKind, readonly (keyof TrafficFile)[]>> = {
  connect: ['to'],
  'sql-login': ['login', 'password'],
  'sql-brute-force': ['login', 'passwords'],
  'sql-spray': ['passwords'],
  'sql-create-login': ['as', 'login', 'password'],
  install: ['target', 'software'],
  'admin-login': ['account', 'target'],
  'jit-request': ['account'],
  'create-account': ['target', 'account'],
  release: ['build'],
  misconfigure: ['change'],
};

/** Checks a source (`from`) reference. */
function checkSource(from: string, n: SecurityNames, path: Path): void {
  if (['internet', 'corpnet', 'saw'].includes(from)) return;
  if (n.instances.has(from) || n.nodes.has(from)) return;
  if (from === 'sql:gateway') return;
  const sqlNode = /^sql:node(\d+)$/.exec(from);
  if (sqlNode && Number(sqlNode[1]) < n.sqlNodes) return;
  if (from.startsWith('fc:') && n.clusters.includes(from.slice(3))) return;
  if (from.startsWith('device:') && n.racks.has(from.slice(7))) return;
  if (isAddressOrCidr(from)) return;
  throw new ScenarioIssue(
    path,
    `unknown source "${from}" (expected internet, corpnet, saw, an address or CIDR, an instance or node id, fc:<cluster>, sql:node<k> or device:<rack>)`,
  );
}

/** Checks a connection target (`to`); returns the default port for it, or 0 when the item must give one. */
function checkTarget(to: string, n: SecurityNames, path: Path): number {
  if (n.roles.has(to)) return n.roles.get(to)!.inputEndpoints[0]?.port ?? 0;
  if (n.instances.has(to) || n.nodes.has(to)) return 0;
  if (to === 'management' || to === 'management:sql') return SECURITY_DEFAULTS.managementPorts[0];
  if (to.startsWith('management:') && n.clusters.includes(to.slice(11))) return SECURITY_DEFAULTS.managementPorts[0];
  if (to === 'sql') return SECURITY_DEFAULTS.sqlGatewayPort;
  const node = /^sql:node(\d+)$/.exec(to);
  if (node && Number(node[1]) < n.sqlNodes) return 5022;
  const fc = /^fc:([^/]+)(\/(\d+))?$/.exec(to);
  if (fc && n.clusters.includes(fc[1]!) && (fc[3] === undefined || Number(fc[3]) < n.fcReplicas)) return 0;
  if (to.startsWith('device:') && n.racks.has(to.slice(7))) return 0;
  try {
    parseAddress(to);
    return 0;
  } catch {
    // fall through
  }
  const roles = [...n.roles.keys()];
  throw new ScenarioIssue(
    path,
    `unknown target "${to}" (expected a role such as ${roles[0] ?? 'shop.web'}, an instance or node id, management[:<cluster>|:sql], sql, sql:node<k>, fc:<cluster>, device:<rack> or an address)`,
  );
}

/** The kinds of traffic that log in to SQL Database (and so say how they authenticate). */
const SQL_LOGIN_KINDS: readonly TrafficKind[] = ['sql-login', 'sql-brute-force', 'sql-spray'];

/**
 * The intent of a traffic item that does not give one: a connect from outside to one of a role's declared input
 * endpoints is a user's visit, one from corpnet to a management endpoint an administrator's, one from inside the
 * platform (an instance, node, FC…) service traffic, and any other connect from outside an attack; a SQL login is a
 * user's, guessing is an attack; logins, installs, accounts and JIT requests are administrators'; builds and
 * releases the pipeline's.
 */
function defaultIntent(kind: TrafficKind, from: string, to: string, port: number, n: SecurityNames): Intent {
  switch (kind) {
    case 'connect': {
      const outside = ['internet', 'corpnet', 'saw'].includes(from) || isAddressOrCidr(from);
      if (!outside) return 'service';
      const role = n.roles.get(to);
      if (role?.inputEndpoints.some((e) => e.port === port)) return 'user';
      if (to.startsWith('management') && (from === 'corpnet' || from === 'saw')) return 'admin';
      return 'attack';
    }
    case 'sql-login':
      return 'user';
    case 'sql-brute-force':
    case 'sql-spray':
      return 'attack';
    case 'build':
    case 'release':
      return 'pipeline';
    default:
      return 'admin';
  }
}

function resolveTraffic(
  t: TrafficFile,
  index: number,
  n: SecurityNames,
  durationUs: number,
  builds: Set<string>,
  allLogins: readonly string[],
): ResolvedTraffic {
  const path: Path = ['security', 'traffic', index];
  for (const key of NEEDS[t.kind] ?? []) {
    if (t[key] === undefined) throw new ScenarioIssue(path, `a ${t.kind} needs "${key}"`);
  }
  const atUs = duration(t.at, [...path, 'at']);
  if (atUs > durationUs) throw new ScenarioIssue([...path, 'at'], `at ${t.at} is after the end of the run`);
  const everyUs = t.every === undefined ? 0 : duration(t.every, [...path, 'every']);
  if (t.every !== undefined && everyUs <= 0) throw new ScenarioIssue([...path, 'every'], 'must be greater than 0');
  if (t.kind === 'misconfigure' && (t.every !== undefined || t.count !== undefined)) {
    throw new ScenarioIssue(path, 'a misconfigure happens once: it takes no "every" or "count"');
  }
  const from = t.from ?? (t.kind === 'admin-login' || t.kind === 'jit-request' ? 'saw' : 'internet');
  checkSource(from, n, [...path, 'from']);
  let port = t.port ?? 0;
  let to = t.to ?? '';
  if (t.kind === 'connect') {
    const dflt = checkTarget(to, n, [...path, 'to']);
    if (port === 0) port = dflt;
    if (port === 0) throw new ScenarioIssue(path, `a connect to "${to}" needs "port"`);
  }
  if (t.kind.startsWith('sql-')) {
    if (n.databases === 0) {
      throw new ScenarioIssue([...path, 'kind'], `${t.kind} needs a SQL database (policies.sql.databases is 0)`);
    }
    to = 'sql';
    port = SECURITY_DEFAULTS.sqlGatewayPort;
  }
  const database = t.database ?? (t.kind.startsWith('sql-') ? 'db0' : '');
  if (t.database !== undefined) checkDatabase(t.database, n, [...path, 'database']);
  let permission: Permission | null = null;
  if (t.permission !== undefined) {
    const all: readonly string[] = [...DATABASE_PERMISSIONS, ...SERVER_PERMISSIONS];
    if (!all.includes(t.permission)) {
      throw new ScenarioIssue(
        [...path, 'permission'],
        `unknown permission "${t.permission}" (e.g. SELECT, INSERT, CONTROL)`,
      );
    }
    permission = t.permission as Permission;
  }
  if (t.authentication !== undefined && !SQL_LOGIN_KINDS.includes(t.kind)) {
    throw new ScenarioIssue(
      [...path, 'authentication'],
      `"authentication" applies to ${SQL_LOGIN_KINDS.join(', ')}, not to a ${t.kind}`,
    );
  }
  if (t.target !== undefined) {
    const re = compileGlob(t.target);
    const hit = [...n.nodes, ...n.instances].some((id) => re.test(id));
    if (!hit) {
      throw new ScenarioIssue([...path, 'target'], `"${t.target}" matches no node or instance`);
    }
  }
  let passwords: ResolvedTraffic['passwords'] = null;
  if (t.passwords !== undefined)
    passwords = Array.isArray(t.passwords) ? [...t.passwords] : { generate: t.passwords.generate };
  const guesses = passwords === null ? 0 : Array.isArray(passwords) ? passwords.length : passwords.generate;
  const logins = t.logins === undefined || t.logins === '*' ? [...allLogins] : [...t.logins];
  if (t.kind === 'sql-spray' && logins.length === 0) {
    throw new ScenarioIssue([...path, 'logins'], 'a sql-spray needs logins to spray (none are declared)');
  }
  let count = t.count ?? 0;
  if (count === 0) {
    if (t.kind === 'sql-brute-force') count = guesses;
    else if (t.kind === 'sql-spray') count = guesses * logins.length;
    else if (everyUs > 0) count = Math.floor((durationUs - atUs) / everyUs) + 1;
    else count = 1;
  }
  if (t.kind === 'release' && !builds.has(t.build!)) {
    throw new ScenarioIssue([...path, 'build'], `no build item before this one has id "${t.build}"`);
  }
  const id = t.id ?? (t.kind === 'build' ? `b${index}` : t.kind === 'misconfigure' ? `m${index}` : `t${index}`);
  if (t.kind === 'build') builds.add(id);
  return {
    index,
    kind: t.kind,
    intent: t.intent ?? defaultIntent(t.kind, from, to, port, n),
    id,
    atUs,
    everyUs,
    count,
    from,
    sources: t.sources ?? 1,
    to,
    port,
    protocol: t.protocol ?? 'tcp',
    holdUs: t.hold === undefined ? SECURITY_DEFAULTS.holdUs : duration(t.hold, [...path, 'hold']),
    login: t.login ?? '',
    logins,
    password: t.password ?? '',
    passwords,
    as: t.as ?? '',
    database,
    permission,
    authentication: t.authentication ?? 'sql',
    target: t.target ?? '',
    software: t.software ?? '',
    account: t.account ?? '',
    accountKind: t.accountKind ?? null,
    mfa: t.mfa ?? true,
    breakGlass: t.breakGlass ?? false,
    approve: t.approve ?? true,
    durationUs: t.duration === undefined ? null : duration(t.duration, [...path, 'duration']),
    build: t.build ?? '',
    component: t.component ?? 'host-os',
    infected: t.infected ?? false,
    failing: t.failing ?? false,
    release: t.release ?? true,
    change: t.change === undefined ? null : resolveRuleSet(t.change, n, [...path, 'change']),
    label: t.label ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The section

export interface SecurityContext {
  readonly clusters: readonly ResolvedCluster[];
  readonly services: readonly ResolvedService[];
  readonly policies: Policies;
  readonly durationUs: number;
  /** Ids already used by faults (misconfigurations are faults too, so ids must not clash). */
  readonly faultIds: ReadonlySet<string>;
}

export function resolveSecurity(f: SecurityFile, ctx: SecurityContext): ResolvedSecurity {
  const D = SECURITY_DEFAULTS;
  const at = (...p: Path): Path => ['security', ...p];
  const sqlNodes = f.sql?.nodes ?? D.sqlNodes;
  const n = securityNames(ctx.clusters, ctx.services, ctx.policies, sqlNodes);
  const zones = {
    corpnet: (f.zones?.corpnet ?? [...D.corpnet]).map((c, i) => cidr(c, at('zones', 'corpnet', i))),
    saw: (f.zones?.saw ?? [...D.saw]).map((c, i) => cidr(c, at('zones', 'saw', i))),
    internet: (f.zones?.internet ?? [...D.internet]).map((c, i) => cidr(c, at('zones', 'internet', i))),
  };
  const addressing = {
    clusters: cidr(f.addressing?.clusters ?? D.clusters, at('addressing', 'clusters')),
    sql: cidr(f.addressing?.sql ?? D.sql, at('addressing', 'sql')),
    vips: cidr(f.addressing?.vips ?? D.vips, at('addressing', 'vips')),
  };
  const fits = planProblem(ctx, { addressing, sqlNodes });
  if (fits) throw new ScenarioIssue(at('addressing', fits.key), fits.message);
  const ports = {
    hostAgent: f.ports?.hostAgent ?? D.hostAgentPort,
    fabric: f.ports?.fabric ?? D.fabricPort,
    management: f.ports?.management ?? [...D.managementPorts],
    sqlGateway: f.ports?.sqlGateway ?? D.sqlGatewayPort,
    sqlNodes: portSpec(f.ports?.sqlNodes ?? D.sqlNodePorts, at('ports', 'sqlNodes')),
    sqlRedirect: portSpec(f.ports?.sqlRedirect ?? D.sqlRedirectPorts, at('ports', 'sqlRedirect')),
  };
  const given = f.rules === undefined ? {} : resolveRuleSet(f.rules, n, at('rules'));
  // The approved image manifest is declared under `software`; the rules enforce it (plus anything they add).
  const approved = [...(f.software?.approved ?? [])];
  const rules = {
    ...defaultRuleSet(),
    ...given,
    approvedSoftware: [...new Set([...approved, ...(given.approvedSoftware ?? [])])],
  } as FullRuleSet;

  // SQL accounts: created at the start through the password policy (when it is on).
  const logins: ResolvedSqlLogin[] = [];
  let admins = 0;
  (f.sql?.logins ?? []).forEach((l, i) => {
    const p = at('sql', 'logins', i);
    if (logins.some((x) => x.name === l.name)) throw new ScenarioIssue([...p, 'name'], `duplicate login "${l.name}"`);
    if (rules.passwordPolicy) {
      const check = checkPassword(l.name, l.password);
      if (!check.ok) {
        throw new ScenarioIssue(
          [...p, 'password'],
          `the password of login "${l.name}" breaks the password policy (${check.failures.map((x) => PASSWORD_FAILURE_TEXT[x]).join('; ')}); to model a policy that was off, set security.rules.passwordPolicy: false`,
        );
      }
    }
    if (l.serverAdmin && ++admins > 1) throw new ScenarioIssue([...p, 'serverAdmin'], 'there is only one server admin');
    logins.push({
      name: l.name,
      password: l.password,
      roles: [...(l.roles ?? [])],
      serverAdmin: l.serverAdmin ?? false,
    });
  });
  if (f.rules?.sqlUsers !== undefined) {
    throw new ScenarioIssue(
      at('rules', 'sqlUsers'),
      'declare database users and their rights under security.sql.users; sqlUsers belongs in a misconfigure change',
    );
  }
  const users: ResolvedSqlUser[] = [];
  (f.sql?.users ?? []).forEach((u, i) => {
    const p = at('sql', 'users', i);
    if (!logins.some((l) => l.name === u.login)) throw new ScenarioIssue([...p, 'login'], `unknown login "${u.login}"`);
    checkDatabase(u.database, n, [...p, 'database']);
    if (users.some((x) => x.login === u.login && x.database === u.database)) {
      throw new ScenarioIssue([...p, 'login'], `login "${u.login}" already has a user in ${u.database}`);
    }
    const purpose = (u.purpose ?? null) as SqlPurpose | null;
    const listed = dbPermissions(u.needs, [...p, 'needs']);
    const needs =
      purpose === null && u.needs === undefined
        ? null
        : [...new Set([...(purpose === null ? [] : SQL_PURPOSES[purpose]), ...listed])];
    users.push({
      name: u.name ?? u.login,
      login: u.login,
      database: u.database,
      roles: dbRoles(u.roles, [...p, 'roles']),
      grants: dbPermissions(u.grants, [...p, 'grants']),
      denies: dbPermissions(u.denies, [...p, 'denies']),
      purpose,
      needs,
    });
  });
  const dg = f.sql?.dosGuard;
  const dosGuard = {
    failures: dg?.failures ?? D.dosGuard.failures,
    windowUs: dg?.window === undefined ? D.dosGuard.windowUs : duration(dg.window, at('sql', 'dosGuard', 'window')),
    blockUs: dg?.block === undefined ? D.dosGuard.blockUs : duration(dg.block, at('sql', 'dosGuard', 'block')),
  };
  if (dosGuard.windowUs <= 0) throw new ScenarioIssue(at('sql', 'dosGuard', 'window'), 'must be greater than 0');
  if (dosGuard.blockUs <= 0) throw new ScenarioIssue(at('sql', 'dosGuard', 'block'), 'must be greater than 0');

  const b = f.builds;
  const builds = {
    scans: b?.scans ?? D.scans,
    detection: b?.detection ?? D.detection,
    scanTimeUs: b?.scanTime === undefined ? D.scanTimeUs : duration(b.scanTime, at('builds', 'scanTime')),
    approvalTimeUs:
      b?.approvalTime === undefined ? D.approvalTimeUs : duration(b.approvalTime, at('builds', 'approvalTime')),
    stages: (b?.stages ?? D.stages.map((name) => ({ name, soak: undefined as string | undefined }))).map((s, i) => ({
      name: s.name,
      soakUs: s.soak === undefined ? D.stageSoakUs : duration(s.soak, at('builds', 'stages', i, 'soak')),
    })),
  };

  const accessAdmins = (f.access?.admins ?? []).map((a) => ({ account: a.account, kind: a.kind }));
  const access = {
    admins: accessAdmins,
    jitDurationUs:
      f.access?.jitDuration === undefined
        ? D.jitDurationUs
        : duration(f.access.jitDuration, at('access', 'jitDuration')),
  };

  const buildIds = new Set<string>();
  const declared = logins.map((l) => l.name);
  const traffic = (f.traffic ?? []).map((t, i) => resolveTraffic(t, i, n, ctx.durationUs, buildIds, declared));
  const ids = new Set<string>();
  for (const t of traffic) {
    const p = at('traffic', t.index, 'id');
    if (t.kind === 'misconfigure' && ctx.faultIds.has(t.id)) throw new ScenarioIssue(p, `"${t.id}" is also a fault id`);
    if (ids.has(t.id)) throw new ScenarioIssue(p, `duplicate traffic id "${t.id}"`);
    (t.change?.sqlUsers ?? []).forEach((c, k) => {
      if (!users.some((u) => u.login === c.login && u.database === c.database)) {
        throw new ScenarioIssue(
          at('traffic', t.index, 'change', 'sqlUsers', k, 'login'),
          `login "${c.login}" has no declared user in ${c.database} (declare it under security.sql.users)`,
        );
      }
    });
    ids.add(t.id);
    const loginsNamed = t.kind === 'sql-spray' ? t.logins : t.kind === 'sql-create-login' ? [t.as] : [];
    loginsNamed.forEach((l) => {
      if (!logins.some((x) => x.name === l) && !traffic.some((o) => o.kind === 'sql-create-login' && o.login === l)) {
        throw new ScenarioIssue(at('traffic', t.index), `unknown login "${l}"`);
      }
    });
  }
  const userRanges = (f.users ?? [...D.users]).map((u, i) =>
    u === 'internet' || u === 'corpnet' || u === 'saw' ? zones[u][0]! : cidr(u, at('users', i)),
  );
  const mon = f.monitoring;
  const monitoring = {
    windowUs: mon?.window === undefined ? D.monitoring.windowUs : duration(mon.window, at('monitoring', 'window')),
    refused: mon?.refused ?? D.monitoring.refused,
    share: mon?.share ?? D.monitoring.share,
  };
  if (monitoring.windowUs <= 0) throw new ScenarioIssue(at('monitoring', 'window'), 'must be greater than 0');
  return {
    zones,
    addressing,
    ports,
    rules,
    sql: { logins, users, nodes: sqlNodes, dosGuard },
    builds,
    software: { approved },
    access,
    traffic,
    users: userRanges,
    monitoring,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations

export function isSecurityExpectationFile(e: object): e is SecurityExpectationFile {
  return SECURITY_EXPECTATION_KEYS.some((k) => k in e);
}

export function resolveSecurityExpectation(e: SecurityExpectationFile, index: number): SecurityExpectation {
  const path: Path = ['expect', index];
  if ('denied' in e || 'allowed' in e) {
    const type = 'denied' in e ? 'denied' : 'allowed';
    const sel = 'denied' in e ? e.denied : e.allowed;
    return {
      type,
      from: sel.from,
      to: sel.to,
      port: sel.port ?? 0,
      kind: sel.kind ?? null,
      rule: sel.rule ?? null,
      reached: sel.reached ?? null,
      index,
    };
  }
  if ('never' in e) return { type: 'never', deployed: e.never.deployed, index };
  if ('violations' in e) {
    const v = e.violations;
    if (typeof v === 'number') return { type: 'violations', atLeast: v, atMost: v, kind: null, index };
    if (v.atLeast === undefined && v.atMost === undefined) {
      throw new ScenarioIssue([...path, 'violations'], 'give a number, or "atLeast" and/or "atMost"');
    }
    return { type: 'violations', atLeast: v.atLeast ?? null, atMost: v.atMost ?? null, kind: v.kind ?? null, index };
  }
  return {
    type: 'exposure',
    withinUs: duration(e.exposure.within, [...path, 'exposure', 'within']),
    atLeastUs: e.exposure.atLeast === undefined ? null : duration(e.exposure.atLeast, [...path, 'exposure', 'atLeast']),
    index,
  };
}
