/**
 * Guided tours: captions shown one at a time, each when the event it waits for happens in the replay. Written for a
 * student who has never seen a data centre. A step without `match` is shown where the previous one was (an intro or
 * a conclusion); a step whose event never happens in this run is skipped.
 */
import type { StepMatch } from './model/tour-match.js';

export type TourTab = 'topology' | 'network' | 'spacetime' | 'charts';

export interface TourStep {
  readonly match?: StepMatch;
  readonly caption: string;
  /** The view to show for this step. */
  readonly tab?: TourTab;
}

export interface Tour {
  readonly id: string;
  readonly title: string;
  /** What the tour needs; shown when the run has nothing for it. */
  readonly needs: string;
  /** A bundled scenario that shows it well (its name without extension). */
  readonly scenario: string;
  readonly steps: readonly TourStep[];
}

export const TOURS: readonly Tour[] = [
  {
    id: 'role-crash',
    title: 'A program crashes, and the platform restarts it',
    needs: 'a role crash (a fault of kind role.crash)',
    scenario: 'quickstart',
    steps: [
      {
        caption:
          'This picture is a small data centre. Each pale box is a computer (a "node"), stacked in racks. The little ' +
          'coloured squares and circles are "instances": copies of a customer’s program. Green means Ready — ' +
          'working and able to serve. Press Continue to jump to the moment something goes wrong.',
        tab: 'topology',
      },
      {
        match: { k: ['fault.start'], r: 'fault:role.crash', bind: true },
        caption:
          'Here the program inside one instance crashes (it is outlined in orange). Nothing is wrong with the ' +
          'machine itself — only the program stopped. Nobody has been told yet.',
        tab: 'topology',
      },
      {
        match: { k: ['detect'], descends: true },
        caption:
          'A small helper living next to the program, the guest agent, sees the process exit almost at once and ' +
          'reports it. Detection was quick because the helper shares the machine with the program.',
      },
      {
        match: { k: ['instance.restart', 'instance.start'], descends: true },
        caption:
          'The platform restarts the program on the same machine. It shows as Busy (amber) while it starts up; it ' +
          'cannot take visitors yet.',
      },
      {
        match: { k: ['lb.out'], descends: true },
        caption:
          'Meanwhile the load balancer — the front door that spreads visitors over the copies — asked this copy ' +
          'if it was alive, twice, and got no answer. It stops sending visitors there. The other copies carry the ' +
          'load, so the website stays up.',
        tab: 'network',
      },
      {
        match: { k: ['instance.ready', 'instance.state'], descends: true },
        caption: 'The program has finished starting: the instance is Ready (green) again.',
        tab: 'topology',
      },
      {
        match: { k: ['recover'], descends: true },
        caption:
          'Recovered. The time from the crash to here is the "time to recover". Look at the Why? panel: it walks ' +
          'back from this event to the crash that started it all.',
      },
      {
        match: { k: ['lb.in'], descends: true },
        caption:
          'The load balancer’s next check gets an answer, so it puts the copy back into rotation. Visitors were ' +
          'served the whole time, by the other copies. That is why a role runs as several instances.',
      },
    ],
  },
  {
    id: 'node-healing',
    title: 'A whole machine dies, and the platform heals the service',
    needs: 'a node failure (node.crash or node.hardware)',
    scenario: 'node-crash-healing',
    steps: [
      {
        caption:
          'A node is one physical computer. Several instances may run on it, inside virtual machines. In this ' +
          'tour a whole node fails — its programs cannot simply be restarted in place.',
        tab: 'topology',
      },
      {
        match: { k: ['fault.start'], r: 'fault:node', bind: true },
        caption:
          'The node’s operating system crashes. Its virtual machines go down with it. The fabric controller (the ' +
          '"brain" that manages the cluster) does not know yet: it has to notice.',
        tab: 'topology',
      },
      {
        match: { k: ['msg.poll'], ok: false, descends: true },
        caption:
          'Every few seconds the fabric controller asks each node’s host agent "are you alive?". This question ' +
          'goes unanswered. One missed answer could be a hiccup, so it keeps counting.',
        tab: 'spacetime',
      },
      {
        match: { k: ['lb.out'], descends: true },
        caption:
          'The load balancer notices that the instance on the dead node no longer answers, and stops sending ' +
          'visitors to it.',
        tab: 'network',
      },
      {
        match: { k: ['node.silent'], descends: true },
        caption:
          'After several unanswered polls in a row, the fabric controller declares the node silent (Unhealthy). ' +
          'The rule it applied is shown in the Why? panel.',
        tab: 'topology',
      },
      {
        match: { k: ['node.reboot'], descends: true },
        caption: 'First remedy: reboot the machine, and wait a while for it to come back.',
      },
      {
        match: { k: ['node.boot-failed'], descends: true },
        caption: 'The machine does not come back from its reboot. Waiting longer would leave the service short.',
      },
      {
        match: { k: ['node.out-for-repair'], descends: true },
        caption:
          'The fabric controller gives up on it for now: the node is taken out of service, for a technician to repair.',
      },
      {
        match: { k: ['healing.start'], descends: true },
        caption:
          'Service healing: the platform starts the node’s instances again on healthy machines — preferably in ' +
          'another rack, so that one failure cannot take every copy down.',
      },
      {
        match: { k: ['instance.moved'], descends: true },
        caption: 'Here an instance gets its new home: a new virtual machine is prepared for it on another node.',
      },
      {
        match: { k: ['node.ready'], descends: true },
        caption: 'The node answered after its reboot: it is Ready again, and its instances start up on it.',
      },
      {
        match: { k: ['instance.ready'], descends: true },
        caption: 'The instance is Ready again (green): it can serve visitors.',
      },
      {
        match: { k: ['recover'], descends: true },
        caption:
          'Service is fully back. Compare the time to detect (about a minute: silence has to be confirmed) with ' +
          'the role-crash tour (under a second). Try "What if…" on another node to see it again.',
      },
    ],
  },
  {
    id: 'attack',
    title: 'An attack is stopped by the firewalls',
    needs: 'attack traffic (events of kind attack.*)',
    scenario: 'security-corpnet-acl',
    steps: [
      {
        caption:
          'Between the internet, the company’s office network (the "corporate network") and the clusters stand ' +
          'firewalls and access lists: rules that say who may talk to whom. Each box here is a network zone; the ' +
          'dark bars are the walls between them. This tour follows attempts to get through.',
        tab: 'network',
      },
      {
        match: { k: ['attack.*'], ok: true },
        caption:
          'A request that is allowed: the dot reaches its target (green). Somebody on a permitted network used the ' +
          'door they are meant to use. The Why? panel names the rule that let it in.',
        tab: 'network',
      },
      {
        match: { k: ['attack.*'], ok: false },
        caption:
          'Now someone tries a door they have no right to — for example the management endpoint, from the ' +
          'internet. The wall refuses it: the dot turns orange and stops at the firewall. Hover it, or read the ' +
          'Why? panel, to see exactly which rule turned it away.',
        tab: 'network',
      },
      {
        match: { k: ['attack.*'], ok: false },
        caption:
          'Attackers rarely try once. Each new attempt meets the same rule, and each refusal is counted: the ' +
          'Charts tab shows allowed and denied attempts adding up over time.',
        tab: 'charts',
      },
      {
        match: { k: ['attack.*'], r: 'oracle:' },
        caption:
          'This one got through although it should not have: a rule had been changed by mistake. The checker that ' +
          'knows the intended policy flags it as a violation. It stays exposed until the rule is fixed.',
        tab: 'network',
      },
      {
        caption:
          'That is defence in depth: even if one layer has a hole, the next ones — the database’s own firewall, ' +
          'strong passwords, machines without user accounts — still stand in the way.',
      },
    ],
  },
];
