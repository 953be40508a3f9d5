/**
 * A stand-in for `sim/index.ts` with the same exports, for sweep tests that must not depend on the model: a "run"
 * draws a fault schedule from the seed's "faults" stream (independent of the parameters, as the engine's named
 * streams guarantee) and derives detection and recovery times from policies.fc.missedPolls and pollInterval.
 * `description: "slow:N"` makes each run busy-wait N ms; `description: "throw:S"` makes seed S throw.
 */
import { parse } from 'yaml';
import { hashString32, Random } from '../../../sim/engine/random.js';
import { parseDuration } from '../../../sim/engine/time.js';
import type { FaultResult, RunSummary } from '../../../sim/metrics/summary.js';

export const VERSION = '0.0.0-fake';

class ScenarioError extends Error {
  override name = 'ScenarioError';
}

interface FakeScenario {
  readonly name: string;
  readonly durationUs: number;
  readonly missedPolls: number;
  readonly pollIntervalUs: number;
  readonly slowMs: number;
  readonly throwSeed: number | null;
}

type Doc = Record<string, unknown>;

function mergeDocs(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b !== null &&
      typeof b === 'object' &&
      !Array.isArray(b) &&
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v)
        ? mergeDocs(b as Doc, v as Doc)
        : v;
  }
  return out;
}

export function loadScenario(
  text: string,
  opts: { fileName?: string; readExtends?: (name: string, from: string) => { text: string; fileName: string } } = {},
): FakeScenario {
  const file = opts.fileName ?? 'scenario.yaml';
  let doc = parse(text) as Doc;
  if (typeof doc.extends === 'string') {
    if (opts.readExtends === undefined) throw new ScenarioError(`${file}:1:1: extends: no reader`);
    const base = opts.readExtends(doc.extends, file);
    const { extends: _, ...rest } = doc;
    doc = mergeDocs(loadDoc(base.text), rest);
  }
  if (doc.version !== 1) throw new ScenarioError(`${file}:1:1: version: expected 1`);
  const fc = ((doc.policies as Doc | undefined)?.fc ?? {}) as Doc;
  const missedPolls = fc.missedPolls ?? 4;
  if (typeof missedPolls !== 'number' || !Number.isInteger(missedPolls) || missedPolls < 1) {
    throw new ScenarioError(
      `${file}:1:1: policies.fc.missedPolls: expected an integer ≥ 1, found ${JSON.stringify(missedPolls)}`,
    );
  }
  let durationUs: number;
  let pollIntervalUs: number;
  try {
    durationUs = parseDuration(String(doc.duration));
    pollIntervalUs = parseDuration(String(fc.pollInterval ?? '15s'));
  } catch (err) {
    throw new ScenarioError(`${file}:1:1: ${(err as Error).message}`);
  }
  const description = typeof doc.description === 'string' ? doc.description : '';
  const slow = /slow:(\d+)/.exec(description);
  const thrower = /throw:(\d+)/.exec(description);
  return {
    name: typeof doc.name === 'string' ? doc.name : file,
    durationUs,
    missedPolls,
    pollIntervalUs,
    slowMs: slow ? Number(slow[1]) : 0,
    throwSeed: thrower ? Number(thrower[1]) : null,
  };
}

function loadDoc(text: string): Doc {
  return parse(text) as Doc;
}

export function runScenario(
  s: FakeScenario,
  opts: { seed?: number; record?: boolean } = {},
): { summary: RunSummary; timeline: null } {
  const seed = opts.seed ?? 0;
  if (s.throwSeed === seed) throw new RangeError(`fake model failure at seed ${seed}`);
  if (s.slowMs > 0) {
    const until = performance.now() + s.slowMs;
    while (performance.now() < until) {
      // busy: a run takes CPU time
    }
  }
  const faultsRng = Random.root(seed).fork('faults');
  const healRng = Random.root(seed).fork('healing');
  const count = faultsRng.int(2, 4);
  const faults: FaultResult[] = [];
  let downUs = 0;
  for (let i = 0; i < count; i++) {
    const atUs = faultsRng.int(0, s.durationUs - 1);
    const kind = faultsRng.chance(0.5) ? 'node.crash' : 'role.crash';
    const jitterUs = Math.round(faultsRng.next() * s.pollIntervalUs);
    const ttdUs = s.missedPolls * s.pollIntervalUs + jitterUs;
    const ttrUs = ttdUs + Math.round(healRng.lognormal(300e6, 0.5));
    const detected = atUs + ttdUs <= s.durationUs;
    const recovered = atUs + ttrUs <= s.durationUs;
    downUs += Math.min(ttrUs, s.durationUs - atUs);
    faults.push({
      id: `f${i + 1}`,
      kind,
      target: `c0-r${i % 2}-n${i}`,
      atUs,
      affected: 1,
      detectedAtUs: detected ? atUs + ttdUs : null,
      detectedBy: detected ? 'fc' : null,
      detections: detected ? [{ by: 'fc', atUs: atUs + ttdUs }] : [],
      recoveredAtUs: recovered ? atUs + ttrUs : null,
      ttdUs: detected ? ttdUs : null,
      ttrUs: recovered ? ttrUs : null,
      event: i,
    });
  }
  const availability = Math.max(0, 1 - downUs / s.durationUs / 4);
  const violations = healRng.chance(0.1) ? 1 : 0;
  const within = faults.every((f) => f.ttrUs !== null && f.ttrUs <= 900e6);
  const summary: RunSummary = {
    fabricsim: VERSION,
    scenario: s.name,
    scenarioHash: 'fake',
    seed,
    traceHash: hashString32(JSON.stringify([seed, s, faults]))
      .toString(16)
      .padStart(8, '0'),
    durationUs: s.durationUs,
    events: 100 + count,
    eventCounts: {},
    defaults: {},
    faults,
    faultArrivals: [
      { id: 'f1', kind: 'node.crash', arrivals: faults.filter((f) => f.kind === 'node.crash').length, missed: 0 },
      { id: 'f2', kind: 'role.crash', arrivals: faults.filter((f) => f.kind === 'role.crash').length, missed: 0 },
    ],
    roles: [
      {
        id: 'shop.web',
        instances: 2,
        availability,
        servedAvailability: availability,
        readyFraction: availability,
        downUs: (1 - availability) * s.durationUs,
        degradedUs: (1 - availability) * s.durationUs,
        packageProblems: 0,
      },
      {
        id: 'shop.<b>worker</b>',
        instances: 2,
        availability: 1,
        servedAvailability: 1,
        readyFraction: 1,
        downUs: 0,
        degradedUs: 0,
        // Every fifth seed ends with one instance alerted for a package problem (the report test counts them).
        packageProblems: seed % 5 === 0 ? 1 : 0,
      },
    ],
    faultDomains: [],
    fc: { noQuorumUs: 0, leaderChanges: 0 },
    watchdogs: [],
    sql: { failovers: 0, unavailableUs: 0, blindUs: 0 },
    security: { attempts: 10, allowed: 9, denied: 1, violations, exposureUs: 0, byKind: {}, byIntent: {} },
    expectations: [
      { name: 'recovered * within 15m', passed: within, measured: within ? 'ok' : 'late', bound: '15m', atUs: null },
    ],
  };
  return { summary, timeline: null };
}
