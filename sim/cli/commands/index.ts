// The subcommands of the command line, one module each.
export { checkCommand } from './check.js';
export { diffCommand } from './diff.js';
export { runCommand } from './run.js';
export { schemaCommand } from './schema.js';
export { serveCommand } from './serve.js';
export { startCommand } from './start.js';
export { validateCommand } from './validate.js';
