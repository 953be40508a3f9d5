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
  export TIMELINE   write a timeline for Perfetto, chrome://tracing or ShiViz (--format …)
  sweep FILE        run a scenario over many seeds and parameter values (fabricsim sweep --help)
  merge RESULTS…    combine the results files of a sharded sweep or exploration
  shrink FILE       shrink a failing scenario to a minimal one that fails the same way
  explore FILE      search the scenario's fault space for failures (its \`explore:\` section)
  estimate FILE     the probability of a rare event within a run, with its interval (fabricsim estimate --help)
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
  --timeline-version V
                 the timeline file's version: 3 (default, events in packed columns), 2 (events in
                 columns as lists of numbers) or 1 (one object per event)
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

export const EXPORT_HELP = `usage: fabricsim export TIMELINE --format perfetto|chrome-json|shiviz [--out FILE]

Writes a timeline (from \`fabricsim run --out\`) in a format that other trace tools open:
  perfetto      Perfetto's protobuf trace (open it at ui.perfetto.dev); default FILE: <name>.pftrace
  chrome-json   the Chrome JSON trace-event format (Perfetto, chrome://tracing, DevTools); <name>.trace.json
  shiviz        a ShiViz log with vector clocks; its first line is the regular expression ShiViz asks for;
                <name>.shiviz.log
One track per actor grouped by cluster, node and service, outages and recovery steps as slices, detections as
instants, arrows along the cause chains, and the Ready instances of each role as counters (docs/export.md).

Options:
  --format F     perfetto, chrome-json or shiviz
  --out FILE     where to write (default: beside TIMELINE, named as above); written whole or not at all
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

export const SERVE_HELP = `usage: fabricsim serve [--timeline FILE] [--compare FILE] [--at T] [--tour NAME] [--port P] [--open]

Serves the replay app (\`npm run viz\`) on 127.0.0.1, building it first if viz/dist is missing. With --timeline the
page opens with that run loaded, at simulated time T (µs, or a duration such as "20m") with --at. With --compare a
second run is shown side by side with it, at the first event where the two differ (as \`fabricsim diff\` names it).
--tour failure opens the guided tour of why the run fails. Stop with Ctrl-C.

Options:
  --timeline F   a timeline written by \`fabricsim run --out\`
  --compare F    a second timeline to show side by side with the first
  --at T         open the run at this moment
  --tour NAME    open a guided tour ("failure": from the fault(s) to the failed expectation)
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

export const ESTIMATE_HELP = `usage: fabricsim estimate FILE --event EXPR [--method crude|splitting] [--relative-error R | --runs N] [--workers K] [--seed S] [--shard i/N] [--out FILE] [--json]
       fabricsim estimate --merge PART… [--json]

Estimates the probability that EXPR holds at some moment within a run of FILE, by crude Monte Carlo or by
importance splitting, with a 95% interval, the relative error, the MTTF, the downtime a year and the nines it
implies. See docs/estimate.md.

EXPR, e.g.:  replicasDown(db0) >= 3    ready(shop.web) == 0    quorumMargin(c0) < 0    violations > 0
  functions: replicasDown(db) replicas(db) sqlUnavailable(db) ready(role) instances(role) instancesDown(role)
             fcUp(cluster) quorumMargin(cluster) nodesDown(cluster) violations metric("summary.path")
  operators: + -  < <= > >= == !=  not and or  ( )      a glob argument takes the worst match

Options:
  --event EXPR          the event (required)
  --method M            splitting (default) or crude
  --relative-error R    add replications until standard error / estimate ≤ R (default 0.1)
  --runs N              exactly N replications instead (needed by --shard)
  --effort N            trials per splitting stage (default 1000) or crude runs per replication (default 10000)
  --importance EXPR     importance function (a quantity over the state), with --levels a,b,… (default: derived
  --levels a,b,…        from the event: the integers between its start value and the event's bound)
  --max-events N        stop adding replications after N simulated events (default 1e9)
  --workers K           run replications on K worker threads (same result as 1)
  --seed S              root seed, 0 … 4294967295 (default: the scenario's)
  --shard i/N           run the replications ≡ i mod N of --runs (merge the --out files with --merge)
  --out FILE            write the replications, for --merge
  --merge               combine shard files given as arguments
  --json                print the report as one JSON object
  -h, --help            show this help
`;

export const SHRINK_HELP = `usage: fabricsim shrink FILE [--seed N] [--out MIN.yaml] [--fingerprint KEY] [--json]

Runs FILE with the seed; if it fails, shrinks it to a minimal, self-contained scenario that fails the same way (the
same expectation or invariant, about the same target, on the same side of the bound) and writes it with a comment
header saying where it came from, what fails and how to replay it. Minimal: removing any one fault, expectation,
upgrade, traffic line, service, role, instance, rack or node, weakening any fault (rack power loss → node crash →
VM crash → role crash; hardware → node crash), shortening any duration or moving any time one step later makes the
failure go away; every time is rounded to the coarsest unit that still fails. The same input gives the same file.

Exit 0 when the minimal file was written, 2 when FILE is not a valid scenario or does not fail with the seed.

Options:
  --seed N           the seed, 0 … 4294967295 (default: the scenario's seed)
  --out FILE         where to write the minimal scenario (default: FILE's name with .min.yaml, beside it)
  --fingerprint KEY  the failure to keep, when the run fails in several ways (default: the first; see --json)
  --json             print a JSON report: fingerprint, candidates tried, sizes, the faults left, the edits kept
  -h, --help         show this help
`;

export const EXPLORE_HELP = `usage: fabricsim explore FILE [--runs N | --time T] [--workers K] [--seed S] [--out DIR] [--shard i/N] [--json]

Searches the fault space that FILE's \`explore:\` section declares: each run adds a drawn fault schedule to the
scenario's own faults and checks its expectations and the model's invariants (nothing Ready on a dead node, no FC
action without quorum, every fault recovered or reported not recovered, no unexpected oracle violation). Every
distinct failure (by fingerprint) is shrunk and written as DIR/NAME.counterexample-K.yaml, with the command that
opens it in the viewer; \`sometimes\` expectations are reported covered or as a GAP; a coverage report follows.
Runs are recorded in DIR/NAME.explore.jsonl as they finish: the same command resumes after Ctrl-C. With --shard,
combine the shards' files with \`fabricsim merge DIR/NAME.explore-shard-*.jsonl [--out DIR] [--json]\`.

Exit 0 when no failure was found within the budget, 1 when one was, 2 for a mistake in the input, 130 interrupted.

Options:
  --runs N       runs to do (default: explore.runs, else 200)
  --time T       explore for this long instead, e.g. "2m" (wall clock)
  --workers K    worker threads (default: one per core)
  --seed S       the seed of the schedule draws (default: the scenario's seed); runs use the scenario's seed
  --out DIR      where results and counterexamples go (default: NAME.explore)
  --shard i/N    run every N-th lane (0 ≤ i < N ≤ explore.lanes); or --shard auto in a Slurm job array
  --json         print the report as one JSON object
  -h, --help     show this help
`;
