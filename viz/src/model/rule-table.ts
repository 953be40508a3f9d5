/**
 * The rule table behind a firewall decision, as the Why? panel draws it: the wall the message crossed (a boundary
 * list, the host ACL, the SQL node ACL, a cluster's NSG, a VM's host packet filter, an endpoint ACL, the VLAN matrix,
 * the load balancer), its rules in the order they are tried, the one that decided, the ones above it that did not
 * match (first match wins) and those below that were never tried.
 *
 * The rules come from the simulator (`explainWall` in the public API), compiled from the run's resolved scenario the
 * way the run compiled them, with the misconfigurations in force at the event's time; the viewer adds only the
 * states of the rows.
 */
import { explainWall, type TimelineEvent, type WallKind } from '../../../sim/index.js';

export interface RuleRow {
  /** The rule id decisions carry. */
  readonly rule: string;
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly from: string;
  readonly to: string;
  readonly what: string;
  /** Added by the platform rather than configured in the scenario. */
  readonly builtIn: boolean;
  /** What applies when no rule matches (the list's default). */
  readonly fallback: boolean;
  /**
   * 'match' for the deciding row; in a first-match list 'no match' above it and 'not tried' below it; in a lookup
   * table (the VLAN matrix) 'other' for the rest.
   */
  readonly state: 'no match' | 'match' | 'not tried' | 'other';
}

export interface RuleTable {
  readonly kind: WallKind;
  /** Which wall ("boundary-c0", "nsg-c0 (inbound)", "host filter of shop.web.0 (inbound)"). */
  readonly wall: string;
  /** How the wall tries its rules, in a sentence. */
  readonly how: string;
  readonly rows: readonly RuleRow[];
  /** False when no row carries the decision's rule id (the table then marks nothing). */
  readonly matched: boolean;
}

/**
 * The table for an event's decision, or null when no wall decided it (a login, an established flow, a run without
 * `security:`) or the scenario cannot be compiled here (a plug-in module the page does not have).
 */
export function ruleTable(e: TimelineEvent, resolved: unknown): RuleTable | null {
  if (!e.r || !resolved) return null;
  let t: ReturnType<typeof explainWall>;
  try {
    t = explainWall(resolved as Parameters<typeof explainWall>[0], e.t, {
      rule: e.r,
      from: e.m?.from,
      to: e.m?.to,
      subject: e.s,
    });
  } catch {
    return null;
  }
  if (!t) return null;
  const all = [...t.rows.map((r) => ({ ...r, fallback: false })), ...t.fallback.map((r) => ({ ...r, fallback: true }))];
  return {
    kind: t.kind,
    wall: t.wall,
    how: t.how,
    matched: t.match >= 0,
    rows: all.map((r, i) => ({
      ...r,
      state:
        t.match < 0
          ? 'not tried'
          : i === t.match
            ? 'match'
            : !t.firstMatch
              ? 'other'
              : i < t.match && !r.fallback
                ? 'no match'
                : 'not tried',
    })),
  };
}
