/**
 * PollerSet's "sleep while failing" against simulating every poll, on a toy target model driven straight through the
 * poller's hooks: targets crash (every poll fails until they come back), gates close, the network turns lossy, a
 * miss past the action threshold reboots the target — with random timings, intervals, timeouts and thresholds. The
 * elided run (dormant quiet slots, sleeping failing ones) must call onMiss / onOk at the same times with the same
 * counts, and end with the same `missed` and `lastOk` per slot, as the run that simulates every poll (dormant slots
 * disturbed while idle stay dormant, too).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/engine/index.js';
import { PollerSet, type PollHooks } from '../../sim/model/pollers.js';

interface Change {
  /** When (µs). */
  t: number;
  slot: number;
  /** 0: target crashes, 1: target comes back (reset), 2: gate closes, 3: gate opens (reset), 4: network lossy, 5: network clean, 6: rotation flips. */
  what: number;
}

interface Setup {
  slots: number;
  intervalUs: number;
  timeoutUs: number;
  actAfterUs: number;
  rebootUs: number;
  endUs: number;
  phases: number[];
  changes: Change[];
}

/** Deterministic "lossy network" outcome of poll n of slot i. */
function lost(i: number, n: number): boolean {
  let h = (i * 0x9e3779b1 + n * 0x85ebca6b) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  return h % 3 === 0;
}

/**
 * Runs the toy model; returns the log of hook calls that matter and the final bookkeeping. `sleep`: a host agent (no
 * onFail; a miss past the threshold reboots the target). `defer`: a load balancer (failed polls recorded; a miss past
 * the threshold takes the target out of rotation, a good reply puts it back, so out of rotation a miss is inert).
 */
function simulate(s: Setup, elide: boolean, mode: 'sleep' | 'defer' = 'sleep') {
  const sched = new Scheduler();
  const up = new Uint8Array(s.slots).fill(1);
  const gateOpen = new Uint8Array(s.slots).fill(1);
  const rebooting = new Uint8Array(s.slots);
  const inRotation = new Uint8Array(s.slots).fill(1);
  let lossy = false;
  const log: string[] = [];
  let set: PollerSet | null = null;
  const ps = (): PollerSet => set!;
  const reboot = (i: number): void => {
    rebooting[i] = 0;
    up[i] = 1;
    ps().disturb(i);
    ps().reset(i);
    log.push(`${sched.now} up ${i}`);
  };
  const hooks: PollHooks = {
    gate: (i) => gateOpen[i] === 1 && rebooting[i] === 0,
    probe: (i, n) => up[i] === 1 && !(lossy && lost(i, n)),
    quiet: (i) => up[i] === 1 && !lossy,
    onMiss: (i, missed) => {
      if (sched.now - ps().lastOk[i]! < s.actAfterUs) return;
      if (mode === 'defer') {
        if (inRotation[i] === 0) return;
        log.push(`${sched.now} out ${i} missed=${missed}`);
        inRotation[i] = 0;
        ps().disturb(i);
        return;
      }
      log.push(`${sched.now} act ${i} missed=${missed}`);
      rebooting[i] = 1;
      up[i] = 0;
      ps().disturb(i);
      sched.after(s.rebootUs, reboot, i);
    },
    onOk: (i, recovered) => {
      if (recovered) log.push(`${sched.now} recovered ${i}`);
      if (mode === 'defer' && inRotation[i] === 0) {
        log.push(`${sched.now} in ${i}`);
        inRotation[i] = 1;
        ps().disturb(i);
      }
    },
  };
  if (mode === 'sleep') {
    hooks.idle = (i) => up[i] === 1 && !lossy;
    hooks.failing = (i) => up[i] === 0;
    hooks.actsFrom = (i) => ps().lastOk[i]! + s.actAfterUs;
  } else {
    hooks.onFail = (i, n) => log.push(`${sched.now} fail ${i} poll ${n}`);
    hooks.missInert = (i) => inRotation[i] === 0;
    hooks.idle = (i) => up[i] === 1 && !lossy && inRotation[i] === 1;
  }
  set = new PollerSet(sched, s.slots, s.intervalUs, s.timeoutUs, Float64Array.from(s.phases), elide, hooks);
  const apply = (k: number): void => {
    const c = s.changes[k]!;
    const i = c.slot;
    switch (c.what) {
      case 0:
        up[i] = 0;
        break;
      case 1:
        if (rebooting[i] === 1) return;
        up[i] = 1;
        // Either order must end a sleep: disturb then reset (as the host agent does), or reset first.
        if (k % 2 === 0) {
          ps().disturb(i);
          ps().reset(i);
        } else {
          ps().reset(i);
          ps().disturb(i);
        }
        return;
      case 2:
        gateOpen[i] = 0;
        break;
      case 3:
        // As in the model, a gate reopens with a fresh target (a node and its VMs boot): the bookkeeping restarts.
        // (A dormant slot cannot tell gated-off polls from quiet ones, so without the reset lastOk would differ.)
        gateOpen[i] = 1;
        ps().disturb(i);
        ps().reset(i);
        return;
      case 4:
      case 5:
        lossy = c.what === 4;
        for (let j = 0; j < s.slots; j++) ps().disturb(j);
        return;
      case 6:
        // Another actor takes the target out of rotation or puts it back.
        inRotation[i] = inRotation[i] === 1 ? 0 : 1;
        break;
    }
    ps().disturb(i);
  };
  for (let k = 0; k < s.changes.length; k++) sched.at(s.changes[k]!.t, apply, k);
  set.start();
  sched.at(s.endUs, () => {}); // the clock ends at endUs in both runs
  sched.run({ until: s.endUs });
  // Bring every slot's bookkeeping up to date (a dormant or sleeping slot catches up when disturbed).
  for (let j = 0; j < s.slots; j++) set.disturb(j);
  // lastOk of a slot gated off at the end is not compared: a dormant slot takes skipped polls for good ones.
  const lastOk = Array.from(set.lastOk, (t, j) => (hooks.gate(j) ? t : -1));
  return { log, missed: Array.from(set.missed), lastOk, events: sched.eventsRun };
}

const S = 1_000_000;

const setupArb = fc
  .record({
    slots: fc.integer({ min: 1, max: 4 }),
    intervalUs: fc.constantFrom(3 * S, 1 * S, 2_500_000),
    timeoutFactor: fc.constantFrom(1, 1, 2, 3.4),
    actPolls: fc.integer({ min: 1, max: 40 }),
    rebootUs: fc.integer({ min: 1, max: 60 * S }),
    seedPhases: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    changes: fc.array(fc.record({ t: fc.integer({ min: 1, max: 600 * S }), slot: fc.nat(3), what: fc.nat(6) }), {
      maxLength: 40,
    }),
  })
  .map(
    (r): Setup => ({
      slots: r.slots,
      intervalUs: r.intervalUs,
      timeoutUs: Math.round(r.intervalUs * r.timeoutFactor),
      actAfterUs: r.actPolls * r.intervalUs + 17,
      rebootUs: r.rebootUs,
      endUs: 700 * S,
      phases: r.seedPhases.slice(0, r.slots).map((p) => (p * 7919) % r.intervalUs),
      changes: r.changes.map((c) => ({ ...c, slot: c.slot % r.slots })),
    }),
  );

const deferArb = setupArb.chain((s) =>
  fc
    .constantFrom(15 * S, 3 * S)
    .chain((iv) =>
      fc
        .constantFrom(16 * S, 7 * S, 31 * S, 2 * iv, iv)
        .map((to): Setup => ({ ...s, intervalUs: iv, timeoutUs: to, phases: s.phases.map((p) => p % iv) })),
    ),
);

describe('PollerSet: sleeping through failing polls', () => {
  it('gives the same misses, recoveries and final bookkeeping as simulating every poll', () => {
    let slept = 0;
    fc.assert(
      fc.property(setupArb, (s) => {
        const full = simulate(s, false);
        const elided = simulate(s, true);
        expect(elided.log).toEqual(full.log);
        expect(elided.missed).toEqual(full.missed);
        expect(elided.lastOk).toEqual(full.lastOk);
        if (elided.events < full.events) slept++;
      }),
      { numRuns: 400, seed: 20261207 },
    );
    expect(slept).toBeGreaterThan(300);
  });

  it('deferring inert deadlines gives the same recorded failures, misses and rotation changes as simulating every poll', () => {
    let deferred = 0;
    fc.assert(
      fc.property(deferArb, (s) => {
        const full = simulate(s, false, 'defer');
        const elided = simulate(s, true, 'defer');
        expect(elided.log).toEqual(full.log);
        expect(elided.missed).toEqual(full.missed);
        expect(elided.lastOk).toEqual(full.lastOk);
        if (s.timeoutUs % s.intervalUs !== 0 && elided.log.some((l) => l.includes(' out '))) deferred++;
      }),
      { numRuns: 400, seed: 20261208 },
    );
    expect(deferred).toBeGreaterThan(100);
  });

  it('skips the failing polls of a crashed target: one wake-up instead of a poll and a deadline per interval', () => {
    const s: Setup = {
      slots: 1,
      intervalUs: 3 * S,
      timeoutUs: 3 * S,
      actAfterUs: 600 * S,
      rebootUs: 60 * S,
      endUs: 3_600 * S,
      phases: [1234],
      changes: [{ t: 100 * S + 5, slot: 0, what: 0 }],
    };
    const full = simulate(s, false);
    const elided = simulate(s, true);
    expect(elided.log).toEqual(full.log);
    expect(elided.log[0]).toMatch(/ act 0 missed=199$/);
    // Full: ~1,200 polls + ~200 deadlines in the hour; elided: the crash, a wake-up, the acting poll and deadline, the
    // reboot, one poll after it.
    expect(full.events).toBeGreaterThan(1_300);
    expect(elided.events).toBeLessThan(10);
  });
});
