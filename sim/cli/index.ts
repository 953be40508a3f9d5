// The command line's offer to the entry points above it (fabricsim/node, fabricsim/vitest): Node file helpers and the
// command that opens a run in the viewer. The commands themselves are reached through main.ts.
export { loadScenarioFile, readTimelineFile, writeTimelineFile } from './node-api.js';
export { shellQuote, viewerCommand, viewerTimelinePath } from './viewer.js';
