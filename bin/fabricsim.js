#!/usr/bin/env node
// Entry point: runs the compiled command line from dist/ (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'sim', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(
    'fabricsim: not built yet; run `npm install` (or `npm run build`) in the project folder first\n',
  );
  process.exit(2);
}
const { main: run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv.slice(2));
