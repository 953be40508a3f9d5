/**
 * Entities of the world and where they live: ids resolved once, at load, to their place in the state's dense arrays,
 * and patch paths resolved to the entity they touch.
 */
import type { World } from '../../../sim/spec/index.js';

export type EntityKind = 'cluster' | 'rack' | 'node' | 'instance' | 'fc' | 'service' | 'role' | 'database' | 'watchdog';

/** Where an entity lives: kind plus indices (cluster, then index within it; -1 where meaningless). */
export interface EntityRef {
  readonly kind: EntityKind;
  readonly id: string;
  /** Cluster index (for racks, nodes, instances, fc replicas) or service index (roles), else -1. */
  readonly a: number;
  /** Index within the cluster / service / list. */
  readonly b: number;
}

export class EntityIndex {
  private readonly byId = new Map<string, EntityRef>();

  constructor(world: World) {
    world.clusters.forEach((c, ci) => {
      this.add({ kind: 'cluster', id: c.id, a: ci, b: ci });
      c.racks.forEach((r, ri) => {
        this.add({ kind: 'rack', id: r.id, a: ci, b: ri });
      });
      c.nodes.forEach((n, ni) => {
        this.add({ kind: 'node', id: n.id, a: ci, b: ni });
      });
      c.instances.forEach((inst, ii) => {
        this.add({ kind: 'instance', id: inst.id, a: ci, b: ii });
      });
      c.fc.replicas.forEach((f, fi) => {
        this.add({ kind: 'fc', id: f.id, a: ci, b: fi });
      });
    });
    world.services.forEach((s, si) => {
      this.add({ kind: 'service', id: s.id, a: -1, b: si });
      s.roles.forEach((r, ri) => {
        this.add({ kind: 'role', id: r.id, a: si, b: ri });
      });
    });
    world.sql.databases.forEach((d, di) => {
      this.add({ kind: 'database', id: d.id, a: -1, b: di });
    });
    world.watchdogs.forEach((w, wi) => {
      this.add({ kind: 'watchdog', id: w.id, a: -1, b: wi });
    });
  }

  private add(ref: EntityRef): void {
    // First one wins: ids are unique by construction; a clash would only hide the later entity from lookups.
    if (!this.byId.has(ref.id)) this.byId.set(ref.id, ref);
  }

  get(id: string): EntityRef | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** The entity's current state object, or undefined when it is not (or no longer) in the world. */
export function entityState(world: World, ref: EntityRef): object | undefined {
  switch (ref.kind) {
    case 'cluster':
      return world.clusters[ref.a];
    case 'rack':
      return world.clusters[ref.a]?.racks[ref.b];
    case 'node':
      return world.clusters[ref.a]?.nodes[ref.b];
    case 'instance':
      return world.clusters[ref.a]?.instances[ref.b];
    case 'fc':
      return world.clusters[ref.a]?.fc.replicas[ref.b];
    case 'service':
      return world.services[ref.b];
    case 'role':
      return world.services[ref.a]?.roles[ref.b];
    case 'database':
      return world.sql.databases[ref.b];
    case 'watchdog':
      return world.watchdogs[ref.b];
  }
}

/** The entity a patch path points into, with the rest of the path (the field within it). */
export interface PathTarget {
  readonly kind: EntityKind;
  readonly a: number;
  readonly b: number;
  /** The field path inside the entity; empty when the whole entity was replaced. */
  readonly field: readonly (string | number)[];
}

/** Resolves a patch path (as the model writes them) to the entity it touches, or undefined. */
export function pathTarget(path: readonly (string | number)[]): PathTarget | undefined {
  const head = path[0];
  if (head === 'clusters') {
    const ci = toIndex(path[1]);
    if (ci < 0) return undefined;
    const list = path[2];
    if (list === undefined) return { kind: 'cluster', a: ci, b: ci, field: [] };
    if (list === 'racks' || list === 'nodes' || list === 'instances') {
      const i = toIndex(path[3]);
      if (i < 0) return { kind: 'cluster', a: ci, b: ci, field: path.slice(2) };
      const kind = list === 'racks' ? 'rack' : list === 'nodes' ? 'node' : 'instance';
      return { kind, a: ci, b: i, field: path.slice(4) };
    }
    if (list === 'fc' && path[3] === 'replicas') {
      const i = toIndex(path[4]);
      if (i >= 0) return { kind: 'fc', a: ci, b: i, field: path.slice(5) };
    }
    return { kind: 'cluster', a: ci, b: ci, field: path.slice(2) };
  }
  if (head === 'services') {
    const si = toIndex(path[1]);
    if (si < 0) return undefined;
    if (path[2] === 'roles') {
      const ri = toIndex(path[3]);
      if (ri >= 0) return { kind: 'role', a: si, b: ri, field: path.slice(4) };
    }
    return { kind: 'service', a: -1, b: si, field: path.slice(2) };
  }
  if (head === 'sql' && path[1] === 'databases') {
    const di = toIndex(path[2]);
    if (di >= 0) return { kind: 'database', a: -1, b: di, field: path.slice(3) };
  }
  if (head === 'watchdogs') {
    const wi = toIndex(path[1]);
    if (wi >= 0) return { kind: 'watchdog', a: -1, b: wi, field: path.slice(2) };
  }
  return undefined;
}

function toIndex(v: string | number | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return -1;
}
