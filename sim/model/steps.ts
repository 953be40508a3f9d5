/**
 * Small pieces shared by the fabric's actors: recipe steps applied inside immer drafts, and the topic a fault kind
 * illustrates.
 */
import type { ClusterState, NodeState } from '../spec/index.js';

/** Inside a recipe: the node loses power (or is shut down); its host agent and every VM on it stop with it. */
export function powerDown(c: ClusterState, n: NodeState): void {
  n.powered = false;
  n.hostAgentUp = false;
  for (const ii of n.instances) {
    const i = c.instances[ii]!;
    i.vm = 'Down';
    i.status = 'Stopped';
    i.hung = false;
  }
}

export function topicOfFault(kind: string): string {
  if (kind.startsWith('sql.') || kind.startsWith('watchdog.')) return 'watchdogs';
  if (kind.startsWith('network.')) return 'compute-connectivity';
  if (kind === 'node.hardware' || kind === 'rack.power-loss') return 'service-healing';
  return 'role-monitoring';
}
