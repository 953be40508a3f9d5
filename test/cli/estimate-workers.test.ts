import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, removeBuild, spawnCli } from './helpers.js';

const FILE = join('test', 'estimate', 'fixtures', 'sql-2-of-3.yaml');
let bin = '';
beforeAll(() => {
  bin = buildCli();
}, 300_000);
afterAll(() => removeBuild());

describe('fabricsim estimate --workers', () => {
  it('gives the same answer on 2 worker threads as on this thread, with --runs and with --relative-error', () => {
    for (const budget of [
      ['--runs', '5'],
      ['--relative-error', '0.3'],
    ]) {
      const args = ['estimate', FILE, '--event', 'replicasDown(db0) >= 2', '--effort', '100', ...budget, '--json'];
      const one = spawnCli(bin, ...args);
      const two = spawnCli(bin, ...args, '--workers', '2');
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(0);
      expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    }
  }, 300_000);
});
