/**
 * Usage lines and help texts. The first line of each help text is the usage line printed after a flag mistake.
 */

export const MAIN_HELP = `usage: fabricsim <command> [options]

Simulates cloud infrastructure integrity: faults, detection, recovery and security, deterministically.

Commands:
  run FILE          run a scenario and print a summary of what happened
  check FILE|DIR…   run scenarios and check their expectations (exit 1 if one fails)
  diff A B          compare two timelines and show the first event where they diverge
  sweep FILE        run a scenario over many seeds and parameter values (fabricsim sweep --help)
  merge RESULTS…    combine the results files of a sharded sweep
  schema            print the JSON Schema of scenario files

Options:
  -h, --help        show help; after a command, that command's help (fabricsim run --help)
  --version         print fabricsim's version

Exit codes: 0 ok · 1 an expectation failed or the timelines differ · 2 a mistake in the input · 3 a bug.
`;

export const RUN_HELP = `usage: fabricsim run FILE [--seed N] [--out timeline.json] [--json] [--until T]

Runs one scenario (YAML or JSON) and prints a summary: each fault with when it was detected, by whom, and when
it was recovered; availability per role; security tallies; and the scenario's expectations.

Options:
  --seed N       the seed, 0 … 4294967295 (default: the scenario's seed)
  --out FILE     write the timeline to FILE, for the viewer and \`fabricsim diff\`
  --json         print the run summary as one JSON object instead
  --until T      stop at simulated time T, e.g. "30m" (default: the scenario's duration)
  -h, --help     show this help
`;

export const CHECK_HELP = `usage: fabricsim check FILE|DIR…

Runs each scenario with its own seed and checks its \`expect\` list. A DIR means every .yaml, .yml and .json file
in it (not in subfolders), except names starting with "_" or "." (bases for \`extends\`) and *.timeline.json and
*.schema.json files. For each failing expectation, prints the command that opens that run in the viewer.

Exit 0 when every expectation holds, 1 when one fails, 2 when a file cannot be read or has a mistake.

Options:
  -h, --help     show this help
`;

export const DIFF_HELP = `usage: fabricsim diff A.timeline.json B.timeline.json

Compares two timelines. Prints "identical" with the trace hash, or the first event where they diverge, with the
chain of causes that led to it in each. Exit 0 when identical, 1 when they differ, 2 when a file cannot be read.

Options:
  -h, --help     show this help
`;

export const SCHEMA_HELP = `usage: fabricsim schema

Prints the JSON Schema of scenario files (the same as docs/scenario.schema.json). Editors use it for completion
and checking: start a scenario file with
  # yaml-language-server: $schema=../docs/scenario.schema.json

Options:
  -h, --help     show this help
`;

/** The first line of a help text. */
export function usageLine(help: string): string {
  return help.slice(0, help.indexOf('\n'));
}
