import { describe, expect, it } from 'vitest';
import { ScenarioSpec } from '../../sim/scenario/schema.js';
import { allowedKeys, editDistance, schemasAt, suggest } from '../../sim/scenario/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('faults', 'fault')).toBe(1);
  });

  it('counts a swap of neighbouring letters as one edit (Damerau)', () => {
    expect(editDistance('recieve', 'receive')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['pollInterval', 'hearbeatInterval'],
      ['node.crsh', 'node.crash'],
      ['x', 'yz'],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('suggest', () => {
  it('suggests the closest candidate within two edits', () => {
    expect(suggest('fault', ['version', 'faults', 'duration'])).toBe('faults');
    expect(suggest('node.crsh', ['node.crash', 'vm.crash', 'role.crash'])).toBe('node.crash');
  });

  it('ignores case', () => {
    expect(suggest('PollInterval', ['pollInterval', 'pollTimeout'])).toBe('pollInterval');
  });

  it('falls back to shared words, preferring the closest set of words', () => {
    expect(suggest('hearbeatInterval', ['pollInterval', 'leaseRenewInterval', 'missedPolls'])).toBe('pollInterval');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(suggest('banana', ['version', 'duration', 'topology'])).toBeUndefined();
    expect(suggest('x', [])).toBeUndefined();
  });

  it('never suggests the word itself', () => {
    expect(suggest('faults', ['faults'])).toBeUndefined();
  });

  it('breaks ties by candidate order', () => {
    expect(suggest('ab', ['ac', 'ad'])).toBe('ac');
  });
});

describe('schema introspection', () => {
  it('allowedKeys lists the top-level keys of the scenario', () => {
    expect(allowedKeys(ScenarioSpec, [])).toEqual(expect.arrayContaining(['version', 'duration', 'faults', 'expect']));
  });

  it('allowedKeys looks through lists and unions (scripted and random faults)', () => {
    const keys = allowedKeys(ScenarioSpec, ['faults', 0]);
    expect(keys).toEqual(expect.arrayContaining(['at', 'every', 'kind', 'target', 'targets']));
  });

  it('allowedKeys looks through optional sections (policies.fc)', () => {
    expect(allowedKeys(ScenarioSpec, ['policies', 'fc'])).toContain('pollInterval');
  });

  it('schemasAt is empty for a path the schema does not have', () => {
    expect(schemasAt(ScenarioSpec, ['nope'])).toEqual([]);
  });
});
