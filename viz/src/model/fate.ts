/**
 * What became of a message, in words a student can tell apart: delivered; denied by a named firewall or access-list
 * rule; unanswered because the receiver is down (a crashed node's host agent, an instance that is not serving); or
 * lost on the network (a partition or packet loss between two live machines). A crash is never called a denial.
 */
import { splitActor } from './actors.js';
import { type Events, eventList } from './event-list.js';

export type Fate = 'delivered' | 'denied' | 'no-answer' | 'lost';

export interface MessageFate {
  readonly fate: Fate;
  /** Short: "delivered", "denied by rule list:…", "no answer: c0-r0-n0 is down", "lost on the network". */
  readonly label: string;
}

/** Root-fault rules under which an unanswered poll means the network dropped it, not that the receiver died. */
const NETWORK_FAULTS = ['fault:network.partition', 'fault:network.loss'];
/** Longest cause walk when looking for the root fault (chains are short; this only bounds a damaged file). */
const MAX_WALK = 64;

/** The rule of the root event of `id`'s cause chain ("fault:node.crash"), or ''. */
function rootRule(eventsIn: Events, id: number): string {
  const events = eventList(eventsIn);
  let i = id;
  for (let n = 0; n < MAX_WALK; n++) {
    const c = events.at(i)!.c;
    if (c < 0 || c >= i) break;
    i = c;
  }
  return events.at(i)!.r ?? '';
}

export function messageFate(eventsIn: Events, id: number): MessageFate {
  const events = eventList(eventsIn);
  const e = events.at(id)!;
  const m = e.m;
  if (!m || m.ok) return { fate: 'delivered', label: 'delivered' };
  // A message refused by a rule names it (firewalls, ACLs, NSGs, VLANs, host filters, SQL authentication…).
  if (e.r) return { fate: 'denied', label: `denied by rule ${e.r}` };
  if (NETWORK_FAULTS.some((f) => rootRule(events, id).startsWith(f)))
    return { fate: 'lost', label: 'lost on the network' };
  // The load balancer's probe reaches the guest agent of an instance that is not Ready; any other silence is the
  // receiver being down (a crashed node takes its host agent with it).
  if (splitActor(m.to)[0] === 'ga') return { fate: 'no-answer', label: `no answer: ${m.to} is not serving` };
  return { fate: 'no-answer', label: `no answer: ${m.to} is down` };
}

/** The legend's words for each fate. */
export const FATE_LEGEND: Record<Fate, string> = {
  delivered: 'delivered',
  denied: 'denied by a rule (stops at the wall)',
  'no-answer': 'no answer: the receiver is down',
  lost: 'lost on the network',
};
