/**
 * Follows, through the events' patches, the states that an export draws as slices and counters: an instance that is
 * not Ready, a node that is not Ready, an FC replica, SQL replica or watchdog that is down, a database without a
 * primary — and the number of Ready instances of each role.
 *
 * Only the few fields it draws are tracked, each in a flat array, so one pass over a million events stays cheap.
 */
import type { World } from '../spec/index.js';
import type { Patch } from '../trace/index.js';

/** A state slice opening or closing on an entity. `label` null means healthy (no slice). */
export interface StateChange {
  readonly entity: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** A role's Ready count after a change. */
export interface ReadyChange {
  readonly role: number;
  readonly ready: number;
}

const label = {
  instance: (status: string): string | null => (status === 'Ready' ? null : status),
  node: (status: string): string | null => (status === 'Ready' ? null : status),
  up: (up: boolean): string | null => (up ? null : 'down'),
  available: (ok: boolean): string | null => (ok ? null : 'unavailable'),
};

export class StateTracker {
  /** Role ids, in world order; counters are indexed by this. */
  readonly roles: string[] = [];
  private readonly roleIndex = new Map<string, number>();
  private readonly clusterBase: number[] = [];
  private readonly instanceIds: string[] = [];
  private readonly instanceRole: Int32Array;
  private readonly instanceLabel: (string | null)[] = [];
  private readonly nodeBase: number[] = [];
  private readonly nodeIds: string[] = [];
  private readonly nodeLabel: (string | null)[] = [];
  private readonly fcIds: string[][] = [];
  private readonly fcLabel: (string | null)[][] = [];
  private readonly sqlIds: string[][] = [];
  private readonly sqlLabel: (string | null)[][] = [];
  private readonly dbIds: string[] = [];
  private readonly dbLabel: (string | null)[] = [];
  private readonly wdIds: string[] = [];
  private readonly wdLabel: (string | null)[] = [];
  /** Ready instances per role. */
  readonly ready: Int32Array;

  constructor(world: World) {
    for (const s of world.services) {
      for (const r of s.roles) {
        if (!this.roleIndex.has(r.id)) {
          this.roleIndex.set(r.id, this.roles.length);
          this.roles.push(r.id);
        }
      }
    }
    let total = 0;
    for (const c of world.clusters) {
      this.clusterBase.push(total);
      total += c.instances.length;
    }
    this.instanceRole = new Int32Array(total).fill(-1);
    this.ready = new Int32Array(this.roles.length);
    world.clusters.forEach((c, ci) => {
      c.instances.forEach((inst, ii) => {
        const slot = this.clusterBase[ci]! + ii;
        this.instanceIds[slot] = inst.id;
        this.instanceLabel[slot] = label.instance(inst.status);
        const r = this.roleIndex.get(inst.role) ?? -1;
        this.instanceRole[slot] = r;
        if (r >= 0 && inst.status === 'Ready') this.ready[r]!++;
      });
      this.nodeBase.push(this.nodeIds.length);
      for (const n of c.nodes) {
        this.nodeIds.push(n.id);
        this.nodeLabel.push(label.node(n.status));
      }
      this.fcIds.push(c.fc.replicas.map((r) => r.id));
      this.fcLabel.push(c.fc.replicas.map((r) => label.up(r.up)));
    });
    for (const db of world.sql.databases) {
      this.dbIds.push(db.id);
      this.dbLabel.push(label.available(db.available));
      this.sqlIds.push(db.replicas.map((r) => r.id));
      this.sqlLabel.push(db.replicas.map((r) => label.up(r.up)));
    }
    for (const w of world.watchdogs) {
      this.wdIds.push(w.id);
      this.wdLabel.push(label.up(w.up));
    }
  }

  /** Entities now in a state drawn as a slice (not Ready, down…), with that state. */
  current(): StateChange[] {
    const out: StateChange[] = [];
    const add = (ids: readonly string[], labels: readonly (string | null)[]): void => {
      labels.forEach((l, i) => {
        if (l !== null) out.push({ entity: ids[i]!, from: null, to: l });
      });
    };
    add(this.nodeIds, this.nodeLabel);
    add(this.instanceIds, this.instanceLabel);
    this.fcIds.forEach((ids, c) => {
      add(ids, this.fcLabel[c]!);
    });
    add(this.dbIds, this.dbLabel);
    this.sqlIds.forEach((ids, d) => {
      add(ids, this.sqlLabel[d]!);
    });
    add(this.wdIds, this.wdLabel);
    return out;
  }

  /** Role ids whose Ready count is drawn as a counter. */
  roleIds(): readonly string[] {
    return this.roles;
  }

  /**
   * Applies one event's patches. Calls `onState` for each entity whose drawn state changed and `onReady` for each
   * role whose Ready count changed (after all of the event's patches, once per entity or role).
   */
  apply(
    patches: readonly Patch[],
    onState: (change: StateChange) => void,
    onReady: (change: ReadyChange) => void,
  ): void {
    let changes: StateChange[] | undefined;
    let roles: number[] | undefined;
    const change = (entity: string, from: string | null, to: string | null): void => {
      if (from === to) return;
      changes ??= [];
      const k = changes.findIndex((c) => c.entity === entity);
      if (k >= 0) changes[k] = { entity, from: changes[k]!.from, to };
      else changes.push({ entity, from, to });
    };
    for (const p of patches) {
      const path = p.path;
      if (p.op !== 'replace') continue;
      const head = path[0];
      if (head === 'clusters') {
        const ci = path[1] as number;
        const list = path[2];
        const field = path[4];
        if (path.length !== 5 && !(list === 'fc' && path.length === 6)) continue;
        if (list === 'instances' && field === 'status') {
          const slot = this.clusterBase[ci]! + (path[3] as number);
          const before = this.instanceLabel[slot] ?? null;
          const after = label.instance(String(p.value));
          if (before === after) continue;
          this.instanceLabel[slot] = after;
          change(this.instanceIds[slot]!, before, after);
          const r = this.instanceRole[slot]!;
          if (r >= 0 && (before === null) !== (after === null)) {
            this.ready[r]! += after === null ? 1 : -1;
            roles ??= [];
            if (!roles.includes(r)) roles.push(r);
          }
        } else if (list === 'nodes' && field === 'status') {
          const k = this.nodeBase[ci]! + (path[3] as number);
          const before = this.nodeLabel[k] ?? null;
          const after = label.node(String(p.value));
          this.nodeLabel[k] = after;
          change(this.nodeIds[k]!, before, after);
        } else if (list === 'fc' && path[3] === 'replicas' && path[5] === 'up') {
          const r = path[4] as number;
          const labels = this.fcLabel[ci];
          if (!labels) continue;
          const before = labels[r] ?? null;
          const after = label.up(p.value === true);
          labels[r] = after;
          change(this.fcIds[ci]![r]!, before, after);
        }
      } else if (head === 'sql' && path[1] === 'databases') {
        const d = path[2] as number;
        if (path.length === 4 && path[3] === 'available') {
          const before = this.dbLabel[d] ?? null;
          const after = label.available(p.value === true);
          this.dbLabel[d] = after;
          change(this.dbIds[d]!, before, after);
        } else if (path.length === 6 && path[3] === 'replicas' && path[5] === 'up') {
          const r = path[4] as number;
          const labels = this.sqlLabel[d];
          if (!labels) continue;
          const before = labels[r] ?? null;
          const after = label.up(p.value === true);
          labels[r] = after;
          change(this.sqlIds[d]![r]!, before, after);
        }
      } else if (head === 'watchdogs' && path.length === 3 && path[2] === 'up') {
        const w = path[1] as number;
        const before = this.wdLabel[w] ?? null;
        const after = label.up(p.value === true);
        this.wdLabel[w] = after;
        change(this.wdIds[w]!, before, after);
      }
    }
    if (changes) for (const c of changes) if (c.from !== c.to) onState(c);
    if (roles) for (const r of roles) onReady({ role: r, ready: this.ready[r]! });
  }
}

/** The entities whose drawn state changes at some point of the run, or starts unhealthy (they need a track). */
export function entitiesWithState(world: World, events: readonly { readonly p?: readonly Patch[] }[]): string[] {
  const tracker = new StateTracker(world);
  const seen = new Set<string>(tracker.current().map((c) => c.entity));
  const noop = (): void => {};
  for (const e of events) {
    if (e.p) tracker.apply(e.p, (c) => seen.add(c.entity), noop);
  }
  return [...seen];
}
