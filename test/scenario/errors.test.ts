import { describe, expect, it } from 'vitest';
import { describeValue, formatPath, ScenarioError, ScenarioIssue } from '../../sim/scenario/errors.js';

describe('formatPath', () => {
  it('writes keys with dots and indices in brackets', () => {
    expect(formatPath(['faults', 2, 'target'])).toBe('faults[2].target');
    expect(formatPath(['topology', 'clusters', 0, 'racks', 1, 'nodes'])).toBe('topology.clusters[0].racks[1].nodes');
  });

  it('is empty for the document itself', () => {
    expect(formatPath([])).toBe('');
  });

  it('quotes keys that are not plain names', () => {
    expect(formatPath(['policies', 'a b'])).toBe('policies["a b"]');
    expect(formatPath(['$schema'])).toBe('$schema');
  });
});

describe('ScenarioError', () => {
  it('formats file:line:col: path: detail on one line', () => {
    const e = new ScenarioError({ file: 'x.yaml', line: 14, column: 13 }, ['faults', 2, 'at'], 'expected A, found B', {
      expected: 'A',
      found: 'B',
    });
    expect(e.message).toBe('x.yaml:14:13: faults[2].at: expected A, found B');
    expect([e.file, e.line, e.column, e.path, e.expected, e.found]).toEqual([
      'x.yaml',
      14,
      13,
      'faults[2].at',
      'A',
      'B',
    ]);
  });

  it('leaves out the path for the document itself', () => {
    expect(new ScenarioError({ file: 'x.yaml', line: 1, column: 1 }, [], 'invalid YAML: oops').message).toBe(
      'x.yaml:1:1: invalid YAML: oops',
    );
  });

  it('folds a multi-line detail into one line', () => {
    const e = new ScenarioError({ file: 'x', line: 1, column: 1 }, 'a', 'first\n  second\r\nthird');
    expect(e.message).toBe('x:1:1: a: first second third');
  });
});

describe('ScenarioIssue', () => {
  it('carries a copy of the path and the message', () => {
    const path = ['faults', 0, 'target'];
    const issue = new ScenarioIssue(path, 'no node matches "c9-*"');
    path.push('changed');
    expect(issue.path).toEqual(['faults', 0, 'target']);
    expect(issue.message).toBe('no node matches "c9-*"');
    expect(issue).toBeInstanceOf(Error);
  });
});

describe('describeValue', () => {
  it('describes values as the user wrote them', () => {
    expect(describeValue('ten minutes')).toBe('"ten minutes"');
    expect(describeValue(5)).toBe('5');
    expect(describeValue(Number.POSITIVE_INFINITY, '.inf')).toBe('.inf');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('an empty value');
    expect(describeValue([])).toBe('an empty list');
    expect(describeValue([1, 2])).toBe('a list of 2 items');
    expect(describeValue({})).toBe('an empty mapping');
    expect(describeValue({ a: 1 })).toBe('a mapping');
  });

  it('shortens long strings', () => {
    expect(describeValue('x'.repeat(100)).length).toBeLessThan(70);
  });
});
