/**
 * Results files (JSON Lines): a header line, then one record per finished run, in completion order. Lines are
 * written whole with one write each, so after a crash or a kill only the last line can be partial: readers discard
 * an unterminated last line (the run is done again on resume); any other damaged line is an error.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunRecord } from '../../sweep/index.js';
import { UserError } from '../../sweep/index.js';
import { headerProblem, type SweepHeader } from './header.js';

export interface ResultsContent {
  readonly header: SweepHeader;
  readonly records: RunRecord[];
  /** Bytes of whole lines: where appending resumes. */
  readonly validBytes: number;
  /** The unterminated last line that was discarded, if any. */
  readonly discarded: string | null;
}

/**
 * Parses a results file's text. Returns null when there is not even a whole header line (an empty file, or one
 * cut inside its header). Throws a UserError naming the file and line for a damaged line or a duplicated run.
 */
export function parseResults(text: string, fileName: string): ResultsContent | null {
  const lastNewline = text.lastIndexOf('\n');
  const whole = lastNewline < 0 ? '' : text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const discarded = tail.length > 0 ? tail : null;
  if (whole === '') return null;
  const lines = whole.slice(0, -1).split('\n');
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!);
  } catch {
    throw new UserError(`${fileName}:1: not a fabricsim sweep results file (the first line is not JSON)`);
  }
  const problem = headerProblem(header);
  if (problem !== null) throw new UserError(`${fileName}:1: ${problem}`);
  const records: RunRecord[] = [];
  const seen = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let rec: RunRecord;
    try {
      rec = JSON.parse(line) as RunRecord;
    } catch {
      throw new UserError(
        `${fileName}:${i + 1}: damaged line (not JSON); only the last line of a results file may be cut`,
      );
    }
    if (typeof rec !== 'object' || rec === null || !Number.isInteger(rec.run) || !Number.isInteger(rec.seed)) {
      throw new UserError(`${fileName}:${i + 1}: not a run record`);
    }
    const before = seen.get(rec.run);
    if (before !== undefined) {
      throw new UserError(`${fileName}:${i + 1}: run ${rec.run} is recorded twice (also on line ${before})`);
    }
    seen.set(rec.run, i + 1);
    records.push(rec);
  }
  return { header: header as SweepHeader, records, validBytes: Buffer.byteLength(whole), discarded };
}

/** Reads and parses a results file; null when it does not exist or holds no whole header line. */
export function readResults(path: string, fileName: string): ResultsContent | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read ${fileName}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseResults(text, fileName);
}

/** Appends whole lines to a results file, one write per line. */
export class ResultsWriter {
  private fd: number | null;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Creates (or replaces) `path` with the header line. */
  static create(path: string, header: SweepHeader): ResultsWriter {
    const w = new ResultsWriter(openSync(path, 'w'));
    w.append(JSON.stringify(header));
    return w;
  }

  /** Opens `path` for appending after its first `validBytes` bytes (dropping a partial last line). */
  static resume(path: string, validBytes: number): ResultsWriter {
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, validBytes);
    const w = new ResultsWriter(fd);
    // Position writes at the end: an fd opened r+ starts at 0, so write with explicit positions from here on.
    w.position = validBytes;
    return w;
  }

  private position = 0;

  /** Writes `line` and a newline in one write. */
  append(line: string): void {
    if (this.fd === null) throw new Error('ResultsWriter: closed');
    const buf = Buffer.from(line + '\n');
    let off = 0;
    while (off < buf.length) {
      const n = writeSync(this.fd, buf, off, buf.length - off, this.position);
      off += n;
      this.position += n;
    }
  }

  /** Flushes to disk and closes. */
  close(): void {
    if (this.fd === null) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
