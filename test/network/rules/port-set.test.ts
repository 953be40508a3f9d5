import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { compilePortSpec, PortSet } from '../../../sim/network/rules/port-set.js';
import { arbPort, arbPortSpec, refPortIn } from './gen.js';

describe('PortSet', () => {
  it('contains a port exactly when the spec, read naively, includes it', () => {
    fc.assert(
      fc.property(arbPortSpec(), fc.array(arbPort(), { minLength: 8, maxLength: 8 }), (spec, ports) => {
        const set = compilePortSpec(spec, 'test');
        for (const p of ports) expect(set.contains(p)).toBe(refPortIn(p, spec));
      }),
      { numRuns: 1000, seed: 301 },
    );
  });

  it("reads '*', numbers, ranges and comma lists", () => {
    expect(compilePortSpec('*', 't')).toBe(PortSet.ANY);
    expect(compilePortSpec('0-65535', 't').any).toBe(true);
    expect(compilePortSpec('80, 443', 't').ranges).toEqual([
      [80, 80],
      [443, 443],
    ]);
    expect(compilePortSpec(['1000-2000', 1500, '2001'], 't').ranges).toEqual([[1000, 2001]]);
  });

  it.each(['65536', '-1', '80-70', 'http', '', '1.5', '08'])('refuses %j naming where', (spec) => {
    expect(() => compilePortSpec(spec, 'rule r destinationPorts')).toThrow(RuleCompileError);
    expect(() => compilePortSpec(spec, 'rule r destinationPorts')).toThrow(/rule r destinationPorts/);
  });
});
