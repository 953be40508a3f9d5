import { describe, expect, it } from 'vitest';
import { UserError } from '../../sim/sweep/errors.js';
import {
  checkPath,
  combinations,
  paramsLabel,
  parsePath,
  parseSets,
  splitValues,
  typeValue,
} from '../../sim/sweep/params.js';
import { closest, editDistance } from '../../sim/sweep/suggest.js';

const doc = {
  version: 1,
  duration: '1h',
  faults: [{ at: '10m', kind: 'node.crash' }],
  policies: { fc: { pollInterval: '15s' } },
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('parameter paths', () => {
  it('parsePath reads dotted keys and [n] indices', () => {
    expect(parsePath('policies.fc.missedPolls')).toEqual(['policies', 'fc', 'missedPolls']);
    expect(parsePath('faults[0].at')).toEqual(['faults', 0, 'at']);
    expect(parsePath('faults.0.at')).toEqual(['faults', 0, 'at']);
    expect(() => parsePath('a..b')).toThrow(UserError);
    expect(() => parsePath('a.')).toThrow(UserError);
  });

  it('splitValues splits at top-level commas only', () => {
    expect(splitValues('2,4')).toEqual(['2', '4']);
    expect(splitValues('uniform(1m, 5m),exponential(30d)')).toEqual(['uniform(1m, 5m)', 'exponential(30d)']);
    expect(splitValues('"a,b",c')).toEqual(['"a,b"', 'c']);
  });

  it('checkPath accepts schema paths, including policy defaults not written in the file', () => {
    expect(checkPath(['policies', 'fc', 'missedPolls'], doc).kinds.has('number')).toBe(true);
    expect(checkPath(['policies', 'node', 'rebootTime'], doc).kinds.has('string')).toBe(true);
    expect(checkPath(['duration'], doc).kinds.has('string')).toBe(true);
    expect(checkPath(['faults', 0, 'at'], doc).kinds.has('string')).toBe(true);
  });

  it('a typo is refused with the closest known path', () => {
    expect(messageOf(() => checkPath(['policies', 'fc', 'missedPoll'], doc))).toMatch(
      /did you mean policies\.fc\.missedPolls\?/,
    );
    expect(messageOf(() => checkPath(['policy', 'fc', 'missedPolls'], doc))).toMatch(
      /did you mean policies\.fc\.missedPolls\?/,
    );
    expect(messageOf(() => checkPath(['policies', 'fc', 'pollintervall'], doc))).toMatch(
      /did you mean policies\.fc\.pollInterval\?/,
    );
    expect(messageOf(() => checkPath(['durration'], doc))).toMatch(/did you mean duration\?/);
    expect(messageOf(() => checkPath(['faults', 0, 'att'], doc))).toMatch(/did you mean faults\[0\]\.at\?/);
  });

  it('an index past the scenario’s list, the seed, and nonsense are refused', () => {
    expect(messageOf(() => checkPath(['faults', 3, 'at'], doc))).toMatch(/faults has 1 item/);
    expect(messageOf(() => checkPath(['seed'], doc))).toMatch(/--seeds/);
    expect(messageOf(() => checkPath(['zzzzzzzzzzzz'], doc))).toMatch(/unknown parameter/);
  });

  it('values are typed by what the schema accepts there', () => {
    const kinds = checkPath(['policies', 'fc', 'missedPolls'], doc).kinds;
    expect(typeValue('2', kinds, 'p')).toBe(2);
    expect(() => typeValue('two', kinds, 'p')).toThrow(/expects a number/);
    const dur = checkPath(['policies', 'fc', 'pollInterval'], doc).kinds;
    expect(typeValue('5s', dur, 'p')).toBe('5s');
    const bool = checkPath(['policies', 'network', 'elideRoutine'], doc).kinds;
    expect(typeValue('false', bool, 'p')).toBe(false);
  });

  it('parseSets refuses a path given twice and a value listed twice', () => {
    expect(() => parseSets(['duration=1h', 'duration=2h'], doc)).toThrow(/given twice/);
    expect(() => parseSets(['duration=1h,1h'], doc)).toThrow(/listed twice/);
  });
});

describe('the parameter grid', () => {
  it('is the cartesian product, the first --set slowest', () => {
    const sets = parseSets(['policies.fc.missedPolls=2,4', 'policies.fc.pollInterval=5s,15s,30s'], doc);
    const grid = combinations(sets);
    expect(grid.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(grid.map((c) => Object.values(c.params))).toEqual([
      [2, '5s'],
      [2, '15s'],
      [2, '30s'],
      [4, '5s'],
      [4, '15s'],
      [4, '30s'],
    ]);
    expect(paramsLabel(grid[4]!.params)).toBe('missedPolls=4 pollInterval=15s');
  });

  it('with no --set is one combination: the scenario as written', () => {
    expect(combinations([])).toEqual([{ index: 0, id: 'c0', params: {} }]);
  });
});

describe('suggestions', () => {
  it('editDistance counts a transposition as one edit', () => {
    expect(editDistance('missedPolls', 'misesdPolls')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('closest ignores case and gives up on far-off words', () => {
    expect(closest('SEEDS', ['seeds', 'set'])).toBe('seeds');
    expect(closest('frobnicate', ['seeds', 'set'])).toBeNull();
  });
});
