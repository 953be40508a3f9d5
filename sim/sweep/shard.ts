/**
 * Which slice of the runs this process does: `--shard i/N` explicitly, or from the batch engine's environment —
 * Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, count from `--shards N`) and Slurm job arrays (index =
 * `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN`, count = `SLURM_ARRAY_TASK_COUNT`).
 */
import { parseIntFlag, UserError } from './errors.js';
import type { Shard } from './plan.js';

export interface ResolvedShard extends Shard {
  /** Where the slice came from, for the plan printout. */
  readonly source: 'flag' | 'kubernetes' | 'slurm';
}

type Env = Readonly<Record<string, string | undefined>>;

function envInt(env: Env, name: string): number | null {
  const v = env[name];
  if (v === undefined || v === '') return null;
  if (!/^\d+$/.test(v)) throw new UserError(`${name}=${JSON.stringify(v)} is not a whole number`);
  return Number(v);
}

function slurm(env: Env): { index: number; count: number } | null {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (id === null) return null;
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN');
  const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (min === null || count === null) {
    throw new UserError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not');
  }
  return { index: id - min, count };
}

/**
 * The shard from the flags and the environment, or null for the whole sweep.
 *  - `--shard i/N`: that slice (0 ≤ i < N).
 *  - `--shards N`: the index from JOB_COMPLETION_INDEX (Kubernetes), else from the Slurm array variables.
 *  - `--shard auto`: index and count from the Slurm array variables (Kubernetes gives no count: use --shards).
 */
export function resolveShard(
  shardFlag: string | undefined,
  shardsFlag: string | undefined,
  env: Env,
): ResolvedShard | null {
  if (shardFlag !== undefined && shardsFlag !== undefined && shardFlag !== 'auto') {
    throw new UserError('give either --shard i/N or --shards N, not both');
  }
  let shard: ResolvedShard;
  if (shardFlag !== undefined && shardFlag !== 'auto') {
    const m = /^(\d+)\/(\d+)$/.exec(shardFlag);
    if (m === null) throw new UserError(`--shard expects i/N (e.g. 0/4) or auto, got ${JSON.stringify(shardFlag)}`);
    shard = { index: Number(m[1]), count: Number(m[2]), source: 'flag' };
  } else if (shardsFlag !== undefined || shardFlag === 'auto') {
    const count = shardsFlag === undefined ? null : parseIntFlag('shards', shardsFlag, 1);
    const k8s = envInt(env, 'JOB_COMPLETION_INDEX');
    const s = slurm(env);
    if (k8s !== null) {
      if (count === null) {
        throw new UserError(
          "JOB_COMPLETION_INDEX is set but Kubernetes gives no shard count: use --shards N (the Job's completions)",
        );
      }
      shard = { index: k8s, count, source: 'kubernetes' };
    } else if (s !== null) {
      if (count !== null && count !== s.count) {
        throw new UserError(`--shards ${count} but SLURM_ARRAY_TASK_COUNT=${s.count}`);
      }
      shard = { ...s, source: 'slurm' };
    } else {
      throw new UserError(
        `${shardFlag === 'auto' ? '--shard auto' : '--shards'} needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm job array) in the environment; or give --shard i/N`,
      );
    }
  } else {
    return null;
  }
  if (shard.count < 1) throw new UserError(`the shard count must be at least 1 (got ${shard.count})`);
  if (shard.index < 0 || shard.index >= shard.count) {
    throw new UserError(
      `shard index ${shard.index} is outside 0…${shard.count - 1}${shard.source === 'slurm' ? ' (a Slurm array with a step, e.g. --array=0-9:2, is not supported: use --array=0-N)' : ''}`,
    );
  }
  return shard;
}
