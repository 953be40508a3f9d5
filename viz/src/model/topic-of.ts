/**
 * Which part of the infrastructure-integrity document an event illustrates, decided by the viewer from the event's
 * kind (and, for consequences of a fault, from the fault at the root of its cause chain) rather than taken as
 * recorded: a node's reboot belongs to the section on node failure and service healing, a load-balancer probe to
 * the load balancer's health checks, a firewall's refusal to who may reach what.
 */
import type { TimelineEvent } from '../../../sim/trace/index.js';
import { type Events, eventList } from './event-list.js';

/** The document's sections (sim's TOPICS) plus the load balancer's health checks, told apart from reachability. */
export type TopicKey =
  | 'role-monitoring'
  | 'service-healing'
  | 'compute-connectivity'
  | 'lb-health'
  | 'software-installation'
  | 'virus-scans'
  | 'closed-environment'
  | 'sql-authentication'
  | 'corpnet-acls'
  | 'sql-node-acls'
  | 'watchdogs'
  | 'change-management';

/** Topics that name one mechanism whatever the event: the recorded one is kept. */
const SETTLED = new Set([
  'software-installation',
  'virus-scans',
  'closed-environment',
  'sql-authentication',
  'corpnet-acls',
  'sql-node-acls',
  'watchdogs',
  'change-management',
]);

const MAX_WALK = 64;

function rootOf(eventsIn: Events, id: number): TimelineEvent {
  const events = eventList(eventsIn);
  let i = id;
  for (let n = 0; n < MAX_WALK; n++) {
    const c = events.at(i)!.c;
    if (c < 0 || c >= i) break;
    i = c;
  }
  return events.at(i)!;
}

/** The section a fault of this rule ("fault:node.crash") belongs to, if the rule names a fault. */
function faultTopic(rule: string | undefined): TopicKey | undefined {
  if (!rule?.startsWith('fault:')) return undefined;
  const kind = rule.slice('fault:'.length);
  if (/^(node|host-agent|rack)\./.test(kind)) return 'service-healing';
  if (/^(role|vm)\./.test(kind)) return 'role-monitoring';
  if (kind.startsWith('network.')) return 'compute-connectivity';
  if (kind.startsWith('watchdog.') || kind.startsWith('sql.')) return 'watchdogs';
  if (kind.startsWith('fc.')) return 'role-monitoring';
  return undefined;
}

export function topicOf(eventsIn: Events, id: number): TopicKey | undefined {
  const events = eventList(eventsIn);
  const e = events.at(id)!;
  const k = e.k;
  if (e.tp && SETTLED.has(e.tp)) return e.tp as TopicKey;
  if (k === 'msg.probe' || k.startsWith('lb.')) return 'lb-health';
  if (k === 'msg.poll' || k.startsWith('node.') || k.startsWith('healing.') || k === 'instance.moved')
    return 'service-healing';
  if (k.startsWith('fault.') || k === 'detect' || k === 'recover' || k.startsWith('instance.') || k.startsWith('vm.')) {
    const t = faultTopic(rootOf(events, id).r);
    if (t) return t;
  }
  if (e.tp) return e.tp as TopicKey;
  // Untagged: the nearest tagged event up the chain.
  let i = id;
  for (let n = 0; n < MAX_WALK && i >= 0; n++) {
    const tp = events.at(i)!.tp;
    if (tp) return tp as TopicKey;
    const c = events.at(i)!.c;
    if (c >= i) break;
    i = c;
  }
  return undefined;
}
