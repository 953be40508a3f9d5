/**
 * Guided tours: captions shown one at a time, each when the event it waits for happens in the replay. Written for a
 * student who has never seen a data centre. A step without `match` is shown where the previous one was (an intro or
 * a conclusion); a step whose event never happens in this run is skipped.
 */
import { type Events, eventList } from './model/event-list.js';
import { formatDuration } from './model/time.js';
import { type Bound, bareSubject, descendsFrom, type StepMatch } from './model/tour-match.js';

export type TourTab = 'topology' | 'network' | 'spacetime' | 'charts';

/** What a caption may draw on: the run's events, the step's event, what is bound, and the run's policies. */
export interface CaptionContext {
  readonly events: Events;
  readonly event: number;
  readonly bound: Bound | null;
  /** The scenario's resolved policies (`timeline.scenario.resolved.policies`). */
  readonly policies: unknown;
}

/**
 * What a caption says the picture shows about the step event's subject (after the event), so that a test can hold
 * the caption to the state: its status (one of), whether it is in the load balancer's rotation, whether it runs.
 */
export interface StepClaim {
  readonly status?: readonly string[];
  readonly inRotation?: boolean;
  readonly powered?: boolean;
}

export interface TourStep {
  readonly match?: StepMatch;
  /** The caption, or a function writing it from the run (counts and rules as this run has them). */
  readonly caption: string | ((ctx: CaptionContext) => string);
  readonly claim?: StepClaim;
  /** The view to show for this step. */
  readonly tab?: TourTab;
}

/** The caption of a step, written for this run. */
export function captionOf(step: TourStep, ctx: CaptionContext): string {
  return typeof step.caption === 'string' ? step.caption : step.caption(ctx);
}

function policy(ctx: CaptionContext, section: string, key: string): number | undefined {
  const v = (ctx.policies as Record<string, Record<string, unknown>> | undefined)?.[section]?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Unanswered load-balancer probes to the step event's subject since the bound event, up to the step's event. */
export function failedProbesBefore(ctx: CaptionContext): number {
  const events = eventList(ctx.events);
  const subject = bareSubject(events.at(ctx.event)!.s);
  const from = ctx.bound?.event ?? 0;
  let n = 0;
  for (let i = from; i < ctx.event; i++) {
    const e = events.at(i)!;
    if (e.k === 'msg.probe' && e.m && !e.m.ok && bareSubject(e.m.to) === subject) {
      if (!ctx.bound || descendsFrom(ctx.events, i, ctx.bound.event)) n++;
    }
  }
  return n;
}

const TIMES = ['no times', 'once', 'twice'];
const times = (n: number) => TIMES[n] ?? `${n} times`;

function lbOutCaption(ctx: CaptionContext, ending: string): string {
  const n = failedProbesBefore(ctx);
  const every = policy(ctx, 'loadBalancer', 'probeIntervalUs');
  const timeout = policy(ctx, 'loadBalancer', 'probeTimeoutUs');
  const misses = policy(ctx, 'loadBalancer', 'probeMisses');
  return (
    `Meanwhile the load balancer — the front door that spreads visitors over the copies — asked this copy if it ` +
    `was alive ${times(n)}${every ? `, every ${formatDuration(every)},` : ''} and got no answer` +
    (misses && timeout
      ? `. Once ${misses} of those questions had each waited ${formatDuration(timeout)} in vain (its rule: ` +
        `${misses} misses), it stops sending visitors there. `
      : '. It stops sending visitors there. ') +
    ending
  );
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
          'At this moment the program inside the selected instance crashes. Nothing is wrong with the machine ' +
          'itself — only the program stopped. The picture still shows the instance green (Ready): nobody has ' +
          'noticed yet. Step forward (→) once to see it turn grey (Stopped).',
        claim: { status: ['Ready'] },
        tab: 'topology',
      },
      {
        match: { k: ['detect'], descends: true },
        caption:
          'A small helper living next to the program, the guest agent, saw the process exit at once and reported ' +
          'it: the instance is grey (Stopped). Detection was quick because the helper shares the machine with the ' +
          'program.',
        claim: { status: ['Stopped'] },
      },
      {
        match: { k: ['instance.start'], descends: true },
        caption:
          'The platform restarts the program on the same machine. It shows as Busy (amber) while it starts up; it ' +
          'cannot take visitors yet.',
        claim: { status: ['Busy', 'Starting'] },
      },
      {
        match: { k: ['lb.out'], descends: true },
        caption: (ctx) => lbOutCaption(ctx, 'The other copies carry the load, so the website stays up.'),
        claim: { inRotation: false },
        tab: 'network',
      },
      {
        match: { k: ['instance.ready'], descends: true },
        caption: 'The program has finished starting: the instance is Ready (green) again.',
        claim: { status: ['Ready'] },
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
        claim: { inRotation: true, status: ['Ready'] },
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
        match: { k: ['fault.start'], r: 'fault:node', bind: true, prefer: ['healing.start'] },
        caption:
          'The operating system of the selected node crashes, and its virtual machines go down with it. The fabric ' +
          'controller (the "brain" that manages the cluster) does not know yet — the node still shows as Ready — ' +
          'it has to notice.',
        claim: { status: ['Ready'], powered: false },
        tab: 'topology',
      },
      {
        match: { k: ['msg.poll'], ok: false, descends: true },
        caption: (ctx) => {
          const every = policy(ctx, 'fc', 'pollIntervalUs');
          return (
            `Every ${every ? formatDuration(every) : 'few seconds'} the fabric controller asks each node’s host ` +
            'agent "are you alive?". This question goes unanswered: the node is down. One missed answer could be a ' +
            'hiccup, so it keeps counting.'
          );
        },
        claim: { status: ['Ready'], powered: false },
        tab: 'spacetime',
      },
      {
        match: { k: ['lb.out'], descends: true },
        caption: (ctx) => lbOutCaption(ctx, 'The instance on the dead node can serve no one.'),
        claim: { inRotation: false },
        tab: 'network',
      },
      {
        match: { k: ['node.silent'], descends: true },
        caption: (ctx) => {
          const n = policy(ctx, 'fc', 'missedPolls');
          return (
            `After ${n ?? 'several'} unanswered polls in a row, the fabric controller declares the node silent ` +
            '(Unhealthy). The rule it applied is shown in the Why? panel.'
          );
        },
        claim: { status: ['Unhealthy'] },
        tab: 'topology',
      },
      {
        match: { k: ['node.reboot'], descends: true },
        caption: 'First remedy: reboot the machine (Recovering), and wait a while for it to come back.',
        claim: { status: ['Recovering'] },
      },
      {
        match: { k: ['node.boot-failed'], descends: true },
        caption: 'The machine does not come back from its reboot. Waiting longer would leave the service short.',
      },
      {
        match: { k: ['node.out-for-repair'], descends: true },
        caption:
          'The fabric controller gives up on it for now: the node is taken out of service, for a technician to repair.',
        claim: { status: ['OutForRepair'] },
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
        match: {
          k: ['node.ready'],
          descends: true,
          unlessShown: ['node.boot-failed', 'node.out-for-repair', 'healing.start'],
        },
        caption: 'The node answered after its reboot: it is Ready again, and its instances start up on it.',
        claim: { status: ['Ready'] },
      },
      {
        match: { k: ['instance.ready'], descends: true },
        caption: 'The instance is Ready again (green): it can serve visitors.',
        claim: { status: ['Ready'] },
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
    needs: 'scripted traffic with attacks (events of kind traffic.*)',
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
        match: { k: ['traffic.*'], ok: true },
        caption:
          'A request that is allowed: the dot reaches its target (green). Somebody on a permitted network used the ' +
          'door they are meant to use. The Why? panel names the rule that let it in.',
        tab: 'network',
      },
      {
        match: { k: ['traffic.*'], intent: ['attack'], ok: false },
        caption:
          'Now someone tries a door they have no right to — for example the management endpoint, from the ' +
          'internet. The wall refuses it: the dot turns orange and stops at the firewall. Hover it, or read the ' +
          'Why? panel, to see exactly which rule turned it away.',
        tab: 'network',
      },
      {
        match: { k: ['traffic.*'], intent: ['attack'], ok: false },
        caption:
          'Attackers rarely try once. Each new attempt meets the same rule, and each refusal is counted: the ' +
          'Charts tab shows allowed and denied attempts adding up over time.',
        tab: 'charts',
      },
      {
        match: { k: ['traffic.*'], r: 'oracle:' },
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
