/**
 * Turns a validated scenario file into a `ResolvedScenario`: durations in integer µs, the compact topology expanded
 * into explicit clusters, racks, nodes, services and roles, policies with every default filled in, fault targets and
 * expectation references checked against what exists.
 *
 * Semantic mistakes (an unknown node, a glob that matches nothing) are thrown as `ScenarioIssue`s carrying the path in
 * the document, so the loader can point at the line and column.
 */

import type { Distribution } from '../engine/index.js';
import { compileGlob, DurationError, joinName, parseDuration, validateDistribution } from '../engine/index.js';
import { BUILT_IN_POLICIES, isModulePath } from '../model/index.js';
import type {
  Expectation,
  FaultKind,
  FaultSpecResolved,
  Policies,
  PolicyChoice,
  PolicyChoices,
  ProbabilityExpectation,
  ResolvedCluster,
  ResolvedImages,
  ResolvedRack,
  ResolvedScenario,
  ResolvedService,
  ResolvedTarget,
  UpgradeSpecResolved,
} from '../spec/index.js';
import { DEFAULTS } from '../spec/index.js';
import { ScenarioIssue } from './errors.js';
import { checkMetricPath, summaryShape } from './metric-path.js';
import type { ExpectationFile, FaultFile, ScenarioFile, UpgradeFile } from './schema.js';
// security (issue 5)
import { isSecurityExpectationFile, resolveSecurity, resolveSecurityExpectation } from './security-resolve.js';
import { didYouMean } from './suggest.js';

/** Refused up front: larger worlds would exhaust memory long before they finished. */
export const MAX_NODES = 200_000;
export const MAX_INSTANCES = 2_000_000;

type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------------------------

function duration(text: string, path: Path): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new ScenarioIssue(path, e.message);
    throw e;
  }
}

const CALL = /^(\w+)\(\s*([^()]*)\)$/;
const DURATION_TEXT = /^(\d+(\.\d+)?(us|µs|ms|s|m|h|d))+$/;

/** Parses "exponential(30d)" and friends into an engine distribution over µs. */
export function parseDistribution(
  spec: string | { empirical: string[]; weights?: number[] | undefined },
  path: Path,
  defaultMeanUs: number | null,
): Distribution {
  let d: Distribution;
  if (typeof spec === 'object') {
    d = {
      kind: 'empirical',
      values: spec.empirical.map((v, i) => duration(v, [...path, 'empirical', i])),
      ...(spec.weights ? { weights: spec.weights } : {}),
    };
  } else if (spec === 'default') {
    if (defaultMeanUs === null)
      throw new ScenarioIssue(path, 'this fault kind has no default rate; give a distribution');
    d = { kind: 'exponential', mean: defaultMeanUs };
  } else {
    const m = CALL.exec(spec.trim());
    if (!m) throw new ScenarioIssue(path, `expected a distribution such as "exponential(30d)", found "${spec}"`);
    const name = m[1]!;
    const args = m[2]!.split(',').map((s) => s.trim());
    const arity: Record<string, number> = {
      constant: 1,
      uniform: 2,
      exponential: 1,
      normal: 2,
      lognormal: 2,
      weibull: 2,
    };
    if (arity[name] !== args.length) {
      throw new ScenarioIssue(
        path,
        `${name} takes ${arity[name] ?? '?'} argument(s), found ${args.length} in "${spec}"`,
      );
    }
    const dur = (i: number) => duration(args[i]!, path);
    const num = (i: number) => {
      const v = Number(args[i]);
      if (!Number.isFinite(v))
        throw new ScenarioIssue(path, `expected a number as argument ${i + 1} of ${name}, found "${args[i]}"`);
      return v;
    };
    switch (name) {
      case 'constant':
        d = { kind: 'constant', value: dur(0) };
        break;
      case 'uniform':
        d = { kind: 'uniform', min: dur(0), max: dur(1) };
        break;
      case 'exponential':
        d = { kind: 'exponential', mean: dur(0) };
        break;
      case 'normal':
        d = { kind: 'normal', mean: dur(0), sd: dur(1) };
        break;
      case 'lognormal':
        d = { kind: 'lognormal', median: dur(0), sigma: num(1) };
        break;
      case 'weibull':
        d = { kind: 'weibull', shape: num(0), scale: dur(1) };
        break;
      default:
        throw new ScenarioIssue(path, `unknown distribution "${name}"`);
    }
  }
  const problem = validateDistribution(d);
  if (problem) throw new ScenarioIssue(path, problem);
  return d;
}

function resolvePolicies(file: ScenarioFile): Policies {
  const out: Record<string, Record<string, number | boolean>> = {};
  const given = (file.policies ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const [section, entries] of Object.entries(DEFAULTS)) {
    const sectionOut: Record<string, number | boolean> = {};
    for (const [key, entry] of Object.entries(entries as Record<string, { value: unknown }>)) {
      const raw = given[section]?.[key] ?? entry.value;
      if (typeof entry.value === 'string') {
        sectionOut[`${key}Us`] = duration(String(raw), ['policies', section, key]);
      } else {
        sectionOut[key] = raw as number | boolean;
      }
    }
    out[section] = sectionOut;
  }
  const p = out as unknown as Policies;
  if (p.fc.pollIntervalUs <= 0) throw new ScenarioIssue(['policies', 'fc', 'pollInterval'], 'must be greater than 0');
  if (p.hostAgent.guestPollIntervalUs <= 0) {
    throw new ScenarioIssue(['policies', 'hostAgent', 'guestPollInterval'], 'must be greater than 0');
  }
  if (p.loadBalancer.probeIntervalUs <= 0) {
    throw new ScenarioIssue(['policies', 'loadBalancer', 'probeInterval'], 'must be greater than 0');
  }
  if (p.loadBalancer.probeTimeoutUs <= p.loadBalancer.probeIntervalUs) {
    throw new ScenarioIssue(
      ['policies', 'loadBalancer', 'probeTimeout'],
      'must be longer than probeInterval (the timeout is the whole window without an answer, over several probes)',
    );
  }
  if (p.fc.missedPolls < 1) throw new ScenarioIssue(['policies', 'fc', 'missedPolls'], 'must be at least 1');
  if (p.fc.replicas < 1 || !Number.isInteger(p.fc.replicas)) {
    throw new ScenarioIssue(['policies', 'fc', 'replicas'], 'must be a whole number of at least 1');
  }
  return p;
}

/**
 * The scenario's pluggable policies (`policies.fc.detector`, `.placement`, `.upgradeWalk`): undefined when every one
 * is the built-in current policy without parameters, so such a scenario resolves — and hashes — exactly as before.
 */
function resolveChoices(file: ScenarioFile): PolicyChoices | undefined {
  const fc = ((file.policies ?? {}) as Record<string, Record<string, unknown> | undefined>).fc ?? {};
  const out: Record<string, PolicyChoice> = {};
  for (const point of ['detector', 'placement', 'upgradeWalk'] as const) {
    const raw = fc[point] as string | { use: string; [k: string]: string | number | boolean } | undefined;
    if (raw === undefined) continue;
    const { use, ...params } = typeof raw === 'string' ? { use: raw } : raw;
    if (use.trim() === '') throw new ScenarioIssue(['policies', 'fc', point, 'use'], 'must name a policy');
    if (!isModulePath(use) && !BUILT_IN_POLICIES[point].includes(use)) {
      throw new ScenarioIssue(
        ['policies', 'fc', point, 'use'],
        `unknown policy ${JSON.stringify(use)}: built-ins are ${BUILT_IN_POLICIES[point].join(', ')}; a module file starts with ./ or ends in .js`,
      );
    }
    if (use === BUILT_IN_POLICIES[point][0] && Object.keys(params).length === 0) continue;
    out[point] = { use, params };
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Counts nodes and instances from the file without building anything, so huge worlds are refused up front. */
export function countWorld(file: ScenarioFile): { nodes: number; instances: number } {
  let nodes = 0;
  let clusters = 0;
  for (const c of file.topology.clusters) {
    const count = c.count ?? 1;
    clusters += count;
    const perCluster =
      typeof c.racks === 'number'
        ? c.racks * (c.nodesPerRack ?? 1)
        : c.racks.reduce((n, r) => n + (typeof r.nodes === 'number' ? r.nodes : r.nodes.length), 0);
    nodes += count * perCluster;
  }
  let instances = 0;
  for (const s of file.services ?? []) {
    const per = s.roles.reduce((n, r) => n + r.instances, 0);
    instances += (s.count ?? 1) * per;
  }
  return { nodes, instances: Math.max(instances, clusters === 0 ? 0 : instances) };
}

function resolveClusters(file: ScenarioFile): ResolvedCluster[] {
  const clusters: ResolvedCluster[] = [];
  const seen = new Map<string, string>();
  const claim = (id: string, what: string, path: Path) => {
    const prev = seen.get(id);
    if (prev) throw new ScenarioIssue(path, `duplicate id "${id}" (already used by a ${prev})`);
    seen.set(id, what);
  };
  file.topology.clusters.forEach((c, ci) => {
    const count = c.count ?? 1;
    for (let k = 0; k < count; k++) {
      const base = c.id ?? `c${clusters.length}`;
      const id = count > 1 ? `${base}-${k}` : base;
      claim(id, 'cluster', ['topology', 'clusters', ci, 'id']);
      const racks: ResolvedRack[] = [];
      if (typeof c.racks === 'number') {
        if (c.nodesPerRack === undefined) {
          throw new ScenarioIssue(['topology', 'clusters', ci], 'expected "nodesPerRack" when "racks" is a number');
        }
        for (let r = 0; r < c.racks; r++) {
          const rackId = `${id}-r${r}`;
          claim(rackId, 'rack', ['topology', 'clusters', ci, 'racks']);
          const nodes: string[] = [];
          for (let n = 0; n < c.nodesPerRack; n++) nodes.push(`${rackId}-n${n}`);
          racks.push({ id: rackId, nodes });
        }
      } else {
        if (c.nodesPerRack !== undefined) {
          throw new ScenarioIssue(
            ['topology', 'clusters', ci, 'nodesPerRack'],
            'give "nodesPerRack" only when "racks" is a number',
          );
        }
        c.racks.forEach((r, ri) => {
          const rackId = count > 1 || !r.id ? `${id}-${r.id ?? `r${ri}`}` : r.id;
          claim(rackId, 'rack', ['topology', 'clusters', ci, 'racks', ri, 'id']);
          const nodes =
            typeof r.nodes === 'number' ? Array.from({ length: r.nodes }, (_, n) => `${rackId}-n${n}`) : [...r.nodes];
          nodes.forEach((n, ni) => {
            claim(n, 'node', ['topology', 'clusters', ci, 'racks', ri, 'nodes', ni]);
          });
          racks.push({ id: rackId, nodes });
        });
      }
      clusters.push({ id, racks });
    }
  });
  return clusters;
}

function resolveServices(file: ScenarioFile, clusters: ResolvedCluster[], defaultUds: number): ResolvedService[] {
  const services: ResolvedService[] = [];
  const ids = new Set<string>();
  let spread = 0;
  (file.services ?? []).forEach((s, si) => {
    const count = s.count ?? 1;
    let clusterIndex = 0;
    if (s.cluster !== undefined && s.cluster !== '*') {
      clusterIndex = clusters.findIndex((c) => c.id === s.cluster);
      if (clusterIndex < 0) {
        throw new ScenarioIssue(
          ['services', si, 'cluster'],
          `unknown cluster "${s.cluster}" (clusters: ${clusters.map((c) => c.id).join(', ')})`,
        );
      }
    }
    const roleIds = new Set<string>();
    s.roles.forEach((r, ri) => {
      if (roleIds.has(r.id))
        throw new ScenarioIssue(['services', si, 'roles', ri, 'id'], `duplicate role id "${r.id}"`);
      roleIds.add(r.id);
    });
    // Instance input endpoints: each instance's public port must exist and belong to no other endpoint of the VIP.
    const vipPorts = new Map<string, string>();
    for (const r of s.roles) {
      const input = r.inputEndpoints ?? (r.kind === 'web' ? [{ port: 80, protocol: 'http' as const }] : []);
      for (const e of input)
        vipPorts.set(`${e.protocol === 'udp' ? 'udp' : 'tcp'}/${e.port}`, `${r.id} input endpoint`);
    }
    s.roles.forEach((r, ri) => {
      (r.instanceInputEndpoints ?? []).forEach((e, ei) => {
        const at = ['services', si, 'roles', ri, 'instanceInputEndpoints', ei, 'publicPort'];
        const last = e.publicPort + r.instances - 1;
        if (last > 65535) throw new ScenarioIssue(at, `${r.instances} instances need ports up to ${last}, past 65535`);
        for (let p = e.publicPort; p <= last; p++) {
          const key = `${e.protocol ?? 'tcp'}/${p}`;
          const taken = vipPorts.get(key);
          if (taken !== undefined) throw new ScenarioIssue(at, `VIP port ${p} is also ${taken}`);
          vipPorts.set(key, `${r.id} instance input endpoint`);
        }
      });
    });
    for (let k = 0; k < count; k++) {
      const id = count > 1 ? `${s.id}-${k}` : s.id;
      if (ids.has(id)) throw new ScenarioIssue(['services', si, 'id'], `duplicate service id "${id}"`);
      ids.add(id);
      const cluster = s.cluster === '*' ? spread++ % clusters.length : clusterIndex;
      services.push({
        id,
        cluster,
        updateDomains: s.updateDomains ?? defaultUds,
        roles: s.roles.map((r) => ({
          id: `${id}.${r.id}`,
          name: r.id,
          kind: r.kind,
          instances: r.instances,
          inputEndpoints: (r.inputEndpoints ?? (r.kind === 'web' ? [{ port: 80, protocol: 'http' as const }] : [])).map(
            (e, i) => ({ name: e.name ?? `in${i}`, port: e.port, protocol: e.protocol ?? 'tcp' }),
          ),
          internalEndpoints: (r.internalEndpoints ?? []).map((e, i) => ({
            name: e.name ?? `internal${i}`,
            port: e.port,
            protocol: e.protocol ?? 'tcp',
          })),
          ...(r.instanceInputEndpoints === undefined
            ? {}
            : {
                instanceInputEndpoints: r.instanceInputEndpoints.map((e, i) => ({
                  name: e.name ?? `instance${i}`,
                  localPort: e.localPort,
                  publicPort: e.publicPort,
                  protocol: e.protocol ?? ('tcp' as const),
                })),
              }),
        })),
      });
    }
  });
  return services;
}

/** Which ids each fault kind targets. */
export type TargetSpace = 'instance' | 'node' | 'rack' | 'fc-replica' | 'sql-replica' | 'watchdog' | 'network';
export const FAULT_TARGETS: Record<FaultKind, TargetSpace> = {
  'role.crash': 'instance',
  'role.hang': 'instance',
  'role.config-error': 'instance',
  'vm.crash': 'instance',
  'vm.hang': 'instance',
  'node.crash': 'node',
  'node.hardware': 'node',
  'host-agent.crash': 'node',
  'rack.power-loss': 'rack',
  'fc.replica-crash': 'fc-replica',
  'sql.replica-crash': 'sql-replica',
  'watchdog.crash': 'watchdog',
  'network.partition': 'network',
  'network.loss': 'network',
  'network.latency': 'network',
  'os.wrong-image': 'instance',
};

export interface IdSpaces {
  readonly instance: readonly string[];
  readonly node: readonly string[];
  readonly rack: readonly string[];
  readonly 'fc-replica': readonly string[];
  readonly 'sql-replica': readonly string[];
  readonly watchdog: readonly string[];
  readonly network: readonly string[];
}

/** Every id a fault can target, by kind of target (ids are generated the same way by the model). */
/**
 * The ids of every kind of fault target. Kept per resolved scenario (its arrays are never changed after resolving):
 * resolving checks the fault globs against them and each run of the scenario — every seed of a sweep — picks its
 * random-fault targets from them, and a region has 100,000 instance ids. Callers must not change the lists.
 */
export function idSpaces(clusters: ResolvedCluster[], services: ResolvedService[], p: Policies): IdSpaces {
  const hit = spacesCache.get(services);
  if (hit !== undefined && hit.clusters === clusters && hit.p === p) return hit.spaces;
  const spaces = buildIdSpaces(clusters, services, p);
  spacesCache.set(services, { clusters, p, spaces });
  return spaces;
}

const spacesCache = new WeakMap<
  readonly ResolvedService[],
  { clusters: readonly ResolvedCluster[]; p: Policies; spaces: IdSpaces }
>();

function buildIdSpaces(clusters: ResolvedCluster[], services: ResolvedService[], p: Policies): IdSpaces {
  const instance: string[] = [];
  for (const s of services)
    for (const r of s.roles) for (let i = 0; i < r.instances; i++) instance.push(joinName(r.id, '.', i));
  const node = clusters.flatMap((c) => c.racks.flatMap((r) => r.nodes));
  const rack = clusters.flatMap((c) => c.racks.map((r) => r.id));
  const fcReplica = clusters.flatMap((c) => Array.from({ length: p.fc.replicas }, (_, i) => `fc:${c.id}/${i}`));
  const sqlReplica: string[] = [];
  for (let d = 0; d < p.sql.databases; d++) {
    for (let r = 0; r < p.sql.replicas; r++) sqlReplica.push(`sql:db${d}/${r}`);
  }
  const watchdog = Array.from({ length: p.watchdog.count }, (_, i) => `watchdog:${i}`);
  return { instance, node, rack, 'fc-replica': fcReplica, 'sql-replica': sqlReplica, watchdog, network: ['network'] };
}

function checkGlobMatches(pattern: string, ids: readonly string[], path: Path, what: string): void {
  const re = compileGlob(pattern);
  for (const id of ids) if (re.test(id)) return;
  const sample = ids.slice(0, 4).join(', ');
  throw new ScenarioIssue(
    path,
    `"${pattern}" matches no ${what} (${what}s look like: ${sample}${ids.length > 4 ? ', …' : ''})`,
  );
}

function resolveFault(
  f: FaultFile,
  index: number,
  spaces: IdSpaces,
  p: Policies,
  durationUs: number,
): FaultSpecResolved {
  const path: Path = ['faults', index];
  const space = FAULT_TARGETS[f.kind];
  const base = {
    kind: f.kind,
    durationUs: f.duration === undefined ? null : duration(f.duration, [...path, 'duration']),
    groups: f.groups ?? null,
    lossRate: f.lossRate ?? 0,
    extraLatencyUs: f.extraLatency === undefined ? 0 : duration(f.extraLatency, [...path, 'extraLatency']),
    index,
    id: f.id ?? null,
    ...(f.kind === 'os.wrong-image' ? { image: f.image ?? 'unapproved-image' } : {}),
  };
  if (f.image !== undefined && f.kind !== 'os.wrong-image') {
    throw new ScenarioIssue([...path, 'image'], `"image" is for os.wrong-image faults, not ${f.kind}`);
  }
  if (f.kind === 'network.partition' && !f.groups) {
    throw new ScenarioIssue([...path], 'a network.partition needs "groups": two or more lists of node or actor globs');
  }
  if (f.kind === 'network.loss' && f.lossRate === undefined) {
    throw new ScenarioIssue([...path], 'a network.loss needs "lossRate" (0 … 1)');
  }
  if (f.kind === 'network.latency' && f.extraLatency === undefined) {
    throw new ScenarioIssue([...path], 'a network.latency needs "extraLatency", e.g. "200ms"');
  }
  if (space === 'network' && base.durationUs === null) {
    throw new ScenarioIssue([...path], `a ${f.kind} needs a "duration"`);
  }
  if ('at' in f) {
    const atUs = duration(f.at, [...path, 'at']);
    let target: ResolvedTarget;
    const t = f.target;
    if (space === 'network') {
      if (t !== undefined) throw new ScenarioIssue([...path, 'target'], `${f.kind} takes "groups", not a target`);
      target = { kind: 'none' };
    } else if (t === undefined) {
      throw new ScenarioIssue(
        [...path],
        `expected a "target" for ${f.kind} (an id, a glob, {random: N} or {faultDomain: rack})`,
      );
    } else if (typeof t === 'string') {
      checkGlobMatches(t, spaces[space], [...path, 'target'], space);
      target = { kind: 'glob', pattern: t };
    } else if ('random' in t) {
      const among = t.among ?? '*';
      checkGlobMatches(among, spaces[space], [...path, 'target', 'among'], space);
      target = { kind: 'random', count: t.random, among };
    } else {
      if (!spaces.rack.includes(t.faultDomain)) {
        throw new ScenarioIssue([...path, 'target', 'faultDomain'], `unknown rack "${t.faultDomain}"`);
      }
      if (space !== 'node' && space !== 'instance' && space !== 'rack') {
        throw new ScenarioIssue([...path, 'target'], `${f.kind} cannot target a fault domain`);
      }
      target = { kind: 'faultDomain', rack: t.faultDomain };
    }
    if (atUs > durationUs) {
      throw new ScenarioIssue([...path, 'at'], `fault at ${f.at} is after the end of the run`);
    }
    return { type: 'scripted', atUs, target, ...base };
  }
  const rf = f as Extract<FaultFile, { every: unknown }>;
  if (space === 'network') throw new ScenarioIssue([...path, 'every'], `${f.kind} can only be scripted (with "at")`);
  const defaults: Partial<Record<FaultKind, number>> = {
    'node.hardware': p.randomFaults.nodeHardwareEveryUs,
    'vm.crash': p.randomFaults.vmCrashEveryUs,
    'role.crash': p.randomFaults.roleCrashEveryUs,
  };
  const every = parseDistribution(rf.every, [...path, 'every'], defaults[f.kind] ?? null);
  const targets = rf.targets ?? '*';
  checkGlobMatches(targets, spaces[space], [...path, 'targets'], space);
  if (rf.repair !== undefined && f.duration !== undefined) {
    throw new ScenarioIssue([...path, 'repair'], 'give either duration or repair, not both');
  }
  return {
    type: 'random',
    every,
    targets,
    startUs: rf.start === undefined ? 0 : duration(rf.start, [...path, 'start']),
    untilUs: rf.until === undefined ? durationUs : duration(rf.until, [...path, 'until']),
    ...base,
    ...(rf.repair === undefined ? {} : { repair: parseDistribution(rf.repair, [...path, 'repair'], null) }),
  };
}

function resolveUpgrade(u: UpgradeFile, index: number, services: ResolvedService[]): UpgradeSpecResolved {
  const s = services.findIndex((x) => x.id === u.service);
  if (s < 0) {
    throw new ScenarioIssue(['upgrades', index, 'service'], `unknown service "${u.service}"`);
  }
  return {
    id: u.id ?? `u${index}`,
    atUs: duration(u.at, ['upgrades', index, 'at']),
    service: s,
    kind: u.kind ?? 'role',
    failing: u.failing ?? false,
    rollbackAfterUs:
      u.rollbackAfter === undefined ? null : duration(u.rollbackAfter, ['upgrades', index, 'rollbackAfter']),
    ...(u.image === undefined ? {} : { image: u.image }),
  };
}

/** `images:` → the image chosen for each role (its own entry, else its kind's) and the nodes' host image. */
function resolveImages(file: ScenarioFile, services: ResolvedService[]): ResolvedImages | undefined {
  const im = file.images;
  if (im === undefined) return undefined;
  const roles = services.flatMap((s) => s.roles);
  const ids = roles.map((r) => r.id);
  for (const id of Object.keys(im.roles ?? {})) {
    if (!ids.includes(id))
      throw new ScenarioIssue(['images', 'roles', id], `unknown role "${id}"${didYouMean(id, ids)}`);
  }
  const byRole: Record<string, string> = {};
  for (const r of roles) byRole[r.id] = im.roles?.[r.id] ?? (r.kind === 'web' ? im.web : im.worker);
  return { host: im.host, roles: byRole };
}

export function resolveExpectation(
  e: Exclude<ExpectationFile, { probability: unknown }>,
  index: number,
  services: ResolvedService[],
): Expectation {
  const path: Path = ['expect', index];
  if (isSecurityExpectationFile(e)) return resolveSecurityExpectation(e, index); // security (issue 5)
  if ('recovered' in e) {
    return {
      type: 'recovered',
      target: e.recovered.target,
      withinUs: duration(e.recovered.within, [...path, 'recovered', 'within']),
      index,
    };
  }
  if ('detected' in e) {
    return {
      type: 'detected',
      target: e.detected.target,
      withinUs: duration(e.detected.within, [...path, 'detected', 'within']),
      by: e.detected.by ?? null,
      index,
    };
  }
  if ('sometimes' in e) return { type: 'sometimes', event: e.sometimes.event, index }; // explore (issue 13)
  if ('notDetected' in e)
    return { type: 'notDetected', target: e.notDetected.target, by: e.notDetected.by ?? null, index };
  if ('availability' in e) {
    const roles = services.flatMap((s) => s.roles.map((r) => r.id));
    checkGlobMatches(e.availability.role, roles, [...path, 'availability', 'role'], 'role');
    return {
      type: 'availability',
      role: e.availability.role,
      atLeast: e.availability.atLeast,
      served: e.availability.served ?? false,
      index,
    };
  }
  const num = (v: string | number | undefined, key: string): number | null =>
    v === undefined ? null : typeof v === 'number' ? v : duration(v, [...path, key]);
  if (e.atLeast === undefined && e.atMost === undefined && e.equals === undefined) {
    throw new ScenarioIssue(path, 'a metric expectation needs "atLeast", "atMost" or "equals"');
  }
  return {
    type: 'metric',
    metric: e.metric,
    atLeast: num(e.atLeast, 'atLeast'),
    atMost: num(e.atMost, 'atMost'),
    // A duration string compares as µs ("equals: 15m"); other strings compare as text.
    equals:
      typeof e.equals === 'string' && DURATION_TEXT.test(e.equals) ? duration(e.equals, [...path, 'equals']) : e.equals,
    index,
  };
}

/** Resolves a validated scenario file. Throws `ScenarioIssue` (with a document path) on semantic errors. */
export function resolveScenario(file: ScenarioFile, fallbackName = 'scenario'): ResolvedScenario {
  const counts = countWorld(file);
  if (counts.nodes > MAX_NODES) {
    throw new ScenarioIssue(
      ['topology'],
      `${counts.nodes.toLocaleString('en')} nodes is more than fabricsim can run (at most ${MAX_NODES.toLocaleString('en')})`,
    );
  }
  if (counts.instances > MAX_INSTANCES) {
    throw new ScenarioIssue(
      ['services'],
      `${counts.instances.toLocaleString('en')} role instances is more than fabricsim can run (at most ${MAX_INSTANCES.toLocaleString('en')})`,
    );
  }
  const durationUs = duration(file.duration, ['duration']);
  if (durationUs <= 0) throw new ScenarioIssue(['duration'], 'expected a duration greater than 0');
  const policies = resolvePolicies(file);
  const choices = resolveChoices(file);
  const clusters = resolveClusters(file);
  const services = resolveServices(file, clusters, policies.deployment.updateDomains);
  if (policies.deployment.updateDomains > policies.deployment.maxUpdateDomains) {
    throw new ScenarioIssue(
      ['policies', 'deployment', 'updateDomains'],
      `at most ${policies.deployment.maxUpdateDomains} update domains`,
    );
  }
  const spaces = idSpaces(clusters, services, policies);
  const faults = (file.faults ?? []).map((f, i) => resolveFault(f, i, spaces, policies, durationUs));
  const faultIds = new Set<string>();
  faults.forEach((f) => {
    if (f.id !== null) {
      if (faultIds.has(f.id)) throw new ScenarioIssue(['faults', f.index, 'id'], `duplicate fault id "${f.id}"`);
      faultIds.add(f.id);
    }
  });
  const upgrades = (file.upgrades ?? []).map((u, i) => resolveUpgrade(u, i, services));
  const images = resolveImages(file, services);
  if (images === undefined) {
    const f = faults.find((x) => x.kind === 'os.wrong-image');
    if (f !== undefined)
      throw new ScenarioIssue(['faults', f.index, 'kind'], 'os.wrong-image needs an "images:" section');
    const u = upgrades.findIndex((x) => x.image !== undefined);
    if (u >= 0) throw new ScenarioIssue(['upgrades', u, 'image'], 'an upgrade\'s "image" needs an "images:" section');
  }
  upgrades.forEach((u, i) => {
    if (u.image !== undefined && u.kind !== 'os')
      throw new ScenarioIssue(['upgrades', i, 'image'], 'only an OS upgrade (kind: os) moves an image');
  });
  const expect: Expectation[] = [];
  const probabilities: ProbabilityExpectation[] = [];
  (file.expect ?? []).forEach((e, i) => {
    if ('probability' in e) {
      const p = e.probability;
      probabilities.push({
        index: i,
        event: p.event,
        atMost: p.atMost,
        confidence: p.confidence ?? 0.95,
        method: p.method ?? 'splitting',
        effort: p.effort ?? null,
      });
    } else expect.push(resolveExpectation(e, i, services));
  });
  const shape = summaryShape({ clusters, services, policies, faults, ...(images === undefined ? {} : { images }) });
  for (const e of expect) if (e.type === 'metric') checkMetricPath(e.metric, shape, ['expect', e.index, 'metric']);
  // security (issue 5)
  const security =
    file.security === undefined
      ? undefined
      : resolveSecurity(file.security, { clusters, services, policies, durationUs, faultIds });
  return {
    name: file.name ?? fallbackName,
    description: file.description ?? '',
    seed: file.seed ?? 1,
    durationUs,
    clusters,
    services,
    policies,
    ...(choices === undefined ? {} : { choices }),
    faults,
    upgrades,
    expect,
    counts: { nodes: spaces.node.length, instances: spaces.instance.length },
    ...(security === undefined ? {} : { security }),
    ...(images === undefined ? {} : { images }),
    ...(probabilities.length === 0 ? {} : { probabilities }),
  };
}
