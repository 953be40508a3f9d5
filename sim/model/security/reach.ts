/**
 * Users' reach: for every instance of a web role, the share of the users (`security.users`) whose requests the rules
 * in force let through to it — boundary ACL, endpoint ACL, NSG, host filter — averaged over the role's declared input
 * endpoints. Served availability is weighted by it, so a misconfiguration that shuts users out makes the role
 * unavailable to them even while every instance is Ready and in rotation.
 *
 * Worked out once per rule change, not per request, and exactly: a rule decision depends on the source address only
 * through the address sets the rules name, so each user range is cut at every bound of those sets and one address
 * per piece is judged; a piece's share is its length over the range's. Instances of a role share one result unless
 * the rules single one out (an NSG rule naming some of its instances, a host filter rule naming a VM).
 */
import { type AddressSet, addressFromBigInt, addressToBigInt, parseCidr } from '../../network/index.js';
import type { ResolvedScenario, ResolvedSecurity } from '../../spec/index.js';
import type { Indices } from '../build.js';
import type { Endpoints } from './endpoints.js';
import type { RuleBook } from './packet-path.js';
import type { Endpoint } from './plan.js';

interface UserRange {
  readonly family: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

export class UserReach {
  private readonly users: UserRange[];
  /** Global roles that users reach: web roles with declared input endpoints. */
  private readonly roles: number[];

  constructor(
    private readonly sc: ResolvedScenario,
    sec: ResolvedSecurity,
    ix: Indices,
    private readonly eps: Endpoints,
    private readonly rules: RuleBook,
  ) {
    this.users = sec.users.map((u) => {
      const c = parseCidr(u);
      return { family: c.family, lo: addressToBigInt(c.first), hi: addressToBigInt(c.last) };
    });
    this.roles = [];
    for (let r = 0; r < ix.roleIds.length; r++) {
      if (ix.roleKinds[r] === 'web' && this.declared(r) > 0) this.roles.push(r);
    }
  }

  /** Number of declared (not configuration-opened) input endpoints of global role `r`. */
  private declared(r: number): number {
    let n = 0;
    for (const e of this.rules.endpointsOf(r)) if (!e.opened) n++;
    return n;
  }

  /** Calls `set(gi, reach)` for every instance of every web role, from the rules as compiled now. */
  compute(set: (gi: number, reach: number) => void): void {
    const pieces = this.pieces();
    for (const r of this.roles) {
      const insts = this.eps.roleInstances[r]!;
      if (insts.length === 0) continue;
      const each = this.rules.perInstance(r);
      let shared = -1;
      for (const gi of insts) {
        if (each || shared < 0) {
          const v = this.reachOf(r, gi, pieces);
          if (!each) shared = v;
          set(gi, v);
        } else set(gi, shared);
      }
    }
  }

  /** The share of users admitted to instance `gi` of role `r`, averaged over its declared endpoints. */
  private reachOf(r: number, gi: number, pieces: readonly Piece[][]): number {
    const eps = this.rules.endpointsOf(r);
    let sum = 0;
    let n = 0;
    for (let k = 0; k < eps.length; k++) {
      if (eps[k]!.opened) continue;
      let share = 0;
      for (let u = 0; u < this.users.length; u++) {
        let part = 0;
        for (const p of pieces[u]!) {
          if (this.rules.userPath(p.src, r, k, gi).allowed) part += p.weight;
        }
        share += part;
      }
      sum += share / this.users.length;
      n++;
    }
    return n === 0 ? 1 : sum / n;
  }

  /** Each user range cut at every bound of the address sets the rules name, with each piece's share of the range. */
  private pieces(): Piece[][] {
    const sets = this.namedSets();
    return this.users.map((u) => {
      const cuts = new Set<bigint>([u.lo]);
      for (const s of sets) {
        for (const x of s.ranges) {
          if (x.family !== u.family) continue;
          if (x.lo > u.lo && x.lo <= u.hi) cuts.add(x.lo);
          if (x.hi + 1n > u.lo && x.hi + 1n <= u.hi) cuts.add(x.hi + 1n);
        }
      }
      const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const size = u.hi - u.lo + 1n;
      return sorted.map((lo, i) => {
        const next = i + 1 < sorted.length ? sorted[i + 1]! : u.hi + 1n;
        return { src: this.eps.at(addressFromBigInt(u.family, lo)), weight: ratio(next - lo, size) };
      });
    });
  }

  /** Every address set a decision on a user's request can depend on, under the rules in force. */
  private namedSets(): AddressSet[] {
    const cfg = this.rules.config;
    const out: AddressSet[] = [];
    const clusters = [-1, ...this.sc.clusters.map((_, ci) => ci)];
    const add = (names: readonly string[] | null) => {
      if (names === null) return;
      for (const ci of clusters) out.push(this.rules.addresses(names, ci));
    };
    for (const r of cfg.boundary) add(r.source);
    for (const r of cfg.nsg) add(r.source);
    for (const list of Object.values(cfg.hostFilter)) for (const h of list) add(h.src);
    add(cfg.managementSources);
    add(['corpnet', 'saw', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer', 'vips', 'sql', 'main', 'fc', 'device']);
    for (const acls of Object.values(cfg.endpointAcls)) {
      for (const list of Object.values(acls))
        for (const a of list) out.push(this.rules.addresses([a.remoteSubnet], -1));
    }
    return out;
  }
}

interface Piece {
  /** The user at the piece's first address. */
  readonly src: Endpoint;
  readonly weight: number;
}

/** a / b as a float, exact enough for shares of IPv6 ranges too. */
function ratio(a: bigint, b: bigint): number {
  if (a === b) return 1;
  const shift = b > 1n << 52n ? BigInt(b.toString(2).length - 52) : 0n;
  return Number(a >> shift) / Number(b >> shift);
}
