/**
 * Broken scenarios that only the resolver can see (references to things that do not exist, sizes no machine could
 * run, duplicate ids, durations the pattern lets through): still exit 2 and one located line.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROKEN, cli, lines } from './helpers.js';

const CASES = [
  { file: 'unknown-node.yaml', at: '11:13', path: 'faults[0].target', words: ['"c0-r9-n1"', 'matches no node'] },
  {
    file: 'glob-matches-nothing.yaml',
    at: '15:13',
    path: 'faults[0].target',
    words: ['"shop.api.*"', 'matches no instance'],
  },
  {
    file: 'unknown-role-expectation.yaml',
    at: '14:13',
    path: 'expect[0].availability.role',
    words: ['"shop.api"', 'matches no role'],
  },
  { file: 'too-large.yaml', at: '6:3', path: 'topology', words: ['100,000,000 nodes', 'at most 200,000'] },
  { file: 'duplicate-ids.yaml', at: '12:9', path: 'services[1].id', words: ['duplicate', '"shop"'] },
  { file: 'unit-order.yaml', at: '4:11', path: 'duration', words: ['"30m1h"', 'largest to smallest'] },
] as const;

describe('broken references (resolver)', () => {
  for (const c of CASES) {
    it(`${c.file}: exit 2 and one line at ${c.at}`, async () => {
      const r = await cli('check', join(BROKEN, c.file));
      expect(r.code).toBe(2);
      const errLines = lines(r.stderr);
      expect(errLines).toHaveLength(1);
      expect(errLines[0]).toMatch(new RegExp(`^fabricsim: ${join(BROKEN, c.file).replace(/[.]/g, '\\.')}:${c.at}: `));
      expect(errLines[0]).toContain(`: ${c.path}: `);
      for (const w of c.words) expect(errLines[0]).toContain(w);
    });
  }
});
