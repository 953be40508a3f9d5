/**
 * What each topic of the seed document means, explained for someone who has never seen a data centre.
 * Keys are the `tp` values of timeline events (TOPICS in sim/trace/format.ts); the texts are our own words.
 */
import { TOPICS } from '../../sim/trace/index.js';
import { type TopicKey, topicOf } from './model/topic-of.js';

export interface TopicText {
  /** Short title of the part of the document the event illustrates. */
  readonly title: string;
  /** A few sentences: the idea, and what to look for in the replay. */
  readonly text: string;
}

export const TOPIC_TEXTS: Record<TopicKey, TopicText> = {
  'role-monitoring': {
    title: TOPICS['role-monitoring'],
    text:
      'A cloud service is made of roles (a web front end, a background worker), each running as several copies ' +
      'called instances. The platform keeps watching every instance. When one stops answering or its program ' +
      'crashes, the fabric controller notices on its own and restarts it — nobody has to be paged. Watch the ' +
      'instance change colour, then come back to Ready.',
  },
  'service-healing': {
    title: `${TOPICS['service-healing']}`,
    text:
      'If a whole machine (a node) dies, restarting the program in place is impossible. The fabric controller ' +
      'polls every node’s host agent; when several polls in a row go unanswered it declares the node silent, ' +
      'gives it a chance to reboot, and if it does not come back, starts its instances again on healthy machines ' +
      '— preferably in another rack, so that one power or switch failure cannot take every copy down — and sends ' +
      'the node out for repair. This is called service healing; it usually completes within a quarter of an hour.',
  },
  'compute-connectivity': {
    title: `${TOPICS['compute-connectivity']}: who may reach a role`,
    text:
      'Web roles are meant to be reached from the internet, but only on the ports their service declares, ' +
      'through the load balancer. Worker roles can call out to the internet but cannot be called from it. Every ' +
      'other door is shut by layers of rules — the boundary’s access lists, network security groups, the VLANs ' +
      'that keep customer machines away from the fabric controller, and a filter on each host. A connection that ' +
      'no rule allows is refused at the first wall it meets; the replay names that rule.',
  },
  'lb-health': {
    title: `${TOPICS['compute-connectivity']}: the load balancer’s health checks`,
    text:
      'Visitors reach a web role through a load balancer that spreads them over the role’s instances. Every few ' +
      'seconds it asks each instance whether it is healthy; after a few unanswered checks in a row it stops ' +
      'sending visitors there (out of rotation), and puts the instance back as soon as it answers again. The ' +
      'other instances carry the load meanwhile.',
  },
  'software-installation': {
    title: TOPICS['software-installation'],
    text:
      'Nothing runs on the platform unless it was built and released through the official process; the host ' +
      'operating system refuses software that was not approved. The fabric controller picks the operating-system ' +
      'image for each machine according to the job it will do.',
  },
  'virus-scans': {
    title: TOPICS['virus-scans'],
    text:
      'Every build of every component is scanned for malware, and the scan leaves a log next to the build. A build ' +
      'that is not clean is frozen and never reaches production; security staff then trace where the bad code ' +
      'came from.',
  },
  'closed-environment': {
    title: TOPICS['closed-environment'],
    text:
      'Machines are "locked": they have no user accounts, and the built-in administrator account is switched off. ' +
      'Only authenticated support staff can get in, and only to repair something in an emergency. An attacker ' +
      'who guesses a default account name finds nothing to log into.',
  },
  'sql-authentication': {
    title: TOPICS['sql-authentication'],
    text:
      'The hosted database accepts its own user names and passwords only. Customers are expected to give each ' +
      'account a strong password and just the rights it needs, so that a stolen or guessed login can do little.',
  },
  'corpnet-acls': {
    title: TOPICS['corpnet-acls'],
    text:
      'Between the company’s office network and the production clusters sit access lists and firewalls. They ' +
      'keep insiders away from customer databases, and only addresses from the office network may reach the ' +
      'management endpoint at all. A request from anywhere else is dropped at the wall — the replay shows which ' +
      'rule stopped it.',
  },
  'sql-node-acls': {
    title: TOPICS['sql-node-acls'],
    text:
      'Even inside the database cluster, machines may only talk to each other on the paths they need: access ' +
      'lists and a firewall sit between the nodes. This is "defence in depth": if one layer fails, the next one ' +
      'still holds.',
  },
  watchdogs: {
    title: TOPICS.watchdogs,
    text:
      'Small monitoring programs, called watchdogs, regularly check the health of the database cluster and raise ' +
      'the alarm when something looks wrong. While a watchdog is itself down, nobody is watching that part — the ' +
      'replay shows these blind spells.',
  },
  'change-management': {
    title: TOPICS['change-management'],
    text:
      'Software reaches production only through change and release management: a new version rolls out one ' +
      'update domain (a slice of the instances) at a time, so the service keeps running while it updates, and a ' +
      'bad version can be stopped and rolled back before it reaches every copy.',
  },
};

/** The topic an event illustrates (model/topic-of.ts) and its text. */
export function topicForEvent(events: Parameters<typeof topicOf>[0], id: number): TopicText | undefined {
  return topicText(topicOf(events, id));
}

export function topicText(tp: string | undefined): TopicText | undefined {
  if (!tp) return undefined;
  return (TOPIC_TEXTS as Record<string, TopicText>)[tp];
}

/** Plain-language meaning of event kinds, for the explanation panel (prefix match on the part before the dot). */
const KIND_TEXTS: Record<string, string> = {
  'fault.start': 'Something broke: the scenario (or chance) injected a fault here.',
  'fault.end': 'The fault’s cause went away (for example a partition healed).',
  'fault.missed': 'A fault arrived at something that was already down, so it changed nothing; it is still counted.',
  'node.silent': 'The fabric controller stopped hearing from this node and declared it silent.',
  'node.state': 'The node moved to a new state in its life cycle.',
  'instance.state': 'A role instance moved to a new state.',
  'instance.restart': 'The platform restarted a role instance.',
  'healing.start': 'Service healing began: the instance is being started on another node.',
  'healing.done': 'Service healing finished: the instance runs on its new node.',
  'lb.out': 'The load balancer stopped sending visitors to this instance.',
  'lb.in': 'The load balancer sends visitors to this instance again.',
  detect: 'A monitor noticed the problem. The time from the fault to here is the time to detect.',
  recover: 'Service is back. The time from the fault to here is the time to recover.',
  'fc.leader': 'The fabric controller’s replicas changed leader.',
  msg: 'A message between two parts of the system.',
  traffic:
    'A scripted attempt — a user’s visit, an administrator’s action, service traffic, a build, or an attack — and what the rules decided.',
};

export function kindText(kind: string): string | undefined {
  return KIND_TEXTS[kind] ?? KIND_TEXTS[kind.split('.')[0]!];
}
