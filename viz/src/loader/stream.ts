/**
 * Reading a version-2 timeline while its bytes arrive (docs/timeline.md): the document's head — everything before
 * `"blocks"` — is handed on as soon as it is whole, and the blocks of columns a group at a time, parsed and joined
 * into typed arrays, so that the page can take in the head and rebuild the first events while the rest downloads.
 *
 * Only the layout `run --out` writes is read this way (`{"format":"fabricsim.timeline","version":2,` first, the blocks
 * as one JSON object each); anything else — version 1, another layout, a damaged file — is left whole to the ordinary
 * parser (`pack`), which says what is wrong, so the result is the same either way. `BlockStreamParser` splits the
 * bytes; `TimelineAssembler` puts the pieces back together on the page.
 */

import type { World } from '../../../sim/spec/index.js';
import {
  decodeColumns,
  type EventColumns,
  joinColumns,
  parseTimelineDocument,
  type Timeline,
  TimelineError,
  type TimelineEvent,
} from '../../../sim/trace/index.js';
import { Analyser } from '../model/analysis.js';

/** How a version-2 file written by `run --out` begins. */
const PREFIX = '{"format":"fabricsim.timeline","version":2,';
/** Parse the blocks received once this many bytes are waiting (about 80 groups for a million events). */
const GROUP_BYTES = 1 << 20;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const PREFIX_BYTES = ascii(PREFIX);
/** Before the top-level `[` of the blocks. */
const BLOCKS_KEY = ascii(',"blocks":');
/** Between two blocks, from the first one's `}`. */
const BETWEEN = ascii('},{"n":');
/** After the last block, from the `]` closing the list. */
const AFTER = ascii('],"eventCount":');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface StreamSink {
  /** The document without its events and what follows them, as JSON text of one object. */
  head(text: string): void;
  /** The next blocks of events, joined. */
  columns(cols: EventColumns<Float64Array | Int32Array>): void;
}

export type StreamEnd =
  /** Every block went to the sink; `tail`: what follows them (`eventCount`, `summary`, `traceHash`), as JSON text. */
  | { readonly kind: 'streamed'; readonly tail: string }
  /** Not read as it came: parse `text` as a whole (anything already given to the sink is to be dropped). */
  | { readonly kind: 'whole'; readonly text: string };

/** Splits a timeline file's bytes, given in order, into its head, groups of blocks and tail (see the module's doc). */
export class BlockStreamParser {
  private buf: Uint8Array;
  private len = 0;
  private phase: 'prefix' | 'head' | 'blocks' | 'whole' = 'prefix';
  /** Head: how far the bytes were scanned, and the JSON nesting there. */
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Blocks: where the next block not yet parsed begins. */
  private cursor = 0;
  /** Blocks: bytes up to here hold no boundary after `cursor`. */
  private searched = 0;
  private events = 0;
  private readonly decoder = new TextDecoder();
  /** Milliseconds spent parsing (the head's scan included). */
  parseMs = 0;

  /** `expectedBytes`: the file's size, when known; `groupBytes`: parse the blocks received once that many wait. */
  constructor(
    private readonly sink: StreamSink,
    expectedBytes?: number,
    private readonly groupBytes = GROUP_BYTES,
  ) {
    this.buf = new Uint8Array(expectedBytes !== undefined && expectedBytes > 0 ? expectedBytes : 1 << 20);
  }

  /** Bytes received so far. */
  get received(): number {
    return this.len;
  }

  /** Takes the next bytes of the file. */
  push(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + chunk.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    if (this.phase === 'whole') return;
    const t0 = performance.now();
    try {
      this.advance(false);
    } catch {
      this.phase = 'whole';
    }
    this.parseMs += performance.now() - t0;
  }

  /** The file is complete: hands on the last blocks and says how it ended. */
  end(): StreamEnd {
    const t0 = performance.now();
    try {
      if (this.phase !== 'whole') {
        this.advance(true);
        const tail = this.phase === 'blocks' ? this.finishBlocks() : null;
        if (tail) return { kind: 'streamed', tail };
      }
      this.phase = 'whole';
      return { kind: 'whole', text: this.decoder.decode(this.buf.subarray(0, this.len)) };
    } catch {
      this.phase = 'whole';
      return { kind: 'whole', text: this.decoder.decode(this.buf.subarray(0, this.len)) };
    } finally {
      this.parseMs += performance.now() - t0;
    }
  }

  private advance(last: boolean): void {
    if (this.phase === 'prefix') {
      if (this.len < PREFIX_BYTES.length) {
        if (last) this.phase = 'whole';
        return;
      }
      if (!this.matches(0, PREFIX_BYTES)) {
        this.phase = 'whole';
        return;
      }
      this.phase = 'head';
    }
    if (this.phase === 'head') this.scanHead();
    if (this.phase === 'blocks' && (last || this.len - this.cursor >= this.groupBytes)) this.parseGroup();
  }

  private matches(at: number, pattern: Uint8Array): boolean {
    if (at < 0 || at + pattern.length > this.len) return false;
    for (let i = 0; i < pattern.length; i++) if (this.buf[at + i] !== pattern[i]) return false;
    return true;
  }

  /** Follows the JSON's nesting until the top-level `"blocks":[`, then hands on the head. */
  private scanHead(): void {
    const buf = this.buf;
    const len = this.len;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let i = this.scanned;
    for (; i < len; i++) {
      const b = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE) depth++;
      else if (b === OPEN_BRACKET) {
        if (depth === 1 && this.matches(i - BLOCKS_KEY.length, BLOCKS_KEY)) {
          const headEnd = i - BLOCKS_KEY.length;
          this.phase = 'blocks';
          this.cursor = i + 1;
          this.scanned = i + 1;
          this.sink.head(`${this.decoder.decode(buf.subarray(0, headEnd))}}`);
          return;
        }
        depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        // The document closed without a list of blocks: not this layout.
        if (depth <= 0) {
          this.phase = 'whole';
          return;
        }
      }
    }
    this.scanned = i;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
  }

  /** Parses the whole blocks received (up to the last boundary between two of them) and hands them on. */
  private parseGroup(): void {
    // A plain loop: typed arrays' lastIndexOf is many times slower here.
    const buf = this.buf;
    const from = Math.max(this.cursor, this.searched - BETWEEN.length);
    let at = this.len - BETWEEN.length;
    while (at >= from && !(buf[at] === CLOSE_BRACE && this.matches(at, BETWEEN))) at--;
    // Bytes searched in vain are not searched again (the summary after the last block can be megabytes).
    this.searched = this.len;
    if (at < from) return;
    this.emit(this.cursor, at + 1);
    this.cursor = at + 2;
  }

  private emit(from: number, to: number): void {
    const blocks = JSON.parse(`[${this.decoder.decode(this.buf.subarray(from, to))}]`) as unknown[];
    const cols = joinColumns(blocks);
    this.events += cols.n;
    this.sink.columns(cols);
  }

  /** After the last byte: the last blocks, then the tail. Null when the end is not as written by `run --out`. */
  private finishBlocks(): string | null {
    const buf = this.buf;
    let close = this.cursor;
    while (close < this.len && !(buf[close] === CLOSE_BRACKET && this.matches(close, AFTER))) close++;
    if (close >= this.len) return null;
    if (close > this.cursor) this.emit(this.cursor, close);
    // The tail is left as text, parsed on the page (it can be megabytes: the summary lists every fault).
    const tail = `{${this.decoder.decode(buf.subarray(close + 2, this.len))}`;
    // A count that does not match, or a cut-off end, is reported by the ordinary parser, in its words.
    const count = /^\{"eventCount":(\d+)[,}]/.exec(tail);
    if (count === null || Number(count[1]) !== this.events || !tail.trimEnd().endsWith('}')) return null;
    return tail;
  }
}

/**
 * Puts a timeline read as it came back together, on the page: its head, then its events a group at a time, deriving
 * the viewer's marks and series from each group as it comes (`analyser`), while the rest downloads.
 */
export class TimelineAssembler {
  private head: Record<string, unknown> | null = null;
  /** The analysis so far; null when it could not be begun (the head is not a timeline's: `finish` says why). */
  analyser: Analyser | null = null;
  private readonly strings: string[] = [];
  private readonly events: TimelineEvent[] = [];
  private error: unknown = null;
  /** Milliseconds spent parsing the head and the tail, rebuilding the events, and analysing them. */
  headMs = 0;
  decodeMs = 0;
  analysisMs = 0;

  takeHead(text: string): void {
    const t0 = performance.now();
    try {
      this.head = parseObject(text);
    } catch (e) {
      this.error ??= e;
    }
    this.headMs += performance.now() - t0;
    if (this.head === null) return;
    try {
      this.analyser = new Analyser(this.head.initial as World);
    } catch {
      this.analyser = null;
    }
  }

  takeColumns(cols: EventColumns): void {
    if (this.error !== null) return;
    const t0 = performance.now();
    try {
      decodeColumns(cols, this.strings, this.events);
    } catch (e) {
      this.error = e;
    }
    const t1 = performance.now();
    this.decodeMs += t1 - t0;
    if (this.error !== null || this.analyser === null) return;
    try {
      this.analyser.add(this.events, this.events.length);
    } catch {
      this.analyser = null;
    }
    this.analysisMs += performance.now() - t1;
  }

  /** The timeline, checked as `readTimeline` checks a whole document; throws what went wrong on the way. */
  finish(tailText: string): Timeline {
    if (this.error !== null) throw this.error;
    const t0 = performance.now();
    const tail = parseObject(tailText);
    this.headMs += performance.now() - t0;
    if (this.head === null) throw new TimelineError('damaged timeline: its head never arrived');
    // The document as read whole, its blocks already decoded (so counted as none).
    const doc = { ...this.head, blocks: [], ...tail, eventCount: 0 };
    const { head } = parseTimelineDocument(doc);
    const { summary, traceHash, ...front } = head;
    return { ...front, events: this.events, summary, traceHash } as Timeline;
  }
}

/** The object a piece of the document holds; a piece that is not JSON is reported as the whole file would be. */
function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TimelineError(`not a timeline: the file is not valid JSON (${detail}); is it truncated?`);
  }
}
