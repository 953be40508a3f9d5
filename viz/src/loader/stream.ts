/**
 * Reading a version-2 or -3 timeline while its bytes arrive (docs/timeline.md): the document's head — everything before
 * `"blocks"` — is handed on as soon as it is whole, and the blocks of columns a group at a time, parsed and joined
 * into typed arrays, so that the page can take in the head and rebuild the first events while the rest downloads.
 * The last group goes as soon as the end of the blocks arrives, and then the summary's list of faults (most of what
 * follows the blocks) a group of entries at a time, so that the page parses them while the rest of the tail arrives
 * and little is left to do after the last byte.
 *
 * Only the layout `run --out` writes is read this way (`{"format":"fabricsim.timeline","version":2,` — or `3` — first,
 * the blocks as one JSON object each, starting `{"n":`; version 3's blocks with their columns packed in one string); anything else — version 1, another layout, a damaged file — is left whole to the ordinary
 * parser (`pack`), which says what is wrong, so the result is the same either way. `BlockStreamParser` splits the
 * bytes; `TimelineAssembler` puts the document around the events back together on the page.
 */

import type { World } from '../../../sim/spec/index.js';
import { type EventColumns, joinColumns, parseTimelineDocument, TimelineError } from '../../../sim/trace/index.js';
import type { Events, ViewTimeline } from '../model/event-list.js';

/** How a version-2 or -3 file written by `run --out` begins: this, the version's digit, and a comma. */
const PREFIX = '{"format":"fabricsim.timeline","version":';
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
/** In the tail, the summary's list of faults (most of the tail: one entry per fault of the run). */
const FAULTS_KEY = ascii(',"faults":[');

const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DIGIT_2 = 0x32;
const DIGIT_3 = 0x33;

export interface StreamSink {
  /** The document without its events and what follows them, as JSON text of one object. */
  head(text: string): void;
  /** The next blocks of events, joined. */
  columns(cols: EventColumns<Float64Array | Int32Array>): void;
  /** The blocks have ended (the last went to `columns`); the tail follows. */
  eventsEnd(): void;
  /**
   * After the blocks, while the tail arrives: the next entries of the summary's list of faults, as JSON text of
   * whole entries separated by commas (the list's next elements, without its brackets).
   */
  faults(text: string): void;
}

export type StreamEnd =
  /**
   * Every block went to the sink; `tail`: what follows them (`eventCount`, `summary`, `traceHash`), as JSON text —
   * without the faults handed to the sink's `faults` on the way, if any: those were cut out of the summary's list of
   * faults at `faultsAt` (a position in `tail`, just after the list's `[`).
   */
  | { readonly kind: 'streamed'; readonly version: 2 | 3; readonly tail: string; readonly faultsAt?: number }
  /** Not read as it came: parse `text` as a whole (anything already given to the sink is to be dropped). */
  | { readonly kind: 'whole'; readonly text: string };

/** Splits a timeline file's bytes, given in order, into its head, groups of blocks and tail (see the module's doc). */
export class BlockStreamParser {
  private buf: Uint8Array;
  private len = 0;
  private phase: 'prefix' | 'head' | 'blocks' | 'tail' | 'whole' = 'prefix';
  /** The file's version, from its prefix. */
  private version: 2 | 3 = 2;
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
  /** Blocks: bytes up to here hold no end of the list of blocks after `cursor`. */
  private afterSearched = 0;
  /**
   * Tail: where it begins (its `"eventCount"`); where the faults not yet handed on begin (−1: list not found yet); how
   * far the list was scanned, the last comma between two entries, whether any were handed on, and the scan's state.
   */
  private tailStart = 0;
  private faultsFrom = -1;
  /** Tail: where the list of faults begins (just after its `[`). */
  private faultsList = -1;
  private faultsSearched = 0;
  private lastBetween = -1;
  private faultsSent = false;
  private fDepth = 0;
  private fInString = false;
  private fEscaped = false;
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
        const end = this.phase === 'tail' ? this.finishTail() : null;
        if (end) return end;
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
      if (this.len < PREFIX_BYTES.length + 2) {
        if (last) this.phase = 'whole';
        return;
      }
      const digit = this.buf[PREFIX_BYTES.length];
      if (!this.matches(0, PREFIX_BYTES) || (digit !== DIGIT_2 && digit !== DIGIT_3)) {
        this.phase = 'whole';
        return;
      }
      if (this.buf[PREFIX_BYTES.length + 1] !== COMMA) {
        this.phase = 'whole';
        return;
      }
      this.version = digit === DIGIT_3 ? 3 : 2;
      this.phase = 'head';
    }
    if (this.phase === 'head') this.scanHead();
    if (this.phase === 'blocks') {
      // The end of the blocks, as soon as it arrives: the last group is handed on then, not after the tail.
      if (!this.findAfter() && this.len - this.cursor >= this.groupBytes) this.parseGroup();
    }
    if (this.phase === 'tail') this.scanFaults(last);
  }

  /**
   * Looks for the `],"eventCount":` that ends the list of blocks (the first one after the blocks handed on; the count
   * is checked at the end); when found, hands on the blocks before it and moves to the tail.
   */
  private findAfter(): boolean {
    // Only the bytes received (the buffer is larger): indexOf on the whole of it would search its empty end each time.
    const buf = this.buf.subarray(0, this.len);
    let at = Math.max(this.cursor, this.afterSearched - AFTER.length);
    for (;;) {
      at = buf.indexOf(CLOSE_BRACKET, at);
      if (at < 0 || at >= this.len) break;
      if (this.matches(at, AFTER)) {
        if (at > this.cursor) this.emit(this.cursor, at);
        this.sink.eventsEnd();
        this.cursor = at;
        this.tailStart = at + 2;
        this.faultsSearched = this.tailStart;
        this.phase = 'tail';
        return true;
      }
      // Not whole yet: look here again when more bytes came.
      if (at + AFTER.length > this.len) break;
      at++;
    }
    this.afterSearched = this.len;
    return false;
  }

  /**
   * In the tail: finds the summary's list of faults, then hands on its entries received so far, a group at a time
   * (up to the last comma between two entries), so that the page parses them while the rest of the tail arrives.
   */
  private scanFaults(last: boolean): void {
    const buf = this.buf.subarray(0, this.len);
    if (this.faultsFrom < 0) {
      let at = this.faultsSearched;
      for (;;) {
        at = buf.indexOf(OPEN_BRACKET, at);
        if (at < 0 || at >= this.len) {
          this.faultsSearched = Math.max(this.tailStart, this.len - FAULTS_KEY.length);
          return;
        }
        if (this.matches(at + 1 - FAULTS_KEY.length, FAULTS_KEY)) break;
        at++;
      }
      this.faultsFrom = at + 1;
      this.faultsList = this.faultsFrom;
      this.faultsSearched = this.faultsFrom;
    }
    // Follows the list's nesting: its entries end at a comma outside them, the list at its `]`.
    const len = this.len;
    let depth = this.fDepth;
    let inString = this.fInString;
    let escaped = this.fEscaped;
    let lastBetween = this.lastBetween;
    let i = this.faultsSearched;
    for (; i < len && depth >= 0; i++) {
      const b = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
      else if (b === COMMA && depth === 0) lastBetween = i;
    }
    this.faultsSearched = i;
    this.fDepth = depth;
    this.fInString = inString;
    this.fEscaped = escaped;
    this.lastBetween = lastBetween;
    // After the last byte the entries left are parsed with the rest of the tail.
    if (last || lastBetween < this.faultsFrom || lastBetween - this.faultsFrom < this.groupBytes) return;
    this.sink.faults(this.decoder.decode(buf.subarray(this.faultsFrom, lastBetween)));
    this.faultsSent = true;
    this.faultsFrom = lastBetween + 1;
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
    const cols = joinColumns(blocks, this.version);
    this.events += cols.n;
    this.sink.columns(cols);
  }

  /**
   * After the last byte: the tail, without the faults already handed on. Null when the end is not as written by `run
   * --out` (the count does not match the blocks, or the file is cut off).
   */
  private finishTail(): StreamEnd | null {
    // The tail is left as text, parsed on the page (it can be megabytes: the summary lists every fault).
    const decode = (from: number, to: number) => this.decoder.decode(this.buf.subarray(from, to));
    let tail: string;
    let faultsAt: number | undefined;
    if (this.faultsSent) {
      const front = `{${decode(this.tailStart, this.faultsList)}`;
      tail = front + decode(this.faultsFrom, this.len);
      faultsAt = front.length;
    } else tail = `{${decode(this.tailStart, this.len)}`;
    // A count that does not match, or a cut-off end, is reported by the ordinary parser, in its words.
    const count = /^\{"eventCount":(\d+)[,}]/.exec(tail);
    if (count === null || Number(count[1]) !== this.events || !tail.trimEnd().endsWith('}')) return null;
    const version = this.version;
    return faultsAt === undefined ? { kind: 'streamed', version, tail } : { kind: 'streamed', version, tail, faultsAt };
  }
}

/**
 * Puts the document around the events of a timeline read as it came back together, on the page: its head, the
 * summary's faults handed on while the tail arrived, and the tail. The events themselves are the page's to keep
 * (`ColumnAssembler` in assemble.ts keeps them as columns and begins the analysis on them).
 */
export class TimelineAssembler {
  private head: Record<string, unknown> | null = null;
  /** The summary's faults handed on while the tail arrived: parsed, and as text (to read the tail whole if need be). */
  private readonly faults: unknown[] = [];
  private readonly faultTexts: string[] = [];
  private faultsOk = true;
  private error: unknown = null;
  /** Milliseconds spent parsing the head, the faults and the tail. */
  headMs = 0;

  takeHead(text: string): void {
    const t0 = performance.now();
    try {
      this.head = parseObject(text);
    } catch (e) {
      this.error ??= e;
    }
    this.headMs += performance.now() - t0;
  }

  /** The head's initial world, once the head is in (not yet checked: `finish` checks the whole document). */
  get initial(): World | null {
    return (this.head?.initial as World | undefined) ?? null;
  }

  /** Entries of the summary's list of faults, handed on while the tail arrives (`StreamSink.faults`). */
  takeFaults(text: string): void {
    const t0 = performance.now();
    this.faultTexts.push(text);
    if (this.faultsOk) {
      try {
        const list = JSON.parse(`[${text}]`) as unknown[];
        for (const f of list) this.faults.push(f);
      } catch {
        this.faultsOk = false;
      }
    }
    this.headMs += performance.now() - t0;
  }

  /**
   * The timeline with `events` (the page's, checked as they came), the rest checked as `readTimeline` checks a whole
   * document; throws what went wrong on the way. `faultsAt`: where the faults taken on the way were cut out of
   * `tailText` (see `StreamEnd`).
   */
  finish(tailText: string, faultsAt: number | undefined, events: Events): ViewTimeline {
    if (this.error !== null) throw this.error;
    const t0 = performance.now();
    const tail = faultsAt === undefined ? parseObject(tailText) : this.tailWithFaults(tailText, faultsAt);
    this.headMs += performance.now() - t0;
    if (this.head === null) throw new TimelineError('damaged timeline: its head never arrived');
    // The document as read whole, its blocks already decoded (so counted as none).
    const doc = { ...this.head, blocks: [], ...tail, eventCount: 0 };
    const { head } = parseTimelineDocument(doc);
    const { summary, traceHash, ...front } = head;
    return { ...front, events, summary, traceHash };
  }

  /**
   * The tail with the faults taken on the way put back in the summary's list, where they were cut out. When they
   * did not parse, or were not cut from that list after all, the tail is read whole, as the file has it.
   */
  private tailWithFaults(tailText: string, at: number): Record<string, unknown> {
    const before = tailText.slice(0, at);
    const after = tailText.slice(at);
    if (this.faultsOk) {
      const tail = parseObject(`${before}${JSON.stringify(TAKEN)},${after}`);
      const summary = tail.summary as { faults?: unknown } | null | undefined;
      const list = summary?.faults;
      if (Array.isArray(list) && list[0] === TAKEN) {
        summary!.faults = this.faults.concat(list.slice(1));
        return tail;
      }
    }
    return parseObject(`${before}${this.faultTexts.join(',')},${after}`);
  }
}

/** Stands in the tail's list of faults for those taken on the way (a string no summary's fault is). */
const TAKEN = '\u0000faults taken on the way';

/** The object a piece of the document holds; a piece that is not JSON is reported as the whole file would be. */
function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TimelineError(`not a timeline: the file is not valid JSON (${detail}); is it truncated?`);
  }
}
