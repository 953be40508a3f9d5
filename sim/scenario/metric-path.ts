/**
 * Checks a metric expectation's path (`metric: roles[shop.web].availability`) against the shape of the run summary
 * at load time, so that a path that can never exist is a mistake in the input (exit 2 with a did-you-mean), not an
 * expectation that fails after the run. Ids in brackets are checked where the scenario fixes them (roles, watchdogs,
 * fault processes, defaults); open tallies (event kinds, security kinds and rules) accept any key, since a kind that
 * never happened reads as 0 or as absent. Pure.
 */

import { INTENTS, processId, type ResolvedScenario, type ScriptedFaultSpec } from '../spec/index.js';
import { ScenarioIssue } from './errors.js';
import { didYouMean } from './suggest.js';

type Shape =
  | { readonly t: 'leaf' }
  | { readonly t: 'object'; readonly fields: Readonly<Record<string, Shape>> }
  /** Keyed by `[key]` or `.key`; `keys` null = any key. */
  | { readonly t: 'map'; readonly keys: readonly string[] | null; readonly value: Shape }
  /** An array selected by `[id]` (or `[index]`); `accepts` decides ids that cannot be listed (fault arrivals). */
  | {
      readonly t: 'array';
      readonly ids: readonly string[];
      readonly accepts: (id: string) => boolean;
      readonly value: Shape;
    };

const leaf: Shape = { t: 'leaf' };
const obj = (names: readonly string[], extra: Record<string, Shape> = {}): Shape => ({
  t: 'object',
  fields: { ...Object.fromEntries(names.map((n) => [n, leaf])), ...extra },
});
const byIds = (ids: readonly string[], value: Shape, accepts: (id: string) => boolean = () => false): Shape => ({
  t: 'array',
  ids,
  accepts,
  value,
});

/** The shape of a RunSummary for this scenario. */
export function summaryShape(
  sc: Pick<ResolvedScenario, 'clusters' | 'services' | 'policies' | 'faults' | 'images'>,
): Shape {
  const roles = sc.services.flatMap((s) => s.roles.map((r) => r.id));
  const racks = sc.clusters.flatMap((c) => c.racks.map((r) => r.id));
  const watchdogs = Array.from({ length: sc.policies.watchdog.count }, (_, i) => `watchdog:${i}`);
  const processes = sc.faults.map(processId);
  const scripted = sc.faults.filter((f): f is ScriptedFaultSpec => f.type === 'scripted').map(processId);
  const random = sc.faults.filter((f) => f.type === 'random').map(processId);
  const isFaultId = (id: string): boolean =>
    scripted.some((p) => id.startsWith(`${p}/`)) ||
    random.some((p) => id.startsWith(`${p}#`) && /^\d+$/.test(id.slice(p.length + 1)));
  const defaults = Object.entries(sc.policies).flatMap(([section, values]) =>
    Object.keys(values as object).map((k) => `${section}.${k}`),
  );
  const fault = obj([
    'id',
    'kind',
    'target',
    'atUs',
    'affected',
    'detectedAtUs',
    'detectedBy',
    'recoveredAtUs',
    'ttdUs',
    'ttrUs',
    'event',
  ]);
  const tally = obj(['attempts', 'allowed', 'denied', 'violations'], { byRule: { t: 'map', keys: null, value: leaf } });
  return obj(['fabricsim', 'scenario', 'scenarioHash', 'seed', 'traceHash', 'durationUs', 'events'], {
    eventCounts: { t: 'map', keys: null, value: leaf },
    defaults: { t: 'map', keys: defaults, value: leaf },
    faults: byIds(scripted, fault, isFaultId),
    faultArrivals: byIds(processes, obj(['id', 'kind', 'arrivals', 'missed'])),
    roles: byIds(
      roles,
      obj(['id', 'instances', 'availability', 'servedAvailability', 'readyFraction', 'downUs', 'degradedUs']),
    ),
    faultDomains: byIds(racks, obj(['id', 'nodes', 'downUs'])),
    fc: obj(['noQuorumUs', 'leaderChanges']),
    watchdogs: byIds(watchdogs, obj(['id', 'blindUs'])),
    sql: obj(['failovers', 'unavailableUs', 'blindUs']),
    security: obj(['attempts', 'allowed', 'denied', 'violations', 'exposureUs'], {
      byKind: { t: 'map', keys: null, value: tally },
      byIntent: { t: 'map', keys: [...INTENTS], value: obj(['attempts', 'allowed', 'denied', 'violations']) },
    }),
    expectations: byIds([], obj(['name', 'passed', 'measured', 'bound', 'atUs'])),
    ...(sc.images === undefined ? {} : { images: imagesShape(sc) }),
  });
}

/** `images` (issue 11): the image each instance's VM and each node runs, and the oracle's counts. */
function imagesShape(sc: Pick<ResolvedScenario, 'clusters' | 'services'>): Shape {
  const instances = sc.services.flatMap((s) =>
    s.roles.flatMap((r) => Array.from({ length: r.instances }, (_, k) => `${r.id}.${k}`)),
  );
  const nodes = sc.clusters.flatMap((c) => c.racks.flatMap((r) => r.nodes));
  return obj(['violations', 'wrongUs'], {
    instances: { t: 'map', keys: instances, value: leaf },
    nodes: { t: 'map', keys: nodes, value: leaf },
  });
}

/** The parts of a metric path, as `lookupMetric` reads them: names, and `[key]` selectors. */
export function metricPathParts(path: string): string[] {
  return path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
}

/**
 * Throws a ScenarioIssue at `at` when `path` cannot name a value of the run summary, saying which part is wrong and
 * the closest name that exists.
 */
export function checkMetricPath(path: string, shape: Shape, at: readonly (string | number)[]): void {
  const parts = metricPathParts(path);
  if (parts.length === 0) throw new ScenarioIssue(at, 'an empty metric path');
  let cur = shape;
  let done = '';
  for (const part of parts) {
    const bracket = part.startsWith('[');
    const key = bracket ? part.slice(1, -1) : part;
    const where = done === '' ? 'the run summary' : done;
    const fail = (what: string, candidates: readonly string[]): never => {
      const sample = candidates.slice(0, 6).join(', ');
      throw new ScenarioIssue(
        at,
        `metric "${path}": ${what}${didYouMean(key, candidates)}${candidates.length > 0 ? ` — ${where} has: ${sample}${candidates.length > 6 ? ', …' : ''}` : ''}`,
      );
    };
    switch (cur.t) {
      case 'leaf':
        fail(`${where} is a value, it has no "${key}"`, []);
        break;
      case 'object': {
        const next = cur.fields[key];
        if (next === undefined) fail(`no "${key}" in ${where}`, Object.keys(cur.fields));
        cur = next!;
        break;
      }
      case 'map':
        if (cur.keys !== null && !cur.keys.includes(key)) fail(`no "${key}" in ${where}`, cur.keys);
        cur = cur.value;
        break;
      case 'array': {
        if (!bracket) fail(`${where} is a list: select an element with [id]`, cur.ids);
        const ok = cur.ids.includes(key) || /^\d+$/.test(key) || cur.accepts(key);
        if (!ok) fail(`no "${key}" in ${where}`, cur.ids);
        cur = cur.value;
        break;
      }
    }
    done += bracket ? part : done === '' ? part : `.${part}`;
  }
}
