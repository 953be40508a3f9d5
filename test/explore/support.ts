/** Shared checks for the explore tests: an independent 1-minimality check of a shrunk scenario. */
import { expect } from 'vitest';
import { parseDuration } from '../../sim/engine/time.js';
import { evaluateFile } from '../../sim/explore/index.js';
import { createSimulation } from '../../sim/run.js';
import { resolveScenario } from '../../sim/scenario/resolve.js';
import type { FaultFile, ScenarioFile } from '../../sim/scenario/schema.js';

const UNITS_US = [
  86400e6,
  12 * 3600e6,
  6 * 3600e6,
  2 * 3600e6,
  3600e6,
  1800e6,
  600e6,
  300e6,
  60e6,
  30e6,
  10e6,
  5e6,
  1e6,
  1e5,
  1e4,
  1e3,
  100,
  10,
  1,
];
const unit = (us: number) => UNITS_US.find((u) => us % u === 0) ?? 1;
const fmt = (us: number) => `${us}us`;

export function failsAs(file: ScenarioFile, seed: number, key: string): boolean {
  const ev = evaluateFile(file, seed, key.startsWith('invariant '), file.name ?? 'x');
  return ev?.some((f) => f.key === key) ?? false;
}

function layout(file: ScenarioFile) {
  const sc = resolveScenario(file, 'x');
  const rackNodes = new Map<string, string[]>();
  for (const c of sc.clusters) for (const r of c.racks) rackNodes.set(r.id, r.nodes);
  const nodeInstances = new Map<string, string[]>();
  for (const c of createSimulation(sc, { record: false }).world.clusters) {
    for (const i of c.instances) {
      if (i.node < 0) continue;
      const n = c.nodes[i.node]!.id;
      nodeInstances.set(n, [...(nodeInstances.get(n) ?? []), i.id]);
    }
  }
  return { rackNodes, nodeInstances };
}

/** The weaker faults one rung down the ladder. */
export function weaker(file: ScenarioFile, f: FaultFile): FaultFile[] {
  const t = 'target' in f && typeof f.target === 'string' ? f.target : '';
  const l = layout(file);
  const as = (kind: FaultFile['kind'], target: string) => ({ ...f, kind, target }) as FaultFile;
  switch (f.kind) {
    case 'rack.power-loss':
      return (l.rackNodes.get(t) ?? []).map((n) => as('node.crash', n));
    case 'node.hardware':
      return [as('node.crash', t)];
    case 'node.crash':
      return (l.nodeInstances.get(t) ?? []).map((i) => as('vm.crash', i));
    case 'vm.crash':
      return [as('role.crash', t)];
    default:
      return [];
  }
}

/**
 * Asserts that `file` fails as `key` and that every single removal, weakening, one-step-later move, one-step
 * shortening and coarser rounding of a fault makes that failure go away.
 */
export function expectOneMinimal(file: ScenarioFile, seed: number, key: string): void {
  expect(failsAs(file, seed, key), 'the shrunk file fails as its fingerprint').toBe(true);
  const faults = file.faults ?? [];
  const runUs = parseDuration(file.duration);
  const withFault = (i: number, g: FaultFile | null): ScenarioFile => {
    const list = faults.flatMap((f, j) => (j !== i ? [f] : g === null ? [] : [g]));
    return { ...file, faults: list };
  };
  faults.forEach((f, i) => {
    const label = JSON.stringify(f);
    expect(failsAs(withFault(i, null), seed, key), `without ${label}`).toBe(false);
    for (const w of weaker(file, f)) {
      expect(failsAs(withFault(i, w), seed, key), `${label} weakened to ${JSON.stringify(w)}`).toBe(false);
    }
    if ('at' in f) {
      const at = parseDuration(f.at);
      const u = at === 0 ? 1e6 : unit(at);
      if (at + u < runUs) {
        expect(failsAs(withFault(i, { ...f, at: fmt(at + u) }), seed, key), `${label} one step later`).toBe(false);
      }
      if (at !== 0) {
        // Rounded up to the next coarser unit it no longer fails (it was rounded as coarsely as still fails).
        const next = UNITS_US.filter((x) => x > u).at(-1)!;
        const v = Math.ceil(at / next) * next;
        if (v < runUs)
          expect(failsAs(withFault(i, { ...f, at: fmt(v) }), seed, key), `${label} rounded up`).toBe(false);
      }
    }
    if (typeof f.duration === 'string') {
      const d = parseDuration(f.duration);
      if (d - unit(d) > 0) {
        expect(failsAs(withFault(i, { ...f, duration: fmt(d - unit(d)) }), seed, key), `${label} shorter`).toBe(false);
      }
    }
  });
  const u = unit(runUs);
  if (runUs - u > 0) expect(failsAs({ ...file, duration: fmt(runUs - u) }, seed, key), 'a shorter run').toBe(false);
}
