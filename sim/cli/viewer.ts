/**
 * The command that opens a run in the browser viewer at a given moment. Kept in one place: the viewer's command
 * line may change, and `check` prints this for every failing expectation.
 */
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Quotes `s` for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Where the reproduced run's timeline goes: "<tmp>/<scenario>-<seed>.timeline.json". */
export function viewerTimelinePath(file: string, seed: number): string {
  const name = basename(file).replace(/\.(ya?ml|json)$/i, '');
  return join(tmpdir(), `${name}-${seed}.timeline.json`);
}

/**
 * The shell command that re-runs `file` with `seed`, records its timeline and opens the viewer at `atUs`
 * (µs of simulated time; without it, at the start) with the guided tour of why the run fails (`--tour failure`).
 */
export function viewerCommand(file: string, seed: number, atUs: number | null): string {
  const timeline = shellQuote(viewerTimelinePath(file, seed));
  const at = atUs === null ? '' : ` --at ${atUs}`;
  return `npx fabricsim run ${shellQuote(file)} --seed ${seed} --out ${timeline} && npx fabricsim serve --timeline ${timeline}${at} --tour failure`;
}
