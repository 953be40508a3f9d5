import { describe, expect, it } from 'vitest';
import { RuleTags } from '../../sim/model/tags.js';

describe('RuleTags', () => {
  it('gives <prefix><key>, and the same string for a key every time', () => {
    const tags = new RuleTags('fault:');
    const a = tags.of('role.crash');
    expect(a).toBe('fault:role.crash');
    expect(tags.of('vm.crash')).toBe('fault:vm.crash');
    expect(tags.of('role.crash')).toBe(a);
    expect(new RuleTags('detector:').of('load-balancer')).toBe('detector:load-balancer');
  });
});
