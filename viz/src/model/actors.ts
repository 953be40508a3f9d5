/**
 * Actors — the endpoints that exchange messages ("fc:c0", "ha:c0-r1-n3", "lb:shop.web", "internet:203.0.113.9") —
 * and where they sit: which network zone (the internet, the corporate network, a cluster, the SQL cluster) and which
 * group of lanes in the space-time diagram.
 */
import type { World } from '../../../sim/spec/index.js';
import type { EntityIndex } from './entities.js';

export type Zone = 'internet' | 'corpnet' | 'cluster' | 'sql' | 'other';

export interface ActorPlace {
  readonly zone: Zone;
  /** Cluster index for zone 'cluster', else -1. */
  readonly cluster: number;
  /** Lane group, in display order (see GROUPS). */
  readonly group: number;
}

/** Lane groups, top to bottom: outside clients first, then the control plane, then agents and data. */
export const GROUPS = [
  'outside clients',
  'corporate network',
  'fabric controller',
  'load balancer',
  'host agents',
  'guest agents / instances',
  'watchdogs',
  'SQL',
  'other',
] as const;

const PREFIX_GROUP: Record<string, number> = {
  internet: 0,
  inet: 0,
  client: 0,
  user: 0,
  attacker: 0,
  corp: 1,
  corpnet: 1,
  admin: 1,
  insider: 1,
  fc: 2,
  lb: 3,
  probe: 3,
  ha: 4,
  host: 4,
  ga: 5,
  guest: 5,
  role: 5,
  inst: 5,
  vm: 5,
  wd: 6,
  watchdog: 6,
  ma: 6,
  sql: 7,
  gw: 7,
  db: 7,
};

/** The actor's prefix ("fc") and the rest ("c0"); an actor without a colon has an empty prefix. */
export function splitActor(actor: string): [string, string] {
  const i = actor.indexOf(':');
  return i < 0 ? ['', actor] : [actor.slice(0, i).toLowerCase(), actor.slice(i + 1)];
}

export function placeActor(actor: string, world: World, entities: EntityIndex): ActorPlace {
  const [prefix, rest] = splitActor(actor);
  let group = PREFIX_GROUP[prefix] ?? -1;
  if (group === 0) return { zone: 'internet', cluster: -1, group };
  if (group === 1) return { zone: 'corpnet', cluster: -1, group };
  if (group === 6 || group === 7) return { zone: 'sql', cluster: -1, group };
  const ref = entities.get(rest) ?? entities.get(rest.split(/[/@]/)[0] ?? rest);
  let cluster = -1;
  let zone: Zone = 'other';
  if (ref) {
    if (ref.kind === 'database' || ref.kind === 'watchdog') zone = 'sql';
    else if (ref.kind === 'service') cluster = world.services[ref.b]?.cluster ?? -1;
    else if (ref.kind === 'role') cluster = world.services[ref.a]?.cluster ?? -1;
    else cluster = ref.a;
    if (group < 0) {
      group =
        ref.kind === 'node'
          ? 4
          : ref.kind === 'instance' || ref.kind === 'role'
            ? 5
            : ref.kind === 'cluster' || ref.kind === 'fc'
              ? 2
              : ref.kind === 'watchdog'
                ? 6
                : ref.kind === 'database'
                  ? 7
                  : 8;
    }
  } else if (world.clusters.length === 1 && group >= 2) {
    cluster = 0;
  }
  if (cluster >= 0) zone = 'cluster';
  return { zone, cluster, group: group < 0 ? 8 : group };
}

/** The actor that stands for an entity (a node's host agent, a cluster's FC…), among the known actors. */
export function actorForEntity(id: string, actors: readonly string[]): string | undefined {
  if (actors.includes(id)) return id;
  return actors.find((a) => splitActor(a)[1] === id);
}
