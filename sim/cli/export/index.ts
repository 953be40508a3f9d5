/**
 * `fabricsim export`: loaded only when asked for, as sweeps and explore are — the exporters bring protobufjs, which
 * no other command needs.
 */
export { defaultOutPath, exportCommand, type StreamFs, writeChunksAtomic } from './command.js';
