/** A metric expectation's path is checked at load: a path that cannot exist is an input mistake with a did-you-mean. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/index.js';

const scenario = (metric: string, faults = '') => `version: 1
duration: 1h
topology: { clusters: [{ id: c0, racks: 1, nodesPerRack: 2 }] }
services: [{ id: shop, roles: [{ id: web, kind: web, instances: 2 }] }]
${faults}
expect:
  - metric: "${metric}"
    atLeast: 0
`;
const load =
  (metric: string, faults = '') =>
  () =>
    loadScenario(scenario(metric, faults), { fileName: 'm.yaml' });
const FAULTS = `faults:
  - { id: boom, kind: role.crash, at: 1m, target: "shop.web.*" }
  - { kind: vm.crash, every: exponential(1d) }`;

describe('metric paths', () => {
  it('refuses an unknown role, with the roles there are', () => {
    expect(load('roles[nope].availability')).toThrow(
      'm.yaml:7:13: expect[0].metric: metric "roles[nope].availability": no "nope" in roles — roles has: shop.web',
    );
  });

  it('suggests the closest field', () => {
    expect(load('roles[shop.web].availabilty')).toThrow('(did you mean "availability"?)');
    expect(load('fc.noQuorum')).toThrow('no "noQuorum" in fc (did you mean "noQuorumUs"?)');
    expect(load('rolse[shop.web].availability')).toThrow('(did you mean "roles"?)');
    expect(load('defaults[fc.pollIntervall]')).toThrow('(did you mean "fc.pollIntervalUs"?)');
    expect(load('sql.failovers.count')).toThrow('sql.failovers is a value, it has no "count"');
    expect(load('roles.availability')).toThrow('roles is a list: select an element with [id]');
  });

  it('accepts every path the summary has, and fault ids the scenario can produce', () => {
    for (const ok of [
      'roles[shop.web].servedAvailability',
      'roles[0].readyFraction',
      'watchdogs[watchdog:0].blindUs',
      'eventCounts[node.reboot]',
      'security.byKind.connect.byRule.lb:no-endpoint',
      'defaults[fc.pollIntervalUs]',
      'faults[boom/shop.web.1].ttrUs',
      'faults[f2#3].atUs',
      'faultArrivals[f2].missed',
      'faultArrivals[boom].arrivals',
      'fc.noQuorumUs',
    ]) {
      expect(load(ok, FAULTS), ok).not.toThrow();
    }
    expect(load('faults[f2#x].atUs', FAULTS)).toThrow('no "f2#x" in faults');
    expect(load('faultArrivals[f3].missed', FAULTS)).toThrow('no "f3" in faultArrivals');
  });
});
