/**
 * Property tests of the model over random fault schedules: eliding routine polls changes nothing, and the model's
 * invariants hold at every recorded step.
 */
import fc from 'fast-check';
import { applyPatches, enablePatches } from 'immer';
import { describe, expect, it } from 'vitest';
import { runScenario, type World } from '../../sim/index.js';
import { scenarioText } from './helpers.js';

enablePatches();

const KINDS = [
  'role.crash',
  'role.hang',
  'role.config-error',
  'vm.crash',
  'vm.hang',
  'node.crash',
  'node.hardware',
  'host-agent.crash',
  'rack.power-loss',
  'fc.replica-crash',
  'sql.replica-crash',
  'watchdog.crash',
  'network.partition',
  'network.loss',
] as const;

const instances = ['shop.web.0', 'shop.web.1', 'shop.web.2', 'shop.worker.0', 'shop.worker.1'];
const nodes = Array.from({ length: 4 }, (_, r) => Array.from({ length: 3 }, (_, n) => `c0-r${r}-n${n}`)).flat();

const faultArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  atMin: fc.integer({ min: 1, max: 100 }),
  pick: fc.nat(100),
  durMin: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
});

type FaultGen = { kind: (typeof KINDS)[number]; atMin: number; pick: number; durMin: number | undefined };

function faultYaml(f: FaultGen): string {
  const at = `at: ${f.atMin}m`;
  const dur = f.durMin !== undefined ? `, duration: ${f.durMin}m` : '';
  switch (f.kind) {
    case 'role.crash':
    case 'role.hang':
    case 'role.config-error':
    case 'vm.crash':
    case 'vm.hang':
      return `  - { ${at}, kind: ${f.kind}, target: ${instances[f.pick % instances.length]}${dur} }`;
    case 'node.crash':
    case 'node.hardware':
    case 'host-agent.crash':
      return `  - { ${at}, kind: ${f.kind}, target: ${nodes[f.pick % nodes.length]}${dur} }`;
    case 'rack.power-loss':
      return `  - { ${at}, kind: ${f.kind}, target: c0-r${f.pick % 4}${dur} }`;
    case 'fc.replica-crash':
      return `  - { ${at}, kind: ${f.kind}, target: "fc:c0/${f.pick % 5}"${dur} }`;
    case 'sql.replica-crash':
      return `  - { ${at}, kind: ${f.kind}, target: "sql:db0/${f.pick % 3}"${dur} }`;
    case 'watchdog.crash':
      return `  - { ${at}, kind: ${f.kind}, target: "watchdog:0"${dur} }`;
    case 'network.partition':
      return `  - { ${at}, kind: ${f.kind}, duration: ${f.durMin ?? 5}m, groups: [["fc:*"], ["c0-r${f.pick % 4}-*"]] }`;
    case 'network.loss':
      return `  - { ${at}, kind: ${f.kind}, duration: ${f.durMin ?? 5}m, lossRate: 0.${(f.pick % 9) + 1} }`;
    default:
      throw new Error(`no generator for ${f.kind satisfies never}`);
  }
}

/** A small region with the given faults; `more` adds policy lines and fault lines, and overrides seed and duration. */
function scenario(
  faults: FaultGen[],
  elide: boolean,
  more: { seed?: number; duration?: string; policies?: string; faults?: string } = {},
) {
  return scenarioText(`
version: 1
seed: ${more.seed ?? 11}
duration: ${more.duration ?? '3h'}
topology:
  clusters:
    - { id: c0, racks: 4, nodesPerRack: 3 }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 3 }
      - { id: worker, kind: worker, instances: 2 }
policies:
  network: { elideRoutine: ${elide} }
${more.policies ?? ''}
faults:
${more.faults ?? ''}
${faults.map(faultYaml).join('\n')}
`);
}

const OUT = new Set(['OutForRepair', 'HumanInvestigate', 'Dead']);

/** Walks the timeline, rebuilding the world after every event, and checks the invariants at each step. */
function checkInvariants(
  initial: World,
  events: readonly { t: number; k: string; p?: readonly unknown[]; r?: string; s: string }[],
) {
  let w = initial;
  for (const e of events) {
    if (e.p) w = applyPatches(w, e.p as never);
    for (const c of w.clusters) {
      for (const inst of c.instances) {
        if (inst.status === 'Ready' && inst.node >= 0) {
          const n = c.nodes[inst.node]!;
          // No instance is Ready on a dead node.
          expect(n.powered, `${inst.id} Ready on unpowered ${n.id} after ${e.k}`).toBe(true);
          expect(OUT.has(n.status), `${inst.id} Ready on ${n.status} ${n.id}`).toBe(false);
        }
        if (inst.node >= 0) expect(c.nodes[inst.node]!.instances).toContain(c.instances.indexOf(inst));
      }
    }
    // No FC recovery action without a leader holding the lease.
    if (['node.reboot', 'healing.start', 'node.out-for-repair', 'node.human-investigate'].includes(e.k)) {
      expect(e.r ?? '', `${e.k} at ${e.t} without an FC leader`).not.toMatch(/fc\.leader=none/);
      expect(w.clusters[0]!.fc.leader).toBeGreaterThanOrEqual(0);
    }
  }
  return w;
}

describe('model properties over random fault schedules', () => {
  it('eliding routine polls gives the same trace hash, detections, recoveries and metrics as simulating every poll', () => {
    fc.assert(
      fc.property(fc.array(faultArb, { minLength: 1, maxLength: 6 }), (faults) => {
        const elided = runScenario(scenario(faults, true), { record: false }).summary;
        const full = runScenario(scenario(faults, false), { record: false }).summary;
        expect(elided.traceHash).toBe(full.traceHash);
        expect(elided.faults).toEqual(full.faults);
        expect(elided.roles).toEqual(full.roles);
        expect(elided.fc).toEqual(full.fc);
        expect(elided.sql).toEqual(full.sql);
        expect(elided.watchdogs).toEqual(full.watchdogs);
      }),
      { numRuns: 40, seed: 20261129 },
    );
  });

  it("a host agent sleeping through a crashed VM's failing polls changes nothing: crashes, hangs, reboots, network faults, many seeds", () => {
    // Faults that stop a VM (so its guest polls fail structurally) mixed with what can end or interrupt that: the
    // hang ending, node crashes and reboots, host-agent crashes, network faults while the VM is down; random
    // arrivals on top; a guest timeout short enough that the host agent acts many times per run.
    const crashKinds = ['vm.crash', 'vm.hang', 'vm.crash', 'vm.hang', 'node.crash', 'host-agent.crash'] as const;
    const sleepFault = fc.oneof(
      fc.record({
        kind: fc.constantFrom(...crashKinds),
        atMin: fc.integer({ min: 1, max: 150 }),
        pick: fc.nat(100),
        durMin: fc.option(fc.integer({ min: 1, max: 25 }), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constantFrom('network.partition' as const, 'network.loss' as const),
        atMin: fc.integer({ min: 1, max: 150 }),
        pick: fc.nat(100),
        durMin: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
      }),
    );
    // A hang that ends before the guest timeout, then a crash of the same VM soon after: the host agent must have
    // woken at the hang's end, or it would take the polls it slept through for misses and reboot the VM too early.
    const hangThenCrash = fc
      .record({ atMin: fc.integer({ min: 1, max: 150 }), pick: fc.nat(100), d: fc.integer({ min: 1, max: 6 }) })
      .chain((h) =>
        fc.integer({ min: 1, max: 3 }).map((gap): FaultGen[] => [
          { kind: 'vm.hang', atMin: h.atMin, pick: h.pick, durMin: h.d },
          { kind: 'vm.crash', atMin: h.atMin + h.d + gap, pick: h.pick, durMin: undefined },
        ]),
      );
    const faultsArb = fc
      .array(
        fc.oneof(
          sleepFault.map((f): FaultGen[] => [f]),
          hangThenCrash,
        ),
        { minLength: 2, maxLength: 8 },
      )
      .map((groups) => groups.flat());
    fc.assert(
      fc.property(
        faultsArb,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('10m', '40s', '2m', '7s'),
        fc.constantFrom('3s', '2s'),
        (faults, seed, guestTimeout, guestPollInterval) => {
          const text = (elide: boolean) =>
            scenario(faults, elide, {
              seed,
              duration: '4h',
              policies: `  hostAgent: { guestTimeout: ${guestTimeout}, guestPollInterval: ${guestPollInterval} }`,
              faults: '  - { kind: vm.crash, every: exponential(90m) }',
            });
          const elided = runScenario(text(true), { record: false }).summary;
          const full = runScenario(text(false), { record: false }).summary;
          expect(elided.traceHash).toBe(full.traceHash);
          expect(elided.faults).toEqual(full.faults);
          expect(elided.roles).toEqual(full.roles);
          expect(elided.fc).toEqual(full.fc);
          expect(elided.eventCounts).toEqual(full.eventCounts);
        },
      ),
      { numRuns: 60, seed: 20261207 },
    );
  });

  it('holds the invariants at every step: nothing Ready on a dead node, no FC action without quorum, every fault accounted for', () => {
    fc.assert(
      fc.property(fc.array(faultArb, { minLength: 1, maxLength: 6 }), (faults) => {
        const { summary, timeline } = runScenario(scenario(faults, true));
        const end = checkInvariants(timeline!.initial, timeline!.events);
        // Every fault ends either recovered (with a time) or reported as not recovered (null) — never dropped.
        for (const f of summary.faults) {
          if (f.recoveredAtUs !== null) expect(f.ttrUs).toBe(f.recoveredAtUs - f.atUs);
          else expect(f.ttrUs).toBeNull();
        }
        expect(summary.faults.length).toBe(summary.eventCounts['fault.start'] ?? 0);
        // The spread holds after healing: each role keeps instances in at least two fault domains while it can.
        const c = end.clusters[0]!;
        for (const role of ['shop.web', 'shop.worker']) {
          const racks = new Set(
            c.instances.filter((i) => i.role === role && i.node >= 0).map((i) => c.nodes[i.node]!.rack),
          );
          const placed = c.instances.filter((i) => i.role === role && i.node >= 0).length;
          // Never all of a role's instances in one fault domain while it has two or more placed.
          if (placed >= 2)
            expect(racks.size, `${role} spread over ${racks.size} fault domain(s)`).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 40, seed: 4242 },
    );
  });
});
