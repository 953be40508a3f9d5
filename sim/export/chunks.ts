/**
 * Output in pieces: writers hand their bytes to a `ChunkSink` about a megabyte at a time, so a
 * million-event export never builds one giant string (Node writes the pieces to a file, the browser to a Blob).
 */

/** Receives the output in order. */
export type ChunkSink = (chunk: string | Uint8Array) => void;

/**
 * Encodes small strings as UTF-8 straight into a buffer and passes the bytes on about `size` bytes at a time (one
 * copy of the text, no joined strings).
 */
export class TextChunker {
  private readonly encoder = new TextEncoder();
  private buffer: Uint8Array;
  private used = 0;
  constructor(
    private readonly sink: ChunkSink,
    private readonly size = 1 << 20,
  ) {
    this.buffer = new Uint8Array(this.size);
  }
  push(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.sink(this.encoder.encode(text));
        return;
      }
    }
    this.used += this.encoder.encodeInto(text, this.buffer.subarray(this.used)).written;
  }
  flush(): void {
    if (this.used === 0) return;
    // The sink may keep the piece (a Blob part): hand it over and start a new buffer.
    this.sink(this.buffer.subarray(0, this.used));
    this.buffer = new Uint8Array(this.size);
    this.used = 0;
  }
}
