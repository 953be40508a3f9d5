/**
 * Message delivery between actors: latency, loss, partitions and added latency, decided per message.
 *
 * Randomness here is counter-based (`hashUniform(key, link, n)`): whether message n on a link is lost depends only on
 * the run's seed, the link and n — not on how many other messages were simulated — so eliding routine polls never
 * shifts another message's fate.
 */

import { compileGlob, hashString32, hashUniform } from '../engine/index.js';
import type { Decision } from './rules/index.js';

/** An addressable actor: its name (e.g. "fc:c0/0", "ha:c0-r1-n3", "lb:shop.web") and the node it runs on, if any. */
export interface Actor {
  readonly name: string;
  readonly node: string;
  /** Outside the data centre (internet, corporate network): uses the wide-area latency. */
  readonly remote?: boolean;
}

interface ActiveCondition {
  readonly id: number;
  readonly kind: 'partition' | 'loss' | 'latency';
  readonly groups: RegExp[][] | null;
  readonly lossRate: number;
  readonly extraLatencyUs: number;
  readonly cache: Map<string, number>;
}

// security (issue 5): an optional rules hook, installed by the security model when a scenario has `security:`.
/** Rules every message between addressed actors passes (the security model's rule engines). */
export interface DeliveryPolicy {
  /** True while the rules block some routine infrastructure message: routine polls must then all be simulated. */
  readonly disturbing: boolean;
  /**
   * The denying decision for a message from `from` to `to`, or null when the rules admit it or either actor carries
   * no address. Must be a pure function of the two actors and the rules' version (polls on quiet links are elided).
   */
  deny(from: Actor, to: Actor): Decision | null;
}

export interface Delivery {
  /** One-way delay in µs, or -1 when the message is dropped. */
  delayUs: number;
  /** Why it was dropped, when it was. */
  reason: string;
}

export class Network {
  private readonly lossKey: number;
  private conditions: ActiveCondition[] = [];
  private nextId = 0;
  /** Reused result object: delivery decisions allocate nothing. */
  private readonly result: Delivery = { delayUs: 0, reason: '' };
  private policy: DeliveryPolicy | null = null;

  constructor(
    seed: number,
    private readonly latencyUs: number,
    private readonly remoteLatencyUs: number,
  ) {
    this.lossKey = hashString32(`${seed}/network/loss`);
  }

  /** True while any partition, loss or latency condition is active (routine polls are then all simulated). */
  get disturbed(): boolean {
    return this.conditions.length > 0 || this.policy?.disturbing === true;
  }

  /** Installs (or removes, with null) the rules every message passes first. */
  setPolicy(policy: DeliveryPolicy | null): void {
    this.policy = policy;
  }

  /** Starts a network condition; returns its id for `end`. Groups are globs over actor names or node ids. */
  begin(kind: ActiveCondition['kind'], groups: string[][] | null, lossRate: number, extraLatencyUs: number): number {
    const id = this.nextId++;
    this.conditions.push({
      id,
      kind,
      groups: groups ? groups.map((g) => g.map(compileGlob)) : null,
      lossRate,
      extraLatencyUs,
      cache: new Map(),
    });
    return id;
  }

  end(id: number): void {
    this.conditions = this.conditions.filter((c) => c.id !== id);
  }

  /** Index of the group `actor` belongs to under `c`, or -1. */
  private groupOf(c: ActiveCondition, actor: Actor): number {
    let g = c.cache.get(actor.name);
    if (g === undefined) {
      g = -1;
      const groups = c.groups!;
      for (let i = 0; i < groups.length && g < 0; i++) {
        for (const re of groups[i]!) {
          if (re.test(actor.name) || (actor.node !== '' && re.test(actor.node))) {
            g = i;
            break;
          }
        }
      }
      c.cache.set(actor.name, g);
    }
    return g;
  }

  /** Whether `a` and `b` are in the scope of condition `c` (no groups = everything; else both in some group). */
  private inScope(c: ActiveCondition, a: Actor, b: Actor): boolean {
    if (c.groups === null) return true;
    return this.groupOf(c, a) >= 0 || this.groupOf(c, b) >= 0;
  }

  /**
   * Decides the fate of one message from `from` to `to`. `link` and `n` identify it for the counter-based loss draw
   * (e.g. link = a poller slot, n = the poll number). The returned object is reused: read it before the next call.
   */
  deliver(from: Actor, to: Actor, link: number, n: number): Delivery {
    const r = this.result;
    let delay = from.remote || to.remote ? this.remoteLatencyUs : this.latencyUs;
    r.reason = '';
    const policy = this.policy;
    if (policy !== null) {
      const denied = policy.deny(from, to);
      if (denied !== null) {
        r.delayUs = -1;
        r.reason = denied.rule;
        return r;
      }
    }
    const conds = this.conditions;
    for (let i = 0; i < conds.length; i++) {
      const c = conds[i]!;
      if (c.kind === 'partition') {
        const ga = this.groupOf(c, from);
        const gb = this.groupOf(c, to);
        if (ga >= 0 && gb >= 0 && ga !== gb) {
          r.delayUs = -1;
          r.reason = 'partition';
          return r;
        }
      } else if (this.inScope(c, from, to)) {
        if (c.kind === 'loss' && hashUniform(this.lossKey + c.id, link, n) < c.lossRate) {
          r.delayUs = -1;
          r.reason = 'loss';
          return r;
        }
        if (c.kind === 'latency') delay += c.extraLatencyUs;
      }
    }
    r.delayUs = delay;
    return r;
  }
}
