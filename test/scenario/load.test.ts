import { describe, expect, it } from 'vitest';
import { ScenarioError, ScenarioIssue } from '../../sim/scenario/errors.js';
import {
  canonicalJson,
  deepMerge,
  type LoadOptions,
  MAX_EXTENDS_DEPTH,
  parseScenario,
  parseScenarioFile,
  positionOf,
  scenarioHash,
} from '../../sim/scenario/load.js';

const BASIC = `# yaml-language-server: $schema=../docs/scenario.schema.json
version: 1
name: basic
duration: 1h
topology:
  clusters:
    - id: c0
      racks: 2
      nodesPerRack: 4
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 2 }
faults:
  - at: 10m
    kind: node.crash
    target: c0-r0-n1
`;

/** Catches the ScenarioError that `fn` throws. */
function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

/** A readExtends over an in-memory set of files. */
function files(map: Record<string, string>): LoadOptions['readExtends'] {
  return (name) => {
    const text = map[name];
    if (text === undefined) throw new Error('no such file');
    return { text, fileName: name };
  };
}

describe('parseScenarioFile', () => {
  it('parses a YAML scenario into the validated file', () => {
    const file = parseScenarioFile(BASIC, { fileName: 'basic.yaml' });
    expect(file.version).toBe(1);
    expect(file.duration).toBe('1h');
    expect(file.topology.clusters[0]).toEqual({ id: 'c0', racks: 2, nodesPerRack: 4 });
    expect(file.faults?.[0]).toMatchObject({ at: '10m', kind: 'node.crash', target: 'c0-r0-n1' });
  });

  it('parses a JSON scenario', () => {
    const json = JSON.stringify({
      version: 1,
      duration: '1h',
      topology: { clusters: [{ racks: 1, nodesPerRack: 1 }] },
    });
    expect(parseScenarioFile(json, { fileName: 'x.json' }).duration).toBe('1h');
  });

  it('names the file "<scenario>" when no name is given', () => {
    expect(errorOf(() => parseScenarioFile('version: 2')).message).toMatch(/^<scenario>:1:10: version: /);
    expect(errorOf(() => parseScenarioFile('version: 2')).file).toBe('<scenario>');
  });
});

describe('parse errors', () => {
  it('reports YAML syntax errors with their position and the first line of the message', () => {
    const e = errorOf(() => parseScenario('version: 1\nduration: [1h\n', { fileName: 's.yaml' }));
    expect(e.message).toMatch(/^s\.yaml:\d+:\d+: invalid YAML: /);
    expect(e.message).not.toContain('\n');
  });

  it('refuses YAML-only syntax in a .json file, at the position JSON.parse names', () => {
    const e = errorOf(() => parseScenario('{\n  "version": 1,\n}\n', { fileName: 'x.json' }));
    expect(e.message).toMatch(/^x\.json:3:1: invalid JSON: /);
  });

  it('refuses a document that is not a mapping', () => {
    expect(errorOf(() => parseScenario('- 1\n- 2\n', { fileName: 'l.yaml' })).message).toBe(
      'l.yaml:1:1: expected a scenario (a mapping with version, duration, topology…), found a list of 2 items',
    );
  });

  it('refuses an empty file', () => {
    expect(errorOf(() => parseScenario('# nothing\n', { fileName: 'e.yaml' })).message).toContain(
      'found an empty file',
    );
  });

  it('points at the value of a wrong value', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('at: 10m', 'at: ten minutes'), { fileName: 'b.yaml' }));
    expect(e.message).toBe(
      'b.yaml:15:9: faults[0].at: expected a duration such as "250ms", "15s", "10m", "1h30m" or "2d", found "ten minutes"',
    );
    expect(e.path).toBe('faults[0].at');
    expect(e.expected).toContain('a duration');
    expect(e.found).toBe('"ten minutes"');
  });

  it('points at the key of an unknown key and suggests a known one', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('    target:', '    taget:'), { fileName: 'b.yaml' }));
    expect(e.message).toBe('b.yaml:17:5: faults[0]: unknown key "taget" (did you mean "target"?)');
  });

  it('says which required key is missing, at the mapping that lacks it', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('    kind: node.crash\n', ''), { fileName: 'b.yaml' }));
    expect(e.message).toMatch(/^b\.yaml:15:5: faults\[0\]\.kind: required but missing; expected one of "role\.crash"/);
  });

  it('prefers a wrong value to a missing key', () => {
    expect(errorOf(() => parseScenario('version: 2\n', { fileName: 'v.yaml' })).message).toMatch(
      /^v\.yaml:1:10: version: /,
    );
  });

  it('reports the first problem in document order', () => {
    const text = BASIC.replace('version: 1', 'version: 3').replace('at: 10m', 'at: soon');
    expect(errorOf(() => parseScenario(text, { fileName: 'b.yaml' })).path).toBe('version');
  });

  it('picks the union branch that fits: a random fault with a bad distribution', () => {
    const text = BASIC.replace(
      '  - at: 10m\n    kind: node.crash\n    target: c0-r0-n1\n',
      '  - every: often\n    kind: vm.crash\n',
    );
    const e = errorOf(() => parseScenario(text, { fileName: 'b.yaml' }));
    expect(e.path).toBe('faults[0].every');
    expect(e.message).toContain('expected a distribution such as "exponential(30d)"');
    expect(e.message).toContain('found "often"');
  });

  it('picks the expectation whose key is given, and reports inside it', () => {
    const text = `${BASIC}expect:\n  - availability: { role: shop.web, atLeast: 1.5 }\n`;
    const e = errorOf(() => parseScenario(text, { fileName: 'b.yaml' }));
    expect(e.message).toBe('b.yaml:19:46: expect[0].availability.atLeast: expected a number from 0 to 1, found 1.5');
  });

  it('names every alternative when a value fits no branch of a union', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('racks: 2', 'racks: two'), { fileName: 'b.yaml' }));
    expect(e.message).toBe(
      'b.yaml:8:14: topology.clusters[0].racks: expected a whole number ≥ 1 or a list, found "two"',
    );
  });

  it('reports non-finite numbers as written', () => {
    const e = errorOf(() =>
      parseScenario(`${BASIC}policies: { fc: { missedPolls: -.inf } }\n`, { fileName: 'b.yaml' }),
    );
    expect(e.message).toContain('policies.fc.missedPolls: expected a number ≥ 0, found -.inf');
  });

  it('says "expected version 1" for another version', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('version: 1', 'version: 2'), { fileName: 'b.yaml' }));
    expect(e.message).toBe('b.yaml:2:10: version: expected version 1, found 2');
  });

  it('treats a key named __proto__ as an ordinary unknown key', () => {
    const e = errorOf(() => parseScenario(`${BASIC}__proto__: { polluted: true }\n`, { fileName: 'b.yaml' }));
    expect(e.message).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps every message on one line', () => {
    const e = errorOf(() => parseScenario(BASIC.replace('name: basic', 'name: [1,\n  2]'), { fileName: 'b.yaml' }));
    expect(e.message).not.toContain('\n');
  });
});

describe('extends', () => {
  const base = `version: 1
duration: 1h
topology:
  clusters:
    - { id: c0, racks: 2, nodesPerRack: 4 }
policies:
  fc: { missedPolls: 4, pollInterval: 15s }
faults:
  - { at: 10m, kind: node.crash, target: c0-r0-n1 }
  - { at: 20m, kind: node.crash, target: c0-r0-n2 }
`;

  it('merges mappings key by key and replaces lists and scalars', () => {
    const child = `extends: base.yaml
duration: 2h
policies:
  fc: { missedPolls: 2 }
faults:
  - { at: 5m, kind: vm.crash, target: c0-r1-n1 }
`;
    const file = parseScenarioFile(child, { fileName: 'child.yaml', readExtends: files({ 'base.yaml': base }) });
    expect(file.duration).toBe('2h');
    expect(file.policies?.fc).toEqual({ missedPolls: 2, pollInterval: '15s' });
    expect(file.faults).toHaveLength(1);
    expect(file.topology.clusters).toHaveLength(1);
    expect(file.extends).toBeUndefined();
  });

  it('follows chains of bases', () => {
    const middle = 'extends: base.yaml\nname: middle\n';
    const file = parseScenarioFile('extends: middle.yaml\nduration: 3h\n', {
      fileName: 'top.yaml',
      readExtends: files({ 'base.yaml': base, 'middle.yaml': middle }),
    });
    expect([file.name, file.duration, file.version]).toEqual(['middle', '3h', 1]);
  });

  it('locates each path in the file that set it', () => {
    const child = 'extends: base.yaml\nduration: 2h\npolicies:\n  fc: { missedPolls: 2 }\n';
    const parsed = parseScenario(child, { fileName: 'child.yaml', readExtends: files({ 'base.yaml': base }) });
    expect(parsed.locate(['duration'])).toEqual({ file: 'child.yaml', line: 2, column: 11 });
    expect(parsed.locate(['policies', 'fc', 'missedPolls'])).toEqual({ file: 'child.yaml', line: 4, column: 22 });
    expect(parsed.locate(['policies', 'fc', 'pollInterval'])).toEqual({ file: 'base.yaml', line: 7, column: 39 });
    expect(parsed.locate(['faults', 1, 'target'])).toEqual({ file: 'base.yaml', line: 10, column: 42 });
    expect(parsed.sources.map((s) => s.fileName)).toEqual(['child.yaml', 'base.yaml']);
  });

  it('locates a list element in the file whose list replaced the others', () => {
    const child = 'extends: base.yaml\nfaults:\n  - { at: 5m, kind: vm.crash, target: c0-r1-n1 }\n';
    const parsed = parseScenario(child, { fileName: 'child.yaml', readExtends: files({ 'base.yaml': base }) });
    expect(parsed.locate(['faults', 0, 'target'])).toEqual({ file: 'child.yaml', line: 3, column: 39 });
  });

  it('reports an error inside a base in the base file', () => {
    const broken = base.replace('pollInterval: 15s', 'pollInterval: fast');
    const e = errorOf(() =>
      parseScenario('extends: base.yaml\nname: child\n', {
        fileName: 'child.yaml',
        readExtends: files({ 'base.yaml': broken }),
      }),
    );
    expect(e.message).toMatch(/^base\.yaml:7:39: policies\.fc\.pollInterval: expected a duration/);
  });

  it('reports a YAML syntax error inside a base in the base file', () => {
    const e = errorOf(() =>
      parseScenario('extends: base.yaml\n', { fileName: 'child.yaml', readExtends: files({ 'base.yaml': 'a: [\n' }) }),
    );
    expect(e.file).toBe('base.yaml');
  });

  it('reports a base that cannot be read at the extends line', () => {
    const e = errorOf(() =>
      parseScenario('name: x\nextends: nope.yaml\n', { fileName: 'child.yaml', readExtends: files({}) }),
    );
    expect(e.message).toBe('child.yaml:2:10: extends: cannot read base scenario "nope.yaml": no such file');
  });

  it('refuses extends when there is no reader', () => {
    expect(errorOf(() => parseScenario('extends: base.yaml\n', { fileName: 'c.yaml' })).message).toContain(
      'c.yaml:1:10: extends: cannot read base scenario "base.yaml"',
    );
  });

  it('refuses an extends that is not a file name', () => {
    expect(errorOf(() => parseScenario('extends: 5\n', { fileName: 'c.yaml', readExtends: files({}) })).message).toBe(
      'c.yaml:1:10: extends: expected the name of a scenario file, found 5',
    );
  });

  it('detects cycles', () => {
    const read = files({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'version: 1\nextends: a.yaml\n' });
    const e = errorOf(() => parseScenario('extends: b.yaml\n', { fileName: 'a.yaml', readExtends: read }));
    expect(e.message).toBe('b.yaml:2:10: extends: cycle: a.yaml → b.yaml → a.yaml');
  });

  it('detects a file that extends itself', () => {
    const read = files({ 'a.yaml': 'extends: a.yaml\n' });
    expect(
      errorOf(() => parseScenario('extends: a.yaml\n', { fileName: 'a.yaml', readExtends: read })).message,
    ).toContain('cycle: a.yaml → a.yaml');
  });

  it(`refuses chains deeper than ${MAX_EXTENDS_DEPTH}`, () => {
    const read = (name: string) => ({ text: `extends: f${Number(name.slice(1)) + 1}\n`, fileName: name });
    expect(errorOf(() => parseScenario('extends: f1\n', { fileName: 'f0', readExtends: read })).message).toContain(
      'too many levels of extends',
    );
  });
});

describe('deepMerge', () => {
  it('merges mappings recursively and replaces everything else', () => {
    expect(deepMerge({ a: { x: 1, y: 2 }, b: [1, 2], c: 1 }, { a: { y: 3 }, b: [9], d: 4 })).toEqual({
      a: { x: 1, y: 3 },
      b: [9],
      c: 1,
      d: 4,
    });
    expect(deepMerge({ a: { x: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(deepMerge({ a: 5 }, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
  });

  it('changes neither input', () => {
    const base = { a: { x: 1 } };
    const over = { a: { y: 2 } };
    deepMerge(base, over);
    expect(base).toEqual({ a: { x: 1 } });
    expect(over).toEqual({ a: { y: 2 } });
  });
});

describe('locating paths', () => {
  const parsed = parseScenario(BASIC, { fileName: 'b.yaml' });

  it('points at a value', () => {
    expect(parsed.locate(['faults', 0, 'target'])).toEqual({ file: 'b.yaml', line: 17, column: 13 });
    expect(parsed.locate(['services', 0, 'roles', 0, 'instances'])).toEqual({ file: 'b.yaml', line: 13, column: 42 });
  });

  it('points at a key when asked', () => {
    expect(parsed.locate(['faults', 0, 'target'], { key: true })).toEqual({ file: 'b.yaml', line: 17, column: 5 });
  });

  it('points at the nearest written ancestor of a path that is not written', () => {
    expect(parsed.locate(['faults', 0, 'duration'])).toEqual({ file: 'b.yaml', line: 15, column: 5 });
    expect(parsed.locate(['policies'])).toEqual({ file: 'b.yaml', line: 2, column: 1 });
  });

  it('positionOf works on the sources directly', () => {
    expect(positionOf(parsed.sources, ['duration'])).toEqual({ file: 'b.yaml', line: 4, column: 11 });
  });

  it('works in JSON files', () => {
    const json =
      '{\n  "version": 1,\n  "duration": "1h",\n  "topology": { "clusters": [{ "racks": 1, "nodesPerRack": 1 }] }\n}\n';
    const p = parseScenario(json, { fileName: 'x.json' });
    expect(p.locate(['duration'])).toEqual({ file: 'x.json', line: 3, column: 15 });
    expect(p.locate(['topology', 'clusters', 0, 'racks'])).toEqual({ file: 'x.json', line: 4, column: 41 });
  });

  it('points at an alias where it is used, and looks through it for deeper paths', () => {
    const text = `${BASIC}upgrades:\n  - &u { at: &t 30m, service: shop }\n  - { at: *t, service: shop }\n  - *u\n`;
    const p = parseScenario(text, { fileName: 'b.yaml' });
    expect(p.locate(['upgrades', 1, 'at'])).toEqual({ file: 'b.yaml', line: 20, column: 11 });
    expect(p.locate(['upgrades', 2, 'service'])).toEqual({ file: 'b.yaml', line: 19, column: 31 });
  });

  it("turns the resolver's ScenarioIssue into a located ScenarioError", () => {
    const e = parsed.error(new ScenarioIssue(['faults', 0, 'target'], 'no node matches "c0-r0-n1"'));
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e.message).toBe('b.yaml:17:13: faults[0].target: no node matches "c0-r0-n1"');
  });

  it('keeps expected and found of an issue', () => {
    const e = parsed.error(
      new ScenarioIssue(['duration'], 'expected more, found less', { expected: 'more', found: 'less' }),
    );
    expect([e.expected, e.found]).toEqual(['more', 'less']);
  });
});

describe('scenarioHash', () => {
  it('is 16 hex digits and depends on the content only', () => {
    const a = parseScenario(BASIC).hash;
    const reordered = parseScenario(`# another comment\n${BASIC.replace('name: basic\n', '')}name:   basic\n`).hash;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(reordered).toBe(a);
  });

  it('changes when the content changes', () => {
    expect(parseScenario(BASIC.replace('1h', '2h')).hash).not.toBe(parseScenario(BASIC).hash);
  });

  it('ignores $schema and extends', () => {
    expect(scenarioHash({ a: 1, $schema: 'x', extends: 'y' })).toBe(scenarioHash({ a: 1 }));
  });

  it('is the same for a JSON and a YAML file with the same content', () => {
    const file = parseScenarioFile(BASIC);
    expect(parseScenario(JSON.stringify(file), { fileName: 'b.json' }).hash).toBe(parseScenario(BASIC).hash);
  });

  it('canonicalJson sorts keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }], e: null })).toBe('{"a":[{"d":2}],"b":1,"e":null}');
  });
});
