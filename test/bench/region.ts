/**
 * Shared by the region-scale benches: the committed bench scenarios, regions of any size in the shape of region-day
 * (services of 50 web + 50 worker instances, 10 instances a node, default fault rates, rule engines on), and the
 * figures each bench reports (CPU and wall seconds, peak RSS). Wall-clock and CPU time are read here, never under sim/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Scenario } from '../../sim/runner/index.js';

/** The project root (from test/bench/ or dist/test/bench/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace(/\/dist\/$/, '/'));

export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Loads a committed scenario (path relative to the root), with `overrides` appended to its text. */
export function loadBenchScenario(path: string, overrides = ''): Scenario {
  const full = join(ROOT, path);
  return loadScenario(readFileSync(full, 'utf8') + overrides, { fileName: full });
}

/** The shape of a region of `instances` role instances (a multiple of 100): clusters, racks, nodes a rack. */
export function regionShape(instances: number): { clusters: number; racks: number; nodesPerRack: number } {
  const nodes = instances / 10;
  if (nodes <= 1000) {
    const racks = Math.min(20, Math.max(1, nodes / 10));
    return { clusters: 1, racks, nodesPerRack: nodes / racks };
  }
  return { clusters: nodes / 1000, racks: 20, nodesPerRack: 50 };
}

/** A scenario text in region-day's shape with `instances` instances (a multiple of 100), for `duration`. */
export function regionYaml(instances: number, duration: string): string {
  const { clusters, racks, nodesPerRack } = regionShape(instances);
  return `version: 1
name: region-${instances}
seed: 2026
duration: ${duration}
topology:
  clusters:
    - { id: c, count: ${clusters}, racks: ${racks}, nodesPerRack: ${nodesPerRack} }
services:
  - id: svc
    count: ${instances / 100}
    cluster: "*"
    roles:
      - { id: web, kind: web, instances: 50 }
      - { id: worker, kind: worker, instances: 50 }
faults:
  - { kind: node.hardware, every: default }
  - { kind: vm.crash, every: default }
  - { kind: role.crash, every: default }
security:
  addressing: { vips: 198.18.0.0/16 }
`;
}

export interface Stopwatch {
  /** CPU seconds (user + system, all threads) and wall seconds since the start. */
  read(): { cpu: number; wall: number };
}

export function stopwatch(): Stopwatch {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    read() {
      const c = process.cpuUsage(c0);
      return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000 };
    },
  };
}

/** Peak resident set size of this process so far, MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
