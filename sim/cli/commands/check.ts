/**
 * `fabricsim check FILE|DIR…`: runs scenarios and checks their expectations.
 */
import { runScenario } from '../../runner/index.js';
import { ScenarioError } from '../../scenario/index.js';
import { TimelineError } from '../../trace/index.js';
import { HELP_OPTION, parseFlags } from '../args.js';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR, UsageError } from '../errors.js';
import { checkProbabilities } from '../estimate/index.js';
import { scenarioFilesOf } from '../files.js';
import { table } from '../format.js';
import type { CliIO } from '../io.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { CHECK_HELP, usageLine } from '../usage.js';
import { viewerCommand } from '../viewer.js';

interface Failure {
  readonly file: string;
  readonly seed: number;
  readonly name: string;
  readonly atUs: number | null;
}

function isUserError(e: unknown): e is Error {
  return e instanceof ScenarioError || e instanceof CliError || e instanceof TimelineError;
}

export async function checkCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, HELP_OPTION, CHECK_HELP);
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('missing FILE or DIR', usageLine(CHECK_HELP));

  let errors = 0;
  const rows: string[][] = [];
  const failures: Failure[] = [];
  let scenarios = 0;
  let expectations = 0;

  for (const arg of positionals) {
    let files: string[];
    try {
      files = scenarioFilesOf(arg);
    } catch (e) {
      if (!isUserError(e)) throw e;
      io.err(`fabricsim: ${e.message}\n`);
      errors++;
      continue;
    }
    for (const file of files) {
      try {
        const scenario = await withPlugins(loadScenarioFile(file));
        const { summary } = withScenarioErrors(file, () => runScenario(scenario, { record: false }));
        scenarios++;
        const probabilities = checkProbabilities(file, scenario); // estimate (issue 16)
        if (summary.expectations.length + probabilities.length === 0)
          rows.push([file, '(no expectations)', '', '', '']);
        for (const p of probabilities) {
          expectations++;
          rows.push([file, p.name, p.measured, p.bound, p.passed ? '✓' : '✗ FAILED']);
          if (!p.passed) failures.push({ file, seed: summary.seed, name: p.name, atUs: null });
        }
        for (const e of summary.expectations) {
          expectations++;
          rows.push([file, e.name, e.measured, e.bound, e.passed ? '✓' : '✗ FAILED']);
          if (!e.passed) failures.push({ file, seed: summary.seed, name: e.name, atUs: e.atUs });
        }
      } catch (e) {
        if (!isUserError(e)) throw e;
        io.err(`fabricsim: ${e.message}\n`);
        errors++;
      }
    }
  }

  if (rows.length > 0) io.out(table(['scenario', 'expectation', 'measured', 'bound', 'result'], rows, { indent: '' }));
  const passed = expectations - failures.length;
  const tally = [
    `${scenarios} scenario${scenarios === 1 ? '' : 's'}`,
    `${expectations} expectation${expectations === 1 ? '' : 's'}: ${passed} passed, ${failures.length} failed`,
  ];
  if (errors > 0) tally.push(`${errors} file${errors === 1 ? '' : 's'} with errors`);
  io.out(`${tally.join(', ')}\n`);

  if (failures.length > 0) {
    io.out('\nTo see a failure in the viewer, at the moment it failed:\n');
    for (const f of failures) {
      io.out(`  ✗ ${f.file}: ${f.name}\n    ${viewerCommand(f.file, f.seed, f.atUs)}\n`);
    }
  }
  if (errors > 0) return EXIT_USER_ERROR;
  return failures.length > 0 ? EXIT_FAILED : EXIT_OK;
}
