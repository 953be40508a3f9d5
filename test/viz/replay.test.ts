import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario } from '../../sim/index.js';
import type { World } from '../../sim/spec/world.js';
import type { Patch, Timeline } from '../../sim/trace/format.js';
import { Replay } from '../../viz/src/replay/replay.js';
import { buildTimeline, tinyTimeline, tinyWorld } from './fixture.js';

/** The simple reference: a deep copy of the initial state with each event's patches applied in order, by hand. */
function referenceStates(tl: Timeline): World[] {
  let w = structuredClone(tl.initial) as World;
  const out: World[] = [structuredClone(w)];
  for (const e of tl.events) {
    for (const p of e.p ?? []) w = applyByHand(w, p);
    out.push(structuredClone(w));
  }
  return out;
}

function applyByHand(w: World, p: Patch): World {
  let o = w as unknown as Record<string | number, unknown>;
  for (let i = 0; i < p.path.length - 1; i++) o = o[p.path[i]!] as Record<string | number, unknown>;
  const key = p.path[p.path.length - 1]!;
  if (p.op === 'replace') o[key] = structuredClone(p.value);
  else if (p.op === 'add') {
    if (Array.isArray(o)) o.splice(key === '-' ? o.length : Number(key), 0, structuredClone(p.value));
    else o[key] = structuredClone(p.value);
  } else if (Array.isArray(o)) o.splice(Number(key), 1);
  else delete o[key];
  return w;
}

/** A longer timeline of random status changes, placements and array edits over the tiny world (seeded). */
function randomTimeline(seed: number, n: number): Timeline {
  let x = seed >>> 0 || 1;
  const rnd = (m: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % m;
  };
  const statuses = ['Starting', 'Busy', 'Ready', 'Recycling', 'Unresponsive', 'Stopped'] as const;
  const steps = [];
  for (let i = 0; i < n; i++) {
    const kind = rnd(5);
    steps.push({
      t: i * 1000,
      k: ['instance.state', 'node.state', 'msg.poll', 'instance.move', 'fc.leader'][kind]!,
      s: 'x',
      c: i > 0 ? rnd(i) : -1,
      x: `step ${i}`,
      change:
        kind === 2
          ? undefined
          : (d: World) => {
              const c = d.clusters[0]!;
              if (kind === 0) c.instances[rnd(c.instances.length)]!.status = statuses[rnd(statuses.length)]!;
              else if (kind === 1) c.nodes[rnd(4)]!.failures += 1;
              else if (kind === 3) {
                const from = c.nodes[rnd(4)]!;
                const moved = from.instances.pop();
                if (moved !== undefined) c.nodes[rnd(4)]!.instances.push(moved);
              } else {
                c.fc.leader = rnd(3);
                c.fc.term++;
              }
            },
    });
  }
  return buildTimeline(tinyWorld(), steps, n * 1000);
}

describe('Replay', () => {
  it('seek(p) equals the initial state with events 0…p−1 applied in order, for every p', () => {
    const tl = tinyTimeline();
    const ref = referenceStates(tl);
    const r = Replay.loadSync(tl, { keyframeEvery: 4 });
    for (let p = 0; p <= r.n; p++) expect(r.seek(p)).toEqual(ref[p]);
    for (let p = r.n; p >= 0; p--) expect(r.seek(p)).toEqual(ref[p]);
  });

  it('stepBack() undoes exactly one event with its inverse patches, across keyframe boundaries', () => {
    const tl = randomTimeline(7, 60);
    const ref = referenceStates(tl);
    const r = Replay.loadSync(tl, { keyframeEvery: 8 });
    r.seek(r.n);
    for (let p = r.n; p > 0; p--) {
      expect(r.position).toBe(p);
      expect(r.stepBack()).toEqual(ref[p - 1]);
    }
    expect(r.stepBack()).toEqual(ref[0]);
    expect(r.position).toBe(0);
  });

  it('stepForward() then stepBack() returns to an equal state', () => {
    const tl = randomTimeline(11, 40);
    const ref = referenceStates(tl);
    const r = Replay.loadSync(tl, { keyframeEvery: 5 });
    r.seek(17);
    r.stepForward();
    expect(r.state).toEqual(ref[18]);
    r.stepBack();
    expect(r.state).toEqual(ref[17]);
  });

  it('any walk of seeks and steps, forward and backward, lands on the reference state', () => {
    const tl = randomTimeline(3, 120);
    const ref = referenceStates(tl);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('seek' as const), p: fc.integer({ min: -5, max: 130 }) }),
            fc.record({ op: fc.constant('fwd' as const), p: fc.constant(0) }),
            fc.record({ op: fc.constant('back' as const), p: fc.constant(0) }),
          ),
          { maxLength: 40 },
        ),
        (k, ops) => {
          const r = Replay.loadSync(tl, { keyframeEvery: k });
          for (const o of ops) {
            if (o.op === 'seek') r.seek(o.p);
            else if (o.op === 'fwd') r.stepForward();
            else r.stepBack();
            expect(r.state).toEqual(ref[r.position]);
          }
        },
      ),
      { seed: 12345, numRuns: 60 },
    );
  });

  it('never changes the timeline it replays (its initial state and patches stay as loaded)', () => {
    const tl = randomTimeline(5, 50);
    const before = JSON.stringify(tl);
    const r = Replay.loadSync(tl, { keyframeEvery: 6 });
    r.seek(50);
    for (let i = 0; i < 50; i++) r.stepBack();
    r.seek(33);
    expect(JSON.stringify(tl)).toBe(before);
  });

  it('shares untouched branches between successive states (a step copies only what changed)', () => {
    const tl = tinyTimeline();
    const r = Replay.loadSync(tl);
    const before = r.seek(4);
    const after = r.stepForward(); // lb.out on shop.web.0: only the instances array changes
    expect(after.clusters[0]!.nodes).toBe(before.clusters[0]!.nodes);
    expect(after.services).toBe(before.services);
    expect(after.clusters[0]!.instances).not.toBe(before.clusters[0]!.instances);
  });

  it('positionAtTime(t) counts the events at or before t', () => {
    const r = Replay.loadSync(tinyTimeline());
    expect(r.positionAtTime(-1)).toBe(0);
    expect(r.positionAtTime(59_999_999)).toBe(0);
    expect(r.positionAtTime(60_000_000)).toBe(2);
    expect(r.positionAtTime(Number.MAX_SAFE_INTEGER)).toBe(r.n);
  });

  it('load() with a pause hands the replay over at once, builds keyframes in the background, and is exact throughout', async () => {
    const tl = randomTimeline(9, 300);
    const seen: number[] = [];
    const r = await Replay.load(tl, {
      keyframeEvery: 2,
      onProgress: (f) => seen.push(f),
      pause: () => Promise.resolve(),
    });
    const s = Replay.loadSync(tl, { keyframeEvery: 2 });
    // Handed over before every keyframe exists; a seek ahead builds what it needs, with the same result.
    expect(r.keyframesBuilt.built).toBeLessThan(r.keyframesBuilt.total);
    for (const p of [0, 1, 77, 150, 299, 300]) expect(r.stateAt(p)).toEqual(s.stateAt(p));
    await r.complete;
    expect(r.keyframesBuilt.built).toBe(r.keyframesBuilt.total);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
    for (const p of [0, 3, 150, 298, 300]) expect(r.stateAt(p)).toEqual(s.stateAt(p));
    r.seek(200);
    for (let p = 199; p >= 190; p--) expect(r.stepBack()).toEqual(s.stateAt(p));
  });
});

describe('Replay against the engine', () => {
  for (const name of ['quickstart', 'node-crash-healing', 'rack-power-loss']) {
    it(`${name}: the state at each seek point equals the engine's world at that time, forward and backward`, () => {
      const sc = loadScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), { fileName: `${name}.yaml` });
      // The engine, stopped at a series of times: its world and how many events it had recorded by then.
      const sim = createSimulation(sc.resolved, { seed: sc.seed, record: true });
      const times = Array.from({ length: 24 }, (_, i) => Math.floor((sc.durationUs * (i + 1)) / 24));
      const snapshots: { t: number; world: World; count: number }[] = [];
      for (const t of times) {
        sim.sched.run({ until: t });
        snapshots.push({ t, world: structuredClone(sim.world), count: sim.rec.count });
      }
      const tl = { ...tinyTimeline(), initial: sim.initial, events: sim.rec.events!, durationUs: sc.durationUs };
      const r = Replay.loadSync(tl, { keyframeEvery: 16 });
      expect(r.n).toBeGreaterThan(20);
      for (const snap of snapshots) {
        r.seekTime(snap.t);
        expect(r.position).toBe(snap.count);
        expect(r.state).toEqual(snap.world);
      }
      for (const snap of [...snapshots].reverse()) {
        r.seekTime(snap.t);
        expect(r.state).toEqual(snap.world);
      }
      // Step back from the end to each snapshot's position, one event at a time.
      r.seek(r.n);
      for (const snap of [...snapshots].reverse()) {
        while (r.position > snap.count) r.stepBack();
        expect(r.state).toEqual(snap.world);
      }
    });
  }
});
