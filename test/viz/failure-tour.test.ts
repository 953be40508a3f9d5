/**
 * The failure tour against the runs it narrates: the story's failing event is where the expectation is lost (the
 * role's last Ready instance goes; the quorum goes; the deadline passes unrecovered), its steps are the faults and
 * the causes that lead there, and every state a caption names holds in the world right after the step's event.
 */
import { readFileSync } from 'node:fs';
import { applyPatches, enablePatches } from 'immer';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../sim/index.js';
import type { World } from '../../sim/spec/index.js';
import type { Timeline } from '../../sim/trace/index.js';
import { changesSentence, failureTour } from '../../viz/src/failure-tour.js';
import { causeChain } from '../../viz/src/model/cause.js';
import { failureStory, type StateChange } from '../../viz/src/model/failure-story.js';
import { planTour } from '../../viz/src/model/tour-match.js';
import { captionOf } from '../../viz/src/tours.js';

enablePatches();

function timelineOf(file: string): Timeline {
  const sc = loadScenario(readFileSync(file, 'utf8'), { fileName: file });
  return runScenario(sc).timeline!;
}

/** The world after events 0..id, by applying every patch (the reference, no keyframes). */
function worldAfter(tl: Timeline, id: number): World {
  let w = tl.initial;
  for (let i = 0; i <= id; i++) {
    const p = tl.events[i]!.p;
    if (p?.length) w = applyPatches(w, p as never);
  }
  return w;
}

/** The value of a change's field in the world, found by entity id. */
function actual(w: World, c: StateChange): unknown {
  for (const cl of w.clusters) {
    if (c.kind === 'node') {
      const n = cl.nodes.find((x) => x.id === c.entity);
      if (n) return (n as unknown as Record<string, unknown>)[c.field];
    } else if (c.kind === 'instance') {
      const n = cl.instances.find((x) => x.id === c.entity);
      if (n) return (n as unknown as Record<string, unknown>)[c.field];
    } else {
      const n = cl.fc.replicas.find((x) => x.id === c.entity);
      if (n) return (n as unknown as Record<string, unknown>)[c.field];
    }
  }
  return undefined;
}

const readyOf = (w: World, role: string) =>
  w.clusters.flatMap((c) => c.instances).filter((i) => i.role === role && i.status === 'Ready').length;

/** Every state change a step's caption names holds right after its event; returns what does not. */
function brokenChanges(tl: Timeline): string[] {
  const story = failureStory(tl)!;
  const out: string[] = [];
  for (const s of story.events) {
    const w = worldAfter(tl, s.event);
    // Only the last change of an entity's field within the event stands after it.
    const last = new Map(s.changes.map((c) => [`${c.entity}/${c.field}`, c]));
    for (const c of last.values()) if (actual(w, c) !== c.value) out.push(`#${s.event} ${c.entity}.${c.field}`);
  }
  return out;
}

describe('failure story and tour', () => {
  const two = timelineOf('test/fixtures/two-crashes.yaml');

  it('walks both faults to the moment the role is gone', () => {
    const story = failureStory(two)!;
    expect(story.expectation.name).toBe('availability of shop.web at least 0.9999');
    const faults = story.events.filter((s) => two.events[s.event]!.k === 'fault.start');
    expect(faults.map((s) => two.events[s.event]!.s)).toEqual(['c0-r0-n0', 'c0-r1-n0']);
    // The failing event is the first at which no instance is Ready, and it comes last.
    expect(readyOf(worldAfter(two, story.failEvent), 'shop.web')).toBe(0);
    expect(readyOf(worldAfter(two, story.failEvent - 1), 'shop.web')).toBeGreaterThan(0);
    expect(story.events[story.events.length - 1]!.event).toBe(story.failEvent);
    expect(story.role).toEqual({ id: 'shop.web', up: 0, of: 2, served: false });
    // Every step is on the cause chain of an instance's loss: each leads back to one of the faults.
    for (const s of story.events) {
      const root = causeChain(two.events, s.event).ids[0]!;
      expect(two.events[root]!.k).toBe('fault.start');
    }
    expect(brokenChanges(two)).toEqual([]);
  });

  it('becomes a tour that stops at each story event in order, with captions from the events', () => {
    const tour = failureTour(two)!;
    const story = failureStory(two)!;
    const stops = planTour(two.events, tour.steps);
    expect(stops.map((s) => s.event)).toEqual([-1, ...story.events.map((s) => s.event)]);
    const captions = stops.map((s) =>
      captionOf(tour.steps[s.step]!, { events: two.events, event: s.event, bound: s.bound, policies: undefined }),
    );
    expect(captions[0]).toContain('“availability of shop.web at least 0.9999”');
    expect(captions[0]).toContain('2 faults');
    for (let i = 1; i < stops.length; i++) {
      const s = story.events[i - 1]!;
      expect(captions[i]).toContain(two.events[s.event]!.x);
      expect(captions[i]).toContain(changesSentence(s.changes).trim());
    }
    expect(captions[1]).toMatch(/^It starts with a fault/);
    expect(captions.at(-1)).toContain('shop.web has no instance Ready: the role is gone.');
    // The fault steps claim what the picture shows of the crashed node: no power.
    const nodeStep = tour.steps[stops[1]!.step]!;
    expect(nodeStep.claim).toEqual({ powered: false });
    expect(worldAfter(two, stops[1]!.event).clusters[0]!.nodes[0]!.powered).toBe(false);
  });

  it('tells a metric failure from the faults to the change that loses the quorum', () => {
    const tl = timelineOf('test/fixtures/quorum-counterexample.yaml');
    const story = failureStory(tl)!;
    const kinds = story.events.map((s) => `${tl.events[s.event]!.k} ${tl.events[s.event]!.s}`);
    expect(kinds[0]).toMatch(/^fault\.start /);
    expect(kinds).toContain('fault.start fc:c0/3');
    expect(tl.events[story.failEvent]!.k).toBe('fc.lease-lost');
    expect(worldAfter(tl, story.failEvent).clusters[0]!.fc.leader).toBe(-1);
    expect(worldAfter(tl, story.failEvent - 1).clusters[0]!.fc.leader).toBeGreaterThanOrEqual(0);
    expect(brokenChanges(tl)).toEqual([]);
  });

  it('ends a "recovered within" failure at the fault’s last event before the deadline', () => {
    const story = failureStory(two, 1)!;
    const fault = two.summary.faults.find((f) => f.id === 'first')!;
    const fail = two.events[story.failEvent]!;
    expect(story.expectation.name).toBe('recovered first within 1m');
    expect(fail.t).toBeLessThanOrEqual(fault.atUs + 60_000_000);
    expect(causeChain(two.events, story.failEvent).ids[0]).toBe(fault.event);
    // Nothing that follows from the fault happens between the failing event and the deadline.
    for (let i = story.failEvent + 1; i < two.events.length && two.events[i]!.t <= fault.atUs + 60_000_000; i++) {
      const e = two.events[i]!;
      if (e.k.startsWith('msg.')) continue;
      expect(causeChain(two.events, i).ids[0]).not.toBe(fault.event);
    }
  });

  it('offers nothing for a run whose expectations all hold', () => {
    const tl = timelineOf('scenarios/quickstart.yaml');
    expect(tl.summary.expectations.every((x) => x.passed)).toBe(true);
    expect(failureStory(tl)).toBeNull();
    expect(failureTour(tl)).toBeNull();
  });
});
