/**
 * Guided tours against the runs they narrate: followed with Continue alone, each step's claim about its subject
 * (status, rotation, power) holds in the state at that step, and the node tour reaches service healing when the run
 * has it.
 */
import { readFileSync } from 'node:fs';
import { applyPatches, enablePatches } from 'immer';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../sim/index.js';
import type { World } from '../../sim/spec/index.js';
import type { Timeline } from '../../sim/trace/format.js';
import { EntityIndex } from '../../viz/src/model/entities.js';
import { bareSubject, planTour } from '../../viz/src/model/tour-match.js';
import { captionOf, failedProbesBefore, type StepClaim, TOURS } from '../../viz/src/tours.js';

enablePatches();

const SCENARIOS = [
  'quickstart',
  'node-crash-healing',
  'role-crash',
  'vm-crash',
  'host-agent-crash',
  'node-hardware',
  'rack-power-loss',
  'security-corpnet-acl',
];
const runs = new Map<string, Timeline>(
  SCENARIOS.map((n) => {
    const sc = loadScenario(readFileSync(`scenarios/${n}.yaml`, 'utf8'), { fileName: `${n}.yaml` });
    return [n, runScenario(sc, {}).timeline!];
  }),
);

/** States after each event, computed once per run by applying the patches in order. */
function statesAt(tl: Timeline, wanted: readonly number[]): Map<number, World> {
  const out = new Map<number, World>();
  const want = new Set(wanted);
  let w = tl.initial;
  tl.events.forEach((e, i) => {
    if (e.p?.length) w = applyPatches(w, e.p as never);
    if (want.has(i)) out.set(i, w);
  });
  return out;
}

/** The claim checked against the subject in the world: a list of what does not hold. */
function broken(claim: StepClaim, world: World, entities: EntityIndex, subject: string): string[] {
  const ref = entities.get(subject);
  if (!ref) return [`${subject}: not an entity`];
  const out: string[] = [];
  if (ref.kind === 'node') {
    const n = world.clusters[ref.a]!.nodes[ref.b]!;
    if (claim.status && !claim.status.includes(n.status)) out.push(`${subject} is ${n.status}`);
    if (claim.powered !== undefined && n.powered !== claim.powered) out.push(`${subject} powered ${n.powered}`);
  } else if (ref.kind === 'instance') {
    const inst = world.clusters[ref.a]!.instances[ref.b]!;
    if (claim.status && !claim.status.includes(inst.status)) out.push(`${subject} is ${inst.status}`);
    if (claim.inRotation !== undefined && inst.inRotation !== claim.inRotation)
      out.push(`${subject} in rotation ${inst.inRotation}`);
  } else out.push(`${subject}: a ${ref.kind} has no claimable state`);
  return out;
}

describe('guided tours', () => {
  it("holds every step's claim to the state at that step, in every run that shows the tour", () => {
    let checked = 0;
    for (const [name, tl] of runs) {
      const entities = new EntityIndex(tl.initial);
      const policies = (tl.scenario.resolved as { policies?: unknown }).policies;
      for (const tour of TOURS) {
        const stops = planTour(tl.events, tour.steps);
        const states = statesAt(
          tl,
          stops.map((s) => s.event),
        );
        for (const stop of stops) {
          const step = tour.steps[stop.step]!;
          const where = `${tour.id} step ${stop.step} in ${name} (event ${stop.event})`;
          // Every caption can be written for this run.
          expect(
            captionOf(step, { events: tl.events, event: stop.event, bound: stop.bound, policies }),
            where,
          ).not.toBe('');
          if (!step.claim || stop.event < 0) continue;
          const subject = bareSubject(tl.events[stop.event]!.s);
          expect(broken(step.claim, states.get(stop.event)!, entities, subject), where).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('says how many probes went unanswered as the log shows them', () => {
    const tl = runs.get('quickstart')!;
    const tour = TOURS.find((t) => t.id === 'role-crash')!;
    const policies = (tl.scenario.resolved as { policies?: unknown }).policies;
    const stop = planTour(tl.events, tour.steps).find((s) => tl.events[s.event]?.k === 'lb.out')!;
    const ctx = { events: tl.events, event: stop.event, bound: stop.bound, policies };
    const failed = tl.events.filter(
      (e, i) => i > stop.bound!.event && i < stop.event && e.k === 'msg.probe' && e.m?.ok === false,
    ).length;
    // The documented probe window (31 s, probes every 15 s) leaves two unanswered probes before the instance is out;
    // the caption must give the count the log shows ("2 times"), not a word written into the tour.
    expect(failed).toBe(2);
    expect(failedProbesBefore(ctx)).toBe(failed);
    expect(captionOf(tour.steps[stop.step]!, ctx)).toContain('asked this copy if it was alive twice');
  });

  it('follows the node that is healed in node-crash-healing, through to its recovery', () => {
    const tl = runs.get('node-crash-healing')!;
    const tour = TOURS.find((t) => t.id === 'node-healing')!;
    const stops = planTour(tl.events, tour.steps);
    const kinds = stops.map((s) => (s.event >= 0 ? tl.events[s.event]!.k : 'start'));
    for (const k of ['node.reboot', 'node.boot-failed', 'node.out-for-repair', 'healing.start', 'instance.moved'])
      expect(kinds, k).toContain(k);
    expect(kinds).not.toContain('node.ready');
    expect(stops.at(-1)!.step).toBe(tour.steps.length - 1);
    expect(tl.events[stops.at(-1)!.event]!.k).toBe('recover');
    // Steps follow each other without skipping the healing ones.
    const shown = stops.map((s) => s.step);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // In quickstart the node comes back from its reboot: that path is shown instead.
    const q = runs.get('quickstart')!;
    const qk = planTour(q.events, tour.steps).map((s) => (s.event >= 0 ? q.events[s.event]!.k : 'start'));
    expect(qk).toContain('node.ready');
    expect(qk).not.toContain('healing.start');
  });

  it('has nothing to show (only captions) for a tour whose story the run does not hold', () => {
    const attack = TOURS.find((t) => t.id === 'attack')!;
    const atEvents = (name: string) => planTour(runs.get(name)!.events, attack.steps).some((s) => s.event >= 0);
    expect(atEvents('quickstart')).toBe(false);
    expect(atEvents('security-corpnet-acl')).toBe(true);
    // The refusals it narrates as attackers' tries are attempts made as attacks, not users' visits.
    const acl = runs.get('security-corpnet-acl')!;
    const refusals = planTour(acl.events, attack.steps).filter(
      (s) => s.event >= 0 && attack.steps[s.step]!.match?.ok === false,
    );
    expect(refusals.length).toBe(2);
    for (const s of refusals) expect(acl.events[s.event]!.i).toBe('attack');
    const role = TOURS.find((t) => t.id === 'role-crash')!;
    expect(planTour(runs.get('node-crash-healing')!.events, role.steps).some((s) => s.event >= 0)).toBe(false);
  });
});
