import * as d3 from 'd3';
import fc from 'fast-check';
import { applyPatches, enablePatches, produceWithPatches } from 'immer';
import { describe, expect, it } from 'vitest';
import type { World } from '../../sim/spec/world.js';
import type { Patch } from '../../sim/trace/format.js';
import type { Timeline } from '../../sim/trace/index.js';
import { Analyser, analyse, orderByDue, securityVerdict, valueAt } from '../../viz/src/model/analysis.js';
import { causeChain } from '../../viz/src/model/cause.js';
import { EntityIndex, pathTarget } from '../../viz/src/model/entities.js';
import { filterEvents, NO_FILTER } from '../../viz/src/model/filter.js';
import { forkOptions } from '../../viz/src/model/fork-options.js';
import { intentLabel, kindLabel } from '../../viz/src/model/intent.js';
import { messagesInWindow } from '../../viz/src/model/messages.js';
import { pendingDeadlines, upcomingFaults } from '../../viz/src/model/pending.js';
import { policyOfRule } from '../../viz/src/model/rules.js';
import { formatClock, formatDuration, parseDuration, timeTicks } from '../../viz/src/model/time.js';
import { layoutTopology, type TopologySink } from '../../viz/src/model/topology-layout.js';
import { descendsFrom, eventMatches, findMatch } from '../../viz/src/model/tour-match.js';
import { CowBatch } from '../../viz/src/replay/cow.js';
import { formatUrlState, parseUrlState } from '../../viz/src/url-state.js';
import { linearOf } from '../../viz/src/views/linear.js';
import { tinyTimeline, tinyWorld } from './fixture.js';

enablePatches();

describe('CowBatch', () => {
  it('applies patches exactly as immer.applyPatches does, and never changes the state it started from', () => {
    const statuses = ['Starting', 'Busy', 'Ready', 'Recycling', 'Unresponsive', 'Stopped'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.integer({ min: 0, max: 3 }), a: fc.nat(20), b: fc.nat(20) }), { maxLength: 30 }),
        (steps) => {
          const base = tinyWorld();
          const frozen = JSON.stringify(base);
          let state = base;
          const all: Patch[] = [];
          for (const { op, a, b } of steps) {
            const [next, patches] = produceWithPatches(state, (d) => {
              const c = (d as World).clusters[0]!;
              if (op === 0) c.instances[a % c.instances.length]!.status = statuses[b % statuses.length]!;
              else if (op === 1) c.nodes[a % 4]!.instances.push(b);
              else if (op === 2) c.nodes[a % 4]!.instances.splice(0, 1);
              else c.fc.replicas = c.fc.replicas.filter((_, i) => i !== a % 3);
            });
            state = next;
            all.push(...(patches as Patch[]));
          }
          const batch = new CowBatch(base);
          batch.apply(all);
          expect(batch.result).toEqual(applyPatches(base, all as never));
          expect(batch.result).toEqual(state);
          expect(JSON.stringify(base)).toBe(frozen);
        },
      ),
      { seed: 12345, numRuns: 80 },
    );
  });

  it('copies each touched branch once per batch and shares the rest', () => {
    const base = tinyWorld();
    const batch = new CowBatch(base);
    batch.apply([{ op: 'replace', path: ['clusters', 0, 'instances', 1, 'status'], value: 'Busy' }]);
    const first = batch.result;
    batch.apply([{ op: 'replace', path: ['clusters', 0, 'instances', 2, 'status'], value: 'Busy' }]);
    expect(batch.result).toBe(first);
    expect(first.clusters[0]!.nodes).toBe(base.clusters[0]!.nodes);
    expect(first.clusters[0]!.instances[0]).toBe(base.clusters[0]!.instances[0]);
    expect(first.clusters[0]!.instances[1]).not.toBe(base.clusters[0]!.instances[1]);
    expect(first.services).toBe(base.services);
  });

  it('names the path when a patch points at something that does not exist', () => {
    const batch = new CowBatch(tinyWorld());
    expect(() => batch.apply([{ op: 'replace', path: ['clusters', 4, 'nodes', 0, 'status'], value: 'Ready' }])).toThrow(
      /\["clusters",4,"nodes",0,"status"\]/,
    );
  });
});

describe('entities', () => {
  it('resolves ids to their place in the world, and patch paths to the entity and field they change', () => {
    const w = tinyWorld();
    const ix = new EntityIndex(w);
    expect(ix.get('shop.web.2')).toEqual({ kind: 'instance', id: 'shop.web.2', a: 0, b: 2 });
    expect(ix.get('c0-r1-n0')).toEqual({ kind: 'node', id: 'c0-r1-n0', a: 0, b: 2 });
    expect(ix.get('c0-fc1')?.kind).toBe('fc');
    expect(ix.get('db0')?.kind).toBe('database');
    expect(ix.get('nope')).toBeUndefined();
    expect(pathTarget(['clusters', 0, 'instances', 3, 'status'])).toEqual({
      kind: 'instance',
      a: 0,
      b: 3,
      field: ['status'],
    });
    expect(pathTarget(['clusters', 0, 'fc', 'replicas', 1, 'up'])).toEqual({ kind: 'fc', a: 0, b: 1, field: ['up'] });
    expect(pathTarget(['clusters', 0, 'fc', 'leader'])).toEqual({
      kind: 'cluster',
      a: 0,
      b: 0,
      field: ['fc', 'leader'],
    });
    expect(pathTarget(['watchdogs', 0, 'up'])?.kind).toBe('watchdog');
    expect(pathTarget(['sql', 'databases', 0, 'available'])?.kind).toBe('database');
    expect(pathTarget(['nothing'])).toBeUndefined();
  });
});

describe('analysis', () => {
  const tl = tinyTimeline();
  const a = analyse(tl);

  it('marks every fault, detection, recovery and failed expectation, in time order', () => {
    expect(a.marks.map((m) => m.kind)).toEqual([
      'fault',
      'detect',
      'recover',
      'fault',
      'detect',
      'expectation',
      'recover',
    ]);
    expect(a.marks.find((m) => m.kind === 'expectation')!.t).toBe(900_000_000);
  });

  it('gives the same analysis when settled before the summary, and when events come after a settle', () => {
    const n = tl.events.length;
    const settled = new Analyser(tl.initial);
    settled.add(tl.events, n);
    settled.settle();
    expect(settled.finish(tl)).toEqual(a);
    // Settled half-way: the events taken since count.
    const early = new Analyser(tl.initial);
    early.add(tl.events, Math.floor(n / 2));
    early.settle();
    early.add(tl.events, n);
    expect(early.finish(tl)).toEqual(a);
  });

  it('counts Ready instances per role over time from the patches', () => {
    const web = a.readyByRole.find((s) => s.name === 'shop.web')!;
    expect(valueAt(web, 0)).toBe(3);
    expect(valueAt(web, 60_000_000)).toBe(2); // crashed
    expect(valueAt(web, 181_000_000)).toBe(3); // restarted
    expect(valueAt(web, 300_000_000)).toBe(2); // node down
    expect(valueAt(web, 961_000_000)).toBe(3); // healed
  });

  it('indexes the heartbeat: polls by the node polled, silent events by node, in one pass and a piece at a time', () => {
    const beat = (t: number, k: string, s: string) => ({ t, k, s, c: -1, x: '' }) as Timeline['events'][number];
    const events = [
      ...tl.events,
      beat(1_000_000_000, 'msg.poll', 'ha:c0-r0-n1'),
      beat(1_000_000_001, 'msg.poll', 'ha:c0-r0-n0'),
      beat(1_000_000_002, 'node.silent', 'c0-r0-n1'),
      beat(1_000_000_003, 'msg.poll', 'ha:c0-r0-n1'),
    ];
    const n = tl.events.length;
    const withBeats = { ...tl, events } as Timeline;
    const whole = analyse(withBeats).heartbeats;
    // The reference: one pass over the events, as the topology view made it.
    const polls = new Map<string, number[]>();
    const silent = new Map<string, number[]>();
    events.forEach((e, i) => {
      if (e.k === 'msg.poll') polls.set(e.s.slice(3), [...(polls.get(e.s.slice(3)) ?? []), i]);
      if (e.k === 'node.silent') silent.set(e.s, [...(silent.get(e.s) ?? []), i]);
    });
    const pack = (m: Map<string, number[]>) => new Map([...m].map(([k, v]) => [k, Int32Array.from(v)]));
    const expected = { polls: pack(polls), silent: pack(silent) };
    expect(expected.polls.get('c0-r0-n1')).toContain(n + 3);
    expect(expected.polls.get('c0-r0-n0')).toContain(n + 1);
    expect([...expected.silent.get('c0-r0-n1')!].at(-1)).toBe(n + 2);
    expect(whole).toEqual(expected);
    const pieces = new Analyser(withBeats.initial);
    pieces.add(events, n + 2);
    expect(pieces.finish(withBeats).heartbeats).toEqual(expected);
  });

  it('finds the events of a subject, and the actors of messages', () => {
    expect(Array.from(a.bySubject.get('c0-r0-n1')!)).toEqual([8, 10, 11, 14, 15]);
    expect(a.bySubject.get('nobody')).toBeUndefined();
    expect(a.actors).toEqual(['lb:shop.web', 'shop.web.0', 'fc:c0', 'ha:c0-r0-n1']);
    expect(Array.from(a.messages)).toEqual([3, 9]);
  });

  it('classifies security outcomes by kind and verdict', () => {
    expect(securityVerdict('traffic.connect', true, '')).toBe('allowed');
    expect(securityVerdict('traffic.connect', false, '')).toBe('denied');
    expect(securityVerdict('traffic.connect.violation', undefined, '')).toBe('violation');
    expect(securityVerdict('msg.poll', false, '')).toBeUndefined();
    expect(securityVerdict('attack.connect', false, '')).toBeUndefined();
  });

  it('says a scripted attempt’s intent in words, calling only intent "attack" an attack', () => {
    expect(kindLabel({ k: 'traffic.connect', i: 'user' })).toBe('traffic.connect · user visit');
    expect(kindLabel({ k: 'traffic.connect', i: 'attack' })).toBe('traffic.connect · attack');
    expect(kindLabel({ k: 'fault.start' })).toBe('fault.start');
    for (const i of ['user', 'admin', 'service', 'pipeline']) expect(intentLabel({ i })).not.toMatch(/attack/);
  });
});

describe('deadlines by due time', () => {
  const byComparison = (due: number[]): number[] => [
    ...Int32Array.from(due.keys()).sort((a, b) => due[a]! - due[b]! || a - b),
  ];

  it('orders like a stable comparison sort, for due times of every size and many ties', () => {
    const due = fc.oneof(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.integer({ min: 2 ** 36, max: 2 ** 36 + 50 }),
      fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    );
    fc.assert(
      fc.property(fc.array(due, { maxLength: 400 }), (xs) => {
        expect([...orderByDue(xs)]).toEqual(byComparison(xs));
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to comparing when a due time is not a whole number of microseconds in range', () => {
    for (const odd of [1.5, -3, 2 ** 48, 2 ** 60]) {
      const xs = [7, odd, 3, 7, 0, odd, 2 ** 40];
      expect([...orderByDue(xs)]).toEqual(byComparison(xs));
    }
    expect([...orderByDue([])]).toEqual([]);
  });
});

describe('linear scales as plain functions', () => {
  it('give exactly the numbers d3 gives, clamped or not, inside and outside the domain', () => {
    const num = fc.double({ min: -1e12, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(num, num, num, num, fc.boolean(), fc.array(num, { maxLength: 20 }), (a, b, r0, r1, clamp, vs) => {
        const scale = d3.scaleLinear().domain([a, b]).range([r0, r1]).clamp(clamp);
        const f = linearOf(scale);
        for (const v of [a, b, (a + b) / 2, ...vs]) expect(Object.is(f(v), scale(v)), `${v}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('pending', () => {
  const tl = tinyTimeline();
  const a = analyse(tl);

  it('lists deadlines armed by applied events and not yet due, nearest first', () => {
    // At 60 s, after the detection (event 1) armed a restart due at 61 s.
    expect(pendingDeadlines(tl.events, a, 2, 60_000_000)).toEqual([
      { t: 61_000_000, k: 'instance.restart', s: 'shop.web.0', armedBy: 1 },
    ]);
    // Not before the event that arms it, and not once it is due.
    expect(pendingDeadlines(tl.events, a, 1, 60_000_000)).toEqual([]);
    expect(pendingDeadlines(tl.events, a, 3, 61_000_000)).toEqual([]);
  });

  it('lists the faults still to come', () => {
    expect(upcomingFaults(a, 0).map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(upcomingFaults(a, 60_000_000).map((f) => f.id)).toEqual(['f2']);
    expect(upcomingFaults(a, 300_000_000)).toEqual([]);
  });
});

describe('cause chains, filters and message windows', () => {
  const tl = tinyTimeline();

  it('walks causes back to the root, root first', () => {
    expect(causeChain(tl.events, 7)).toEqual({ ids: [0, 7], truncated: false });
    expect(causeChain(tl.events, 13)).toEqual({ ids: [8, 9, 10, 11, 12, 13], truncated: false });
    expect(causeChain(tl.events, 0)).toEqual({ ids: [0], truncated: false });
  });

  it('filters the log by kind (exact or prefix), subject and text', () => {
    expect(filterEvents(tl.events, NO_FILTER)).toBeUndefined();
    expect(Array.from(filterEvents(tl.events, { kinds: ['msg.*'], subject: '', text: '' })!)).toEqual([3, 9]);
    expect(Array.from(filterEvents(tl.events, { kinds: ['detect'], subject: '', text: '' })!)).toEqual([1, 11]);
    expect(Array.from(filterEvents(tl.events, { kinds: [], subject: 'N1', text: '' })!)).toEqual([8, 10, 11, 14, 15]);
    expect(Array.from(filterEvents(tl.events, { kinds: [], subject: '', text: 'missedpolls' })!)).toEqual([10]);
  });

  it('selects the messages sent in a window among the applied events', () => {
    const a = analyse(tl);
    expect(messagesInWindow(tl.events, a.messages, tl.events.length, 0, 1e12, 10)).toEqual([3, 9]);
    expect(messagesInWindow(tl.events, a.messages, 5, 0, 1e12, 10)).toEqual([3]);
    expect(messagesInWindow(tl.events, a.messages, tl.events.length, 100_000_000, 1e12, 10)).toEqual([9]);
  });
});

describe('fork options', () => {
  it('offers only the faults that would change something', () => {
    const tl = tinyTimeline();
    const ix = new EntityIndex(tl.initial);
    const kinds = (w: World, id: string) => forkOptions(w, ix.get(id)!).map((o) => o.kind);
    expect(kinds(tl.initial, 'c0-r0-n1')).toEqual(['node.crash', 'node.hardware', 'host-agent.crash']);
    expect(kinds(tl.initial, 'shop.web.1')).toEqual([
      'role.crash',
      'role.hang',
      'role.config-error',
      'vm.crash',
      'vm.hang',
    ]);
    expect(kinds(tl.initial, 'c0-r1')).toEqual(['rack.power-loss']);
    expect(kinds(tl.initial, 'db0')).toEqual(['sql.replica-crash']);
    // After the node crash (event 8): the node is off, its instance's VM is down.
    let w = tl.initial;
    for (const e of tl.events.slice(0, 9)) if (e.p) w = applyPatches(w, e.p as never);
    expect(kinds(w, 'c0-r0-n1')).toEqual(['node.hardware']);
    expect(kinds(w, 'shop.web.1')).toEqual([]);
  });
});

describe('tour matching', () => {
  const tl = tinyTimeline();

  it('matches kinds, prefixes, rules, verdicts, a bound subject and descent from a bound event', () => {
    const node = { event: 8, subject: 'c0-r0-n1' };
    expect(findMatch(tl.events, { k: ['fault.start'], bind: true }, 0, null)).toBe(0);
    expect(findMatch(tl.events, { k: ['fault.start'] }, 1, null)).toBe(8);
    expect(findMatch(tl.events, { k: ['msg.*'], ok: false }, 0, null)).toBe(3);
    expect(findMatch(tl.events, { k: ['msg.poll'], sameSubject: true }, 0, node)).toBe(9);
    expect(findMatch(tl.events, { k: ['detect'], sameSubject: true }, 2, node)).toBe(11);
    expect(findMatch(tl.events, { r: 'fc.missedPolls' }, 0, null)).toBe(10);
    expect(findMatch(tl.events, { k: ['traffic.*'] }, 0, null)).toBe(-1);
    expect(eventMatches(tl.events, 3, { ok: true }, null)).toBe(false);
    const visit = { t: 0, k: 'traffic.connect', s: 'shop.web.0', c: -1, x: '', i: 'user' };
    expect(eventMatches([visit], 0, { k: ['traffic.*'], intent: ['user'] }, null)).toBe(true);
    expect(eventMatches([visit], 0, { k: ['traffic.*'], intent: ['attack'] }, null)).toBe(false);
    expect(eventMatches(tl.events, 3, { intent: ['attack'] }, null)).toBe(false);
    // The first recovery descends from the role crash (event 0), not from the node crash (event 8).
    expect(findMatch(tl.events, { k: ['recover'], descends: true }, 0, node)).toBe(14);
    expect(findMatch(tl.events, { k: ['recover'], descends: true }, 0, { event: 0, subject: 'shop.web.0' })).toBe(7);
    expect(descendsFrom(tl.events, 13, 8)).toBe(true);
    expect(descendsFrom(tl.events, 13, 0)).toBe(false);
  });
});

describe('time', () => {
  it('formats clocks and durations, and parses what people type', () => {
    expect(formatClock(0)).toBe('00:00:00.000');
    expect(formatClock(3_723_456_789)).toBe('01:02:03.456');
    expect(formatClock(90_000_000_000)).toBe('1d 01:00:00.000');
    expect(formatDuration(250_000)).toBe('250ms');
    expect(formatDuration(65_000_000)).toBe('1m05s');
    expect(formatDuration(7_200_000_000)).toBe('2h');
    expect(parseDuration('1h30m')).toBe(5_400_000_000);
    expect(parseDuration('90')).toBe(90_000_000);
    expect(parseDuration('01:30')).toBe(90_000_000);
    expect(parseDuration('1:00:00')).toBe(3_600_000_000);
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(timeTicks(0, 3_600_000_000, 6)).toEqual([0, 600e6, 1200e6, 1800e6, 2400e6, 3000e6, 3600e6]);
  });
});

describe('url state', () => {
  it('round-trips the run, position, selection and tour', () => {
    const s = { timeline: '/run.timeline.json', t: 123, ev: 4, sel: 'c0-r1-n0', tour: 'attack', tab: 'network' };
    expect(parseUrlState(formatUrlState(s))).toEqual(s);
    expect(parseUrlState('?scenario=quickstart&seed=7')).toEqual({ scenario: 'quickstart', seed: 7 });
    expect(parseUrlState('?t=-5&seed=x&ev=1.5')).toEqual({});
  });
});

describe('topology layout', () => {
  const counting = () => {
    const seen = { clusters: 0, racks: 0, nodes: 0, instances: 0, summaries: 0, placed: new Map<string, number>() };
    const sink: TopologySink = {
      cluster: () => seen.clusters++,
      rack: () => seen.racks++,
      node: (_c, _ci, n, _ni, hosted) => {
        seen.nodes++;
        seen.placed.set(n.id, hosted);
      },
      instance: () => seen.instances++,
      summary: () => seen.summaries++,
      label: () => undefined,
    };
    return { seen, sink };
  };

  it('draws every entity at full detail, each instance inside its current node', () => {
    const tl = tinyTimeline();
    const { seen, sink } = counting();
    const m = layoutTopology(tl.initial, { width: 800, level: 3, toggled: new Set(), compact: false }, sink);
    expect(m).toMatchObject({ clusters: 1, racks: 2, nodes: 4, instances: 5, summaries: 0 });
    expect(seen.instances).toBe(5);
    expect([...seen.placed.values()]).toEqual([2, 1, 1, 1]);
  });

  it('aggregates collapsed levels into summaries, and expands a toggled one', () => {
    const w = tinyWorld();
    const racks = layoutTopology(w, { width: 800, level: 1, toggled: new Set(), compact: false }, counting().sink);
    expect(racks).toMatchObject({ racks: 2, nodes: 0, instances: 0, summaries: 2 });
    const oneOpen = layoutTopology(
      w,
      { width: 800, level: 1, toggled: new Set(['c0-r1']), compact: false },
      counting().sink,
    );
    expect(oneOpen).toMatchObject({ nodes: 2, summaries: 3 }); // r0 summary + r1's two collapsed nodes
    const clusters = layoutTopology(w, { width: 800, level: 0, toggled: new Set(), compact: false }, counting().sink);
    expect(clusters).toMatchObject({ racks: 0, summaries: 1 });
  });
});

describe('rules', () => {
  it('finds the policy a rule names, with durations under their µs key', () => {
    const policies = { fc: { missedPolls: 4, pollIntervalUs: 15e6 }, role: { restartDelayUs: 1e6 } };
    expect(policyOfRule('fc.missedPolls=4', policies)).toBe('fc.missedPolls');
    expect(policyOfRule('role.restartDelay=1s', policies)).toBe('role.restartDelayUs');
    expect(policyOfRule('list:boundary-c0:others-to-management', policies)).toBeUndefined();
    expect(policyOfRule('fc.leader=fc:c0/0', policies)).toBeUndefined();
    expect(policyOfRule(undefined, policies)).toBeUndefined();
  });
});
