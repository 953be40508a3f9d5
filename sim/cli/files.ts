/**
 * The command line's file system work: reading scenarios (and the bases they extend), listing a folder's
 * scenarios, and writing outputs atomically. Every failure is a CliError with one line naming the file.
 */
import * as nodeFs from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { readTimeline, type Timeline, TimelineError } from '../trace/index.js';
import { CliError } from './errors.js';

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
};

/** A file-system error in a few words: "no such file or directory". */
export function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}

/** Reads a text file the user named; a directory or a missing file is a CliError. A leading BOM is dropped. */
export function readUserFile(path: string): string {
  try {
    if (nodeFs.statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return nodeFs.readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${fsReason(e)}`);
  }
}

/**
 * `LoadOptions.readExtends` for files on disk: `name` is relative to the folder of the file that names it. The
 * returned name is normalised, so the same file always has the same name (cycle detection compares names).
 */
export function readExtendsFromDisk(name: string, fromFile: string): { text: string; fileName: string } {
  const path = normalize(isAbsolute(name) ? name : join(dirname(fromFile), name));
  try {
    if (nodeFs.statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return { text: nodeFs.readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), fileName: path };
  } catch (e) {
    throw new Error(`${fsReason(e)} (${path})`);
  }
}

/** True for names `check DIR` runs: .yaml, .yml, .json; not timelines, schemas, hidden files or "_" bases. */
export function isScenarioFileName(name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.')) return false;
  if (/\.(timeline|schema)\.json$/i.test(name)) return false;
  return /\.(ya?ml|json)$/i.test(name);
}

/**
 * The scenario files an argument of `check` stands for: the file itself, or a folder's scenario files (not
 * recursively), sorted by name so that the order never depends on the file system.
 */
export function scenarioFilesOf(arg: string): string[] {
  let stat: nodeFs.Stats;
  try {
    stat = nodeFs.statSync(arg);
  } catch (e) {
    throw new CliError(`cannot read ${arg}: ${fsReason(e)}`);
  }
  if (!stat.isDirectory()) return [arg];
  let names: string[];
  try {
    names = nodeFs.readdirSync(arg);
  } catch (e) {
    throw new CliError(`cannot read ${arg}: ${fsReason(e)}`);
  }
  const files = names
    .filter(isScenarioFileName)
    .sort()
    .map((n) => join(arg, n))
    .filter((p) => {
      try {
        return nodeFs.statSync(p).isFile();
      } catch {
        return false;
      }
    });
  if (files.length === 0) throw new CliError(`no scenario files (.yaml, .yml, .json) in ${arg}`);
  return files;
}

/**
 * Checks, before a long run, that `path` can be written: its folder exists and is writable, and `path` is not a
 * folder. The write itself may still fail (a full disk); `writeFileAtomic` then leaves nothing behind.
 */
export function checkWritable(path: string): void {
  const dir = dirname(path);
  try {
    if (!nodeFs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    nodeFs.accessSync(dir, nodeFs.constants.W_OK);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${fsReason(e)} (${dir})`);
  }
  let existing: nodeFs.Stats | undefined;
  try {
    existing = nodeFs.statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new CliError(`cannot write ${path}: is a directory`);
}

/** The file-system calls `writeFileAtomic` makes (a parameter so tests can make one of them fail). */
export type AtomicFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeFileSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'
>;

/**
 * Writes `data` to `path` atomically: to `path.tmp-<pid>` first, flushed to disk, then renamed over `path`. On
 * any failure the temporary file is removed and an existing `path` is left untouched; throws a CliError.
 */
export function writeFileAtomic(path: string, data: string, fs: AtomicFs = nodeFs): void {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w');
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the first error is the one to report.
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing more can be done; the message below names the file.
    }
    throw new CliError(`cannot write ${path}: ${fsReason(e)}`);
  }
}

/** A file being written piece by piece to a temporary name; `commit` renames it into place, `abort` removes it. */
/** The file system calls of `openAtomicWriter` (a parameter so tests can make one fail). */
export type StreamFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'
>;

export interface AtomicWriter {
  /** Appends text (as UTF-8) or bytes. */
  write(data: string | Uint8Array): void;
  /** Flushes, closes and renames the file over `path`; returns the bytes written. */
  commit(): number;
  /** Closes and removes the temporary file (an existing `path` is left untouched). Never throws. */
  abort(): void;
}

/**
 * Opens `path.tmp-<pid>` for writing in pieces, for outputs too large to build in memory first (a recorded region).
 * The same guarantees as `writeFileAtomic`: on any failure nothing is left behind and the CliError names `path`.
 */
export function openAtomicWriter(path: string, fs: StreamFs = nodeFs): AtomicWriter {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  let bytes = 0;
  const fail = (e: unknown): never => {
    writer.abort();
    throw new CliError(`cannot write ${path}: ${fsReason(e)}`);
  };
  const writer: AtomicWriter = {
    write(data) {
      if (fd === undefined) throw new Error(`openAtomicWriter: ${path} is closed`);
      try {
        const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        let off = 0;
        while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
        bytes += buf.length;
      } catch (e) {
        fail(e);
      }
    },
    commit() {
      try {
        fs.fsyncSync(fd!);
        fs.closeSync(fd!);
        fd = undefined;
        fs.renameSync(tmp, path);
      } catch (e) {
        fail(e);
      }
      return bytes;
    },
    abort() {
      if (fd !== undefined) {
        try {
          fs.closeSync(fd);
        } catch {
          // Already failing; the first error is the one to report.
        }
        fd = undefined;
      }
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // Nothing more can be done.
      }
    },
  };
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (e) {
    fail(e);
  }
  return writer;
}

/** Reads the timeline file a command was given: a file that is not a timeline is the user's mistake, in one line. */
export function readTimelineArg(file: string): Timeline {
  const text = readUserFile(file);
  try {
    return readTimeline(text);
  } catch (e) {
    if (e instanceof TimelineError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}
