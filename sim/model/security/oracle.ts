/**
 * The policy oracle: the seed document's security invariants, stated once, independently of the rules that made the
 * decisions. The model asks it about every attempt the rules admitted; an attempt the oracle finds forbidden is a
 * violation — something that got through although the platform's policy says it must not.
 *
 * It knows only what the scenario declares as fact — the zones (which ranges are the corporate network, which are
 * secure admin workstations), the service definitions (role kinds, declared endpoints), the SQL cluster's ports, the
 * approved image manifest, the operators and the length of a JIT grant — and never reads the configured rule sets,
 * which a misconfiguration may have changed. Its password check is its own, written from the documented policy.
 */
import { DATABASE_PERMISSIONS, FIXED_ROLES, PERMISSION_IMPLIES, type Permission } from '../../auth/index.js';
import { type Address, type CidrRange, cidrContains, parseCidr } from '../../network/index.js';
import type { ResolvedScenario, ResolvedSecurity } from '../../spec/index.js';
import type { Indices } from '../build.js';
import { type Endpoint, EP, SQL_CLUSTER } from './plan.js';

/** The invariants, by id, in the words of the seed document. */
export const INVARIANTS = {
  'worker-unreachable': 'worker roles have internet connectivity but cannot be reached from outside',
  'declared-ports-only': 'only ports declared in the service definition are reachable',
  'management-corpnet-only': 'only corporate network ranges reach the platform management endpoint',
  'sql-nodes-isolated': 'SQL Database cluster nodes accept only each other, on the cluster’s ports',
  'vlan-isolation': 'the main VLAN cannot open connections to the FC or device VLANs, and devices open none',
  'hosts-closed': 'node hosts accept connections from their fabric controller only',
  'fabric-internal': 'the fabric controller and network devices cannot be reached from outside their cluster',
  'no-guessed-sql-login': 'no SQL login succeeds with a guessed password',
  'strong-passwords': 'SQL logins have strong passwords',
  'least-privilege': 'database users are configured with the specific rights their purpose needs, and no more',
  'no-infected-deployment': 'no infected build reaches production',
  'clean-scan-before-release': 'no build reaches production without a clean virus scan',
  'approved-releases-only': 'no build reaches production without change-management approval',
  'approved-software-only': 'the host OS runs no software outside the approved image manifest',
  'no-user-accounts': 'nodes and guest VMs have no user accounts',
  'admin-access':
    'only live-support admins and engineers log in to nodes, with MFA, from a secure admin workstation on corpnet, under a current JIT grant or a declared emergency',
} as const;
export type Invariant = keyof typeof INVARIANTS;

/** Inclusive port ranges from a port spec as written ("5022,19001-19002", 1433, "*"); the oracle's own reading. */
function portRanges(spec: number | string | readonly (number | string)[]): [number, number][] {
  const items =
    typeof spec === 'number' ? [String(spec)] : typeof spec === 'string' ? spec.split(',') : spec.map(String);
  return items.map((raw) => {
    const t = raw.trim();
    if (t === '*') return [0, 65535];
    const [a, b] = t.split('-');
    return [Number(a), Number(b ?? a)];
  });
}

function inRanges(ranges: readonly [number, number][], port: number): boolean {
  return ranges.some(([a, b]) => port >= a && port <= b);
}

export interface AdminLoginFacts {
  readonly account: string;
  readonly mfa: boolean;
  readonly src: Address;
  readonly breakGlass: boolean;
  /** The account's JIT grant, as approved: [start, start + length), or null. */
  readonly jit: { readonly approvedAtUs: number; readonly durationUs: number } | null;
  readonly nowUs: number;
}

/** A database user's rights as configured: its fixed roles, and its own grants and denies. */
export interface UserRights {
  readonly roles: readonly string[];
  readonly grants: readonly Permission[];
  readonly denies: readonly Permission[];
}

/** `list` and everything it implies. */
function closure(list: Iterable<Permission>): Set<Permission> {
  const out = new Set<Permission>();
  const todo = [...list];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    for (const q of PERMISSION_IMPLIES[p] ?? []) todo.push(q);
  }
  return out;
}

export interface BuildFacts {
  readonly infected: boolean;
  /** The last virus scan reported the build clean. */
  readonly scannedClean: boolean;
  readonly approved: boolean;
}

export class PolicyOracle {
  private readonly corpnet: CidrRange[];
  private readonly saw: CidrRange[];
  /** Per global role: declared input-endpoint ports and internal-endpoint ports. */
  private readonly inputPorts: number[][];
  private readonly internalPorts: number[][];
  private readonly sqlNodePorts: [number, number][];
  private readonly sqlRedirectPorts: [number, number][];
  private readonly approved: ReadonlySet<string>;
  private readonly admins: ReadonlyMap<string, string>;

  constructor(
    sc: ResolvedScenario,
    private readonly sec: ResolvedSecurity,
    private readonly ix: Indices,
  ) {
    this.corpnet = sec.zones.corpnet.map((c) => parseCidr(c));
    this.saw = sec.zones.saw.map((c) => parseCidr(c));
    const roles = sc.services.flatMap((s) => s.roles);
    this.inputPorts = roles.map((r) => [
      ...r.inputEndpoints.map((e) => e.port),
      ...(r.instanceInputEndpoints ?? []).map((e) => e.localPort),
    ]);
    this.internalPorts = roles.map((r) => r.internalEndpoints.map((e) => e.port));
    this.sqlNodePorts = portRanges(sec.ports.sqlNodes);
    this.sqlRedirectPorts = portRanges(sec.ports.sqlRedirect);
    this.approved = new Set(sec.software.approved);
    this.admins = new Map(sec.access.admins.map((a) => [a.account, a.kind]));
  }

  inCorpnet(a: Address): boolean {
    return this.corpnet.some((r) => cidrContains(r, a));
  }

  inSaw(a: Address): boolean {
    return this.saw.some((r) => cidrContains(r, a));
  }

  private isMain(e: Endpoint): boolean {
    return e.kind === EP.host || e.kind === EP.vm;
  }

  /** The invariant an admitted connection from `src` to `dst` (the final endpoint, after any load balancer) breaks. */
  judgeFlow(src: Endpoint, dst: Endpoint, port: number): Invariant | null {
    const platform = src.kind === EP.lbProbe || src.kind === EP.fc || src.kind === EP.replica;
    const foreign = src.kind === EP.outside || src.cluster !== dst.cluster;
    switch (dst.kind) {
      case EP.vm: {
        if (platform && !foreign) return null;
        const r = this.ix.instRole[dst.index]!;
        const input = this.inputPorts[r]!;
        if (foreign) {
          if (this.ix.roleKinds[r] === 'worker') return 'worker-unreachable';
          return input.includes(port) ? null : 'declared-ports-only';
        }
        return input.includes(port) || this.internalPorts[r]!.includes(port) ? null : 'declared-ports-only';
      }
      case EP.mgmt:
        return this.inCorpnet(src.addr) ? null : 'management-corpnet-only';
      case EP.sqlNode: {
        if (src.cluster !== SQL_CLUSTER || src.kind === EP.outside) return 'sql-nodes-isolated';
        if (src.kind === EP.sqlNode) return inRanges(this.sqlNodePorts, port) ? null : 'sql-nodes-isolated';
        if (src.kind === EP.sqlGateway) return inRanges(this.sqlRedirectPorts, port) ? null : 'sql-nodes-isolated';
        return 'sql-nodes-isolated';
      }
      case EP.fc:
      case EP.replica:
      case EP.device:
        if (foreign) return 'fabric-internal';
        if (this.isMain(src) || (src.kind === EP.device && dst.kind !== EP.device)) return 'vlan-isolation';
        return null;
      case EP.host:
        if (!foreign && (src.kind === EP.fc || src.kind === EP.replica)) return null;
        return 'hosts-closed';
      default:
        return null;
    }
  }

  /** An attacker's login succeeded: the password was guessed. */
  judgeSqlLogin(attacker: boolean, authenticated: boolean): Invariant | null {
    return attacker && authenticated ? 'no-guessed-sql-login' : null;
  }

  /**
   * A login was created with `password`. The documented policy: 8–128 characters; at least 3 of upper case, lower
   * case, digits and other characters; not containing the login name (of 3 or more characters); not a banned word.
   */
  judgeLoginCreated(login: string, password: string): Invariant | null {
    const chars = [...password];
    if (chars.length < 8 || chars.length > 128) return 'strong-passwords';
    let kinds = 0;
    if (/[A-Z]/.test(password)) kinds++;
    if (/[a-z]/.test(password)) kinds++;
    if (/[0-9]/.test(password)) kinds++;
    if (/[^A-Za-z0-9]/.test(password)) kinds++;
    if (kinds < 3) return 'strong-passwords';
    const lower = password.toLowerCase();
    if ([...login].length >= 3 && lower.includes(login.toLowerCase())) return 'strong-passwords';
    if (['password', 'admin', 'administrator', 'sa', 'sysadmin'].includes(lower)) return 'strong-passwords';
    return null;
  }

  /** Software was installed on a node's host OS (`onHost`) or in a guest VM, which is the customer's to fill. */
  /**
   * The database permissions `user` holds beyond what its purpose `needs` (with what those imply), in the order of
   * the permission list; empty when it holds no more than it needs. Held: granted to the user or one of its fixed
   * roles, directly or by implication (CONTROL holds everything), and not denied — the oracle's own reading of DENY
   * over GRANT.
   */
  excessRights(user: UserRights, needs: readonly Permission[]): Permission[] {
    const granted: Permission[] = [...user.grants];
    const denied: Permission[] = [...user.denies];
    for (const r of user.roles) {
      const role = Object.hasOwn(FIXED_ROLES, r) ? FIXED_ROLES[r] : undefined;
      granted.push(...(role?.grants ?? []));
      denied.push(...(role?.denies ?? []));
    }
    const held = closure(granted);
    for (const d of closure(denied)) held.delete(d);
    const allowed = closure(needs);
    return DATABASE_PERMISSIONS.filter((p) => held.has(p) && !allowed.has(p));
  }

  judgeInstall(software: string, onHost: boolean): Invariant | null {
    if (!onHost) return null;
    return this.approved.has(software) ? null : 'approved-software-only';
  }

  judgeAccountCreated(): Invariant {
    return 'no-user-accounts';
  }

  /** An admin login was admitted. */
  judgeAdminLogin(f: AdminLoginFacts): Invariant | null {
    if (!this.admins.has(f.account)) return 'admin-access';
    if (!f.mfa || !this.inSaw(f.src) || !this.inCorpnet(f.src)) return 'admin-access';
    if (f.breakGlass) return null;
    const j = f.jit;
    const length = j === null ? 0 : Math.min(j.durationUs, this.sec.access.jitDurationUs);
    if (j === null || f.nowUs < j.approvedAtUs || f.nowUs >= j.approvedAtUs + length) return 'admin-access';
    return null;
  }

  /** A build reached a deployment stage. */
  judgeDeploy(b: BuildFacts): Invariant | null {
    if (b.infected) return 'no-infected-deployment';
    if (!b.scannedClean) return 'clean-scan-before-release';
    if (!b.approved) return 'approved-releases-only';
    return null;
  }
}
