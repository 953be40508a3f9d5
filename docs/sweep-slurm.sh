#!/usr/bin/env bash
# A fabricsim sweep as a Slurm job array: one array task per shard. fabricsim reads its slice from the array's
# variables (`--shard auto`: index = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, count = SLURM_ARRAY_TASK_COUNT),
# so --array must be a plain range (0-3, or 1-4; no step). Each task writes results/results-<task id>.jsonl; a task
# that is requeued resumes from its file. Submit from the folder holding scenarios/, then merge (docs/sweeps.md):
#
#   sbatch docs/sweep-slurm.sh
#   fabricsim merge results/results-*.jsonl --report report.html
#
#SBATCH --job-name=fabricsim-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=4
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=sweep-%A_%a.log
set -euo pipefail

SEEDS="${SEEDS:-1000}"
mkdir -p results
fabricsim sweep scenarios/sweep-bench.yaml --seeds "$SEEDS" \
  --set policies.fc.missedPolls=2,4 --shard auto --workers "${SLURM_CPUS_PER_TASK:-1}" \
  --out "results/results-${SLURM_ARRAY_TASK_ID}.jsonl"
