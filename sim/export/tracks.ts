/**
 * Where each actor of a timeline goes in a trace viewer: one track per actor, grouped by cluster (its fabric
 * controller, racks and nodes), by service (its load balancer and each role's instances), then SQL, watchdogs, the
 * outside world (internet, corporate network, people) and anything else.
 *
 * A node and its host agent ("c0-r1-n0", "ha:c0-r1-n0") share one track, as do an instance and its guest agent
 * ("shop.web.0", "ga:shop.web.0"): the agent is how that machine takes part in the run.
 *
 * Pure: used by every export format, in Node and in the browser.
 */
import type { World } from '../spec/index.js';
import type { Timeline } from '../trace/index.js';

/** A group of tracks (a cluster, its nodes, a service, a role…). `parent` is -1 for a top-level group. */
export interface TrackGroup {
  readonly id: number;
  readonly name: string;
  readonly parent: number;
  /** Index of the top-level group it belongs to (itself for a top-level group). */
  readonly top: number;
}

/** One actor's track. */
export interface Track {
  readonly id: number;
  /** The actor's id as the timeline spells it (an agent's prefix dropped: "c0-r1-n0", "shop.web.0", "fc:c0"). */
  readonly name: string;
  readonly group: number;
}

export interface TrackModel {
  readonly groups: readonly TrackGroup[];
  /** Sorted for display: by group, then by name (numbers in names compared as numbers). */
  readonly tracks: readonly Track[];
  /** The track of an actor or subject string, as it appears in events' `s`. */
  trackOf(actor: string): number;
  /** The track of each event, by event id. */
  readonly eventTrack: Int32Array;
  /** The group an actor's track is in (or would be in), e.g. a role's group for its counter. */
  groupOf(actor: string): number;
}

/** Compares names so that "n2" sorts before "n10". Deterministic (no locale). */
export function compareNatural(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Place = readonly [top: string, sub: string | null];

/** Index of the world's entities by id, to place actors. */
class Places {
  private readonly byId = new Map<string, Place>();
  readonly topOrder: string[] = [];

  constructor(world: World) {
    world.clusters.forEach((c) => {
      const top = `cluster ${c.id}`;
      this.topOrder.push(top);
      this.byId.set(c.id, [top, null]);
      for (const r of c.fc.replicas) this.byId.set(r.id, [top, 'fabric controller']);
      for (const r of c.racks) this.byId.set(r.id, [top, 'racks']);
      for (const n of c.nodes) this.byId.set(n.id, [top, 'nodes']);
    });
    for (const s of world.services) {
      const cluster = world.clusters[s.cluster]?.id;
      const top = cluster === undefined ? `service ${s.id}` : `service ${s.id} (${cluster})`;
      this.topOrder.push(top);
      this.byId.set(s.id, [top, null]);
      const c = world.clusters[s.cluster];
      for (const role of s.roles) {
        this.byId.set(role.id, [top, role.id]);
        for (const i of role.instances) {
          const inst = c?.instances[i];
          if (inst) this.byId.set(inst.id, [top, role.id]);
        }
      }
    }
    for (const db of world.sql.databases) {
      this.byId.set(db.id, ['SQL', db.id]);
      for (const r of db.replicas) this.byId.set(r.id, ['SQL', db.id]);
    }
    for (const w of world.watchdogs) this.byId.set(w.id, ['watchdogs', null]);
    this.topOrder.push('SQL', 'watchdogs', 'outside', 'other');
  }

  /** The track name an actor goes on (agents folded into their machine) and where that track sits. */
  place(actor: string): { name: string; place: Place } {
    const known = this.byId.get(actor);
    if (known) return { name: actor, place: known };
    const colon = actor.indexOf(':');
    const prefix = colon < 0 ? '' : actor.slice(0, colon);
    const rest = colon < 0 ? actor : actor.slice(colon + 1);
    if (prefix === 'ha' || prefix === 'ga') {
      const machine = this.byId.get(rest);
      if (machine) return { name: rest, place: machine };
    }
    if (prefix === 'lb') {
      // "lb:shop.web" or "lb:shop": the load balancer of a role or of a service.
      const owner = this.byId.get(rest);
      if (owner) return { name: actor, place: [owner[0], 'load balancer'] };
    }
    if (prefix === 'fc') {
      const cluster = this.byId.get(rest.split('/')[0] ?? rest);
      if (cluster && cluster[1] === null && cluster[0].startsWith('cluster ')) {
        return { name: actor, place: [cluster[0], 'fabric controller'] };
      }
    }
    if (prefix === 'sql') return { name: actor, place: ['SQL', null] };
    if (prefix === 'watchdog' || prefix === 'wd') return { name: actor, place: ['watchdogs', null] };
    if (prefix === 'internet' || prefix === 'corpnet' || prefix === 'admin')
      return { name: actor, place: ['outside', prefix] };
    return { name: actor, place: ['other', null] };
  }
}

/**
 * Builds the tracks of a timeline: one per actor that appears as an event's subject or sends or receives a message,
 * plus one per instance, node, FC replica, SQL replica or watchdog whose state the run changes.
 */
export function buildTracks(
  timeline: Timeline,
  extra: { readonly stateActors?: readonly string[]; readonly groupActors?: readonly string[] } = {},
): TrackModel {
  const places = new Places(timeline.initial);
  const byName = new Map<string, { name: string; place: Place }>();
  const trackOfActor = new Map<string, string>();
  const note = (actor: string): string => {
    let name = trackOfActor.get(actor);
    if (name === undefined) {
      const p = places.place(actor);
      name = p.name;
      trackOfActor.set(actor, name);
      if (!byName.has(name)) byName.set(name, p);
    }
    return name;
  };
  const events = timeline.events;
  const eventNames: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    eventNames[i] = note(e.s);
  }
  for (const a of extra.stateActors ?? []) note(a);
  const groupOnly = (extra.groupActors ?? []).map((a) => places.place(a).place);

  // Groups, in display order: top-level groups in world order, subgroups by name.
  const topIndex = new Map(places.topOrder.map((t, i) => [t, i] as const));
  const entries = [...byName.values()];
  const subs = new Map<string, Set<string>>();
  for (const place of [...entries.map((e) => e.place), ...groupOnly]) {
    if (!subs.has(place[0])) subs.set(place[0], new Set());
    if (place[1] !== null) subs.get(place[0])!.add(place[1]);
  }
  const tops = [...subs.keys()].sort((a, b) => (topIndex.get(a) ?? 1e9) - (topIndex.get(b) ?? 1e9));
  const groups: TrackGroup[] = [];
  const groupId = new Map<string, number>();
  for (const top of tops) {
    const id = groups.length;
    groups.push({ id, name: top, parent: -1, top: id });
    groupId.set(`${top}\u0000`, id);
    for (const sub of [...subs.get(top)!].sort(compareNatural)) {
      groupId.set(`${top}\u0000${sub}`, groups.length);
      groups.push({ id: groups.length, name: sub, parent: id, top: id });
    }
  }
  const groupOf = (p: Place): number => groupId.get(`${p[0]}\u0000${p[1] ?? ''}`)!;

  const sorted = entries
    .map((e) => ({ name: e.name, group: groupOf(e.place) }))
    .sort((a, b) => a.group - b.group || compareNatural(a.name, b.name));
  const tracks: Track[] = sorted.map((t, id) => ({ id, name: t.name, group: t.group }));
  const trackId = new Map(tracks.map((t) => [t.name, t.id] as const));

  const eventTrack = new Int32Array(events.length);
  for (let i = 0; i < events.length; i++) eventTrack[i] = trackId.get(eventNames[i]!)!;

  return {
    groups,
    tracks,
    eventTrack,
    groupOf(actor: string): number {
      return groupOf(places.place(actor).place);
    },
    trackOf(actor: string): number {
      const name = trackOfActor.get(actor) ?? places.place(actor).name;
      const id = trackId.get(name);
      if (id === undefined) throw new Error(`no track for ${actor}`);
      return id;
    },
  };
}
