/**
 * Usage lines and help texts. The first line of each help text is the usage line printed after a flag mistake.
 */

export const MAIN_HELP = `usage: fabricsim <command> [options]

Simulates cloud infrastructure integrity: faults, detection, recovery and security, deterministically.

Commands:
  start [FILE]      run the quickstart (or FILE), print its summary and open the replay app (npm start)
  run FILE          run a scenario and print a summary of what happened
  check FILE|DIR…   run scenarios and check their expectations (exit 1 if one fails)
  diff A B          compare two timelines and show the first event where they diverge
  sweep FILE        run a scenario over many seeds and parameter values (fabricsim sweep --help)
  merge RESULTS…    combine the results files of a sharded sweep
  schema            print the JSON Schema of scenario files
  serve             serve the replay app (npm run viz)
  validate          write the validation report, documented timings beside the model's (npm run validate)

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

export const START_HELP = `usage: fabricsim start [FILE] [--seed N] [--no-serve] [--port P] [--open]

The main job (\`npm start\`): runs FILE (default scenarios/quickstart.yaml), writes its timeline to
out/<scenario>.timeline.json (in the working folder when fabricsim is installed in another project), prints the
summary, then serves the replay app with that run loaded and prints its address. With CI=true in the environment, or
--no-serve, it exits after the summary.

Options:
  --seed N       the seed (default: the scenario's seed)
  --no-serve     do not start the viewer
  --port P       the viewer's port (default 5173, or the next free one)
  --open         open the viewer in the system's browser
  -h, --help     show this help
`;

export const SERVE_HELP = `usage: fabricsim serve [--timeline FILE] [--at T] [--port P] [--open]

Serves the replay app (\`npm run viz\`) on 127.0.0.1, building it first if viz/dist is missing. With --timeline the
page opens with that run loaded, at simulated time T (µs, or a duration such as "20m") with --at. Stop with Ctrl-C.

Options:
  --timeline F   a timeline written by \`fabricsim run --out\`
  --at T         open the run at this moment
  --port P       port (default 5173, or the next free one)
  --open         open the page in the system's browser
  -h, --help     show this help
`;

export const VALIDATE_HELP = `usage: fabricsim validate [--out docs/validation.md]

Runs the bundled scenarios made to measure each documented timing of the platform, and writes a report that sets
the documented figure beside what the model produced (\`npm run validate\`).

Options:
  --out FILE     where to write the report (default docs/validation.md in the project folder)
  -h, --help     show this help
`;
