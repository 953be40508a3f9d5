/**
 * `fabricsim shrink`: the minimal file fails the same way, is 1-minimal on every axis, is the same bytes on every
 * rerun, and the command's exit codes; planted faults among harmless ones are exactly what is kept.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shrinkToText } from '../../sim/cli/explore/shrink-command.js';
import { failuresOf, NothingToShrink, runChecked, shrinkScenario } from '../../sim/explore/index.js';
import { loadScenario } from '../../sim/index.js';
import { cli } from '../cli/helpers.js';
import { planted } from './planted.js';
import { expectOneMinimal, failsAs } from './support.js';

const FRAGILE = `
version: 1
name: frag
seed: 3
duration: 3h
topology:
  clusters:
    - { id: c0, racks: 3, nodesPerRack: 3 }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 2 }
      - { id: worker, kind: worker, instances: 2 }
faults:
  - { at: 10m, kind: role.crash, target: shop.worker.0 }
  - { id: a, at: 30m, kind: rack.power-loss, target: c0-r0 }
  - { at: 40m, kind: vm.crash, target: shop.worker.1 }
  - { id: b, at: 31m17.5s, kind: node.crash, target: "c0-r1-*" }
  - { at: 1h30m, kind: node.crash, target: c0-r2-n2 }
  - { kind: role.crash, every: exponential(2h), targets: "shop.worker.*" }
expect:
  - availability: { role: shop.web, atLeast: 0.999 }
  - recovered: { target: a, within: 2h }
`;

describe('shrink', () => {
  it('keeps the failure, is 1-minimal on every axis, and writes the same bytes every time', () => {
    const sc = loadScenario(FRAGILE, { fileName: 'frag.yaml' });
    const r = shrinkScenario(sc.file, { seed: 3, name: 'frag' });
    expect(r.failure.key).toBe('availability of shop.web at least 0.999 | under | shop.web');
    expect(r.sizeAfter).toBeLessThan(r.sizeBefore);
    expect(r.file.extends).toBeUndefined();
    expectOneMinimal(r.file, 3, r.failure.key);
    const a = shrinkToText(sc.file, { seed: 3, name: 'frag', from: 'frag.yaml', out: 'frag.min.yaml' });
    const b = shrinkToText(sc.file, { seed: 3, name: 'frag', from: 'frag.yaml', out: 'frag.min.yaml' });
    expect(a.text).toBe(b.text);
    expect(a.text).toMatch(/^# Shrunk by fabricsim shrink from frag\.yaml with seed 3/);
    expect(a.text).toContain('# Fails: availability of shop.web at least 0.999 — under (shop.web)');
    expect(a.text).toContain('# Replay: npx fabricsim check frag.min.yaml');
    // The written text is a valid scenario that fails the same way.
    const again = loadScenario(a.text, { fileName: 'frag.min.yaml' });
    expect(failsAs(again.file, 3, r.failure.key)).toBe(true);
    // Times are on the coarse grid: no fraction of a second survives.
    expect(a.text).not.toMatch(/\d\.\d+s/);
  });

  it('keeps the fingerprint asked for: a candidate failing another way does not count', () => {
    const text = FRAGILE.replace('within: 2h', 'within: 10m');
    const sc = loadScenario(text, { fileName: 'two.yaml' });
    const first = runChecked(sc.resolved, { seed: 3 });
    const keys = failuresOf(sc.resolved.expect, first.summary, first.violations).map((f) => f.key);
    expect(keys).toEqual([
      'availability of shop.web at least 0.999 | under | shop.web',
      'recovered a within 10m | over | a',
    ]);
    const r = shrinkScenario(sc.file, { seed: 3, fingerprint: keys[1]! });
    expect(r.failure.key).toBe(keys[1]);
    expectOneMinimal(r.file, 3, keys[1]!);
    expect(() => shrinkScenario(sc.file, { seed: 3, fingerprint: 'no such | over | x' })).toThrow(NothingToShrink);
  });

  it('exits 0 with a file, 2 with one line when there is nothing to shrink or the file is not a scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shrink-'));
    const input = join(dir, 'frag.yaml');
    writeFileSync(input, FRAGILE);
    const ok = await cli('shrink', input, '--json');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.output).toBe(join(dir, 'frag.min.yaml'));
    expect(report.fingerprint).toMatchObject({ target: 'shop.web', direction: 'under' });
    expect(readFileSync(report.output, 'utf8')).toContain('# Fails: availability');
    const pass = await cli('shrink', 'scenarios/quickstart.yaml', '--out', join(dir, 'q.yaml'));
    expect(pass.code).toBe(2);
    expect(pass.stderr).toMatch(/^fabricsim: scenarios\/quickstart\.yaml: nothing to shrink: .*\n$/);
    const bad = await cli('shrink', 'test/fixtures/broken/missing-duration.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('planted faults among 20 harmless ones', () => {
  for (const k of [1, 2, 3]) {
    it(`k = ${k}: keeps exactly the planted faults (possibly weakened); each removal or weakening passes`, () => {
      const p = planted(k);
      const sc = loadScenario(p.text, { fileName: `planted-${k}.yaml` });
      expect(sc.file.faults).toHaveLength(20 + k);
      const r = shrinkScenario(sc.file, { seed: 21 });
      expect(r.failure.key).toBe('availability of shop.web at least 0.999 | under | shop.web');
      const kept = (r.file.faults ?? []).map((f) => f.id);
      expect(kept.sort()).toEqual(p.planted);
      expectOneMinimal(r.file, 21, r.failure.key);
    });
  }
});

describe('shrinking scripted traffic', () => {
  it('drops every traffic line the failure does not need; each one left is needed', () => {
    const text = readFileSync('scenarios/security-misconfig-management.yaml', 'utf8').replace(
      '  - violations: { atLeast: 15, atMost: 15 }',
      '  - violations: 0',
    );
    const sc = loadScenario(text, { fileName: 'sec.yaml' });
    const before = sc.file.security?.traffic?.length ?? 0;
    const r = shrinkScenario(sc.file, { seed: sc.seed });
    expect(r.failure.key).toBe('violations = 0 | over | violations');
    const traffic = r.file.security?.traffic ?? [];
    expect(traffic.length).toBeLessThan(before);
    expect(traffic.map((t) => t.kind)).toContain('misconfigure');
    traffic.forEach((_, i) => {
      const without = structuredClone(r.file);
      without.security!.traffic!.splice(i, 1);
      expect(failsAs(without, sc.seed, r.failure.key), `without traffic line ${i + 1}`).toBe(false);
    });
  });
});
