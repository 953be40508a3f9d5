import { describe, expect, it } from 'vitest';
import { UserError } from '../../sim/sweep/errors.js';
import { combinations } from '../../sim/sweep/params.js';
import { makePlan, shardRuns, taskOf } from '../../sim/sweep/plan.js';
import { resolveShard } from '../../sim/sweep/shard.js';

describe('shards', () => {
  it('--shard i/N is taken as given and checked', () => {
    expect(resolveShard('1/4', undefined, {})).toEqual({ index: 1, count: 4, source: 'flag' });
    expect(() => resolveShard('4/4', undefined, {})).toThrow(/outside 0…3/);
    expect(() => resolveShard('1-4', undefined, {})).toThrow(UserError);
  });

  it('Kubernetes Indexed Jobs give the index, --shards the count', () => {
    expect(resolveShard(undefined, '3', { JOB_COMPLETION_INDEX: '2' })).toEqual({
      index: 2,
      count: 3,
      source: 'kubernetes',
    });
    expect(() => resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '2' })).toThrow(/--shards N/);
  });

  it('Slurm arrays give index = ID − MIN and the count', () => {
    const env = { SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(resolveShard('auto', undefined, env)).toEqual({ index: 2, count: 4, source: 'slurm' });
    expect(resolveShard(undefined, '4', env)).toEqual({ index: 2, count: 4, source: 'slurm' });
    expect(() => resolveShard(undefined, '5', env)).toThrow(/SLURM_ARRAY_TASK_COUNT=4/);
    expect(() => resolveShard(undefined, '3', {})).toThrow(/JOB_COMPLETION_INDEX/);
  });

  it('no flag is the whole sweep, whatever the environment', () => {
    expect(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '1' })).toBeNull();
  });

  it('the shards of a plan partition its runs (run mod N = i)', () => {
    const plan = makePlan(
      combinations([{ path: 'duration', segments: ['duration'], values: ['1h', '2h', '3h'] }]),
      5,
      7,
    );
    expect(plan.runs).toBe(21);
    const all = [0, 1, 2, 3].flatMap((index) => shardRuns(plan, { index, count: 4 }));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(shardRuns(plan, { index: 1, count: 4 })).toEqual([1, 5, 9, 13, 17]);
    expect(taskOf(plan, 9)).toEqual({ run: 9, combo: 1, seed: 7 });
  });
});
