/**
 * `fabricsim validate [--out FILE]`: writes the validation report (docs/validation.md by default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../runner/index.js';
import { validate, validationMarkdown } from '../../validation.js';
import { VERSION } from '../../version.js';
import { expectPositionals, HELP_OPTION, parseFlags } from '../args.js';
import { EXIT_OK } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { CliIO } from '../io.js';
import { projectRoot } from '../serve.js';
import { VALIDATE_HELP } from '../usage.js';

const OPTIONS = { ...HELP_OPTION, out: { type: 'string' } } as const;

export function validateCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseFlags(argv, OPTIONS, VALIDATE_HELP);
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  expectPositionals(positionals, [], VALIDATE_HELP);
  const root = projectRoot();
  const out = typeof values.out === 'string' ? values.out : join(root, 'docs', 'validation.md');
  const rows = validate((file) => {
    const path = join(root, 'scenarios', file);
    return loadScenario(readFileSync(path, 'utf8'), { fileName: path });
  });
  writeFileAtomic(out, validationMarkdown(rows, VERSION));
  const disagree = rows.filter((r) => !r.ok);
  io.out(
    `wrote ${out}: ${rows.length} behaviours, ${rows.length - disagree.length} agree${disagree.length ? `; DISAGREE: ${disagree.map((r) => r.behaviour).join('; ')}` : ''}\n`,
  );
  return EXIT_OK;
}
