/**
 * Which faults a "what if" may inject into an entity at this moment: only those that would change something (no
 * node crash on a node that is already down, no role crash on an instance that is not running).
 */
import type { World } from '../../../sim/spec/index.js';
import type { EntityRef } from './entities.js';

export interface ForkOption {
  /** Fault kind of the scenario format. */
  readonly kind: string;
  /** The id the fault targets (an entity, or a replica of one). */
  readonly target: string;
  /** Plain-language label. */
  readonly label: string;
}

export function forkOptions(world: World, ref: EntityRef): ForkOption[] {
  const out: ForkOption[] = [];
  const add = (kind: string, target: string, label: string) => out.push({ kind, target, label });
  switch (ref.kind) {
    case 'instance': {
      const c = world.clusters[ref.a];
      const i = c?.instances[ref.b];
      if (!c || !i) break;
      const node = i.node >= 0 ? c.nodes[i.node] : undefined;
      const hostUp = !!node && node.powered;
      const processRuns =
        hostUp && i.vm === 'Running' && (i.status === 'Ready' || i.status === 'Busy' || i.status === 'Starting');
      if (processRuns) add('role.crash', i.id, 'crash the role process');
      if (processRuns && !i.hung) add('role.hang', i.id, 'hang the role process (alive but serving nothing)');
      if (processRuns) add('role.config-error', i.id, 'break the role’s configuration');
      if (hostUp && (i.vm === 'Running' || i.vm === 'Hung')) add('vm.crash', i.id, 'crash the guest VM');
      if (hostUp && i.vm === 'Running') add('vm.hang', i.id, 'hang the guest VM');
      break;
    }
    case 'node': {
      const n = world.clusters[ref.a]?.nodes[ref.b];
      if (!n) break;
      if (n.powered) add('node.crash', n.id, 'crash the host OS');
      if (n.status !== 'OutForRepair' && n.status !== 'HumanInvestigate' && n.status !== 'Dead') {
        add('node.hardware', n.id, 'break the hardware (the node needs repair)');
      }
      if (n.powered && n.hostAgentUp) add('host-agent.crash', n.id, 'crash the host agent only');
      break;
    }
    case 'rack': {
      const r = world.clusters[ref.a]?.racks[ref.b];
      if (r?.powered) add('rack.power-loss', r.id, 'cut the power of the whole rack (fault domain)');
      break;
    }
    case 'fc': {
      const r = world.clusters[ref.a]?.fc.replicas[ref.b];
      if (r?.up)
        add('fc.replica-crash', r.id, `crash this fabric-controller replica${r.leader ? ' (the leader)' : ''}`);
      break;
    }
    case 'cluster': {
      const c = world.clusters[ref.a];
      const leader = c && c.fc.leader >= 0 ? c.fc.replicas[c.fc.leader] : undefined;
      if (leader?.up) add('fc.replica-crash', leader.id, 'crash the fabric controller’s leader replica');
      break;
    }
    case 'watchdog': {
      const w = world.watchdogs[ref.b];
      if (w?.up) add('watchdog.crash', w.id, 'crash this watchdog');
      break;
    }
    case 'database': {
      const d = world.sql.databases[ref.b];
      for (const r of d?.replicas ?? []) if (r.up) add('sql.replica-crash', r.id, `crash ${r.role} replica ${r.id}`);
      break;
    }
    default:
      break;
  }
  return out;
}
