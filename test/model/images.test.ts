/**
 * OS images per role (issue 11): the FC's choice at deployment, healing and reimage, OS upgrades moving a role's
 * image (and a rollback moving it back), the image oracle (violations, wrong time), and the input checks. Also the
 * package-problem count of the run summary.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, ScenarioError } from '../../sim/index.js';
import { scenarioFile, scenarioText } from './helpers.js';

const BASE = `
version: 1
name: images
duration: 4h
topology:
  clusters:
    - { id: c0, racks: 3, nodesPerRack: 2 }
services:
  - id: shop
    updateDomains: 2
    roles:
      - { id: web, kind: web, instances: 2 }
      - { id: worker, kind: worker, instances: 2 }
      - { id: api, kind: web, instances: 1 }
images:
  host: host-1
  web: web-1
  worker: worker-1
  roles: { shop.api: api-1 }
`;

function run(extra: string) {
  return runScenario(scenarioText(BASE + extra));
}

describe('OS images per role', () => {
  it('is absent unless the scenario names images: no image in the world, no images in the summary', () => {
    const { summary, timeline } = runScenario(scenarioFile('quickstart.yaml'));
    expect(summary.images).toBeUndefined();
    const w = timeline!.initial;
    expect(w.clusters[0]!.instances.some((i) => 'image' in i)).toBe(false);
    expect(w.clusters[0]!.nodes.some((n) => 'image' in n)).toBe(false);
  });

  it('deploys each role’s image on its VMs (kind default or per-role choice) and the host image on every node', () => {
    const { summary } = run('');
    expect(summary.images).toEqual({
      violations: 0,
      wrongUs: 0,
      instances: {
        'shop.web.0': 'web-1',
        'shop.web.1': 'web-1',
        'shop.worker.0': 'worker-1',
        'shop.worker.1': 'worker-1',
        'shop.api.0': 'api-1',
      },
      nodes: Object.fromEntries(
        ['c0-r0-n0', 'c0-r0-n1', 'c0-r1-n0', 'c0-r1-n1', 'c0-r2-n0', 'c0-r2-n1'].map((n) => [n, 'host-1']),
      ),
    });
  });

  it('counts a wrong image as a violation for as long as it lasts, and ends it after the duration', () => {
    const { summary } = run(`
faults:
  - { id: w, at: 1h, kind: os.wrong-image, target: shop.worker.0, image: web-1, duration: 25m }
`);
    expect(summary.images!.violations).toBe(1);
    expect(summary.images!.wrongUs).toBe(25 * 60e6);
    expect(summary.images!.instances['shop.worker.0']).toBe('worker-1');
    const f = summary.faults.find((x) => x.id === 'w')!;
    expect(f.ttrUs).toBe(25 * 60e6);
    // Nothing else notices: the instance keeps running.
    expect(summary.roles.find((r) => r.id === 'shop.worker')!.availability).toBe(1);
  });

  it('a wrong image without a duration lasts to the end of the run (censored there, not recovered)', () => {
    const { summary } = run(`
faults:
  - { id: w, at: 3h, kind: os.wrong-image, target: shop.api.0 }
`);
    expect(summary.images!.violations).toBe(1);
    expect(summary.images!.wrongUs).toBe(60 * 60e6);
    expect(summary.images!.instances['shop.api.0']).toBe('unapproved-image');
    expect(summary.faults.find((x) => x.id === 'w')!.ttrUs).toBeNull();
  });

  it('service healing provisions the moved VM with its role’s image, curing a wrong one', () => {
    const { summary, timeline } = run(`
faults:
  - { id: w, at: 30m, kind: os.wrong-image, target: shop.web.0 }
`);
    const node = timeline!.initial.clusters[0]!.instances.find((i) => i.id === 'shop.web.0')!.node;
    const nodeId = timeline!.initial.clusters[0]!.nodes[node]!.id;
    const healed = runScenario(
      scenarioText(`${BASE}
faults:
  - { id: w, at: 30m, kind: os.wrong-image, target: shop.web.0 }
  - { id: hw, at: 1h, kind: node.hardware, target: ${nodeId} }
`),
    );
    expect(summary.images!.instances['shop.web.0']).toBe('unapproved-image');
    expect(healed.summary.eventCounts['instance.moved']).toBeGreaterThanOrEqual(1);
    expect(healed.summary.images!.instances['shop.web.0']).toBe('web-1');
    const w = healed.summary.faults.find((x) => x.id === 'w')!;
    expect(w.recoveredAtUs).not.toBeNull();
    // Cured when the FC moved the instance: the hardware fault's detection plus the healing decision, within 20 min.
    expect(w.recoveredAtUs!).toBeGreaterThan(60 * 60e6);
    expect(w.recoveredAtUs!).toBeLessThan(80 * 60e6);
    expect(healed.summary.images!.violations).toBe(1);
    expect(healed.summary.images!.wrongUs).toBe(w.ttrUs);
  });

  it('the FC’s reimage of a crash-looping instance lays down the role’s image again', () => {
    const { summary } = run(`
faults:
  - { id: w, at: 30m, kind: os.wrong-image, target: shop.worker.1, image: worker-0 }
  - { id: bad, at: 1h, kind: role.config-error, target: shop.worker.1 }
`);
    expect(summary.eventCounts['instance.reimage']).toBeGreaterThanOrEqual(1);
    expect(summary.images!.instances['shop.worker.1']).toBe('worker-1');
    const w = summary.faults.find((x) => x.id === 'w')!;
    expect(w.recoveredAtUs).not.toBeNull();
    expect(w.recoveredAtUs!).toBeGreaterThan(60 * 60e6);
  });

  it('an OS upgrade moves each role’s image, update domain by update domain, with no violation on the way', () => {
    const { summary, timeline } = run(`
upgrades:
  - { id: u1, at: 1h, service: shop, kind: os, image: fleet-2 }
  - { id: u2, at: 2h30m, service: shop, kind: os }
`);
    expect(summary.images!.violations).toBe(0);
    expect(summary.images!.instances).toEqual({
      'shop.web.0': 'fleet-2+u2',
      'shop.web.1': 'fleet-2+u2',
      'shop.worker.0': 'fleet-2+u2',
      'shop.worker.1': 'fleet-2+u2',
      'shop.api.0': 'fleet-2+u2',
    });
    const start = timeline!.events.find((e) => e.k === 'upgrade.start' && e.x.includes('u2'))!;
    expect(start.x).toContain('shop.api → fleet-2+u2');
  });

  it('a role upgrade keeps the image; a rolled-back OS upgrade returns the upgraded VMs to the old image', () => {
    const role = run(`
upgrades:
  - { id: r1, at: 1h, service: shop }
`);
    expect(role.summary.images!.instances['shop.web.0']).toBe('web-1');
    expect(role.summary.images!.violations).toBe(0);
    const rolled = run(`
upgrades:
  - { id: bad, at: 1h, service: shop, kind: os, failing: true, rollbackAfter: 5m }
`);
    expect(rolled.summary.eventCounts['upgrade.rollback']).toBe(1);
    expect(rolled.summary.images!.violations).toBe(0);
    expect(Object.values(rolled.summary.images!.instances)).toEqual([
      'web-1',
      'web-1',
      'worker-1',
      'worker-1',
      'api-1',
    ]);
  });

  it('the bundled scenario fails its expectations if the image oracle misses the wrong images', () => {
    const { summary } = runScenario(scenarioFile('os-images.yaml'));
    expect(summary.expectations.every((e) => e.passed)).toBe(true);
    expect(summary.images!.violations).toBe(2);
  });

  it('refuses images misused in the input, with the place and the reason', () => {
    const bad = (yaml: string): string => {
      try {
        scenarioText(yaml);
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as Error).message;
      }
      throw new Error('expected a ScenarioError');
    };
    const noImages = BASE.replace(/images:[\s\S]*$/, '');
    expect(bad(`${noImages}faults:\n  - { at: 1h, kind: os.wrong-image, target: shop.web.0 }\n`)).toContain(
      'os.wrong-image needs an "images:" section',
    );
    expect(bad(`${noImages}expect:\n  - { metric: images.violations, equals: 0 }\n`)).toContain('no "images"');
    expect(bad(BASE.replace('shop.api: api-1', 'shop.apo: api-1'))).toContain('unknown role "shop.apo"');
    expect(bad(`${BASE}upgrades:\n  - { at: 1h, service: shop, image: x }\n`)).toContain('only an OS upgrade');
    expect(bad(`${BASE}faults:\n  - { at: 1h, kind: role.crash, target: shop.web.0, image: x }\n`)).toContain(
      '"image" is for os.wrong-image faults',
    );
    expect(bad(`${BASE}expect:\n  - { metric: "images.instances[shop.web.9]", equals: x }\n`)).toContain(
      'no "shop.web.9"',
    );
  });
});

describe('package problems in the run summary', () => {
  it('counts instances that end the run alerted for a problem in the deployed package', () => {
    const stuck = runScenario(
      scenarioText(`
version: 1
duration: 2h
topology:
  clusters:
    - { id: c0, racks: 3, nodesPerRack: 3 }
services:
  - id: store
    updateDomains: 5
    roles:
      - { id: web, kind: web, instances: 10 }
upgrades:
  - { id: bad, at: 10m, service: store, failing: true }
`),
    ).summary;
    // The first update domain (2 of 10 instances) runs the failing package and is never rolled back.
    expect(stuck.roles[0]!.packageProblems).toBe(2);
    // Rolled back (the bundled scenario): the package problem is gone by the end.
    expect(runScenario(scenarioFile('failing-upgrade.yaml')).summary.roles[0]!.packageProblems).toBe(0);
    // A local configuration problem is not a package problem.
    expect(runScenario(scenarioFile('config-error.yaml')).summary.roles.every((r) => r.packageProblems === 0)).toBe(
      true,
    );
  });
});

describe('the viewer’s tooltip', () => {
  it('names the image a VM and a node run, and says nothing of images when the scenario names none', async () => {
    const { describeEntity } = await import('../../viz/src/views/topology.js');
    const { timeline } = runScenario(scenarioText(`${BASE}duration: 1h\n`.replace('duration: 4h\n', '')));
    const w = timeline!.initial;
    expect(describeEntity(w, { kind: 'instance', a: 0, b: 4 }, 'shop.api.0')).toContain(', image api-1');
    expect(describeEntity(w, { kind: 'node', a: 0, b: 0 }, 'c0-r0-n0')).toContain(', host image host-1');
    const plain = runScenario(scenarioFile('quickstart.yaml')).timeline!.initial;
    expect(describeEntity(plain, { kind: 'instance', a: 0, b: 0 }, 'x')).not.toContain('image');
    expect(describeEntity(plain, { kind: 'node', a: 0, b: 0 }, 'x')).not.toContain('image');
  });
});
