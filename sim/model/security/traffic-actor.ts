/**
 * The security actor, the one that plays the traffic: attaches to a `Simulation`, compiles the scenario's rule sets, installs them on the network
 * (so the FC's polls and the load balancer's probes meet them too), runs the scripted traffic — connections, SQL
 * logins and attacks on them, installations, admin logins, builds and releases, misconfigurations — and records, for
 * every attempt, what decided it.
 *
 * Events: every attempt is `traffic.<kind>` whatever its intent (subject: what it aimed at; `r`: the deciding rule;
 * `tp`: the seed section; `i`: its intent — user, attack, admin, service or pipeline; `m`: the message, for network
 * attempts), and an attempt that the policy oracle finds forbidden although the rules admitted it is followed by
 * `traffic.<kind>.violation` (its cause; `r`: 'oracle:<invariant>'; `i`: the attempt's intent). A
 * misconfiguration is a fault: `fault.start` / `fault.end` (kind 'security.misconfig' in the summary's faults), and
 * when it blocks infrastructure messages, the faults it causes are detected and recovered like any other.
 *
 * Nothing here changes the world state (the security state — rules, logins, builds, grants — lives beside it), so
 * events carry no patches; the trace hash covers them all.
 *
 * Longer than ~600 lines on purpose: one method per kind of scripted traffic (twelve kinds), all recording through
 * the same attempt path (`attempt` → oracle → book); the pieces it drives are already separate modules (packet-path,
 * infra, sql, access, builds, book, oracle).
 */

import type { Random } from '../../engine/index.js';
import { compileGlob, formatDuration, hashString32, hashUniform } from '../../engine/index.js';
import type { FaultResult, SecuritySummary } from '../../metrics/index.js';
import type { Decision } from '../../network/index.js';
import { type Address, addressFromBigInt, addressToBigInt, parseCidr } from '../../network/index.js';
import type {
  FullRuleSet,
  Intent,
  ResolvedRuleSet,
  ResolvedScenario,
  ResolvedSecurity,
  ResolvedTraffic,
  TrafficKind,
} from '../../spec/index.js';
import type { MessageInfo } from '../../trace/index.js';
import { FaultBook, type OpenFault } from '../faults.js';
import type { Simulation } from '../simulation.js';
import { ClosedEnvironment } from './access.js';
import { keepBase, sharedBase } from './base.js';
import { type AttemptSubject, SecurityBook, type SecurityFacts } from './book.js';
import { type Build, BuildPipeline, type PipelineHost } from './builds.js';
import { generateCandidates } from './candidates.js';
import { Endpoints } from './endpoints.js';
import { type BlockedPaths, InfraPolicy } from './infra.js';
import { INVARIANTS, type Invariant, PolicyOracle } from './oracle.js';
import { RuleBook } from './packet-path.js';
import { AddressPlan, type Endpoint, EP } from './plan.js';
import { UserReach } from './reach.js';
import { SqlServer } from './sql.js';

const MODELS = new WeakMap<Simulation, SecurityModel>();

const OUT_OF_SERVICE = new Set(['OutForRepair', 'HumanInvestigate', 'Dead']);

/** The seed section each kind of attempt illustrates. */
const KIND_TOPIC: Record<TrafficKind, string> = {
  connect: 'compute-connectivity',
  'sql-login': 'sql-authentication',
  'sql-brute-force': 'sql-authentication',
  'sql-spray': 'sql-authentication',
  'sql-create-login': 'sql-authentication',
  install: 'software-installation',
  'admin-login': 'closed-environment',
  'jit-request': 'closed-environment',
  'create-account': 'closed-environment',
  build: 'virus-scans',
  release: 'change-management',
  misconfigure: 'change-management',
};

/** How a connection's event text says why it was made (the event kind is `traffic.connect` whatever the intent; the event's `i` holds it). */
const INTENT_NOTE: Record<Intent, string> = {
  user: "; a user's request",
  attack: '; an attack',
  admin: "; an administrator's",
  service: '; service traffic',
  pipeline: '',
};

interface Overlay {
  readonly item: ResolvedTraffic;
  readonly change: ResolvedRuleSet;
  readonly event: number;
  fault: OpenFault | null;
  reverted: boolean;
  /** Global roles whose users' reach it lowered when it took effect (what the users' alert rule can detect). */
  roles: ReadonlySet<number>;
}

/** The alert rule's view of one role: users' requests within the window (times and whether each was refused). */
interface UserWindow {
  readonly times: number[];
  readonly refused: number[];
  head: number;
  bad: number;
  alerting: boolean;
}

export class SecurityModel {
  readonly plan: AddressPlan;
  readonly eps: Endpoints;
  readonly rules: RuleBook;
  readonly infra: InfraPolicy;
  readonly oracle: PolicyOracle;
  readonly book: SecurityBook;
  readonly sql: SqlServer;
  readonly access: ClosedEnvironment;
  readonly pipeline: BuildPipeline;
  readonly reach: UserReach;
  /** Per global instance: the share of users the rules in force let through to it (web instances). */
  private readonly instReach: Float64Array;
  private readonly userWindows: (UserWindow | undefined)[];
  private readonly roleByName: Map<string, number>;
  private readonly base: FullRuleSet;
  private readonly overlays: Overlay[] = [];
  /** Misconfiguration episodes: incremented each time one starts while none was in force. */
  private episode = 0;
  private readonly attemptNo: Int32Array;
  private readonly sourceCache: (Endpoint | undefined)[][];
  private readonly sourceKey: number[];
  private readonly candidates: (string[] | undefined)[];
  /** Logins found by each guessing item (they stop guessing a login once it is found). */
  private readonly cracked: Set<string>[];
  private readonly lbNext: Int32Array;
  private readonly rng: Random;
  private sqlFirewallApplied: string;
  /** Per database user (`<database>/<login>`) holding rights beyond its purpose: its open violation's handle. */
  private readonly excessRights = new Map<string, number>();

  /** Creates the model for `sim` and schedules the scenario's traffic. */
  static attach(
    sim: Simulation,
    sc: ResolvedScenario,
    sec: ResolvedSecurity,
    rng: Random,
    seed: number,
    /**
     * The run starts from a built world shared with other runs of `sc` (`reuseWorld`): start from the seed-independent
     * part an earlier such run derived (`base.ts`), or derive it and keep it for the later ones.
     */
    reuse = false,
  ): SecurityModel {
    const m = new SecurityModel(sim, sc, sec, rng, seed, reuse);
    MODELS.set(sim, m);
    return m;
  }

  /** The security model attached to `sim`, if any. */
  static of(sim: Simulation): SecurityModel | undefined {
    return MODELS.get(sim);
  }

  private constructor(
    private readonly sim: Simulation,
    private readonly sc: ResolvedScenario,
    private readonly sec: ResolvedSecurity,
    rng: Random,
    seed: number,
    reuse: boolean,
  ) {
    this.rng = rng;
    const ix = sim.ix;
    const shared = reuse ? sharedBase(sc, sec, ix) : undefined;
    // Shared endpoints name actors from the built world (`initial`); ids never change, so they name the same ones.
    this.plan = shared?.plan ?? new AddressPlan(sc, sec, ix.nodeOffset, ix.instOffset);
    this.eps = shared?.eps ?? new Endpoints(this.plan, sc, ix, reuse ? sim.initial : sim.world);
    this.lbNext = new Int32Array(ix.roleIds.length);
    this.rules = new RuleBook(
      sc,
      sec,
      ix,
      this.eps,
      (r) => this.pick(r),
      (gi) => this.isWell(gi),
    );
    this.base = sec.rules;
    if (shared === undefined) this.rules.compile(this.base);
    else this.rules.adopt(shared.rules);
    this.infra = new InfraPolicy(this.eps, this.rules, sec, ix, sim.world);
    this.reach = new UserReach(sc, sec, ix, this.eps, this.rules);
    this.instReach = new Float64Array(ix.instCluster.length).fill(1);
    this.userWindows = new Array(ix.roleIds.length);
    this.roleByName = new Map(ix.roleIds.map((id, r) => [id, r]));
    const reachGi: number[] = [];
    const reachValue: number[] = [];
    if (shared === undefined) this.updateReach(reuse ? reachGi : null, reachValue);
    else {
      for (let k = 0; k < shared.reachGi.length; k++) {
        const gi = shared.reachGi[k]!;
        const v = shared.reachValue[k]!;
        this.instReach[gi] = v;
        sim.k.setUserReach(gi, v);
      }
    }
    this.oracle = new PolicyOracle(sc, sec, ix);
    this.book = new SecurityBook(sc.expect);
    this.sql = new SqlServer(sec, this.base);
    this.sqlFirewallApplied = JSON.stringify(this.base.sqlFirewall);
    this.access = new ClosedEnvironment(new Map(sec.access.admins.map((a) => [a.account, a.kind])));
    this.pipeline = new BuildPipeline(sec, rng.fork('scans'), this.pipelineHost());
    const n = sec.traffic.length;
    this.attemptNo = new Int32Array(n);
    this.sourceCache = sec.traffic.map(() => []);
    this.sourceKey = sec.traffic.map((t) => hashString32(`${seed}/security/sources/${t.index}`));
    this.candidates = new Array(n);
    this.cracked = sec.traffic.map(() => new Set());

    sim.net.setPolicy(this.infra);
    const blocked =
      shared === undefined ? this.infra.recheck(sim.world) : this.infra.adoptCheck(shared.probePort, shared.blocked);
    if (reuse && shared === undefined) {
      keepBase(ix, {
        sc,
        sec,
        plan: this.plan,
        eps: this.eps,
        rules: this.rules.compiled(),
        probePort: this.infra.probePorts(),
        blocked: { ...blocked, nodes: blocked.nodes.slice(), instances: blocked.instances.slice() },
        reachGi: Int32Array.from(reachGi),
        reachValue: Float64Array.from(reachValue),
      });
    }
    if (this.infra.disturbing) {
      this.noteBlocked(blocked, -1, 'the configured rules');
      sim.disturbAll();
    }
    // Declared logins that break the policy (it was off when they were made) are violations from the start.
    for (const l of sec.sql.logins) {
      const v = this.oracle.judgeLoginCreated(l.name, l.password);
      if (v !== null) {
        const id = this.note(
          'sql.login-exists',
          l.name,
          -1,
          () => `login ${l.name} exists with a weak password`,
          'config:password-policy-off',
          'sql-authentication',
        );
        this.violate('sql-create-login', 'admin', l.name, id, v, 0, Number.POSITIVE_INFINITY, 'sql-authentication');
      }
    }
    this.judgeRights(-1);
    for (const t of sec.traffic) sim.sched.at(t.atUs, this.onAttempt, t.index);
  }

  private get now(): number {
    return this.sim.now;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Configuration

  /** The rules in force: the configured ones with every active misconfiguration in front, latest first. */
  effective(): FullRuleSet {
    let cfg = this.base;
    for (const o of this.overlays) if (!o.reverted) cfg = overlay(cfg, o.change);
    return cfg;
  }

  private activeOverlays(): number {
    let n = 0;
    for (const o of this.overlays) if (!o.reverted) n++;
    return n;
  }

  /** Recompiles the rules in force and re-derives the blocked infrastructure paths and the users' reach. */
  private recompile(): BlockedPaths & { readonly unreached: readonly number[] } {
    this.rules.compile(this.effective());
    this.sql.setUserChanges(this.rules.config.sqlUsers ?? []);
    const blocked = this.infra.recheck(this.sim.world);
    return { ...blocked, unreached: this.updateReach() };
  }

  /**
   * Re-derives every web instance's users' reach; returns the instances whose reach fell. With `gis`, also lists
   * every instance set and its reach (`values`) in order (the base kept for a sweep worker's later runs).
   */
  private updateReach(gis: number[] | null = null, values: number[] = []): number[] {
    const fell: number[] = [];
    this.reach.compute((gi, v) => {
      if (v < this.instReach[gi]!) fell.push(gi);
      this.instReach[gi] = v;
      this.sim.k.setUserReach(gi, v);
      if (gis !== null) {
        gis.push(gi);
        values.push(v);
      }
    });
    return fell;
  }

  /**
   * Least privilege: every database user with a declared purpose is judged on the rights now in force. A user that
   * starts to hold more than its purpose needs is a violation (kind sql-login: what its logins may now do), open
   * until its rights are back within the purpose; `cause` is the configuration change that did it (-1: as declared).
   */
  private judgeRights(cause: number): void {
    const topic = 'sql-authentication';
    for (const u of this.sec.sql.users) {
      if (u.needs === null) continue;
      const key = `${u.database}/${u.login}`;
      const rights = this.sql.userRights(u.login, u.database)!;
      const excess = this.oracle.excessRights(
        { roles: rights.roles ?? [], grants: rights.grants ?? [], denies: rights.denies ?? [] },
        u.needs,
      );
      const open = this.excessRights.get(key);
      if (excess.length === 0) {
        if (open !== undefined) {
          this.book.closeViolation(open, this.now);
          this.excessRights.delete(key);
        }
        continue;
      }
      if (open !== undefined) continue;
      const purpose = u.purpose === null ? `needs ${u.needs.join(', ')}` : `purpose ${u.purpose}`;
      const id = this.note(
        'sql.user-rights',
        `sql:${u.login}`,
        cause,
        () => `user ${u.name} in ${u.database} (${purpose}) holds ${excess.join(', ')} beyond what it needs`,
        'config:rights-beyond-purpose',
        topic,
      );
      const handle = this.violate(
        'sql-login',
        // Standing rights are an administrator's configuration, not any one attempt's.
        'admin',
        `sql:${u.login}`,
        id,
        'least-privilege',
        this.now,
        Number.POSITIVE_INFINITY,
        topic,
      );
      this.excessRights.set(key, handle);
    }
  }

  /**
   * After a recompilation: wakes every poller (what their next poll meets may have changed), and schedules the SQL
   * firewall's part of the change, which takes effect only after `policies.sql.firewallDelay`.
   */
  private propagate(cause: number): void {
    this.sim.disturbAll();
    const cfg = this.rules.config;
    const fw = JSON.stringify(cfg.sqlFirewall);
    if (fw === this.sqlFirewallApplied) return;
    this.sqlFirewallApplied = fw;
    const delay = this.sc.policies.sql.firewallDelayUs;
    this.sim.sched.after(delay, () => {
      // A later change supersedes this one (it has its own delay).
      if (JSON.stringify(this.rules.config.sqlFirewall) !== fw) return;
      this.sql.setFirewall(cfg.sqlFirewall);
      this.note(
        'sql.firewall-applied',
        'sql:gateway',
        cause,
        () => `the SQL firewall rule change takes effect, ${formatDuration(delay)} after it was made`,
        `sql.firewallDelay=${formatDuration(delay)}`,
        'sql-authentication',
      );
    });
  }

  private noteBlocked(b: BlockedPaths, cause: number, what: string): number {
    const parts: string[] = [];
    if (b.nodes.length > 0) parts.push(`the FC's polls of ${b.nodes.length} node(s)`);
    if (b.instances.length > 0) parts.push(`load-balancer probes of ${b.instances.length} instance(s)`);
    if (b.replicaPairs > 0) parts.push(`${b.replicaPairs} FC replica path(s)`);
    return this.note(
      'security.blocks',
      'network',
      cause,
      () => `${what} block ${parts.join(', ')}`,
      b.first?.rule ?? '',
      'compute-connectivity',
    );
  }

  private misconfigure(t: ResolvedTraffic): void {
    const change = t.change!;
    const target = describeChange(change);
    const topic = changeTopic(change);
    const o: Overlay = { item: t, change, event: -1, fault: null, reverted: false, roles: new Set() };
    if (this.activeOverlays() === 0) this.episode++;
    this.overlays.push(o);
    const blocked = this.recompile();
    const until = t.durationUs === null ? 'until further notice' : `for ${formatDuration(t.durationUs)}`;
    const event = this.sim.change(
      'fault.start',
      target,
      -1,
      () => `fault ${t.id}: misconfiguration ${until}: ${target}`,
      null,
      {
        tp: topic,
        r: 'fault:security.misconfig',
        d: t.durationUs === null ? undefined : [{ t: this.now + t.durationUs, k: 'fault.end', s: target }],
      },
    );
    (o as { event: number }).event = event;
    this.judgeRights(event);
    o.roles = new Set(blocked.unreached.map((gi) => this.sim.ix.instRole[gi]!));
    if (blocked.unreached.length > 0) {
      this.note(
        'security.unreachable',
        target,
        event,
        () =>
          `misconfiguration ${t.id} shuts users out of ${[...o.roles].map((r) => this.sim.ix.roleIds[r]).join(', ')} (${blocked.unreached.length} instance(s) reach fewer users)`,
        'users',
        'compute-connectivity',
      );
    }
    const result: FaultResult = {
      id: t.id,
      kind: 'security.misconfig',
      target,
      atUs: this.now,
      affected: blocked.nodes.length + new Set([...blocked.instances, ...blocked.unreached]).size,
      detectedAtUs: null,
      detectedBy: null,
      detections: [],
      recoveredAtUs: null,
      ttdUs: null,
      ttrUs: null,
      event,
    };
    const keys = [
      this.sim.faults.keyOther(`misconfig:${t.id}`),
      ...blocked.nodes.map(FaultBook.keyNode),
      ...blocked.instances.map(FaultBook.keyInstance),
    ];
    o.fault = this.sim.faults.open(result, keys, this.isWell, () => o.reverted);
    if (this.infra.disturbing) this.noteBlocked(blocked, event, `misconfiguration ${t.id} makes the rules`);
    this.propagate(event);
    if (t.durationUs !== null) this.sim.sched.after(t.durationUs, () => this.revert(o));
  }

  private revert(o: Overlay): void {
    o.reverted = true;
    const target = describeChange(o.change);
    const id = this.sim.change(
      'fault.end',
      target,
      o.event,
      `misconfiguration ${o.item.id} reverted: the configured rules are back`,
      null,
      {
        tp: changeTopic(o.change),
        r: 'fault:security.misconfig',
      },
    );
    const blocked = this.recompile();
    this.judgeRights(id);
    if (this.infra.disturbing) this.noteBlocked(blocked, id, 'the rules still in force');
    this.propagate(id);
    const f = o.fault;
    if (f?.open && f.bad === 0) {
      this.sim.faults.close(f, this.now);
      const r = f.result;
      this.sim.rec.emit(
        this.now,
        'recover',
        r.target,
        id,
        () => `${r.id} (${r.kind}) recovered after ${formatDuration(r.ttrUs ?? 0)}`,
        undefined,
        {
          tp: changeTopic(o.change),
        },
      );
    }
  }

  /** Well-ness of fault-book keys, as the simulation defines it (a node settled, an instance healthy). */
  private readonly isWell = (key: number): boolean => {
    if (key < 1 << 26) {
      const i = this.sim.inst(key);
      return i.status === 'Ready' && !i.hung && i.vm === 'Running' && i.node >= 0;
    }
    if (key < 1 << 27) {
      const n = this.sim.node(key - (1 << 26));
      return (n.status === 'Ready' && n.powered && n.hostAgentUp) || OUT_OF_SERVICE.has(n.status);
    }
    return true;
  };

  // -------------------------------------------------------------------------------------------------------------
  // Recording

  private note(kind: string, subject: string, cause: number, text: () => string, rule: string, topic: string): number {
    return this.sim.rec.emit(this.now, kind, subject, cause, text, undefined, {
      r: rule === '' ? undefined : rule,
      tp: topic,
    });
  }

  private message(from: Endpoint, to: Endpoint, ok: boolean): MessageInfo {
    const far = from.kind === EP.outside || to.kind === EP.outside || to.kind === EP.vip || to.kind === EP.sqlGateway;
    const latency = far ? this.sc.policies.network.internetLatencyUs : this.sc.policies.network.latencyUs;
    return { from: from.name, to: to.name, at: ok ? this.now + latency : this.now, ok };
  }

  /** Records one attempt; returns its event id. */
  private record(
    kind: TrafficKind,
    subject: AttemptSubject,
    name: string,
    d: Decision,
    text: () => string,
    m: MessageInfo | undefined,
    topic: string,
    cause = -1,
  ): number {
    const id = this.sim.rec.emit(this.now, `traffic.${kind}`, name, cause, text, undefined, {
      r: d.rule,
      tp: topic,
      i: subject.intent,
      m,
    });
    this.book.attempt(subject, d.allowed, d.rule, this.now);
    return id;
  }

  /** Records the violation of `invariant` by attempt `cause`, open from `startUs` to `endUs`; returns its handle. */
  private violate(
    kind: TrafficKind,
    intent: Intent,
    name: string,
    cause: number,
    invariant: Invariant,
    startUs: number,
    endUs: number,
    topic: string,
  ): number {
    const active = this.overlays.filter((o) => !o.reverted).map((o) => o.item.id);
    const episode = active.length > 0 ? this.episode : 0;
    this.sim.rec.emit(
      this.now,
      `traffic.${kind}.violation`,
      name,
      cause,
      () =>
        `policy violation: ${INVARIANTS[invariant]}${active.length > 0 ? ` — admitted while ${active.join(', ')} was in force` : ''}`,
      undefined,
      { r: `oracle:${invariant}`, tp: topic, i: intent },
    );
    return this.book.violation(kind, intent, startUs, endUs, episode);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sources

  /** The source of attempt `n` of item `t`. */
  private source(t: ResolvedTraffic, n: number): Endpoint {
    const slot = n % t.sources;
    const cache = this.sourceCache[t.index]!;
    let e = cache[slot];
    if (e === undefined) {
      e = this.drawSource(t, slot);
      cache[slot] = e;
    }
    return e;
  }

  private drawSource(t: ResolvedTraffic, slot: number): Endpoint {
    const zone = t.from === 'internet' || t.from === 'corpnet' || t.from === 'saw' ? this.sec.zones[t.from][0]! : null;
    let cidr = zone;
    if (cidr === null) {
      try {
        const c = parseCidr(t.from);
        cidr = c.prefix === (c.family === 4 ? 32 : 128) ? null : c.text;
      } catch {
        cidr = null;
      }
    }
    if (cidr === null) return this.eps.byName(t.from);
    const r = parseCidr(cidr);
    const first = addressToBigInt(r.first);
    const span = addressToBigInt(r.last) - first + 1n;
    // Skip the network and broadcast addresses of ranges large enough to have them.
    const usable = span > 4n ? span - 2n : span;
    const skip = span > 4n ? 1n : 0n;
    const start = BigInt(
      Math.floor(hashUniform(this.sourceKey[t.index]!, 0, 0) * Number(usable > 2n ** 52n ? 2n ** 52n : usable)),
    );
    const addr: Address = addressFromBigInt(r.family, first + skip + ((start + BigInt(slot)) % usable));
    return this.eps.at(addr);
  }

  private subject(t: ResolvedTraffic, src: Endpoint | null, to: string, reached: string): AttemptSubject {
    return {
      kind: t.kind,
      intent: t.intent,
      from: t.from,
      zone: src === null ? '' : this.plan.zoneOf(src.addr),
      src: src?.addr ?? null,
      to,
      reached,
      port: src === null ? 0 : t.port,
    };
  }

  /**
   * The load balancer's next instance of global role `r` (round robin), or -1: a web instance in rotation, or — for
   * an endpoint opened on a worker role, which has no probe of its own — any Ready instance (the default probe).
   */
  private pick(r: number): number {
    const list = this.eps.roleInstances[r]!;
    const web = this.sim.ix.roleKinds[r] === 'web';
    for (let k = 0; k < list.length; k++) {
      const slot = (this.lbNext[r]! + k) % list.length;
      const gi = list[slot]!;
      const i = this.sim.inst(gi);
      if ((!web || i.inRotation) && i.status === 'Ready' && !i.hung && i.vm === 'Running' && i.node >= 0) {
        this.lbNext[r] = (slot + 1) % list.length;
        return gi;
      }
    }
    return -1;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Attempts

  private readonly onAttempt = (index: number): void => {
    const t = this.sec.traffic[index]!;
    const n = this.attemptNo[index]!;
    this.attemptNo[index] = n + 1;
    let more = true;
    switch (t.kind) {
      case 'connect':
        this.connect(t, n);
        break;
      case 'sql-login':
      case 'sql-brute-force':
      case 'sql-spray':
        more = this.sqlLogin(t, n);
        break;
      case 'sql-create-login':
        this.sqlCreateLogin(t, n);
        break;
      case 'install':
      case 'admin-login':
      case 'create-account':
        this.onTargets(t, n);
        break;
      case 'jit-request':
        this.jitRequest(t);
        break;
      case 'build':
        this.pipeline.submit(n === 0 ? t : { ...t, id: `${t.id}-${n}` });
        break;
      case 'release':
        this.release(t);
        break;
      case 'misconfigure':
        this.misconfigure(t);
        more = false;
        break;
    }
    if (!more || n + 1 >= t.count) return;
    const next = t.atUs + (n + 1) * t.everyUs;
    if (t.everyUs > 0 && next <= this.sc.durationUs) this.sim.sched.at(next, this.onAttempt, index);
    else if (t.everyUs === 0) this.sim.sched.at(this.now, this.onAttempt, index);
  };

  private connect(t: ResolvedTraffic, n: number): void {
    const src = this.source(t, n);
    const dst = this.eps.byName(t.to);
    const d = this.rules.decide(src, dst, t.protocol, t.port);
    const reached = this.rules.picked >= 0 ? this.eps.vm(this.rules.picked) : dst;
    // Through a VIP, the port decides the role: it may not be the one the item named (roles share their service's VIP).
    const viaRole = dst.kind === EP.vip ? this.rules.pickedRole : -1;
    const roleId = viaRole >= 0 ? this.sim.ix.roleIds[viaRole]! : '';
    const endpoint = this.rules.pickedEndpoint;
    const port = this.rules.deliveredPort || t.port;
    const named = this.roleByName.get(t.to);
    const elsewhere = named !== undefined && viaRole >= 0 && viaRole !== named;
    const srcZone = this.plan.zoneOf(src.addr);
    const topic =
      dst.kind === EP.mgmt || srcZone === 'corpnet' || srcZone === 'saw'
        ? 'corpnet-acls'
        : dst.kind === EP.sqlNode
          ? 'sql-node-acls'
          : 'compute-connectivity';
    const name = reached.kind === EP.vm ? reached.name.slice(3) : reached.kind === EP.vip ? t.to : reached.name;
    const where =
      viaRole < 0
        ? ''
        : `${reached.kind === EP.vm ? `${d.allowed ? 'delivered to' : 'for'} ${name}, ` : ''}role ${roleId}, endpoint ${endpoint}${port !== t.port ? ` (port ${port})` : ''}${elsewhere ? ` — not ${t.to}: port ${t.port} of the VIP belongs to ${roleId}` : ''}`;
    const subject = { ...this.subject(t, src, t.to, name), reachedRole: roleId, endpoint };
    const id = this.record(
      'connect',
      subject,
      name,
      d,
      () =>
        `${src.name} → ${t.to} ${t.protocol}/${t.port}: ${d.allowed ? 'admitted' : 'denied'} — ${d.text}${where === '' ? '' : ` (${where})`}${INTENT_NOTE[t.intent]}`,
      this.message(src, reached, d.allowed),
      topic,
    );
    if (t.intent === 'user' && named !== undefined) this.watchUsers(named, !d.allowed, id);
    if (!d.allowed) return;
    const v = this.oracle.judgeFlow(src, reached, port);
    if (v !== null) this.violate('connect', t.intent, name, id, v, this.now, this.now + t.holdUs, topic);
  }

  /**
   * The alert rule on users' requests to global role `r`: it fires when, within the trailing window, at least
   * `monitoring.refused` of them — and at least `monitoring.share` of all — were refused, and clears once none in the
   * window was. Firing detects every misconfiguration in force that shut users out of the role.
   */
  private watchUsers(r: number, refused: boolean, cause: number): void {
    const m = this.sec.monitoring;
    let w = this.userWindows[r];
    if (w === undefined) {
      w = { times: [], refused: [], head: 0, bad: 0, alerting: false };
      this.userWindows[r] = w;
    }
    w.times.push(this.now);
    w.refused.push(refused ? 1 : 0);
    if (refused) w.bad++;
    while (w.head < w.times.length && w.times[w.head]! <= this.now - m.windowUs) {
      w.bad -= w.refused[w.head]!;
      w.head++;
    }
    if (w.head > 256) {
      w.times.splice(0, w.head);
      w.refused.splice(0, w.head);
      w.head = 0;
    }
    const total = w.times.length - w.head;
    const role = this.sim.ix.roleIds[r]!;
    if (!w.alerting && w.bad >= m.refused && w.bad >= m.share * total) {
      w.alerting = true;
      const bad = w.bad;
      const id = this.note(
        'monitor.alert',
        role,
        cause,
        () =>
          `monitoring alert: ${bad} of ${total} users' requests to ${role} refused within ${formatDuration(m.windowUs)}`,
        'monitoring:users-refused',
        'compute-connectivity',
      );
      for (const o of this.overlays) {
        if (!o.reverted && o.roles.has(r))
          this.sim.detect(this.sim.faults.keyOther(`misconfig:${o.item.id}`), 'monitoring', id);
      }
    } else if (w.alerting && w.bad === 0) {
      w.alerting = false;
      this.note(
        'monitor.clear',
        role,
        cause,
        () => `monitoring: no user's request to ${role} refused within ${formatDuration(m.windowUs)}; the alert clears`,
        'monitoring:users-refused',
        'compute-connectivity',
      );
    }
  }

  /** One SQL login attempt; false when the item has nothing left to try. */
  private sqlLogin(t: ResolvedTraffic, n: number): boolean {
    let login = t.login;
    let password = t.password;
    const attacker = t.kind !== 'sql-login';
    if (attacker) {
      const guesses = this.guesses(t);
      if (t.kind === 'sql-brute-force') {
        if (n >= guesses.length || this.cracked[t.index]!.has(login)) return false;
        password = guesses[n]!;
      } else {
        const L = t.logins.length;
        const j = Math.floor(n / L);
        if (j >= guesses.length) return false;
        login = t.logins[n % L]!;
        password = guesses[j]!;
        if (this.cracked[t.index]!.has(login)) return this.cracked[t.index]!.size < L;
      }
    }
    const src = this.source(t, n);
    const gw = this.eps.sqlGateway();
    const cfg = this.rules.config;
    let d = this.rules.decide(src, gw, 'tcp', this.sec.ports.sqlGateway);
    let authenticated = false;
    let blockedNow = false;
    if (d.allowed) {
      const fromAzure = src.kind !== EP.outside;
      d = this.sql.firewallCheck(src.addr, t.database, fromAzure);
      if (d.allowed) {
        const out = this.sql.authenticate(src.addr, login, password, this.now, cfg.dosGuard, t.authentication);
        d = out.decision;
        authenticated = out.authenticated;
        blockedNow = out.blockedNow;
        if (authenticated && t.permission !== null) d = this.sql.authorize(login, t.database, t.permission);
      }
    }
    const topic = 'sql-authentication';
    const how = t.authentication === 'sql' ? '' : ` (${t.authentication} authentication)`;
    const shown = `${attacker ? `${login} / guess ${JSON.stringify(password)}` : login}${how}`;
    const id = this.record(
      t.kind,
      this.subject(t, src, login, login),
      `sql:${login}`,
      d,
      () =>
        `${src.name} logs in to ${t.database} as ${shown}${t.permission ? ` for ${t.permission}` : ''}: ${d.allowed ? 'allowed' : 'denied'} — ${d.text}`,
      this.message(src, gw, authenticated || d.allowed),
      topic,
    );
    if (blockedNow) {
      const g = this.sec.sql.dosGuard;
      this.note(
        'sql.dosguard-block',
        src.name,
        id,
        () =>
          `DoSGuard blocks ${src.addr.text} for ${formatDuration(g.blockUs)}: ${g.failures} failed logins within ${formatDuration(g.windowUs)}`,
        'dosguard:blocked',
        topic,
      );
    }
    if (authenticated && attacker) {
      this.cracked[t.index]!.add(login);
      const v = this.oracle.judgeSqlLogin(true, true);
      if (v !== null) this.violate(t.kind, t.intent, `sql:${login}`, id, v, this.now, this.now + t.holdUs, topic);
    }
    if (t.kind === 'sql-brute-force') return !this.cracked[t.index]!.has(login);
    if (t.kind === 'sql-spray') return this.cracked[t.index]!.size < t.logins.length;
    return true;
  }

  private guesses(t: ResolvedTraffic): string[] {
    let g = this.candidates[t.index];
    if (g === undefined) {
      const p = t.passwords!;
      g = Array.isArray(p) ? p : generateCandidates(p.generate, this.rng.fork('candidates').fork(`traffic-${t.index}`));
      this.candidates[t.index] = g;
    }
    return g;
  }

  private sqlCreateLogin(t: ResolvedTraffic, n: number): void {
    const cfg = this.rules.config;
    const login = n === 0 ? t.login : `${t.login}${n}`;
    const d = this.sql.createLogin(t.as, login, t.password, cfg.passwordPolicy);
    const topic = 'sql-authentication';
    const id = this.record(
      'sql-create-login',
      this.subject(t, null, login, login),
      `sql:${login}`,
      d,
      () => `${t.as} creates login ${login}: ${d.allowed ? 'created' : 'refused'} — ${d.text}`,
      undefined,
      topic,
    );
    if (!d.allowed) return;
    const v = this.oracle.judgeLoginCreated(login, t.password);
    if (v !== null)
      this.violate('sql-create-login', t.intent, `sql:${login}`, id, v, this.now, Number.POSITIVE_INFINITY, topic);
  }

  /** Install, admin-login and create-account: one attempt per matching node or instance. */
  private onTargets(t: ResolvedTraffic, n: number): void {
    const re = compileGlob(t.target);
    const ix = this.sim.ix;
    for (let gn = 0; gn < ix.nodeCluster.length; gn++) {
      const e = this.eps.host(gn);
      if (re.test(e.name.slice(3))) this.onTarget(t, n, e);
    }
    for (let gi = 0; gi < ix.instCluster.length; gi++) {
      const e = this.eps.vm(gi);
      if (re.test(e.name.slice(3))) this.onTarget(t, n, e);
    }
  }

  private onTarget(t: ResolvedTraffic, n: number, target: Endpoint): void {
    const cfg = this.rules.config;
    const name = target.name.slice(3);
    const topic = KIND_TOPIC[t.kind];
    if (t.kind === 'install') {
      const onHost = target.kind === EP.host;
      const d = this.access.install(t.software, cfg, onHost);
      const id = this.record(
        'install',
        this.subject(t, null, name, name),
        name,
        d,
        () =>
          `install ${t.software} on ${onHost ? 'the host OS of ' : 'the guest VM '}${name}: ${d.allowed ? 'installed' : 'refused'} — ${d.text}`,
        undefined,
        topic,
      );
      if (!onHost) {
        this.note('audit.install', name, id, () => `audit: ${t.software} installed in guest VM ${name}`, d.rule, topic);
      }
      const v = d.allowed ? this.oracle.judgeInstall(t.software, onHost) : null;
      if (v !== null) this.violate('install', t.intent, name, id, v, this.now, Number.POSITIVE_INFINITY, topic);
      return;
    }
    if (t.kind === 'create-account') {
      const d = this.access.createAccount(cfg);
      const id = this.record(
        'create-account',
        this.subject(t, null, name, name),
        name,
        d,
        () => `create user account ${t.account} on ${name}: ${d.allowed ? 'created' : 'refused'} — ${d.text}`,
        undefined,
        topic,
      );
      if (d.allowed)
        this.violate(
          'create-account',
          t.intent,
          name,
          id,
          this.oracle.judgeAccountCreated(),
          this.now,
          Number.POSITIVE_INFINITY,
          topic,
        );
      return;
    }
    // admin-login: the session first crosses the network to the cluster's management endpoint (the way in from
    // corpnet); only an admitted connection reaches the account checks.
    const src = this.source(t, n);
    const zone = this.plan.zoneOf(src.addr);
    const kind = this.access.kindOf(t.account, t.accountKind);
    const grant = this.access.grantOf(t.account);
    const gate = this.eps.mgmt(target.cluster);
    const net = this.rules.decide(src, gate, 'tcp', this.sec.ports.management[0]!);
    const d = !net.allowed
      ? net
      : this.access.adminLogin(
          {
            account: t.account,
            accountKind: kind,
            mfa: t.mfa,
            fromSaw: zone === 'saw',
            sourceZone:
              zone === 'saw' || zone === 'corpnet' ? 'corpnet' : zone === 'internet' ? 'internet' : 'production',
            ...(grant === null ? {} : { jit: grant }),
            nowUs: this.now,
            breakGlass: t.breakGlass,
          },
          cfg,
        );
    const id = this.record(
      'admin-login',
      this.subject(t, src, name, name),
      name,
      d,
      () =>
        `audit: ${t.account} (${kind}${t.mfa ? ', MFA' : ''}) from ${src.name} logs in to ${name}${t.breakGlass ? ' (break-glass)' : ''}: ${d.allowed ? 'allowed' : net.allowed ? 'denied' : `stopped on the way to ${gate.name}, before any account check`} — ${d.text}`,
      this.message(src, net.allowed ? target : gate, d.allowed),
      topic,
    );
    if (!d.allowed) return;
    const v = this.oracle.judgeAdminLogin({
      account: t.account,
      mfa: t.mfa,
      src: src.addr,
      breakGlass: t.breakGlass,
      jit: grant,
      nowUs: this.now,
    });
    if (v !== null) this.violate('admin-login', t.intent, name, id, v, this.now, this.now + t.holdUs, topic);
  }

  private jitRequest(t: ResolvedTraffic): void {
    const d = this.access.requestJit(t.account, t.approve, this.now, t.durationUs ?? this.sec.access.jitDurationUs);
    this.record(
      'jit-request',
      this.subject(t, null, t.account, t.account),
      t.account,
      d,
      () =>
        `audit: ${t.account} requests Just-In-Time access: ${d.allowed ? `granted for ${formatDuration(t.durationUs ?? this.sec.access.jitDurationUs)}` : 'refused'} — ${d.text}`,
      undefined,
      'closed-environment',
    );
  }

  private release(t: ResolvedTraffic): void {
    const b = this.pipeline.builds.get(t.build);
    if (b === undefined) {
      this.record(
        'release',
        this.subject(t, null, t.build, t.build),
        t.build,
        { allowed: false, rule: 'release:no-such-build', text: 'no such build' },
        () => `release of build ${t.build} refused: no such build yet`,
        undefined,
        'change-management',
      );
      return;
    }
    this.pipeline.release(b, t.approve, -1);
  }

  private pipelineHost(): PipelineHost {
    const model = this;
    return {
      get now(): number {
        return model.now;
      },
      after: (delayUs: number, fn: () => void) => {
        this.sim.sched.after(delayUs, fn);
      },
      config: () => this.rules.config,
      note: (kind: string, subject: string, cause: number, text: () => string, rule: string, topic: string) =>
        this.note(kind, subject, cause, text, rule, topic),
      attempt: (kind: 'build' | 'release', b: Build, d: Decision, cause: number, text: () => string) =>
        this.record(
          kind,
          { kind, intent: 'pipeline', from: 'pipeline', zone: '', src: null, to: b.id, reached: b.component, port: 0 },
          b.id,
          d,
          text,
          undefined,
          KIND_TOPIC[kind],
          cause,
        ),
      deployed: (b: Build, _stage: string, cause: number) => {
        if (b.stages !== 1) return;
        if (b.infected) this.book.deploy('infected', this.now);
        if (b.state === 'frozen') this.book.deploy('frozen', this.now);
        if (!b.approved) this.book.deploy('unapproved', this.now);
        const v = this.oracle.judgeDeploy({
          infected: b.infected,
          scannedClean: b.state === 'clean',
          approved: b.approved,
        });
        if (v !== null)
          b.violation = this.violate(
            'release',
            'pipeline',
            b.id,
            cause,
            v,
            this.now,
            Number.POSITIVE_INFINITY,
            'change-management',
          );
      },
      rolledBack: (b: Build) => {
        if (b.violation >= 0) this.book.closeViolation(b.violation, this.now);
        b.violation = -1;
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Results

  summary(endUs: number): SecuritySummary {
    return this.book.summary(endUs);
  }

  facts(): SecurityFacts {
    return this.book.facts();
  }
}

// ---------------------------------------------------------------------------------------------------------------

function byName<T extends { name: string }>(front: readonly T[], rest: readonly T[]): T[] {
  const names = new Set(front.map((r) => r.name));
  return [...front, ...rest.filter((r) => !names.has(r.name))];
}

/** `base` with `change` in front: its rules first (same name or priority replaces), its maps and switches replace. */
/** The rule-set settings that a misconfiguration replaces whole (flags and small policies, not rule lists). */
const SCALAR_SETTINGS = [
  'passwordPolicy',
  'dosGuard',
  'requireMfa',
  'requireSaw',
  'requireJit',
  'defaultAdminEnabled',
  'localAccounts',
  'enforceManifest',
  'requireCleanScan',
  'requireApproval',
] as const;

export function overlay(base: FullRuleSet, change: ResolvedRuleSet): FullRuleSet {
  const out: { -readonly [K in keyof FullRuleSet]: FullRuleSet[K] } = { ...base };
  if (change.endpointAcls) {
    const acls: FullRuleSet['endpointAcls'] = { ...base.endpointAcls };
    for (const [role, eps] of Object.entries(change.endpointAcls)) acls[role] = { ...(acls[role] ?? {}), ...eps };
    out.endpointAcls = acls;
  }
  if (change.nsg) {
    const taken = new Set(change.nsg.map((r) => `${r.direction}:${r.priority}`));
    const names = new Set(change.nsg.map((r) => r.name));
    out.nsg = [
      ...change.nsg,
      ...base.nsg.filter((r) => !taken.has(`${r.direction}:${r.priority}`) && !names.has(r.name)),
    ];
  }
  if (change.hostFilter) {
    const hf: FullRuleSet['hostFilter'] = { ...base.hostFilter };
    for (const [role, rules] of Object.entries(change.hostFilter)) {
      const ids = new Set(rules.map((r) => r.id));
      hf[role] = [...rules, ...(hf[role] ?? []).filter((r) => !ids.has(r.id))];
    }
    out.hostFilter = hf;
  }
  if (change.hostAcl) out.hostAcl = byName(change.hostAcl, base.hostAcl);
  if (change.boundary) out.boundary = byName(change.boundary, base.boundary);
  if (change.sqlNodeAcl) out.sqlNodeAcl = byName(change.sqlNodeAcl, base.sqlNodeAcl);
  if (change.managementSources) out.managementSources = change.managementSources;
  if (change.sqlFirewall) {
    const dbs: FullRuleSet['sqlFirewall']['databases'] = { ...base.sqlFirewall.databases };
    for (const [db, rules] of Object.entries(change.sqlFirewall.databases)) dbs[db] = byName(rules, dbs[db] ?? []);
    out.sqlFirewall = { server: byName(change.sqlFirewall.server, base.sqlFirewall.server), databases: dbs };
  }
  if (change.openPorts) out.openPorts = [...change.openPorts, ...base.openPorts];
  if (change.vlanAllow) out.vlanAllow = [...new Set([...change.vlanAllow, ...base.vlanAllow])];
  if (change.approvedSoftware)
    out.approvedSoftware = [...new Set([...change.approvedSoftware, ...base.approvedSoftware])];
  if (change.sqlUsers) {
    const key = (u: { login: string; database: string }) => `${u.database}/${u.login}`;
    const changed = new Set(change.sqlUsers.map(key));
    out.sqlUsers = [...change.sqlUsers, ...(base.sqlUsers ?? []).filter((u) => !changed.has(key(u)))];
  }
  for (const key of SCALAR_SETTINGS) {
    const v = change[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A short description of a misconfiguration, used as its fault target. */
export function describeChange(c: ResolvedRuleSet): string {
  const parts: string[] = [];
  for (const o of c.openPorts ?? []) parts.push(`${o.role} ${o.protocol}/${o.port} opened`);
  if (c.managementSources) parts.push(`management endpoint open to ${c.managementSources.join(', ')}`);
  if (c.nsg) parts.push(`NSG ${c.nsg.map((r) => r.name).join(', ')}`);
  if (c.endpointAcls) parts.push(`endpoint ACL of ${Object.keys(c.endpointAcls).join(', ')}`);
  if (c.hostFilter) parts.push(`host filter of ${Object.keys(c.hostFilter).join(', ')}`);
  if (c.hostAcl) parts.push(`host ACL ${c.hostAcl.map((r) => r.name).join(', ')}`);
  if (c.boundary) parts.push(`boundary ACL ${c.boundary.map((r) => r.name).join(', ')}`);
  if (c.sqlNodeAcl) parts.push(`SQL node ACL ${c.sqlNodeAcl.map((r) => r.name).join(', ')}`);
  if (c.sqlFirewall) parts.push('SQL firewall');
  if (c.vlanAllow) parts.push(`VLAN ${c.vlanAllow.join(', ')} allowed`);
  if (c.approvedSoftware) parts.push(`manifest + ${c.approvedSoftware.join(', ')}`);
  for (const u of c.sqlUsers ?? []) parts.push(`rights of ${u.login} in ${u.database}`);
  for (const key of SCALAR_SETTINGS) {
    if (c[key] !== undefined) parts.push(`${key}=${c[key]}`);
  }
  return parts.length === 0 ? 'no change' : parts.join('; ');
}

function changeTopic(c: ResolvedRuleSet): string {
  if (c.managementSources || c.boundary) return 'corpnet-acls';
  if (c.sqlNodeAcl) return 'sql-node-acls';
  if (c.sqlFirewall || c.sqlUsers || c.passwordPolicy !== undefined || c.dosGuard !== undefined) {
    return 'sql-authentication';
  }
  if (
    c.requireMfa !== undefined ||
    c.requireSaw !== undefined ||
    c.requireJit !== undefined ||
    c.defaultAdminEnabled !== undefined ||
    c.localAccounts !== undefined
  ) {
    return 'closed-environment';
  }
  if (c.enforceManifest !== undefined || c.approvedSoftware) return 'software-installation';
  if (c.requireCleanScan !== undefined) return 'virus-scans';
  if (c.requireApproval !== undefined) return 'change-management';
  return 'compute-connectivity';
}
