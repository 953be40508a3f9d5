/**
 * Policies as plug-ins (docs/policies.md): the bundled policy scenarios pass only under their policy; plug-ins from
 * code and from module files run; every way a plug-in can be wrong is one PolicyError line (exit 2 on the command
 * line); the guards catch Math.random and the wall clock; plug-ins are deterministic across processes; the
 * phi-accrual detector's history is the same with routine polls elided or simulated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepCommand } from '../../sim/cli/sweep/index.js';
import { loadScenario, type PluginModules, PolicyError, runScenario } from '../../sim/index.js';
import { phi } from '../../sim/model/policies/index.js';
import { parseSets } from '../../sim/sweep/params.js';
import { buildCli, cli, lines, ROOT, removeBuild, spawnCli } from '../cli/helpers.js';
import { testIo } from '../sweep/support/io.js';

const FIX = join('test', 'policies', 'fixtures');

function scenarioText(name: string): string {
  return readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8');
}
function load(text: string, fileName = 'scenarios/x.yaml') {
  return loadScenario(text, { fileName });
}
/** The bundled scenario with its `policies:` section removed: the built-in current policies. */
function withoutPolicies(text: string): string {
  return text.replace(/^policies:\n( {2}.*\n)+/m, '');
}
function passed(summary: { expectations: readonly { name: string; passed: boolean }[] }): Record<string, boolean> {
  return Object.fromEntries(summary.expectations.map((e) => [e.name, e.passed]));
}
/** Imports a plain JavaScript module by its path from the repository root. */
const importJs = (path: string): Promise<unknown> => import(pathToFileURL(join(ROOT, path)).href);
const quick = () => importJs('scenarios/plugins/quick-detector.js');

const SMALL = `
version: 1
name: small
seed: 4
duration: 2h
topology:
  clusters:
    - { id: c0, racks: 2, nodesPerRack: 2 }
services:
  - id: s
    updateDomains: 2
    roles:
      - { id: web, kind: web, instances: 4 }
upgrades:
  - { id: u, at: 5m, service: s }
faults:
  - { id: crash, at: 30m, kind: node.crash, target: c0-r0-n0 }
  - { id: hw, at: 40m, kind: node.hardware, target: c0-r1-n0 }
`;
function smallWith(point: string, use: string, extra = ''): string {
  return `${SMALL}policies:\n  fc:\n    ${point}: { use: ${use}${extra} }\n`;
}

describe('bundled policy scenarios hold only under their policy', () => {
  it('pack loses whole roles in a rack power loss; spread does not', () => {
    const text = scenarioText('policy-pack');
    const pack = passed(runScenario(load(text), { record: false }).summary);
    expect(Object.values(pack).every(Boolean)).toBe(true);
    const spread = runScenario(load(withoutPolicies(text)), { record: false }).summary;
    expect(spread.roles.map((r) => r.availability)).toEqual([1, 1]);
    expect(passed(spread)['roles[portal.web].availability ≤ 0.95']).toBe(false);
  });

  it('phi-accrual raises no false suspicion on a lossy network; fixed does', () => {
    const text = scenarioText('policy-phi-accrual');
    const phiRun = runScenario(load(text), { record: false }).summary;
    expect(phiRun.eventCounts['node.silent'] ?? 0).toBe(0);
    const fixed = runScenario(load(withoutPolicies(text)), { record: false }).summary;
    expect(fixed.eventCounts['node.silent']).toBeGreaterThan(0);
  });

  it('parallel(3) finishes the upgrade within the run; sequential does not', () => {
    const text = scenarioText('policy-parallel-upgrade');
    const par = runScenario(load(text), { record: false }).summary;
    expect(par.eventCounts['upgrade.done']).toBe(1);
    const seq = runScenario(load(withoutPolicies(text)), { record: false }).summary;
    expect(seq.eventCounts['upgrade.done'] ?? 0).toBe(0);
  });

  it('the detector from scenarios/plugins/quick-detector.js detects a crash faster than fixed', async () => {
    const text = scenarioText('policy-plugin-detector');
    const sc = load(text, join(ROOT, 'scenarios', 'policy-plugin-detector.yaml'));
    const plugins: PluginModules = { './plugins/quick-detector.js': await quick() };
    const q = runScenario(sc, { record: false, plugins }).summary;
    expect(Object.values(passed(q)).every(Boolean)).toBe(true);
    const fixed = runScenario(load(withoutPolicies(text)), { record: false }).summary;
    // The FC's own detection (the load balancer may notice the crashed node's instances sooner, under either policy).
    const byFc = (x: typeof q) => x.faults[0]!.detections.find((d) => d.by === 'fc')!.atUs;
    expect(byFc(fixed)).toBeGreaterThan(byFc(q));
    expect(passed(fixed)['detected crash within 45s by fc']).toBe(false);
  });

  it('naming the built-in current policy without parameters changes nothing, not even the scenario hash', () => {
    const base = runScenario(load(SMALL), { record: false }).summary;
    for (const [point, use] of [
      ['detector', 'fixed'],
      ['placement', 'spread'],
      ['upgradeWalk', 'sequential'],
    ] as const) {
      const s = runScenario(load(smallWith(point, use)), { record: false }).summary;
      expect([s.traceHash, s.scenarioHash]).toEqual([base.traceHash, base.scenarioHash]);
    }
    // With a parameter equal to the default, the behaviour is the same; only the Why? text names the policy.
    const four = runScenario(load(smallWith('detector', 'fixed', ', missedPolls: 4')), { record: false }).summary;
    expect(four.eventCounts).toEqual(base.eventCounts);
    expect(four.faults).toEqual(base.faults);
  });

  it('the timeline names the policy that decided (Why? panel)', () => {
    const t = runScenario(load(smallWith('detector', 'phi-accrual', ', threshold: 8')), { record: true }).timeline!;
    const silent = t.events.find((e) => e.k === 'node.silent')!;
    expect(silent.r).toBe('policies.fc.detector=phi-accrual(threshold=8)');
    expect(silent.x).toMatch(/phi=\d+\.\d\d ≥ threshold 8/);
    const packed = runScenario(load(scenarioText('policy-pack')), { record: true }).timeline!;
    expect(packed.events.find((e) => e.k === 'instance.moved')!.x).toMatch(/placed by policies\.fc\.placement=pack/);
  });
});

describe('plug-ins from code', () => {
  it('runs a detector, a placement and a walk given as factories', () => {
    const calls: string[] = [];
    const plugins: PluginModules = {
      mine: {
        detector: () => ({ suspect: (v: { missed: number }) => v.missed >= 1 }),
        placement: () => ({
          place: (r: { nodes: { id: string; usable: boolean; instances: number }[]; slots: number }) =>
            [...r.nodes].reverse().find((n) => n.usable && n.instances < r.slots)?.id ?? null,
        }),
        upgradeWalk: () => ({
          next: (v: { updateDomains: number; walked: number[] }) => {
            calls.push(`walked=${v.walked.join(',')}`);
            return [v.updateDomains - 1 - v.walked.length];
          },
        }),
      },
    };
    const text = `${SMALL}policies:\n  fc:\n    detector: { use: ./mine.js }\n    placement: ./mine.js\n    upgradeWalk: ./mine.js\n`;
    const mods = { './mine.js': plugins.mine };
    const a = runScenario(load(text), { record: true, plugins: mods });
    expect(calls).toEqual(['walked=', 'walked=1']);
    const uds = a.timeline!.events.filter((e) => e.k === 'upgrade.ud').map((e) => e.x);
    expect(uds[0]).toMatch(/update domain 1 /);
    expect(uds[1]).toMatch(/update domain 0 /);
    // The crashed node is declared silent after one miss.
    expect(a.timeline!.events.find((e) => e.k === 'node.silent')!.x).toMatch(/^FC: 1 polls/);
    // The initial layout followed the placement: the last node holds the first instance.
    expect(a.timeline!.initial.clusters[0]!.nodes[3]!.instances).toContain(0);
    expect(a.summary.eventCounts['upgrade.done']).toBe(1);
  });

  it('a seeded plug-in (env.random) gives the same hash for a seed, and another for another seed', async () => {
    const mod = await importJs(join(FIX, 'seeded-detector.js'));
    const sc = load(smallWith('detector', './seeded.js', ', p: 0.5'));
    const run = (seed: number) =>
      runScenario(sc, { seed, record: false, plugins: { './seeded.js': mod } }).summary.traceHash;
    expect(run(4)).toBe(run(4));
    const hashes = new Set([1, 2, 3, 4, 5, 6].map(run));
    expect(hashes.size).toBeGreaterThan(1);
  });
});

describe('a wrong plug-in stops the run with one line naming the policy, the call and the problem', () => {
  const cases: [string, string, string, RegExp][] = [
    // (the extra text is appended to the scenario)
    [
      'detector',
      'no-factory.js',
      '',
      /^policy policies\.fc\.detector \(\.\/p\.js\): the module exports no detector factory/,
    ],
    [
      'detector',
      'not-a-detector.js',
      '',
      /: the factory returned an object, not a failure detector \(no suspect\(\) method\)$/,
    ],
    ['detector', 'throwing-detector.js', '', /: suspect\(c0-r0-n0\) threw: no idea$/],
    ['detector', 'random-detector.js', '', /: suspect\(c0-r0-n0\) reads Math\.random; use env\.random\(\) instead$/],
    ['detector', 'clock-detector.js', '', /: suspect\(c0-r0-n0\) reads the wall clock$/],
    ['placement', 'ghost-placement.js', '', /place\(s\.web\.0\) returned "c9-r9-n9": no such node in cluster c0$/],
    [
      'placement',
      'first-node-placement.js',
      '  node: { slots: 2 }\n',
      /place\(s\.web\.2\) returned "c0-r0-n0": the node is full \(2 of 2 slots\)$/,
    ],
    ['upgradeWalk', 'bad-walk.js', '', /next\(u\) returned \[2\]: 2 is not an update domain of s \(0 … 1\)$/],
  ];
  for (const [point, file, extra, message] of cases) {
    it(`${file}`, async () => {
      const mod = await importJs(join(FIX, file));
      const sc = load(smallWith(point, './p.js') + extra);
      let err: unknown;
      try {
        runScenario(sc, { record: false, plugins: { './p.js': mod } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      const msg = (err as Error).message;
      expect(msg).toMatch(message);
      expect(msg).not.toContain('\n');
      // The guards are lifted again after the call.
      expect(typeof Math.random()).toBe('number');
      expect(Date.now()).toBeGreaterThan(0);
    });
  }

  it('a module not given, an unknown built-in, a bad built-in parameter', () => {
    expect(() => runScenario(load(smallWith('detector', './missing.js')), { record: false })).toThrow(
      /policy policies\.fc\.detector \(\.\/missing\.js\): the module was not loaded/,
    );
    expect(() => load(smallWith('detector', 'phi-acrual'))).toThrow(
      /policies\.fc\.detector\.use: unknown policy "phi-acrual": built-ins are fixed, phi-accrual/,
    );
    expect(() => runScenario(load(smallWith('detector', 'phi-accrual', ', threshhold: 8')), { record: false })).toThrow(
      /policies\.fc\.detector: policy phi-accrual: unknown parameter "threshhold"/,
    );
    expect(() => runScenario(load(smallWith('upgradeWalk', 'parallel', ', k: 0')), { record: false })).toThrow(
      /parameter k must be a whole number of at least 1/,
    );
  });
});

describe('on the command line', () => {
  it('a module that does not load, or misbehaves: exit 2, one line naming it', async () => {
    const dir = join('test-output', 'policies-cli');
    const { mkdirSync, writeFileSync, copyFileSync } = await import('node:fs');
    mkdirSync(join(ROOT, dir), { recursive: true });
    copyFileSync(join(ROOT, FIX, 'throws-on-load.js'), join(ROOT, dir, 'boom.js'));
    copyFileSync(join(ROOT, FIX, 'throwing-detector.js'), join(ROOT, dir, 'throws.js'));
    writeFileSync(join(ROOT, dir, 'a.yaml'), smallWith('detector', './boom.js'));
    writeFileSync(join(ROOT, dir, 'b.yaml'), smallWith('detector', './throws.js'));
    writeFileSync(join(ROOT, dir, 'c.yaml'), smallWith('detector', './nowhere.js'));
    const a = await cli('run', join(dir, 'a.yaml'));
    expect(a.code).toBe(2);
    expect(lines(a.stderr)).toEqual([
      `fabricsim: ${join(dir, 'a.yaml')}: policy policies.fc.detector (./boom.js): the module does not load: cannot initialise the detector`,
    ]);
    const b = await cli('run', join(dir, 'b.yaml'));
    expect(b.code).toBe(2);
    expect(lines(b.stderr)).toEqual([
      `fabricsim: ${join(dir, 'b.yaml')}: policy policies.fc.detector (./throws.js): suspect(c0-r0-n0) threw: no idea`,
    ]);
    const c = await cli('check', join(dir, 'c.yaml'));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/policy policies\.fc\.detector \(\.\/nowhere\.js\): the module does not load/);
  });

  it('fabricsim check scenarios/policy-plugin-detector.yaml loads the detector beside it', async () => {
    const r = await cli('check', join('scenarios', 'policy-plugin-detector.yaml'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 expectations: 2 passed, 0 failed/);
  });

  it('sweeps --set policies.fc.detector.use over built-ins and a module', async () => {
    const out = join('test-output', `policies-sweep-${process.pid}.jsonl`);
    const { io, out: captured } = testIo(ROOT, { runnerUrl: undefined });
    const code = await sweepCommand(
      [
        join('docs', 'examples', 'detector-study.yaml'),
        '--set',
        'policies.fc.detector.use=fixed,phi-accrual,./my-detector.js',
        '--seeds',
        '2',
        '--workers',
        '1',
        '--out',
        out,
      ],
      io,
    );
    expect(captured.stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const recs = readFileSync(join(ROOT, out), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { params?: Record<string, unknown>; error?: string });
    const runs = recs.filter((x) => x.params !== undefined);
    expect(runs.length).toBe(6);
    expect(runs.filter((x) => x.error !== undefined)).toEqual([]);
  }, 120_000);
});

describe('determinism', () => {
  afterAll(removeBuild);
  it('same scenario, seed and module → the same trace hash in two processes', () => {
    const bin = buildCli();
    const args = ['run', join('scenarios', 'policy-plugin-detector.yaml'), '--json'];
    const a = spawnCli(bin, ...args);
    const b = spawnCli(bin, ...args);
    expect(a.code, a.stderr).toBe(0);
    const ha = JSON.parse(a.stdout).traceHash;
    expect(ha).toBe(JSON.parse(b.stdout).traceHash);
    expect(ha).toMatch(/^[0-9a-f]{16}$/);
  }, 180_000);

  it("phi-accrual's heartbeat history is the same with routine polls elided or simulated", () => {
    for (const text of [scenarioText('policy-phi-accrual'), smallWith('detector', 'phi-accrual', ', window: 10')]) {
      const on = runScenario(load(text), { record: false }).summary;
      const off = runScenario(
        load(`${text}\n`.replace(/^policies:\n {2}fc:\n/m, 'policies:\n  network: { elideRoutine: false }\n  fc:\n')),
        {
          record: false,
        },
      ).summary;
      expect(off.defaults['network.elideRoutine']).toBe(false);
      expect([on.eventCounts, on.faults]).toEqual([off.eventCounts, off.faults]);
    }
  });

  it('phi follows the normal tail', () => {
    // −log10 of the normal tail: P(Z > 0) = 0.5, P(Z > 2) = 0.02275, P(Z > 3) = 0.00135.
    expect(phi(10, 10, 1)).toBeCloseTo(0.301, 2);
    expect(phi(12, 10, 1)).toBeCloseTo(1.643, 2);
    expect(phi(13, 10, 1)).toBeCloseTo(2.87, 1);
    // Akka's logistic approximation overstates the far tail a little: φ = 8 comes at about 5.2 sd, not 5.6.
    expect(phi(15.2, 10, 1)).toBeGreaterThan(7.5);
    expect(phi(15.2, 10, 1)).toBeLessThan(8.5);
    expect(phi(20, 10, 1)).toBeGreaterThan(phi(15, 10, 1));
  });
});

describe('--set paths into a policy', () => {
  it("a policy's parameters can be swept; unknown keys elsewhere are still refused", () => {
    const doc = { policies: { fc: { detector: { use: 'phi-accrual' } } } };
    const [t] = parseSets(['policies.fc.detector.threshold=4,12'], doc);
    expect(t!.values).toEqual([4, 12]);
    const [u] = parseSets(['policies.fc.detector.use=fixed,phi-accrual'], doc);
    expect(u!.values).toEqual(['fixed', 'phi-accrual']);
    expect(() => parseSets(['policies.fc.missedPols=2'], doc)).toThrow(/unknown parameter/);
  });
});
