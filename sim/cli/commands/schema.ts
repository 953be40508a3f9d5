/**
 * `fabricsim schema`: the JSON Schema of scenario files, as committed in docs/scenario.schema.json.
 */
import { scenarioJsonSchema } from '../../scenario/index.js';
import { expectPositionals, HELP_OPTION, parseFlags } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { CliIO } from '../io.js';
import { SCHEMA_HELP } from '../usage.js';

/** The schema as `fabricsim schema` prints it. */
export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export function schemaCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseFlags(argv, HELP_OPTION, SCHEMA_HELP);
  if (values.help) {
    io.out(SCHEMA_HELP);
    return EXIT_OK;
  }
  expectPositionals(positionals, [], SCHEMA_HELP);
  io.out(schemaText());
  return EXIT_OK;
}
